"""The header's light/dark toggle (overrides/partials/palette.html, which replaces Material's
palette component): it works from the keyboard as Material's did, keeps the browser's own
colours in step, and the choice carries to the next page under Material's own key.

The first visit following the phone's scheme is checked by test_accessibility's phone
scope-cards test; a click on the toggle by every dark axe scan."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

SCHEME_AND_METAS = """() => [document.body.dataset.mdColorScheme,
    document.querySelector('meta[name=color-scheme]').content,
    document.querySelector('meta[name=theme-color]').content]"""


def test_enter_on_the_toggle_switches_the_scheme_and_the_next_page_keeps_it(
        new_page, site_url) -> None:
    page, record = new_page()
    page.goto(site_url)
    assert page.evaluate(SCHEME_AND_METAS) == ["default", "light", "#4051b5"]

    page.locator("#__palette_0").focus()  # the light option, as Tab reaches it
    page.keyboard.press("Enter")
    expect(page.locator("body")).to_have_attribute("data-md-color-scheme", "slate")
    # Material's slate scheme keeps the indigo header, so theme-color is unchanged.
    assert page.evaluate(SCHEME_AND_METAS) == ["slate", "dark", "#4051b5"]
    expect(page.locator('label[title="Switch to light mode"]')).to_be_visible()
    expect(page.locator('label[title="Switch to dark mode"]')).to_be_hidden()
    expect(page.locator("body")).not_to_have_attribute("data-md-color-switching", "")

    page.goto(site_url + "scopes/")
    assert page.evaluate(SCHEME_AND_METAS)[:2] == ["slate", "dark"]
    expect(page.locator('label[title="Switch to light mode"]')).to_be_visible()
    page.locator('label[title="Switch to light mode"]').click()
    expect(page.locator("body")).to_have_attribute("data-md-color-scheme", "default")
    assert record.console_errors == []
