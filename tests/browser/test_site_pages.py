"""The browser tests' page list (conftest.SITE_PATHS) is exactly the pages the build writes,
so a new page in any folder (maintainers/, ...) is never left out of axe or the phone checks."""

from __future__ import annotations

from pathlib import Path

from .conftest import NOT_FOUND_PAGE, SITE_PATHS


def built_pages(site: Path) -> set[str]:
    pages = set()
    for html in site.rglob("*.html"):
        relative = html.relative_to(site).as_posix()
        if relative == NOT_FOUND_PAGE:
            pages.add(relative)
        elif relative == "index.html":
            pages.add("")
        elif relative.endswith("/index.html"):
            pages.add(relative[: -len("index.html")])
        else:
            pages.add(relative)
    return pages


def test_every_built_page_is_in_the_browser_tests(built_site: Path) -> None:
    assert set(SITE_PATHS) == built_pages(built_site)
    for new_page in ("fulfilment-providers/", "integrators/", "maintainers/calibrate/",
                     "maintainers/upstream-watch/"):
        assert new_page in SITE_PATHS


def test_a_new_page_starts_with_no_storage_from_an_earlier_one(new_page, site_url) -> None:
    """new_page shares a context between tests (for its caches), never their storage."""
    first, _ = new_page()
    first.goto(site_url)
    first.evaluate("localStorage.setItem('left', '1'); sessionStorage.setItem('left', '1');"
                   " document.cookie = 'left=1'")
    second, _ = new_page()
    assert second.context == first.context
    second.goto(site_url)
    assert second.evaluate(
        "[localStorage.getItem('left'), sessionStorage.getItem('left'), document.cookie]"
    ) == [None, None, ""]
