"""A real browser over the built guide: one loopback server and one Chromium per session.

Debian's chromium is driven through Playwright's `executable_path`; Playwright's own
browser download is never used. Without /usr/bin/chromium the browser tests skip;
CI installs it, so there they always run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from support.docs import DOCS_DIR, mkdocs_config

from bc_scopes.model import load_scope_table
from tools.static_server import serve_directory

VIEWPORT = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
NOT_FOUND_PAGE = "404.html"
# The 404 page is the one page MkDocs links absolutely, under site_url's path
# (/bc-api-credentials/...); the loopback server serves the site at its root.
PUBLISHED_PREFIX = urlsplit(load_scope_table().guide.site_url).path.lstrip("/")


def _site_paths() -> list[str]:
    """Every page the build writes, as a path relative to site_url: one per Markdown
    file under docs/ (less `exclude_docs`), plus Material's 404 page.

    tests/browser/test_site_pages.py checks this list against a real build, so a new
    page, in any folder, is never left out of the browser tests."""
    config = mkdocs_config()
    excluded = [line.strip().strip("/") for line in (config.get("exclude_docs") or "").splitlines()
                if line.strip() and not line.strip().startswith("#")]
    paths = []
    for md in DOCS_DIR.rglob("*.md"):
        relative = md.relative_to(DOCS_DIR)
        if any(relative.parts[0] == name or relative.as_posix() == name for name in excluded):
            continue
        parts = relative.with_suffix("").parts
        if parts[-1] in ("index", "README"):
            parts = parts[:-1]
        paths.append("".join(part + "/" for part in parts))
    return sorted(paths) + [NOT_FOUND_PAGE]


SITE_PATHS = _site_paths()


def page_id(path: str) -> str:
    return path.rstrip("/") or "index"


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """A test that takes `site_path` runs once per built page (see `_site_paths`)."""
    if "site_path" in metafunc.fixturenames:
        metafunc.parametrize("site_path", SITE_PATHS, ids=page_id)


@pytest.fixture(scope="session")
def site_url(built_site: Path) -> Iterator[str]:
    """Base URL of the built site, served on 127.0.0.1 on a free port."""
    with serve_directory(built_site) as base_url:
        yield base_url


@dataclass
class PageRecorder:
    """What a page did that a test may want to check afterwards."""

    console_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)


PageOpener = Callable[..., tuple[Any, PageRecorder]]


@pytest.fixture
def new_page(browser) -> Iterator[PageOpener]:
    """Open fresh pages, each in its own context (no shared storage or colour choice),
    recording console errors and requests. Every context is closed after the test."""
    contexts = []

    def open_page(color_scheme: str = "light", viewport: dict[str, int] | None = None,
                  permissions: list[str] | None = None):
        context = browser.new_context(viewport=viewport or VIEWPORT, color_scheme=color_scheme,
                                      permissions=permissions or [])
        contexts.append(context)
        page = context.new_page()
        record = PageRecorder()
        page.on("console", lambda m: m.type == "error" and record.console_errors.append(m.text))
        page.on("pageerror", lambda error: record.console_errors.append(str(error)))
        page.on("request", lambda r: record.requests.append(r.url))
        return page, record

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture(scope="module")
def reused_page(browser) -> Iterator[PageOpener]:
    """One page per colour scheme and viewport for a whole module, its record cleared on
    each call: for tests that only read pages. Navigating a live page costs half the
    CPU of a new context per page, which on two cores is most of the browser tests."""
    opened: dict[tuple[str, tuple[int, int]], tuple[Any, PageRecorder]] = {}

    def open_page(color_scheme: str = "light", viewport: dict[str, int] | None = None):
        size = viewport or VIEWPORT
        key = (color_scheme, (size["width"], size["height"]))
        if key not in opened:
            context = browser.new_context(viewport=size, color_scheme=color_scheme)
            page = context.new_page()
            record = PageRecorder()
            page.on("console",
                    lambda m: m.type == "error" and record.console_errors.append(m.text))
            page.on("pageerror", lambda error: record.console_errors.append(str(error)))
            page.on("request", lambda r: record.requests.append(r.url))
            opened[key] = (page, record)
        page, record = opened[key]
        record.console_errors.clear()
        record.requests.clear()
        return page, record

    yield open_page
    for page, _ in opened.values():
        page.context.close()


@pytest.fixture
def page(new_page: PageOpener) -> Any:
    """A light-scheme page at the default viewport."""
    return new_page()[0]


@pytest.fixture
def open_site_page(site_url: str) -> Callable[[Any, str], None]:
    """Open one of SITE_PATHS in `page` and wait for its load event.

    For the 404 page, the absolute /bc-api-credentials/... addresses it loads are
    answered from the site's root, as they would be on the published site."""

    def goto(page: Any, path: str) -> None:
        if path == NOT_FOUND_PAGE and PUBLISHED_PREFIX:
            prefix = site_url + PUBLISHED_PREFIX
            page.route(prefix + "**", lambda route: route.continue_(
                url=site_url + route.request.url[len(prefix):]))
        page.goto(site_url + path)
        page.wait_for_load_state("load")

    return goto
