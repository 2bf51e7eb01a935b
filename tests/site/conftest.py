"""Helpers for reading the built guide: pages by URL path, parsed once."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

PageReader = Callable[[str], BeautifulSoup]


def page_file(site_dir: Path, url_path: str) -> Path:
    """The HTML file behind a site URL path such as '/scopes/' or '/'."""
    relative = url_path.strip("/")
    return site_dir / relative / "index.html" if relative else site_dir / "index.html"


@pytest.fixture(scope="session")
def read_page(built_site: Path) -> PageReader:
    """Parse a built page by its URL path (cached: the site does not change in a session)."""

    @cache
    def read(url_path: str) -> BeautifulSoup:
        path = page_file(built_site, url_path)
        assert path.is_file(), f"the built site has no page at {url_path}"
        return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")

    return read


@pytest.fixture(scope="session")
def page_paths(built_site: Path) -> list[str]:
    """URL paths of every content page the build wrote.

    Not the 404 page, and not the stand-in pages mkdocs-redirects writes for moved pages.
    """
    paths = []
    for html_file in sorted(built_site.rglob("index.html")):
        if 'http-equiv="refresh"' in html_file.read_text(encoding="utf-8")[:2000]:
            continue
        relative = html_file.parent.relative_to(built_site).as_posix()
        paths.append("/" if relative == "." else f"/{relative}/")
    return paths
