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

import pytest

from bc_scopes.devtools.static_server import serve_directory

CHROMIUM = Path("/usr/bin/chromium")
VIEWPORT = {"width": 1280, "height": 800}


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

    def open_page(color_scheme: str = "light", viewport: dict[str, int] | None = None):
        context = browser.new_context(viewport=viewport or VIEWPORT, color_scheme=color_scheme)
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


@pytest.fixture
def page(new_page: PageOpener) -> Any:
    """A light-scheme page at the default viewport."""
    return new_page()[0]
