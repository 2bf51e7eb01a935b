"""`bc-scopes demo`, the guide's snippet of it, and the command's help."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bc_scopes import exitcodes
from tools.demo_output import SNIPPET, capture_demo_output

HEAVY_MODULES = {"requests", "urllib3", "pytest", "_pytest", "yaml", "jsonschema"}


def test_the_guide_shows_a_real_demo_run():
    fresh = capture_demo_output()
    assert SNIPPET.read_text(encoding="utf-8") == fresh, (
        "docs/snippets/demo-output.txt is stale: run .venv/bin/python scripts/update_snapshot.py "
        "(it also refreshes the demo output)"
    )


def test_the_demo_shows_every_kind_of_row_and_exits_0():
    output = capture_demo_output()
    assert "built-in demo store" in output
    lines = output.splitlines()
    assert lines[0].startswith("READY for DropStream") and lines[-1] == lines[0]
    assert "- Products: set Read-only (now Modify)." in output  # the excess row
    assert "Confirm by eye on the API account's page" in output  # the unverifiable rows
    assert "confirmed" in output
    assert "\x1b[" not in output and "127.0.0.1:" not in output


def test_the_installed_command_runs_the_demo(tmp_path):
    command = Path(sys.executable).with_name("bc-scopes")
    result = subprocess.run(
        [str(command), "demo", "--json", str(tmp_path / "demo.json")],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "demo.json").is_file()


def test_help_lists_every_exit_code_and_loads_nothing_heavy():
    probe = (
        "import sys, bc_scopes.checker.cli as c\n"
        "try:\n    c.main(['--help'])\nexcept SystemExit:\n    pass\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {sorted(HEAVY_MODULES)!r}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    for code, meaning in exitcodes.MEANINGS.items():
        assert f"{code}  {meaning}" in result.stdout
    assert result.stdout.strip().splitlines()[-1] == "[]"
