"""Support on a phone: copy-link controls that show without hover and say "Link copied"
for two seconds, the feedback widget on every page, and the verify page's first screen."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from bc_scopes.troubleshooting import PROBLEMS

from .conftest import PHONE

pytestmark = pytest.mark.browser


@pytest.fixture
def touch_phone(browser) -> Iterator[Any]:
    """A phone with a touch screen and no hover, allowed to use the clipboard."""
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True,
                                  permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    yield page
    context.close()


def test_troubleshooting_links_show_on_touch_and_say_link_copied(touch_phone, site_url) -> None:
    page = touch_phone
    assert page.evaluate("matchMedia('(hover: none)').matches")
    page.clock.install()  # the two seconds run on Playwright's clock, not the machine's
    page.goto(site_url + "troubleshooting/")
    page.wait_for_load_state("load")
    # From here the page's clock stands still unless the test moves it.
    page.clock.pause_at(page.evaluate("Date.now()") + 1000)
    entries = page.locator("article h2[id]")
    for index in range(entries.count()):
        link = entries.nth(index).locator("a.headerlink")
        expect(link).to_be_visible()
        assert float(link.evaluate("a => getComputedStyle(a).opacity")) == 1.0, (
            entries.nth(index).get_attribute("id"))
    entry = PROBLEMS[1]
    page.locator(f"h2#{entry.anchor} a.headerlink").tap()
    toast = page.locator("#bc-toast")
    expect(toast).to_be_visible()
    expect(toast).to_have_text("Link copied")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == f"{site_url}troubleshooting/#{entry.anchor}"
    page.clock.run_for(1900)
    expect(toast).to_be_visible()
    page.clock.run_for(200)
    expect(toast).to_be_hidden()
    assert page.errors == []


def test_troubleshooting_list_links_every_entry(new_page, site_url) -> None:
    page, _ = new_page(viewport=PHONE)
    page.goto(site_url + "troubleshooting/")
    page.wait_for_load_state("load")
    target = PROBLEMS[-1]
    page.locator(f'article ul a[href$="#{target.anchor}"]').first.click()
    page.wait_for_url(f"**#{target.anchor}")
    box = page.locator(f"h2#{target.anchor}").bounding_box()
    assert 0 <= box["y"] < PHONE["height"]


def assert_feedback_no_opens_an_issue(page: Any, record: Any, site_path: str) -> None:
    """The page shows "Was this page helpful?"; its "No" shows a note whose link opens a
    prefilled issue naming the page, and answering sends nothing anywhere.

    Run on every page by test_accessibility.py's light-scheme test, on the page it has
    already loaded for axe."""
    form = page.locator("form.md-feedback")
    expect(form).to_be_visible()
    before = len(record.requests)
    form.locator('button[data-md-value="0"]').click()
    note = form.locator('.md-feedback__note [data-md-value="0"]')
    expect(note).to_be_visible()
    href = note.locator("a").get_attribute("href")
    assert href.startswith("https://github.com/dropstream/bc-api-credentials/issues/new?title=")
    assert "Page:+/" + site_path in href
    assert record.requests[before:] == [], "answering sent a request"


def test_verify_command_is_on_the_first_screen_and_the_report_is_never_cut_off(
        new_page, site_url) -> None:
    page, _ = new_page(viewport=PHONE)
    page.goto(site_url + "verify/")
    page.wait_for_load_state("load")
    command = page.locator("article pre code").first
    expect(command).to_contain_text("bc-scopes check --credentials-file ~/Downloads/<file>.txt")
    box = command.bounding_box()
    assert box["y"] + box["height"] <= PHONE["height"], box
    # The whole command is on screen: it wraps instead of running off the phone.
    assert command.evaluate("c => c.scrollWidth <= c.clientWidth"), "the command is cut off"
    sample = page.locator(".bc-sample-output pre > code")
    sizes = sample.evaluate("c => ({sw: c.scrollWidth, cw: c.clientWidth, sh: c.scrollHeight,"
                            " ch: c.clientHeight, ox: getComputedStyle(c).overflowX,"
                            " ws: getComputedStyle(c).whiteSpace})")
    assert sizes["sh"] <= sizes["ch"] + 1, f"the report is cut off at the bottom: {sizes}"
    if sizes["sw"] > sizes["cw"] + 1:  # wider than the phone: it scrolls, and says so
        assert sizes["ox"] in ("auto", "scroll"), sizes
        expect(page.locator(".bc-sample-output .bc-scroll-cue")).to_be_visible()
    else:
        assert sizes["ws"] in ("pre-wrap", "break-spaces"), sizes
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
