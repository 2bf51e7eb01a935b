"""Opening a row's link shows that row, below Material's sticky header.

One page per viewport serves the module (`reused_page`); each test first opens
about:blank, so the row's address is a fresh page load, never an in-page jump."""

from __future__ import annotations

import pytest

from bc_scopes.model import load_scope_table

pytestmark = pytest.mark.browser

TABLE = load_scope_table()
SAMPLE_ROWS = [TABLE.rows[0], TABLE.rows[len(TABLE.rows) // 2], TABLE.rows[-1],
               *TABLE.leave_at_none[-1:]]
SMALL_VIEWPORT = {"width": 1024, "height": 600}


def assert_row_shown_below_header(page, anchor: str) -> None:
    header = page.locator("header.md-header").bounding_box()
    row = page.locator(f"tr:has(#{anchor})")
    assert row.is_visible()
    box = row.bounding_box()
    header_bottom = header["y"] + header["height"]
    assert box["y"] >= header_bottom, f"#{anchor} starts at {box['y']}, under the header"
    assert box["y"] + min(box["height"], 40) <= SMALL_VIEWPORT["height"], f"#{anchor} is below"
    assert page.evaluate("document.querySelector(':target')?.id") == anchor


def fresh(reused_page, viewport: dict[str, int] | None = None):
    page, record = reused_page(viewport=viewport)
    page.goto("about:blank")
    return page, record


@pytest.mark.parametrize("row", SAMPLE_ROWS, ids=lambda row: row.id)
def test_opening_a_row_link_shows_the_row_below_the_header(reused_page, site_url, row) -> None:
    page, record = fresh(reused_page, SMALL_VIEWPORT)
    page.goto(f"{site_url}{TABLE.guide.scopes_page}#{row.anchor}")
    page.wait_for_load_state("load")
    assert page.evaluate("window.scrollY") > 0, "the page did not scroll to the row"
    assert_row_shown_below_header(page, row.anchor)
    assert record.console_errors == []


def test_row_link_icon_points_at_its_row(reused_page, site_url) -> None:
    page, _ = fresh(reused_page, SMALL_VIEWPORT)
    row = TABLE.rows[-2]
    page.goto(f"{site_url}{TABLE.guide.scopes_page}")
    page.locator(f'a.bc-row-link[href="#{row.anchor}"]').click()
    page.wait_for_url(f"**#{row.anchor}")
    assert_row_shown_below_header(page, row.anchor)


def test_targeted_row_is_highlighted(reused_page, site_url) -> None:
    page, _ = fresh(reused_page)
    row = TABLE.rows[3]
    page.goto(f"{site_url}{TABLE.guide.scopes_page}#{row.anchor}")
    target_bg = page.locator(f"tr:has(#{row.anchor}) td").first.evaluate(
        "cell => getComputedStyle(cell).backgroundColor")
    other_bg = page.locator(f"tr:has(#{TABLE.rows[0].anchor}) td").first.evaluate(
        "cell => getComputedStyle(cell).backgroundColor")
    assert target_bg != other_bg
