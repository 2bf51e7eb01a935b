"""ARCHITECTURE.md stays true: every file and folder it names exists."""

from __future__ import annotations

import re

from support.docs import REPO_ROOT

NAMED_PATH = re.compile(
    r"`?((?:bc_scopes|macros|tests|docs|tools|scripts|\.github)/[A-Za-z0-9_./*-]*)`?"
)


def named_paths() -> set[str]:
    text = (REPO_ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    return {match.rstrip(".,") for match in NAMED_PATH.findall(text)}


def test_every_module_and_folder_it_names_exists() -> None:
    paths = named_paths()
    assert len(paths) > 20, "the architecture page names the modules"
    missing = sorted(
        path for path in paths
        if "*" not in path and not (REPO_ROOT / path).exists()
    )
    assert missing == []


def test_every_checker_module_is_named() -> None:
    paths = named_paths()
    modules = {
        path.relative_to(REPO_ROOT).as_posix()
        for path in (REPO_ROOT / "bc_scopes" / "checker").glob("*.py")
        if path.name != "__init__.py"
    }
    assert modules - paths == set()


def test_every_repository_tool_is_named() -> None:
    """tools/ is the new home of the repository-only code: each module has its row."""
    paths = named_paths()
    modules = {
        path.relative_to(REPO_ROOT).as_posix()
        for path in (REPO_ROOT / "tools").glob("*.py")
        if path.name != "__init__.py"
    }
    assert len(modules) > 5
    assert modules - paths == set()
    assert "tools/upstream/" in paths
