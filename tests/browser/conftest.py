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
    sent: list[str] = field(default_factory=list)  # requests that could carry data: not GET

    def clear(self) -> None:
        self.console_errors.clear()
        self.requests.clear()
        self.sent.clear()


PageOpener = Callable[..., tuple[Any, PageRecorder]]


ContextKey = tuple[str, tuple[int, int], tuple[str, ...]]


def _recorded(page: Any) -> PageRecorder:
    """A recorder fed by `page` for as long as the page lives; cleared for each handout."""
    record = PageRecorder()
    page.on("console", lambda m: m.type == "error" and record.console_errors.append(m.text))
    page.on("pageerror", lambda error: record.console_errors.append(str(error)))
    page.on("request", lambda r: record.requests.append(r.url))
    page.on("request", lambda r: r.method != "GET" and record.sent.append(r.url))
    return record


def context_key(color_scheme: str, viewport: dict[str, int],
                permissions: list[str] | None) -> ContextKey:
    return (color_scheme, (viewport["width"], viewport["height"]), tuple(sorted(permissions or [])))


def _reset(page: Any, viewport: dict[str, int]) -> bool:
    """Put a used page back as a new one is: no document, no routes, screen media, its
    context's viewport. False when it cannot be (a crashed or closed page)."""
    try:
        page.unroute_all(behavior="ignoreErrors")
        page.goto("about:blank")
        page.emulate_media(media="null")
        page.set_viewport_size(viewport)
    except Exception:  # noqa: BLE001 - whatever went wrong, this page is not handed out again
        return False
    return True


class PagePool:
    """Pages for `new_page`: one browser context per colour scheme, viewport and permission
    set for the worker's whole session, and in each a page handed from test to test.

    Both are for the CPU. A first page load in a new context parses and compiles the
    theme's scripts and styles again (its caches are empty): about 1.3 CPU-seconds here,
    against 0.6 in a context that has seen them. Creating and closing a page cost about
    0.5 CPU-seconds more each time: the browser tests, serial, took about 100 CPU-seconds
    with a new page per test and 83 with pages handed on.

    A page given back is reset (`give_back`: about:blank, no routes, screen media, its
    context's viewport); a page taken has every kind of storage the site's origin has
    cleared first (local and session storage, cookies, IndexedDB, caches a script made),
    so no tick, colour choice or answer carries over (test_site_pages.py checks both).
    A test that asks for a second page of the same kind gets a new one."""

    def __init__(self, browser: Any, origin: str) -> None:
        self.browser = browser
        self.origin = origin
        self.contexts: dict[ContextKey, Any] = {}
        self.spares: dict[ContextKey, tuple[Any, PageRecorder]] = {}

    def context(self, key: ContextKey) -> Any:
        if key not in self.contexts:
            color_scheme, (width, height), permissions = key
            self.contexts[key] = self.browser.new_context(
                viewport={"width": width, "height": height}, color_scheme=color_scheme,
                permissions=list(permissions))
        return self.contexts[key]

    def take(self, key: ContextKey) -> tuple[Any, PageRecorder]:
        context = self.context(key)
        if key in self.spares:
            page, record = self.spares.pop(key)
            record.clear()
        else:
            page = context.new_page()
            record = _recorded(page)
        session = context.new_cdp_session(page)
        session.send("Storage.clearDataForOrigin", {"origin": self.origin, "storageTypes": "all"})
        session.detach()
        context.clear_cookies()
        return page, record

    def give_back(self, key: ContextKey, page: Any, record: PageRecorder) -> None:
        """Keep `page` as the spare of its context, reset; close it if one is kept already
        or it cannot be reset (a crashed page)."""
        width, height = key[1]
        if key in self.spares or not _reset(page, {"width": width, "height": height}):
            page.close()
            return
        self.spares[key] = (page, record)

    def close(self) -> None:
        for context in self.contexts.values():
            context.close()


@pytest.fixture(scope="session")
def page_pool(browser, site_url: str) -> Iterator[PagePool]:
    pool = PagePool(browser, site_url.rstrip("/"))
    yield pool
    pool.close()


@pytest.fixture
def new_page(page_pool: PagePool) -> Iterator[PageOpener]:
    """Open pages as new (see PagePool), recording console errors and requests. Listeners
    a test adds with `page.on` stay on the page: such a test removes its own."""
    handed: list[tuple[ContextKey, Any, PageRecorder]] = []

    def open_page(color_scheme: str = "light", viewport: dict[str, int] | None = None,
                  permissions: list[str] | None = None):
        key = context_key(color_scheme, viewport or VIEWPORT, permissions)
        page, record = page_pool.take(key)
        handed.append((key, page, record))
        return page, record

    yield open_page
    for key, page, record in handed:
        page_pool.give_back(key, page, record)


@pytest.fixture(scope="module")
def reused_page(page_pool: PagePool) -> Iterator[PageOpener]:
    """One page per colour scheme and viewport for a whole module, its record cleared on
    each call: for tests that only read pages. Navigating a live page costs half the
    CPU of a new page per test, which on two cores is most of the browser tests. The
    page comes from the same pool as `new_page`'s, storage cleared, and goes back to
    it, reset, when the module ends."""
    held: dict[ContextKey, tuple[Any, PageRecorder]] = {}

    def open_page(color_scheme: str = "light", viewport: dict[str, int] | None = None):
        key = context_key(color_scheme, viewport or VIEWPORT, None)
        if key not in held:
            held[key] = page_pool.take(key)
        page, record = held[key]
        record.clear()
        return page, record

    yield open_page
    for key, (page, record) in held.items():
        page_pool.give_back(key, page, record)


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
