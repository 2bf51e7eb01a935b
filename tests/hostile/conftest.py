"""Fixtures for the hostile-input tests: one hostile docs build shared by the session
(and by its xdist workers)."""

from __future__ import annotations

import functools
import json
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from support.docs import copy_docs_project, run_strict_build
from support.shared import made_once

from tools.static_server import serve_directory

from .cases import hostile_render_document


@dataclass(frozen=True)
class HostileBuild:
    """A strict build of the docs whose scopes.yaml carries every render payload."""

    project: Path
    site: Path
    result: subprocess.CompletedProcess[str]

    def pages(self) -> dict[str, str]:
        """Every built HTML page, keyed by its path under the site folder."""
        return _read_pages(self.site)

    def page_texts(self) -> dict[str, str]:
        """Every page's visible text, whitespace collapsed: what a reader sees."""
        return _page_texts(self.site)


@functools.cache
def _read_pages(site: Path) -> dict[str, str]:
    # Read and parsed once per worker: the payload tests ask for every page many times.
    return {
        str(path.relative_to(site)): path.read_text(encoding="utf-8")
        for path in sorted(site.rglob("*.html"))
    }


@functools.cache
def _page_texts(site: Path) -> dict[str, str]:
    return {
        name: " ".join(BeautifulSoup(html, "html.parser").get_text(" ").split())
        for name, html in _read_pages(site).items()
    }


@pytest.fixture(scope="session")
def hostile_build(tmp_path_factory: pytest.TempPathFactory) -> HostileBuild:
    """Build once per session (shared by the xdist workers): a copy of the docs with the
    payloads, through a real `mkdocs build --strict`."""

    def build(folder: Path) -> None:
        project = copy_docs_project(folder / "project")
        (project / "scopes.yaml").write_text(hostile_render_document(), encoding="utf-8")
        result = run_strict_build(project, project / "_site")
        (folder / "result.json").write_text(json.dumps(
            {"returncode": result.returncode, "stdout": result.stdout, "stderr": result.stderr}
        ), encoding="utf-8")

    folder = made_once(tmp_path_factory, "hostile-docs", build)
    saved = json.loads((folder / "result.json").read_text(encoding="utf-8"))
    project = folder / "project"
    result = subprocess.CompletedProcess(["mkdocs", "build", "--strict"], **saved)
    return HostileBuild(project=project, site=project / "_site", result=result)


@pytest.fixture(scope="session")
def built_hostile_site(hostile_build: HostileBuild) -> HostileBuild:
    """The hostile build, failing the test with mkdocs' own output if it did not pass."""
    if hostile_build.result.returncode != 0:
        pytest.fail(
            "strict build of the hostile (but valid) scopes.yaml failed, rc "
            f"{hostile_build.result.returncode}:\n{hostile_build.result.stderr[-4000:]}"
        )
    return hostile_build


@pytest.fixture(scope="session")
def hostile_site_url(built_hostile_site: HostileBuild) -> Iterator[str]:
    """The hostile build served over real HTTP on a random loopback port."""
    with serve_directory(built_hostile_site.site) as base_url:
        yield base_url


