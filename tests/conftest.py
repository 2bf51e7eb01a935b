"""Fixtures shared by every test folder. Kept small: each folder has its own conftest.

The one expensive thing here is the built guide. The site tests and the browser
tests both read it, so it is built once per session, for real, with the same
`mkdocs build --strict` that CI runs.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from support.docs import CHROMIUM, REPO_ROOT, run_strict_build
from support.shared import made_once

# pytester drives the checker plugin's tests; the shared harness lives in tests/support.
# Only the root conftest may load plugins.
pytest_plugins = ["pytester", "support.fixtures"]


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The guide as `mkdocs build --strict` writes it; the build must pass.

    Built once per session, shared by the xdist workers; no test may change it.
    scripts/test.sh runs that strict build before pytest and names its output in
    BC_BUILT_SITE: the tests read it rather than build the same sources again.
    """
    prebuilt = os.environ.get("BC_BUILT_SITE")
    if prebuilt:
        site = Path(prebuilt)
        assert (site / "index.html").is_file(), f"BC_BUILT_SITE={prebuilt} holds no built guide"
        return site

    def build(folder: Path) -> None:
        result = run_strict_build(REPO_ROOT, folder / "site")
        assert result.returncode == 0, f"mkdocs build --strict failed:\n{result.stderr[-4000:]}"

    return made_once(tmp_path_factory, "built-guide", build) / "site"


CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def playwright() -> Iterator[Any]:
    """Playwright, started once for the whole session and shared by every folder.

    Its sync API allows one running instance per thread, so a second `sync_playwright()`
    in another folder's test would fail while this one is open."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing; install Debian's chromium to run browser tests")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as started:
        yield started


@pytest.fixture(scope="session")
def browser(playwright: Any) -> Iterator[Any]:
    """One headless Debian Chromium for the whole session, shared by every folder."""
    chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    try:
        yield chromium
    finally:
        chromium.close()


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """`--dist worksteal` keeps the browser tests on one worker (support/scheduling.py)."""
    if config.getoption("dist") != "worksteal":
        return None
    from support.scheduling import BrowserPinnedScheduling

    return BrowserPinnedScheduling(config, log)


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    from support.scheduling import mark_the_yielding_workers

    mark_the_yielding_workers(node)


def pytest_sessionstart(session: pytest.Session) -> None:
    from support.scheduling import yield_to_the_browser_worker

    yield_to_the_browser_worker(session.config)
