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


ContextKey = tuple[str, tuple[int, int], tuple[str, ...]]


@pytest.fixture(scope="session")
def context_pool(browser) -> Iterator[Callable[[ContextKey], Any]]:
    """One browser context per colour scheme, viewport and permission set, for the
    worker's whole session. A first page load in a new context parses and compiles the
    theme's scripts and styles again (its caches are empty): about 1.3 CPU-seconds here,
    against 0.6 for a load in a context that has seen them. Storage is cleared for every
    page handed out (see `new_page`), so only the HTTP cache is shared."""
    contexts: dict[ContextKey, Any] = {}

    def context_for(key: ContextKey) -> Any:
        if key not in contexts:
            color_scheme, (width, height), permissions = key
            contexts[key] = browser.new_context(
                viewport={"width": width, "height": height}, color_scheme=color_scheme,
                permissions=list(permissions))
        return contexts[key]

    yield context_for
    for context in contexts.values():
        context.close()


@pytest.fixture
def new_page(context_pool, site_url: str) -> Iterator[PageOpener]:
    """Open fresh pages, recording console errors and requests. Each page is new, in a
    context shared only with earlier tests' closed pages; before it is handed out, every
    kind of storage the site's origin has there (local and session storage, cookies,
    IndexedDB, caches a script made) is cleared, so no tick, colour choice or answer
    carries over (test_site_pages.py checks this). Every page is closed after the test."""
    pages = []
    origin = site_url.rstrip("/")

    def open_page(color_scheme: str = "light", viewport: dict[str, int] | None = None,
                  permissions: list[str] | None = None):
        size = viewport or VIEWPORT
        context = context_pool((color_scheme, (size["width"], size["height"]),
                                tuple(sorted(permissions or []))))
        page = context.new_page()
        pages.append(page)
        session = context.new_cdp_session(page)
        session.send("Storage.clearDataForOrigin", {"origin": origin, "storageTypes": "all"})
        session.detach()
        context.clear_cookies()
        record = PageRecorder()
        page.on("console", lambda m: m.type == "error" and record.console_errors.append(m.text))
        page.on("pageerror", lambda error: record.console_errors.append(str(error)))
        page.on("request", lambda r: record.requests.append(r.url))
        return page, record

    yield open_page
    for page in pages:
        page.close()


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
