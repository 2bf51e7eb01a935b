"""Hostile names in a real browser: the page and its search never run code from scopes.yaml.

The static HTML scan cannot see what JavaScript builds later. Material's search
renders result snippets from the search index in the browser, so a name that is
escaped in the page could still become markup in a result. This test loads the
hostile build in Chromium, searches for the hostile rows, and checks that no
payload ran: no dialog, no call to the trap function, no overwritten global and no
element with an injected event handler.
"""

from __future__ import annotations

from typing import Any

import pytest
from support.docs import CHROMIUM

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian chromium at /usr/bin/chromium"),
]

# Every payload calls xss() or assigns window.xss; the trap records either.
TRAP = "window.__xssCalls = 0; window.xss = () => { window.__xssCalls += 1; };"
STATE = """() => ({
    calls: window.__xssCalls,
    trapIntact: typeof window.xss === "function",
    handlers: [...document.querySelectorAll("*")].flatMap(el => [...el.attributes]
        .filter(a => a.name.startsWith("on") && a.value.includes("xss"))
        .map(a => `<${el.tagName.toLowerCase()} ${a.name}="${a.value}">`)),
    scripts: [...document.querySelectorAll("script")]
        .filter(s => s.textContent.includes("xss")).length,
})"""
SEARCHES = ("Orders", "Customers", "Carts", "Themes", "Translations", "Products", "script")
CLEAN = {"calls": 0, "trapIntact": True, "handlers": [], "scripts": 0}


def test_pages_and_search_results_run_no_payload(hostile_site_url: str, browser: Any) -> None:
    context = browser.new_context()
    try:
        page = context.new_page()
        dialogs: list[str] = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.add_init_script(TRAP)
        page.goto(hostile_site_url + "scopes/", wait_until="networkidle")
        assert page.evaluate(STATE) == CLEAN

        results_seen = 0
        for query in SEARCHES:
            search = page.locator("input.md-search__input")
            search.click()  # the header search box (1280 px wide viewport)
            # Material searches on key events and fill() sends none: the last character is
            # typed, so each query is one search (not one per letter) whose snippets render.
            search.fill(query[:-1])
            search.press_sequentially(query[-1])
            page.wait_for_selector(".md-search-result__item", timeout=10_000)
            page.wait_for_timeout(300)  # let every result snippet render
            results_seen += page.locator(".md-search-result__item").count()
            assert page.evaluate(STATE) == CLEAN, f"payload ran after searching {query!r}"

        page.goto(hostile_site_url + "changes/", wait_until="networkidle")
        assert page.evaluate(STATE) == CLEAN
    finally:
        context.close()
    assert results_seen > 0, "search returned nothing, so the results were never checked"
    assert dialogs == []
