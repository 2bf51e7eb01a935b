"""The browser tests' page list (conftest.SITE_PATHS) is exactly the pages the build writes,
so a new page in any folder (maintainers/, ...) is never left out of axe or the phone checks."""

from __future__ import annotations

from pathlib import Path

from .conftest import NOT_FOUND_PAGE, PHONE, SITE_PATHS, VIEWPORT, context_key


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


def test_a_page_handed_on_carries_nothing_from_the_test_before(page_pool, site_url) -> None:
    """new_page hands one page from test to test (PagePool): the next test gets it with no
    storage, route, media, viewport or record left by the one before."""
    key = context_key("light", VIEWPORT, None)
    page, record = page_pool.take(key)
    page.route("**/*.css", lambda route: route.abort())
    page.goto(site_url)
    page.evaluate("localStorage.setItem('left', '1'); sessionStorage.setItem('left', '1');"
                  " document.cookie = 'left=1'")
    page.emulate_media(media="print")
    page.set_viewport_size(PHONE)
    page_pool.give_back(key, page, record)

    again, record_again = page_pool.take(key)
    try:
        assert (again, record_again) == (page, record)
        assert record.requests == []
        again.goto(site_url)
        assert again.evaluate(
            """[localStorage.getItem('left'), sessionStorage.getItem('left'), document.cookie,
                matchMedia('print').matches, innerWidth,
                [...document.styleSheets].every(sheet => sheet.cssRules.length > 0)]"""
        ) == [None, None, "", False, VIEWPORT["width"], True]
    finally:
        page_pool.give_back(key, again, record_again)


def test_a_second_page_of_the_same_kind_in_one_test_is_a_new_one(new_page) -> None:
    first, _ = new_page()
    second, _ = new_page()
    assert second is not first and second.context == first.context
