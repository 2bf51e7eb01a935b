"""The built wheel, installed into a new venv, works outside any clone.

The commands run here are the ones on the guide's "Verify your credentials" page,
read from docs/verify.md: its one-line install (pipx or uvx from the repository,
which build this same wheel) and every `bc-scopes` command it shows, with the
environment variables it sets. They run from a folder outside the repository,
with no PYTHONPATH, against fake stores on 127.0.0.1. The same venv was made by the
GitHub Action's install step, whose check step then runs its self-test (the demo).
"""

from __future__ import annotations

import json
import re
import shlex
import tarfile
import tomllib
import zipfile
from collections.abc import Iterator
from email.parser import Parser
from pathlib import Path

import pytest
from support.docs import DOCS_DIR, REPO_ROOT
from support.store import EXACT_TOKEN, assert_store_unchanged, required_scopes, with_level

from bc_scopes.checker.check import check
from bc_scopes.checker.inputs import CheckInputs
from bc_scopes.checker.secrets import Secret
from bc_scopes.fakestore.server import FakeStore
from bc_scopes.model import ScopeTable
from tools.project import fenced_blocks

from .conftest import (
    Built,
    Installed,
    clean_env,
    github_outputs,
    run,
    run_action_step,
)

VERIFY_PAGE = DOCS_DIR / "verify.md"
SHELLS = {"sh", "powershell"}
RUNTIME_DEPENDENCIES = {"pyyaml", "jsonschema", "requests", "junitparser", "rich"}
SECOND_TOKEN = "secondtoken00000000000000000007"


# The page's commands use the example hash abc123 and tell the reader to put their own in
# its place; the checker refuses abc123 itself (storehash.PLACEHOLDER_HASHES). The test
# does what the page says, with this store's hash.
PAGE_EXAMPLE_HASH = "k7x2m9"  # the page's sample stores.csv
PAGE_PLACEHOLDER = "<your-store-hash>"
READER_HASH = "k3m8p2x9"


def page_commands() -> list[str]:
    """Every command line of the page's shell blocks, comments dropped, with the reader's
    store hash in place of the page's example."""
    text = VERIFY_PAGE.read_text(encoding="utf-8").replace(PAGE_EXAMPLE_HASH, READER_HASH)
    return [line.split(" # ")[0].strip() for lang, lines in fenced_blocks(text) if lang in SHELLS
            for line in lines if line.strip() and not line.strip().startswith("#")]


def repository_url() -> str:
    pyproject = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    url: str = pyproject["project"]["urls"]["Source"]
    return url


@pytest.fixture
def stores(table: ScopeTable) -> Iterator[FakeStore]:
    with FakeStore(store_hash="multistore0") as server:  # one API URL, several stores
        exact = required_scopes(table)
        server.grant(EXACT_TOKEN, store_hash=READER_HASH, scopes=exact)
        server.grant(
            SECOND_TOKEN, store_hash="def456", scopes=with_level(table, exact, "orders", "none")
        )
        yield server
        assert_store_unchanged(server)


# --- what the build produced -------------------------------------------------------------


def test_wheel_and_sdist_carry_the_table_equal_to_the_top_level_sources(built: Built) -> None:
    with zipfile.ZipFile(built.wheel) as wheel:
        names = set(wheel.namelist())
        for name in ("scopes.yaml", "scopes.schema.json"):
            assert wheel.read(f"bc_scopes/data/{name}") == (REPO_ROOT / name).read_bytes()
    # Repository tools (tools/: upstream watch, calibration, snapshot, probe audit) are
    # never shipped, neither as a top-level package nor under bc_scopes.
    assert not any(name.startswith(("tools/", "bc_scopes/devtools/")) for name in names)
    assert not any(name.endswith("/probe_audit.py") for name in names)
    assert "bc_scopes/fakestore/routes.json" in names
    with tarfile.open(built.sdist) as sdist:
        members = {member.name.split("/", 1)[1] for member in sdist.getmembers() if "/" in
                   member.name}
    assert {"scopes.yaml", "scopes.schema.json", "setup.py", "requirements.lock"} <= members
    assert not any(name.startswith(("tools/", "scripts/", "tests/", "docs/")) for name in members)
    print(f"wheel {built.wheel.name}: {built.wheel.stat().st_size:,} bytes")
    _assert_only_runtime_dependencies(built)


