"""Material's own search (its JavaScript worker over search/search_index.json) finds the
words merchants type: HTTP status codes and scope strings.

One page serves every query (its worker builds the index once); before each query the
box is emptied and the page must say "Type to start searching" again, so a query's
result is never read from the one before it."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

SEARCHES = [
    ("403", "troubleshooting/"),
    ("401", "troubleshooting/"),
    ("store_v2_orders", "scopes/"),
    # The words for the codes find the entries themselves.
    ("forbidden", "troubleshooting/#wrong-store-hash"),
    ("unauthorized", "troubleshooting/#invalid-token"),
    # A row's name finds the row, not only its page.
    ("order transactions", "scopes/#scope-order-transactions"),
    ("impersonation", "scopes/#scope-storefront-api-customer-impersonation-tokens"),
]


@pytest.fixture(scope="module")
def search_page(reused_page, site_url):
    page, _ = reused_page()
    page.goto(site_url)
    page.wait_for_load_state("load")
    return page


@pytest.mark.parametrize(("query", "page_path"), SEARCHES, ids=[q for q, _ in SEARCHES])
def test_search_lists_the_page(search_page, query: str, page_path: str) -> None:
    page = search_page
    box = page.locator("input.md-search__input")
    if not box.is_visible():  # a narrow screen shows only the search button
        page.locator('label.md-header__button[for="__search"]').click()
    box.click()
    meta = page.locator(".md-search-result__meta")
    box.fill("")
    box.press("Backspace")  # a key press on the empty box resets the results
    expect(meta).to_have_text("Type to start searching")
    # Material searches on key presses and fill() sends none: so all but the last
    # character are filled in and the last one typed. One search, for the whole query,
    # is then the only one the worker answers (typed letter by letter, the answer to
    # "order transacti" could be read as the answer to "order transactions").
    box.fill(query[:-1])
    box.press_sequentially(query[-1])
    # The result count replaces "Type to start searching" once the worker has answered,
    # so a search that finds nothing fails at once instead of waiting for a timeout.
    expect(meta).to_contain_text("matching", timeout=10_000)
    links = page.locator(".md-search-result__list a.md-search-result__link")
    hrefs = [href for href in links.evaluate_all("links => links.map(a => a.href)")]
    found = []
    for href in hrefs:
        parts = urlsplit(href)  # Material adds ?h=<query> to highlight the words
        found.append(parts.path.lstrip("/") + (f"#{parts.fragment}" if parts.fragment else ""))
    if "#" in page_path:  # the entry itself, not only its page
        assert page_path in found, f"{query!r}: {meta.inner_text()!r}, results {found}"
    else:
        assert any(location.startswith(page_path) for location in found), (
            f"{query!r}: {meta.inner_text()!r}, results {found}")
    if "#scope-" in page_path:
        # The row's entry has a clean snippet: its level and reason, no control labels.
        text = links.nth(found.index(page_path)).inner_text()
        assert "Set to " in text and "Link to the" not in text, text
