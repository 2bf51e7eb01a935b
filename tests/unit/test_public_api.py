"""The public API: one import, names loaded on first use, and a --help that stays light."""

from __future__ import annotations

import importlib
import json
import re
import subprocess
import sys

import pytest
from support.docs import REPO_ROOT
from support.store import EXACT_TOKEN, STORE_HASH

import bc_scopes
from bc_scopes.fakestore.server import FakeStore

# Run last by a fresh interpreter: which of the heavy modules it has loaded, as JSON.
HEAVY = ("requests", "urllib3", "jsonschema", "yaml")
REPORT_HEAVY = f"import json; print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))"


def _heavy_after(body: str) -> list[str]:
    """The heavy modules a fresh interpreter has loaded after running `body`."""
    result = subprocess.run(
        [sys.executable, "-c", f"import sys\n{body}\n{REPORT_HEAVY}"],
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert result.returncode == 0, result.stderr
    loaded: list[str] = json.loads(result.stdout.strip().splitlines()[-1])
    return loaded


@pytest.mark.parametrize("name", sorted(set(bc_scopes.__all__) - {"__version__"}))
def test_each_public_name_is_the_object_its_module_defines(name: str) -> None:
    """The lazy map points at the real definition (a moved module fails here, by name)."""
    module = importlib.import_module(bc_scopes._PUBLIC[name])
    assert getattr(bc_scopes, name) is getattr(module, name)


def test_all_lists_exactly_the_lazily_loaded_names() -> None:
    assert set(bc_scopes.__all__) == {*bc_scopes._PUBLIC, "__version__"}
    assert len(bc_scopes.__all__) == len(set(bc_scopes.__all__))


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no_such_name"):
        bc_scopes.no_such_name  # noqa: B018 - the lookup is the test


def test_importing_the_package_and_asking_for_help_loads_no_http_library() -> None:
    help_run = (
        "import bc_scopes\n"
        "from bc_scopes.checker import cli\n"
        "try:\n    cli.main(['--help'])\nexcept SystemExit:\n    pass"
    )
    assert _heavy_after(help_run) == []


def test_using_a_public_name_loads_its_module_then() -> None:
    """The control for the test above: the probe does see requests once `check` is used."""
    assert "requests" in _heavy_after("from bc_scopes import check")


def readme_example() -> str:
    text = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    [block] = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    return block


def test_the_readme_library_example_is_one_import_of_public_names() -> None:
    imports = [line for line in readme_example().splitlines()
               if line.startswith(("from ", "import "))]
    assert len(imports) == 1 and imports[0].startswith("from bc_scopes import "), imports
    names = {name.strip() for name in imports[0].removeprefix("from bc_scopes import ").split(",")}
    assert names <= set(bc_scopes.__all__)


def test_the_readme_library_example_checks_a_store(
    store: FakeStore, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The example, run as written, against the fake store with a token made as the guide says."""
    for name, value in {"BIGCOMMERCE_STORE_HASH": STORE_HASH, "BIGCOMMERCE_API_URL": store.url,
                        "BIGCOMMERCE_ACCESS_TOKEN": EXACT_TOKEN}.items():
        monkeypatch.setenv(name, value)
    exec(compile(readme_example(), "README.md", "exec"), {})
    exit_code = capsys.readouterr().out.split()[0]
    assert exit_code == "0"
    assert store.requests, "the example sent no request"
