"""The pre-commit configuration: it parses, names the three hooks, and each hook works.

pre-commit itself is not installed here; each hook's `entry` is run the way pre-commit
would run it (from the repository root, with the matching files appended when
`pass_filenames` is true), so a hook that points at a missing tool fails this test.
"""

from __future__ import annotations

import re
import shlex
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from support.docs import REPO_ROOT

from .scope_edits import set_required_level

CONFIG = REPO_ROOT / ".pre-commit-config.yaml"
# Each hook with a file that should trigger it.
EXPECTED_HOOKS = {"scopes-schema": "scopes.yaml", "ruff": "tools/snapshot.py",
                  "scopes-snapshot": "scopes.yaml"}


def _hooks() -> dict[str, dict[str, Any]]:
    config = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
    return {hook["id"]: hook for repo in config["repos"] for hook in repo["hooks"]}


def _run_hook(hook: dict[str, Any], files: list[str]) -> subprocess.CompletedProcess[str]:
    args = shlex.split(hook["entry"])
    if hook.get("pass_filenames", True):
        args += files
    return subprocess.run(args, cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)


def test_config_names_the_schema_ruff_and_snapshot_hooks() -> None:
    hooks = _hooks()
    assert set(hooks) >= set(EXPECTED_HOOKS)
    assert all(hooks[name]["language"] == "system" for name in EXPECTED_HOOKS)
    assert "scopes.schema.json" in hooks["scopes-schema"]["entry"]
    assert "ruff check" in hooks["ruff"]["entry"]
    assert "scripts/update_snapshot.py --check" in hooks["scopes-snapshot"]["entry"]


@pytest.mark.parametrize("hook_id", sorted(EXPECTED_HOOKS))
def test_hook_passes_on_the_repository(hook_id: str) -> None:
    hook = _hooks()[hook_id]
    pattern = re.compile(hook.get("files", ""))
    files = [EXPECTED_HOOKS[hook_id]]
    assert all(pattern.search(name) for name in files)
    result = _run_hook(hook, files)
    assert result.returncode == 0, result.stdout + result.stderr


def test_schema_hook_rejects_an_unknown_level(tmp_path: Path) -> None:
    bad = tmp_path / "scopes.yaml"
    text = (REPO_ROOT / "scopes.yaml").read_text(encoding="utf-8")
    first_row = re.search(r"- id: ([a-z0-9-]+)", text)
    assert first_row
    bad.write_text(set_required_level(text, first_row[1], "sometimes"), encoding="utf-8")
    result = _run_hook(_hooks()["scopes-schema"], [str(bad)])
    assert result.returncode == 1
    assert "sometimes" in result.stdout + result.stderr
