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
