"""The scope table as a checklist, in a real browser: ticks and progress that stay in
the tab, cards on a phone, a one-page A4 printout with the None rows, row links for
support staff, and the filtered view the checker's report links to."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from bc_scopes.model import load_scope_table

from .conftest import PHONE, VIEWPORT

pytestmark = pytest.mark.browser

TABLE = load_scope_table()
SCOPES = TABLE.guide.scopes_page
ROWS = TABLE.rows
ALL_ROWS = TABLE.all_rows  # the checklist: the main table, then the rows to leave at None
CHECKLIST = 'table[data-bc-table="scopes"]'
BOTH_TABLES = "[data-bc-checklist] table[data-bc-table]"
STORAGE_KEY = "bc-scopes-ticks"
# One PDF page object per printed page; "/Type /Pages" (the page tree) is not matched.
PDF_PAGE = re.compile(rb"/Type\s*/Page\b")


# What a printout of the checklist must show and hide, as a list of problems.
PRINT_PROBLEMS = """(table) => {
  const shown = (el) => !!el && el.getClientRects().length > 0
                        && getComputedStyle(el).visibility !== "hidden";
  const rows = [...document.querySelectorAll(`${table} tbody tr`)];
  const out = rows.length ? [] : ["no rows"];
  for (const row of rows) {
    const id = row.dataset.rowId;
    const box = row.querySelector(".bc-print-box");
    const name = row.querySelector(".bc-row-name");
    const level = row.querySelector(".bc-level");
    if (!shown(box) || parseFloat(getComputedStyle(box).borderTopWidth) === 0) {
      out.push(`${id}: no box`);
    }
    if (box.textContent.trim() !== "") out.push(`${id}: box not empty`);
    if (!shown(name) || !name.textContent.trim()) out.push(`${id}: no name`);
    if (!shown(level) || !level.textContent.trim()) out.push(`${id}: no level`);
    if (getComputedStyle(name).textDecorationLine !== "none") out.push(`${id}: struck out`);
    for (const screenOnly of row.querySelectorAll(".bc-tick, .bc-why, .bc-row-link")) {
      if (shown(screenOnly)) out.push(`${id}: ${screenOnly.className} printed`);
    }
  }
  const others = '.md-header, .md-sidebar, .md-footer, figure, .md-feedback, .bc-progress-bar';
  for (const other of document.querySelectorAll(others)) {
    if (shown(other)) out.push(`${other.tagName}.${other.className} printed`);
  }
  return [rows.length, out];
}"""


def tick(row) -> str:
    return f'input.bc-tick[data-bc-tick="{row.id}"]'


def progress(count: int, total: int = len(ALL_ROWS)) -> str:
    return f"{count} of {total} set"


def test_ticks_update_the_progress_and_survive_a_reload_without_the_network(
        new_page, site_url, built_site: Path) -> None:
    page, record = new_page()
    page.goto(site_url + SCOPES)
    page.wait_for_load_state("load")
    line = page.locator(".bc-checklist .bc-progress")
    assert page.locator(f"{CHECKLIST} input.bc-tick").count() == len(ROWS)
    assert page.locator(f"{BOTH_TABLES} input.bc-tick").count() == len(ALL_ROWS)
    expect(line).to_have_text(progress(0))

    after_load = len(record.requests)
    picked = [ROWS[0], ROWS[6], ROWS[-1]]
    for count, row in enumerate(picked, start=1):
        page.locator(tick(row)).check()
        expect(line).to_have_text(progress(count))
    page.locator(tick(picked[1])).uncheck()
    expect(line).to_have_text(progress(2))
    picked.remove(picked[1])

    ticks = page.evaluate(f"JSON.parse(sessionStorage.getItem({STORAGE_KEY!r}))")
    assert {row_id for row_id, on in ticks.items() if on} == {row.id for row in picked}
    assert page.evaluate("Object.keys(localStorage).filter(k => k.includes('tick'))") == []

    page.reload()
    page.wait_for_load_state("load")
    expect(line).to_have_text(progress(2))
    checked = page.locator(f"{BOTH_TABLES} input.bc-tick").evaluate_all(
        "boxes => boxes.filter(box => box.checked).map(box => box.dataset.bcTick)")
    assert sorted(checked) == sorted(row.id for row in picked)
    # From the first load on, while ticking and over the reload, the page asks only for
    # its own static files (the reload's, and the search worker's index if it was late),
    # with no query string that could carry the ticks; nothing leaves the loopback site.
    assert record.sent == []  # any request that could carry data: POST, PUT, a beacon, ...
    for url in record.requests[after_load:]:
        parts = urlsplit(url)
        assert url.startswith(site_url), url
        assert not parts.query, url
        path = parts.path.lstrip("/")
        assert (built_site / path).is_file() or (built_site / path / "index.html").is_file(), url


def test_phone_cards_keep_the_page_within_one_and_a_half_desktop_heights(
        new_page, site_url) -> None:
    page, _ = new_page(viewport=VIEWPORT)
    page.goto(site_url + SCOPES)
    page.wait_for_load_state("load")
    desktop = page.evaluate("document.documentElement.scrollHeight")

    page.set_viewport_size(PHONE)
    page.reload()
    page.wait_for_load_state("load")
    expect(page.locator("details.bc-why-fold[open]")).to_have_count(0)
    # Off-screen cards are laid out lazily (content-visibility: auto, with a guessed
    # height): render every card first, so the page's real height is measured.
    page.evaluate("document.querySelectorAll('table[data-bc-table] tr')"
                  ".forEach(row => { row.style.contentVisibility = 'visible'; })")
    phone = page.evaluate("document.documentElement.scrollHeight")
    print(f"/{SCOPES} height: phone {phone}px, desktop {desktop}px, ratio {phone / desktop:.2f}")
    assert phone <= 1.5 * desktop, f"phone {phone}px > 1.5 x desktop {desktop}px"

    # Each card: the name, the level in bold, and the reason folded under "Why".
    card = page.locator(f'{CHECKLIST} tr[data-row-id="{ROWS[6].id}"]')
    expect(card.locator(".bc-row-name")).to_be_visible()
    assert int(card.locator(".bc-level").evaluate("c => getComputedStyle(c).fontWeight")) >= 700
    reason = card.locator(".bc-reason")
    expect(reason).to_be_hidden()
    card.locator("summary", has_text="Why").click()
    expect(reason).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")


def test_print_is_one_a4_page_of_empty_boxes_names_and_levels(new_page, site_url) -> None:
    page, _ = new_page()
    page.goto(site_url + SCOPES)
    page.wait_for_load_state("load")
    page.locator(tick(ROWS[0])).check()  # what was ticked on screen is not printed
    page.emulate_media(media="print")

    pdf = page.pdf(format="A4", print_background=False)
    pages = len(PDF_PAGE.findall(pdf))
    print(f"/{SCOPES} printed to {pages} A4 page(s)")
    assert pages == 1, f"the printed checklist takes {pages} A4 pages"

    # Every row of both tables, the rows to leave at None included, with its name shown.
    problems = page.evaluate(PRINT_PROBLEMS, BOTH_TABLES)
    assert problems == [len(ALL_ROWS), []]
    # The printout says where it came from and which table it is.
    line = page.locator(".bc-print-only")
    expect(line).to_be_visible()
    assert TABLE.guide.site_url + SCOPES in line.inner_text()
    assert TABLE.version in line.inner_text()


def test_row_link_highlights_its_card_and_copies_its_address(new_page, site_url) -> None:
    page, record = new_page(viewport=PHONE, permissions=["clipboard-read", "clipboard-write"])
    target, other, copied = ROWS[6], ROWS[0], ROWS[-3]
    page.goto(f"{site_url}{SCOPES}#{target.anchor}")
    page.wait_for_load_state("load")

    def background(row) -> str:
        return page.locator(f"{CHECKLIST} tr:has(#{row.anchor})").evaluate(
            "row => getComputedStyle(row).backgroundColor")

    assert background(target) != background(other), "the opened row is not highlighted"
    # On a phone the reasons are folded, except the one on the card the link opened.
    expect(page.locator(f"tr:has(#{target.anchor}) .bc-reason")).to_be_visible()
    expect(page.locator(f"tr:has(#{other.anchor}) .bc-reason")).to_be_hidden()
    bar = page.locator(f"{CHECKLIST} tr:has(#{target.anchor})").evaluate(
        "row => getComputedStyle(row).boxShadow")
    assert bar != "none", "the opened card has no accent bar"

    page.locator(f'a.bc-row-link[href="#{copied.anchor}"]').click()
    announce = page.locator("#bc-announce")
    expect(announce).to_have_text(f"Link to the {copied.name} row copied.")
    assert announce.get_attribute("role") == "status"
    assert page.evaluate("navigator.clipboard.readText()") == f"{site_url}{SCOPES}#{copied.anchor}"
    page.wait_for_url(f"**#{copied.anchor}")
    # The highlight follows the hashchange event, which fires after the address changes.
    expect(page.locator(f"{CHECKLIST} tr:has(#{copied.anchor})")).not_to_have_css(
        "background-color", background(other))
    expect(page.locator(f"tr:has(#{copied.anchor}) .bc-reason")).to_be_visible()
    assert record.console_errors == []


# --- issue 18: one glance on a phone ----------------------------------------------------


def test_on_a_phone_the_checklist_starts_on_the_first_screen(new_page, site_url) -> None:
    page, _ = new_page(viewport=PHONE)
    page.goto(site_url + SCOPES)
    page.wait_for_load_state("load")
    first = page.locator(f"{CHECKLIST} tbody tr").first.bounding_box()
    assert first["y"] + first["height"] <= PHONE["height"], first


def test_on_a_phone_the_whole_label_is_a_tap_target_of_44px(new_page, site_url) -> None:
    page, _ = new_page(viewport=PHONE)
    page.goto(site_url + SCOPES)
    page.wait_for_load_state("load")
    heights = page.locator(f"{BOTH_TABLES} label.bc-tick-label").evaluate_all(
        "labels => labels.map(label => label.getBoundingClientRect().height)")
    assert len(heights) == len(ALL_ROWS) and min(heights) >= 44, heights
    none_row = next(row for row in TABLE.leave_at_none)
    name = page.locator(f'tr[data-row-id="{none_row.id}"] .bc-row-name')
    name.click()  # the name, not the box: the label passes the tap on
    expect(page.locator(tick(none_row))).to_be_checked()
    expect(page.locator(".bc-checklist .bc-progress")).to_have_text(progress(1))
    # A None row is drawn like the others: the same colour and weight as a Modify row.
    style = ("td => [getComputedStyle(td).color, getComputedStyle(td).fontWeight, "
             "getComputedStyle(td).opacity]")
    none_level = page.locator(f'tr[data-row-id="{none_row.id}"] td.bc-level').evaluate(style)
    modify_level = page.locator(f'tr[data-row-id="{ROWS[0].id}"] td.bc-level').evaluate(style)
    assert none_level == modify_level
    # "Must stay None" is visible without opening "Why".
    for row in ALL_ROWS:
        if row.excess_fails:
            expect(page.locator(f'tr[data-row-id="{row.id}"] .bc-must-stay')).to_be_visible()
            expect(page.locator(f'tr[data-row-id="{row.id}"] .bc-reason')).to_be_hidden()


def test_progress_stays_in_view_and_the_last_tick_says_click_save(new_page, site_url) -> None:
    page, _ = new_page(viewport=PHONE)
    page.goto(site_url + SCOPES)
    page.wait_for_load_state("load")
    bar = page.locator(".bc-checklist .bc-progress-bar")
    done = page.locator('[data-bc-complete="all"]')
    # Every row but the last is ticked as setup, by a click on its box in the page (no
    # scrolling to each: tapping a row is tested above); the last is tapped for real.
    page.evaluate("selectors => selectors.forEach(s => document.querySelector(s).click())",
                  [tick(row) for row in ALL_ROWS[:-1]])
    last = page.locator(tick(ALL_ROWS[-1]))
    last.scroll_into_view_if_needed()
    box = bar.bounding_box()
    assert 0 <= box["y"] and box["y"] + box["height"] <= PHONE["height"], box
    expect(done).to_be_hidden()
    last.check()
    expect(done).to_be_visible()
    expect(done).to_contain_text("click Save")
    expect(done).to_contain_text("cannot be changed")
    assert done.bounding_box()["y"] + done.bounding_box()["height"] <= PHONE["height"]
    expect(done.locator("a").last).to_have_attribute("href", "../save-credentials/#save")
    last.uncheck()
    expect(done).to_be_hidden()


def test_confirm_view_shows_only_the_rows_the_report_names(new_page, site_url) -> None:
    picked = [row for row in ALL_ROWS if row.confirm_by_eye][:2]
    assert len(picked) == 2
    ids = ",".join(row.id for row in picked)
    page, record = new_page(viewport=PHONE)
    page.goto(f"{site_url}{SCOPES}?confirm={ids},no-such-row")
    page.wait_for_load_state("load")
    shown = page.locator(f"{BOTH_TABLES} tbody tr:visible").evaluate_all(
        "rows => rows.map(row => row.dataset.rowId)")
    assert shown == [row.id for row in picked]
    expect(page.locator(".bc-checklist .bc-progress")).to_have_text(progress(0, 2))
    note = page.locator("[data-bc-confirm-note]")
    expect(note).to_be_visible()
    for row in picked:
        expect(note).to_contain_text(row.name)
    # The drawn form is there, with the picked rows marked and the others faded.
    figure = page.locator('[data-bc-figure="scope-form"]')
    expect(figure).to_be_visible()
    marked = figure.locator("g.bc-fig-picked").evaluate_all(
        "groups => groups.map(group => group.dataset.rowId)")
    assert marked == [row.id for row in picked]
    assert figure.locator("g.bc-fig-dim").count() == len(ALL_ROWS) - 2
    for row in picked:
        page.locator(tick(row)).check()
    expect(page.locator('[data-bc-complete="confirm"]')).to_be_visible()
    expect(page.locator('[data-bc-complete="all"]')).to_be_hidden()
    assert record.console_errors == []


def test_without_a_filter_every_row_shows(new_page, site_url) -> None:
    page, _ = new_page(viewport=PHONE)
    page.goto(f"{site_url}{SCOPES}?confirm=no-such-row")
    page.wait_for_load_state("load")
    assert page.locator(f"{BOTH_TABLES} tbody tr:visible").count() == len(ALL_ROWS)
    expect(page.locator("[data-bc-confirm-note]")).to_be_hidden()


def test_without_scripts_a_phone_still_shows_every_reason(browser, site_url) -> None:
    """The reasons are hidden before checklist.js folds them (no layout shift), but only
    on a page that runs scripts: without them every reason stays readable."""
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(site_url + SCOPES)
        for row in (ALL_ROWS[0], ALL_ROWS[-1]):
            expect(page.locator(f'tr[data-row-id="{row.id}"] .bc-reason')).to_be_visible()
    finally:
        context.close()