def _assert_only_runtime_dependencies(built: Built) -> None:
    with zipfile.ZipFile(built.wheel) as wheel:
        [metadata] = [name for name in wheel.namelist() if name.endswith(".dist-info/METADATA")]
        message = Parser().parsestr(wheel.read(metadata).decode("utf-8"))
    required = [value for value in message.get_all("Requires-Dist") or []
                if "extra ==" not in value]
    names = {re.split(r"[<>=!~; \[]", value, maxsplit=1)[0].lower() for value in required}
    assert names == RUNTIME_DEPENDENCIES
    assert message["Requires-Python"] == ">=3.11"
    closure = [line for line in built.runtime_lock.read_text().splitlines()
               if line and not line.startswith(" ")]
    print(f"runtime dependencies: {len(names)} direct, {len(closure) - 1} with transitive ones")


# --- the installed command, outside the repository ----------------------------------------


def _assert_packaged_table_not_the_repository(installed: Installed) -> None:
    code = ("import bc_scopes.model as m, importlib.util as u; print(m.default_scopes_file()); "
            "print(u.find_spec('tools'))")
    result = run([installed.python, "-c", code], cwd=installed.outside)
    assert result.returncode == 0, result.stderr
    table_path, tools_spec = result.stdout.strip().splitlines()
    assert Path(table_path).is_relative_to(installed.venv), table_path
    assert Path(table_path).read_bytes() == (REPO_ROOT / "scopes.yaml").read_bytes()
    assert tools_spec == "None", "the repository's tools package is importable from the wheel"


def test_the_page_leads_with_a_one_line_install_of_this_repository() -> None:
    commands = page_commands()
    url = "git+" + repository_url()
    installs = [command for command in commands if command.startswith(("pipx", "uvx", "pip"))]
    assert installs[0] == f"pipx install {url}"
    assert [command.split(" bc-scopes ")[0] for command in installs[1:]] == [f"uvx --from {url}"]


def _as_installed(command: str) -> list[str] | None:
    """The page's command as this test runs it: `uvx --from URL bc-scopes ...` is the same
    command in the venv; the pipx line is the install the fixture did."""
    words = shlex.split(command)
    if words[:2] == ["pipx", "install"]:
        return None
    if words[:1] == ["uvx"]:
        words = words[words.index("bc-scopes"):]
    return words


