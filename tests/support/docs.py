"""The repository's paths, copies of the docs project, and real strict builds of them.

Tests that change the guide's inputs never touch the repository's files: they
copy the docs inputs to a temporary folder, so the copy's `scopes.yaml` is the
only one the build can read. That also proves the macros find `scopes.yaml`
through the MkDocs project folder rather than the repository.
"""

from __future__ import annotations

import copy
import functools
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from bc_scopes.model import SAFE_LOADER
from tools import project

REPO_ROOT = project.REPO_ROOT  # one definition, in tools/project.py
DOCS_DIR = REPO_ROOT / "docs"
SCOPES_FILE = REPO_ROOT / "scopes.yaml"
# Everything `mkdocs build` reads. bc_scopes is deliberately NOT copied: the
# build must use the installed package and still read the copy's scopes.yaml.
DOCS_INPUTS = project.DOCS_INPUTS
CHROMIUM = Path("/usr/bin/chromium")
BUILD_TIMEOUT_S = 180


# libyaml's C emitter where present (its parser: bc_scopes.model.SAFE_LOADER): the hostile
# tests dump and parse scopes.yaml hundreds of times, and the pure-Python ones were a
# tenth of the suite's CPU.
_BaseSafeDumper: type = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _NoAliasDumper(_BaseSafeDumper):  # type: ignore[misc]
    """Never write anchors: the model refuses them, so no test file may hold one by accident."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


@functools.cache
def _parsed_real_document(text: str) -> dict[str, Any]:
    document = yaml.load(text, Loader=SAFE_LOADER)  # noqa: S506 - a safe loader
    assert isinstance(document, dict), "scopes.yaml is not a mapping"
    return document


def real_document() -> dict[str, Any]:
    """A fresh, mutable parse of the repository's scopes.yaml (the attacks start from real data).

    Parsed once per text; each caller gets its own deep copy to change."""
    return copy.deepcopy(_parsed_real_document(SCOPES_FILE.read_text(encoding="utf-8")))


def dump_document(document: dict[str, Any]) -> str:
    return yaml.dump(
        document, Dumper=_NoAliasDumper, sort_keys=False, allow_unicode=True, width=10_000
    )


def row_index(document: dict[str, Any], row_id: str, section: str = "scopes") -> int:
    for index, entry in enumerate(document[section]):
        if entry["id"] == row_id:
            return index
    raise KeyError(row_id)


def mutated(mutate: Callable[[dict[str, Any]], None]) -> str:
    """scopes.yaml text after `mutate` edits a deep copy of the real document."""
    document = real_document()
    mutate(document)
    return dump_document(document)


def copy_docs_project(destination: Path) -> Path:
    """Copy the docs inputs into `destination`; a test fails if the repository lacks them."""
    missing = [name for name in ("mkdocs.yml", "docs", "macros") if not (REPO_ROOT / name).exists()]
    if missing:
        pytest.fail(f"docs inputs missing from the repository: {', '.join(missing)}")
    return project.copy_docs_project(destination, REPO_ROOT)


def build_environment() -> dict[str, str]:
    """Environment for a build in a copy: bc_scopes importable even without the editable install."""
    env = dict(os.environ)
    env["NO_MKDOCS_2_WARNING"] = "1"
    env["PYTHONPATH"] = os.pathsep.join(
        part for part in (str(REPO_ROOT), env.get("PYTHONPATH", "")) if part
    )
    env.pop("GITHUB_STEP_SUMMARY", None)
    return env


def run_strict_build(project: Path, site_dir: Path) -> subprocess.CompletedProcess[str]:
    """A real `mkdocs build --strict` of a copied project (never -q/-v: they hide warnings)."""
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site_dir)],
        cwd=project,
        env=build_environment(),
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT_S,
        check=False,
    )


class _AnyTagLoader(yaml.SafeLoader):
    """Reads mkdocs.yml, whose !ENV or !!python/name tags need not be resolved in tests."""


_AnyTagLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def mkdocs_config() -> dict[str, Any]:
    """The repository's mkdocs.yml as data (tags such as !ENV read as None)."""
    loaded: dict[str, Any] = yaml.load(
        (REPO_ROOT / "mkdocs.yml").read_text(encoding="utf-8"), _AnyTagLoader
    )
    return loaded
