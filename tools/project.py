"""The repository's root, and copies of the guide's inputs for tests and benchmarks.

A copy holds everything `mkdocs build` reads, so a test can break the copy's
scopes.yaml or pages and build it, and the repository stays as it is. bc_scopes itself
is not copied: the build imports the installed package and still reads the copy's
scopes.yaml through the MkDocs project folder.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

# The one definition of the repository's root for everything outside the package: the
# scripts, the tools and the tests (tests/support re-exports it).
REPO_ROOT = Path(__file__).resolve().parents[1]  # == bc_scopes.model.REPO_ROOT in a checkout
DOCS_INPUTS = ("mkdocs.yml", "docs", "macros", "overrides", "scopes.yaml", "scopes.schema.json")
_FENCE = re.compile(r"^(?P<indent> *)```(?P<lang>[\w-]*)\s*$")


def copy_docs_project(destination: Path, source_root: Path = REPO_ROOT) -> Path:
    """Copy the docs inputs that exist into `destination` and return it."""
    destination.mkdir(parents=True, exist_ok=True)
    for name in DOCS_INPUTS:
        source = source_root / name
        if source.is_dir():
            shutil.copytree(
                source, destination / name, ignore=shutil.ignore_patterns("__pycache__")
            )
        elif source.is_file():
            shutil.copy2(source, destination / name)
    return destination


def fenced_blocks(text: str) -> list[tuple[str, list[str]]]:
    """(language, lines) of every fenced block of a page, tabs' indented blocks included."""
    blocks: list[tuple[str, list[str]]] = []
    current: tuple[str, int, list[str]] | None = None
    for line in text.splitlines():
        fence = _FENCE.match(line)
        if current is None and fence and fence["lang"]:
            current = (fence["lang"], len(fence["indent"]), [])
        elif current is not None and fence and not fence["lang"]:
            blocks.append((current[0], current[2]))
            current = None
        elif current is not None:
            current[2].append(line[current[1]:])
    return blocks