def test_every_command_on_the_page_works_from_the_installed_wheel(
    installed: Installed, stores: FakeStore, table: ScopeTable,
) -> None:
    """One test, so that one xdist worker builds the venv (a session fixture is per worker)."""
    _assert_packaged_table_not_the_repository(installed)
    _assert_the_action_s_check_step_runs_the_demo(installed)
    env = clean_env(BIGCOMMERCE_API_URL=stores.url, NO_COLOR="1")
    ran: dict[str, int] = {}
    csv_text = next("\n".join(lines) + "\n" for lang, lines in
                    fenced_blocks(VERIFY_PAGE.read_text(encoding="utf-8")) if lang == "csv"
                    ).replace(PAGE_EXAMPLE_HASH, READER_HASH)
    (installed.outside / "stores.csv").write_text(csv_text, encoding="utf-8")
    for command in page_commands():
        assignment = re.match(r"^(?:export\s+|\$env:)(\w+)\s*=\s*(.*)$", command)
        if assignment:
            name, value = assignment.groups()
            env[name] = value.strip("\"'").replace(PAGE_PLACEHOLDER, READER_HASH)
            continue
        words = _as_installed(command)
        if words is None:
            continue
        # What a reader does: their own hash for the placeholder, and the .txt file their
        # browser saved where the page says it is.
        words = [word.replace(PAGE_PLACEHOLDER, READER_HASH) for word in words]
        if "--credentials-file" in words:
            at = words.index("--credentials-file") + 1
            downloaded = installed.outside / "api-account.txt"
            downloaded.write_text(
                f"ACCESS TOKEN: {EXACT_TOKEN}\nCLIENT NAME: DropStream\n"
                f"API PATH: https://api.bigcommerce.com/stores/{READER_HASH}/v3/\n",
                encoding="utf-8")
            words[at] = str(downloaded)
        assert words[0] == "bc-scopes", command
        # What the user pastes at the prompt, or what their token files hold.
        run_env = {**env, "BIGCOMMERCE_ACCESS_TOKEN": EXACT_TOKEN, "ACME_TOKEN": EXACT_TOKEN,
                   "BIRCH_TOKEN": SECOND_TOKEN}
        extra = ["--json", "check.json"] if words[1] == "check" else []
        result = run([installed.bc_scopes, *words[1:], *extra], cwd=installed.outside,
                     env=run_env)
        ran[words[1]] = result.returncode
        if words[1] == "demo":
            assert result.returncode == 0, result.stdout + result.stderr
            assert "scope table " + table.version in result.stdout
        elif words[1] == "check":
            assert result.returncode == 0, result.stdout + result.stderr
            _assert_same_verdicts_as_in_process(installed.outside / "check.json", stores, table)
        elif words[1] == "check-many":
            assert result.returncode == 1, result.stdout + result.stderr  # Birch lacks Orders
            lines = [line for line in result.stdout.splitlines() if line.startswith("[")]
            assert len(lines) == 2
            assert any(line.endswith(f"Acme Outdoor ({READER_HASH}): ready") for line in lines)
            assert any("Birch & Co (def456): not ready" in line and "Orders" in line
                       for line in lines)
            report = json.loads((installed.outside / "stores-report.json").read_text())
            by_line = sorted(report["stores"], key=lambda store: store["line"])
            assert [store["exit_code"] for store in by_line] == [0, 1]
        for secret in (EXACT_TOKEN, SECOND_TOKEN):
            assert secret not in result.stdout + result.stderr
    assert set(ran) == {"demo", "check", "check-many"}, ran


def _assert_same_verdicts_as_in_process(
    report_path: Path, stores: FakeStore, table: ScopeTable,
) -> None:
    report = json.loads(report_path.read_text())
    installed_verdicts = {entry["id"]: entry["verdict"] for entry in report["scopes"]}
    assert report["store_hash"] == READER_HASH and report["table_version"] == table.version
    here = check(table, CheckInputs(READER_HASH, stores.url, Secret(EXACT_TOKEN)))
    assert installed_verdicts == {result.row.id: result.verdict.value for result in here.rows}
    assert set(installed_verdicts.values()) <= {"ok", "unverifiable"}


def _assert_the_action_s_check_step_runs_the_demo(installed: Installed) -> None:
    """The action's self-test, as its workflow runs it on GitHub: `fake-store: "true"`."""
    work = installed.outside / "action"
    work.mkdir()
    result = run_action_step("check", work, {
        **installed.github_env, "VENV_PYTHON": str(installed.python), "BC_FAKE_STORE": "true",
        "BC_STRICT": "false", "BC_STORES_FILE": "", "BC_API_URL": "", "BC_REPORT_DIR": "reports",
        "BIGCOMMERCE_STORE_HASH": "", "BIGCOMMERCE_ACCESS_TOKEN": "",
    })
    assert result.returncode == 0, result.stdout + result.stderr
    outputs = github_outputs(Path(installed.github_env["GITHUB_OUTPUT"]))
    assert outputs["exit-code"] == "0"
    assert json.loads((work / outputs["json-path"]).read_text())["exit_code"] == 0
    summary = Path(installed.github_env["GITHUB_STEP_SUMMARY"]).read_text()
    assert "BigCommerce scope check" in summary
