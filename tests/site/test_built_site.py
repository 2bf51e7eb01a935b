"""The built guide shows the data: expectations are computed from scopes.yaml and the
troubleshooting records, then looked for in the HTML that `mkdocs build --strict` wrote.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from bs4 import BeautifulSoup
from support.docs import REPO_ROOT

from bc_scopes.levels import level_label
from bc_scopes.troubleshooting import PROBLEMS

TEMPLATE_MARKERS = ("{{", "}}", "{%", "%}", "{#", "{ #")
# The CI example on the verify page shows GitHub Actions expressions on purpose
# (kept literal with {% raw %}); they start with "$", which a Jinja leftover never does.
GITHUB_EXPRESSION = re.compile(r"\$\{\{ [A-Za-z0-9_.]+ \}\}")


def scopes_path(table) -> str:
    return "/" + table.guide.scopes_page


def troubleshooting_path(table) -> str:
    return "/" + table.guide.troubleshooting_page


def test_scope_table_shows_one_row_per_entry_in_order(read_page, table) -> None:
    html_table = read_page(scopes_path(table)).select_one('table[data-bc-table="scopes"]')
    body_rows = html_table.select("tbody > tr")
    assert [tr["data-row-id"] for tr in body_rows] == [row.id for row in table.rows]
    assert [tr.select_one(".bc-row-name").get_text() for tr in body_rows] == [
        row.name for row in table.rows
    ]
    assert [tr.select_one(".bc-level").get_text() for tr in body_rows] == [
        level_label(row.required) for row in table.rows
    ]
    # The scope string is for reference only: it sits behind "Why", with the reason.
    assert [tr.select_one(".bc-why-fold .bc-scope-string").get_text() for tr in body_rows] == [
        row.required_scope_string or "no scope" for row in table.rows
    ]
    assert [tr.select_one(".bc-why-fold .bc-reason").get_text() for tr in body_rows] == [
        row.reason for row in table.rows
    ]


def test_every_row_of_the_form_has_a_tick_box_in_one_checklist(read_page, table) -> None:
    """The None rows too: both tables sit in one checklist, each row with its tick box
    inside the label that holds its name."""
    checklist = read_page(scopes_path(table)).select_one("[data-bc-checklist]")
    assert checklist["data-bc-total"] == str(len(table.all_rows))
    rows = checklist.select("table[data-bc-table] tbody > tr")
    assert [tr["data-row-id"] for tr in rows] == [row.id for row in table.all_rows]
    for tr in rows:
        label = tr.select_one("label.bc-tick-label")
        assert label.select_one(f'input.bc-tick[data-bc-tick="{tr["data-row-id"]}"]')
        assert label.select_one(".bc-row-name") is not None
        # "Must stay None." is never folded away under "Why".
        badge = tr.select_one(".bc-must-stay")
        assert badge is None or badge.find_parent("details") is None


def test_leave_at_none_rows_sit_outside_the_main_table(read_page, table) -> None:
    page = read_page(scopes_path(table))
    html_table = page.select_one('table[data-bc-table="leave-at-none"]')
    body_rows = html_table.select("tbody > tr")
    assert [tr.select_one(".bc-row-name").get_text() for tr in body_rows] == [
        row.name for row in table.leave_at_none
    ]
    assert {tr.select_one(".bc-level").get_text() for tr in body_rows} == {level_label("none")}
    main_ids = {tr["data-row-id"] for tr in page.select('table[data-bc-table="scopes"] tbody tr')}
    assert main_ids.isdisjoint(row.id for row in table.leave_at_none)


def test_every_row_anchor_and_alias_is_on_the_page_once(read_page, table) -> None:
    page = read_page(scopes_path(table))
    for row in (*table.rows, *table.leave_at_none):
        for anchor in (row.anchor, *row.alias_anchors):
            assert len(page.find_all(id=anchor)) == 1, f"#{anchor} must appear exactly once"
        link = page.select_one(f'a.bc-row-link[href="#{row.anchor}"]')
        assert link is not None, f"{row.id} has no link icon to its own anchor"
        assert row.name in link["aria-label"]


def test_ids_are_unique_on_every_page(read_page, page_paths) -> None:
    for path in page_paths:
        counts = Counter(tag["id"] for tag in read_page(path).find_all(id=True))
        repeated = sorted(anchor for anchor, count in counts.items() if count > 1)
        assert not repeated, f"{path} repeats ids {repeated}"


def _visible_text_and_attributes(page: BeautifulSoup) -> str:
    body = BeautifulSoup(str(page.body), "html.parser")
    for tag in body.find_all(["script", "style"]):
        tag.decompose()
    attribute_values = [
        " ".join(value) if isinstance(value, list) else value
        for tag in body.find_all(True)
        for value in tag.attrs.values()
    ]
    return body.get_text() + "\n" + "\n".join(attribute_values) + "\n" + page.title.get_text()


def test_no_template_syntax_is_left_in_any_page(read_page, page_paths) -> None:
    for path in page_paths:
        text = GITHUB_EXPRESSION.sub("", _visible_text_and_attributes(read_page(path)))
        for marker in TEMPLATE_MARKERS:
            assert marker not in text, f"{path} still contains {marker!r}"


def test_no_page_has_audio_or_video(read_page, page_paths) -> None:
    """The accessibility scan skips axe's media preload (test_accessibility), which only
    its no-autoplay-audio rule needs: that holds while no page plays media."""
    for path in page_paths:
        assert read_page(path).select("audio, video") == [], f"{path} has <audio> or <video>"


def test_canonical_urls_use_the_site_url_of_scopes_yaml(read_page, table) -> None:
    canonical = read_page(scopes_path(table)).select_one('link[rel="canonical"]')["href"]
    assert canonical == table.guide.site_url + table.guide.scopes_page
    row = table.rows[0]
    assert table.guide.row_url(row.id) == f"{canonical}#{row.anchor}"


def test_troubleshooting_sections_use_the_problem_anchors(read_page, table) -> None:
    page = read_page(troubleshooting_path(table))
    headings = [h for h in page.select("article h2") if h.get("id") in {p.anchor for p in PROBLEMS}]
    assert [h["id"] for h in headings] == [p.anchor for p in PROBLEMS]
    for heading, entry in zip(headings, PROBLEMS, strict=True):
        assert heading.get_text().rstrip("¶") == entry.title
        assert heading.select_one("a.headerlink")["href"] == f"#{entry.anchor}"


def test_exit_code_table_links_each_problem(read_page) -> None:
    page = read_page("/verify/")
    heading = page.find(id="exit-codes")
    table = heading.find_next("table")
    rows = {
        tr.find("td").get_text(): [a["href"] for a in tr.find_all("a")]
        for tr in table.select("tbody tr")
    }
    for entry in PROBLEMS:
        assert f"../troubleshooting/#{entry.anchor}" in rows[str(entry.exit_code)]


def test_changes_page_names_each_changed_row_with_a_link(read_page, table) -> None:
    page = read_page("/changes/")
    for entry in table.changelog:
        section = page.find(id=f"change-{entry.date}")
        assert section is not None, f"no section for the {entry.date} entry"
        hrefs = [a["href"] for a in section.find_next("p").find_next("p").find_all("a")]
        assert hrefs == [f"../scopes/#scope-{row_id}" for row_id in entry.rows]


def test_every_page_has_one_title_and_a_description(read_page, page_paths) -> None:
    for path in page_paths:
        page = read_page(path)
        assert len(page.select("article h1")) == 1, path
        description = page.select_one('meta[name="description"]')
        assert description is not None and len(description["content"]) > 40, path


def test_pages_load_nothing_from_other_hosts(read_page, page_paths) -> None:
    selectors = ("script[src]", "link[rel=stylesheet]", "link[rel=preload]", "img[src]",
                 "iframe[src]", "source[src]", "link[rel=preconnect]")
    for path in page_paths:
        page = read_page(path)
        for tag in page.select(", ".join(selectors)):
            address = tag.get("src") or tag.get("href")
            assert not re.match(r"^(https?:)?//", address), f"{path} loads {address}"


def test_api_path_figure_is_an_accessible_image(read_page) -> None:
    svg = read_page("/store-hash/").select_one("svg.bc-api-path")
    assert svg["role"] == "img"
    label_ids = svg["aria-labelledby"].split()
    texts = [svg.find(id=label_id).get_text() for label_id in label_ids]
    assert texts[0] and "abcde" in texts[1]
    assert [t.get_text() for t in svg.select("text.bc-fig-text")] == [
        "https://api.bigcommerce.com", "/stores/", "abcde", "/v3/"]


def test_demo_output_snippet_is_shown_verbatim(read_page, ) -> None:
    snippet = (REPO_ROOT / "docs" / "snippets" / "demo-output.txt").read_text(encoding="utf-8")
    blocks = [pre.get_text() for pre in read_page("/verify/").select("pre")]
    assert snippet.rstrip("\n") + "\n" in blocks or snippet in blocks


def test_snippets_are_not_published(built_site: Path) -> None:
    assert not (built_site / "snippets").exists()


def test_prose_counts_come_from_the_data(read_page, table) -> None:
    """One count, in one sentence, wherever the guide counts rows: rows to change from
    None and rows to leave at None, adding up to every row of the form."""
    none_rows = [row for row in table.all_rows if row.required == "none"]
    change, stay = len(table.all_rows) - len(none_rows), len(none_rows)
    assert stay == 7 and change == 21  # today's table: 4 None rows in the main list + 3 more
    sentence = (f"The form has {len(table.all_rows)} rows: {change} to change from None and "
                f"{stay} to leave at None.")
    for path in (scopes_path(table), "/create-account/"):
        text = " ".join(read_page(path).select_one("article").get_text(" ").split())
        assert sentence in text.replace(" .", "."), path
        assert f"Set these {len(table.rows)} rows" not in text
        assert "more to leave at" not in text


def test_rows_whose_excess_fails_are_marked_on_the_page(read_page, table) -> None:
    page = read_page(scopes_path(table))
    marked = {tr["data-row-id"] for tr in page.select("tr") if tr.select_one(".bc-must-stay")}
    assert marked == {row.id for row in table.all_rows if row.excess_fails}
    assert len(marked) == 3
