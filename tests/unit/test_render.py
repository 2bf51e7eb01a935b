"""The renderers turn rows into guide text without a build: order, escaping, anchors."""

from __future__ import annotations

import re
from typing import Any

import markdown
import pytest
from bs4 import BeautifulSoup
from support.docs import mkdocs_config

from bc_scopes import exitcodes
from bc_scopes.guide import render
from bc_scopes.model import ChangelogEntry, GuideLinks, ScopeRow, ScopeTable
from bc_scopes.troubleshooting import PROBLEMS, Problem

HOSTILE = 'A | B <script>alert("x")</script> & *c* _d_ `e` [f](g) {{ h }} {% i %} { #j }'


def make_row(row_id: str, name: str = "Orders", required: str = "modify", **extra) -> ScopeRow:
    return ScopeRow(
        id=row_id,
        name=name,
        required=required,
        levels=("none", "read-only", "modify"),
        scope_strings={"read-only": f"store_{row_id}_read_only", "modify": f"store_{row_id}"},
        reason=extra.pop("reason", "Needed to ship orders."),
        **extra,
    )


def make_table(
    rows: tuple[ScopeRow, ...],
    none_rows: tuple[ScopeRow, ...] = (),
    changelog: tuple[ChangelogEntry, ...] = (),
) -> ScopeTable:
    guide = GuideLinks("https://example.org/", "scopes/", "troubleshooting/")
    return ScopeTable(guide=guide, rows=rows, leave_at_none=none_rows, changelog=changelog)


def soup_of(html_text: str) -> BeautifulSoup:
    return BeautifulSoup(html_text, "html.parser")


def test_scope_table_keeps_the_data_order_and_values() -> None:
    rows = (
        make_row("zeta", "Zeta"),
        make_row("alpha", "Alpha", "read-only"),
        make_row("mid", "Mid", "none"),
    )
    soup = soup_of(render.render_scope_table(rows))
    body_rows = soup.select("tbody tr")
    assert [tr["data-row-id"] for tr in body_rows] == ["zeta", "alpha", "mid"]
    assert [tr.select_one(".bc-row-name").get_text() for tr in body_rows] == [
        "Zeta",
        "Alpha",
        "Mid",
    ]
    assert [tr.select_one(".bc-level").get_text() for tr in body_rows] == [
        "Modify",
        "Read-only",
        "None",
    ]
    assert [tr.select_one(".bc-scope-string").get_text() for tr in body_rows] == [
        "store_zeta",
        "store_alpha_read_only",
        "no scope",
    ]


def test_each_row_has_its_anchor_then_its_aliases_and_a_link_icon() -> None:
    row = make_row("sites-routes", "Sites & routes", aliases=("sites", "routes"))
    soup = soup_of(render.render_scope_table((row,)))
    cell = soup.select_one("td.bc-name")
    assert [span["id"] for span in cell.select("span.bc-anchor")] == [
        "scope-sites-routes",
        "scope-sites",
        "scope-routes",
    ]
    link = cell.select_one("a.bc-row-link")
    assert link["href"] == "#scope-sites-routes"
    assert link["aria-label"] == "Link to the Sites & routes row"
    assert link.select_one("span.bc-link-icon")["aria-hidden"] == "true"


def test_hostile_text_in_tables_is_only_text() -> None:
    row = make_row("orders", HOSTILE, reason=HOSTILE)
    none_row = ScopeRow("x", HOSTILE, "none", ("none", "manage"), {"manage": "store_x"}, HOSTILE)
    for html_text in (
        render.render_scope_table((row,)),
        render.render_leave_at_none_table((none_row,)),
    ):
        soup = soup_of(html_text)
        assert soup.select_one(".bc-row-name").get_text() == HOSTILE
        assert soup.select_one(".bc-reason").get_text() == HOSTILE
        assert soup.find("script") is None
        for marker in ("{{", "{%", "{ #", "<script"):
            assert marker not in html_text


@pytest.mark.parametrize(
    "text, must_not_contain",
    [
        ("A | B", "|"),
        ("<b>bold</b>", "<"),
        ("x > y", ">"),
        ("*stars* and _under_", "*"),
        ("[link](http://x)", "["),
        ("{{ jinja }}", "{"),
        ("Title { #id }", "{"),
        ("`code`", "`"),
    ],
)
def test_markdown_text_neutralises_syntax(text: str, must_not_contain: str) -> None:
    escaped = render.markdown_text(text)
    assert must_not_contain not in escaped
    assert BeautifulSoup(escaped, "html.parser").get_text() == text


def test_markdown_text_escapes_ampersand_once() -> None:
    assert render.markdown_text("Information & Settings") == "Information &amp; Settings"
    assert BeautifulSoup(render.markdown_text("&amp;"), "html.parser").get_text() == "&amp;"


@pytest.mark.parametrize("text", ["- a list", "+ plus", "1. numbered", "12) paren", "> quote"])
def test_markdown_text_cannot_start_a_block(text: str) -> None:
    escaped = render.markdown_text(text)
    assert escaped[0] == "&"
    assert BeautifulSoup(escaped, "html.parser").get_text() == text


# Every way a line can open a block in Markdown or in one of the guide's extensions
# (admonition, pymdownx.details, pymdownx.tabbed, md_in_html, tables, abbr, superfences).
BLOCK_STARTERS = [
    '??? danger "Injected"',
    '???+ note "Open injected"',
    '!!! warning "Injected"',
    '=== "Injected tab"',
    "::: note",
    "---",
    "- - -",
    "***",
    "___",
    "# Heading",
    "###### Heading",
    "> quote",
    "| a | b |",
    "<div>html</div>",
    "<details><summary>x</summary></details>",
    "1. numbered",
    "12) numbered",
    "- bullet",
    "+ bullet",
    "* bullet",
    "~~~",
    "```",
    "```python",
    "    indented code",
    "\tindented code",
    "  - indented bullet",
    "*[HTML]: abbreviation",
    "[id]: https://example.org",
    'Paragraph\n??? danger "Injected"',
    "Paragraph\n!!! note",
    'Paragraph\n=== "Tab"',
    "Paragraph\n===",
    "Paragraph\n---",
    "Paragraph\n\n    indented code",
    "Paragraph\r\n# Heading",
    "Paragraph\r> quote",
]


def _guide_markdown() -> markdown.Markdown:
    """Python-Markdown with exactly the extensions and settings the guide builds with."""
    config = mkdocs_config()
    names: list[str] = []
    settings: dict[str, Any] = {}
    for entry in config["markdown_extensions"]:
        if isinstance(entry, dict):
            ((name, options),) = entry.items()
            settings[name] = options or {}
        else:
            name = entry
        names.append(name)
    return markdown.Markdown(extensions=names, extension_configs=settings)


@pytest.mark.parametrize("text", BLOCK_STARTERS)
def test_markdown_text_renders_as_one_plain_paragraph(text: str) -> None:
    """A changelog summary starts a line of the page: no block of any kind may come of it."""
    html_out = _guide_markdown().convert(render.markdown_text(text))
    soup = soup_of(html_out)
    assert [element.name for element in soup.find_all(True)] == ["p"], html_out
    assert soup.p.get_text() == text


@pytest.mark.parametrize("text", BLOCK_STARTERS)
def test_markdown_text_is_one_line_that_cannot_open_a_block(text: str) -> None:
    escaped = render.markdown_text(text)
    assert "\n" not in escaped and "\r" not in escaped
    assert re.match(r"[A-Za-z]|&#", escaped), escaped


def test_scope_strings_wrap_only_at_underscores() -> None:
    row = make_row("stored-payment-instruments")
    cell = soup_of(render.render_scope_table((row,))).select_one(".bc-scope-string code")
    assert len(cell.find_all("wbr")) == cell.get_text().count("_")


def test_leave_at_none_table_lists_rows_at_none() -> None:
    rows = (
        ScopeRow("b", "Bee", "none", ("none", "manage"), {"manage": "store_b"}, "Not needed here."),
        ScopeRow("a", "Ay", "none", ("none", "manage"), {"manage": "store_a"}, "Not needed here."),
    )
    soup = soup_of(render.render_leave_at_none_table(rows))
    assert [tr["data-row-id"] for tr in soup.select("tbody tr")] == ["b", "a"]
    assert {td.get_text() for td in soup.select(".bc-level")} == {"None"}
    assert [s["id"] for s in soup.select(".bc-anchor")] == ["scope-b", "scope-a"]


def test_row_links_join_like_a_sentence() -> None:
    rows = [make_row("a", "A"), make_row("b", "B"), make_row("c", "C")]
    assert render.render_row_links(rows[:1], "s.md") == "[A](s.md#scope-a)"
    assert render.render_row_links(rows, "s.md") == (
        "[A](s.md#scope-a), [B](s.md#scope-b) and [C](s.md#scope-c)"
    )
    assert render.render_row_links([], "s.md") == "none"


def test_level_summary_groups_rows_by_level_in_first_seen_order() -> None:
    rows = (
        make_row("a", "A", "read-only"),
        make_row("b", "B", "modify"),
        make_row("c", "C", "read-only"),
    )
    lines = render.render_level_summary(rows, "scopes.md").splitlines()
    assert lines == [
        "- **Read-only** (2): [A](scopes.md#scope-a) and [C](scopes.md#scope-c)",
        "- **Modify** (1): [B](scopes.md#scope-b)",
    ]


def test_changelog_links_rows_by_name_and_keeps_removed_ids_as_text() -> None:
    table = make_table(
        (make_row("orders", "Orders"), make_row("carts", "Carts", aliases=("basket",))),
        changelog=(
            ChangelogEntry("2026-03-01", ("basket",), "Renamed."),
            ChangelogEntry("2026-03-01", ("gone",), "Removed a row."),
            ChangelogEntry("2026-01-01", ("orders", "carts"), "First table."),
        ),
    )
    text = render.render_changelog(table, "../scopes.md")
    assert "## 2026-03-01 { #change-2026-03-01 }" in text
    assert "## 2026-03-01 { #change-2026-03-01-2 }" in text
    assert "[Carts](../scopes.md#scope-carts)" in text
    assert "gone (row since removed)" in text
    assert "[Orders](../scopes.md#scope-orders) and [Carts](../scopes.md#scope-carts)" in text
    assert text.index("Renamed.") < text.index("First table.")


def test_troubleshooting_headings_carry_the_problem_anchors() -> None:
    text = render.render_troubleshooting(PROBLEMS, "verify.md#exit-codes")
    headings = re.findall(r"^## .* \{ #([a-z0-9-]+) \}$", text, flags=re.MULTILINE)
    assert headings == [entry.anchor for entry in PROBLEMS]
    assert text.count("](verify.md#exit-codes)") == len(PROBLEMS)


def test_troubleshooting_title_cannot_break_its_heading() -> None:
    hostile = Problem("x", "Title { #other } <em>", "s", "c", "f", 2)
    text = render.render_troubleshooting((hostile,), "v.md#e")
    assert text.splitlines()[0].endswith("{ #x }")
    assert "{ #other }" not in text and "<em>" not in text


def test_exit_code_table_lists_every_problem_under_its_code() -> None:
    table = render.render_exit_code_table(PROBLEMS, "troubleshooting.md", exitcodes.MEANINGS)
    lines = table.splitlines()
    assert lines[0] == "| Exit code | What it means | Troubleshooting |"
    codes = [int(re.match(r"\| `(\d+)`", line).group(1)) for line in lines[2:]]
    assert codes == sorted(exitcodes.MEANINGS)
    for entry in PROBLEMS:
        row = lines[2 + codes.index(entry.exit_code)]
        assert f"](troubleshooting.md#{entry.anchor})" in row


def test_exit_code_meanings_read_as_sentences() -> None:
    table = render.render_exit_code_table((), "t.md", {0: "all fine", 5: "Odd | case."})
    assert table.splitlines()[2:] == [
        "| `0` | All fine. | &mdash; |",
        "| `5` | Odd &#124; case. | &mdash; |",
    ]


def test_exit_code_table_refuses_a_code_without_meaning() -> None:
    odd = Problem("odd", "Odd", "s", "c", "f", 9)
    with pytest.raises(KeyError, match="exit code 9"):
        render.render_exit_code_table((odd,), "t.md", exitcodes.MEANINGS)


@pytest.mark.parametrize(
    "from_page, to_page, fragment, expected",
    [
        ("index.md", "scopes.md", "scope-a", "scopes.md#scope-a"),
        ("guide/intro.md", "scopes.md", "", "../scopes.md"),
        ("scopes.md", "scopes.md", "x", "scopes.md#x"),
    ],
)
def test_relative_doc_link(from_page: str, to_page: str, fragment: str, expected: str) -> None:
    assert render.relative_doc_link(from_page, to_page, fragment) == expected


def test_row_lookup_finds_both_lists_and_aliases() -> None:
    none_row = ScopeRow(
        "n", "N", "none", ("none", "manage"), {"manage": "store_n"}, "Not needed here."
    )
    table = make_table((make_row("a", aliases=("old-a",)),), (none_row,))
    assert table.row("old-a").id == "a"
    assert table.row("n") is none_row
    with pytest.raises(KeyError, match="'missing'"):
        table.row("missing")


def test_code_block_fence_outgrows_backticks_in_the_text() -> None:
    block = render.render_code_block("a ``` b\n{{ not jinja }}")
    assert block.startswith("````text\n") and block.endswith("\n````")
    assert "{{ not jinja }}" in block


def test_a_row_whose_excess_fails_is_marked_must_stay_none() -> None:
    risky = make_row("pay", "Create payments", required="none", excess_fails=True)
    plain = make_row("orders")
    for rendered in (render.render_scope_table((risky, plain)),
                     render.render_leave_at_none_table((risky, plain))):
        rows = soup_of(rendered).select("tbody tr")
        assert rows[0].select_one(".bc-must-stay").get_text() == "Must stay None."
        assert rows[1].select_one(".bc-must-stay") is None
        assert rows[0].select_one(".bc-reason").get_text() == "Needed to ship orders."


def test_count_sentence_counts_rows_to_change_and_rows_to_leave_at_none() -> None:
    rows = (make_row("a"), make_row("b", required="none"), make_row("c", required="read-only"),
            make_row("d", required="none"))
    sentence = render.render_count_sentence(rows)
    assert sentence == ("The form has 4 rows: **2 to change from None** and "
                        "**2 to leave at None**.")


def test_a_lowest_level_that_is_not_none_still_counts_as_a_row_to_change() -> None:
    standard = ScopeRow(id="m", name="Metafields", required="standard",
                        levels=("standard", "full"), scope_strings={}, reason="r")
    assert render.changed_and_none_counts((standard, make_row("n", required="none"))) == (1, 1)


def test_checklist_holds_both_lists_with_one_tick_box_per_row() -> None:
    table = make_table((make_row("orders"), make_row("themes", "Themes", "none")),
                       (make_row("carts", "Carts", "none"),),
                       (ChangelogEntry("2026-01-02", ("orders",), "x"),))
    soup = soup_of(render.render_checklist(table, "#sources", "../save-credentials/#save"))
    checklist = soup.select_one("[data-bc-checklist]")
    assert checklist["data-bc-total"] == "3"
    ticks = [box["data-bc-tick"] for box in soup.select("label.bc-tick-label > input.bc-tick")]
    assert ticks == ["orders", "themes", "carts"]
    # None is drawn as a level like any other, in both tables.
    assert [td.get_text() for td in soup.select("td.bc-level")] == ["Modify", "None", "None"]
    assert soup.select_one("#leave-at-none").name == "h3"
    done = soup.select_one('[data-bc-complete="all"]')
    assert done.has_attr("hidden") and "Save" in done.get_text()
    assert done.select("a")[-1]["href"] == "../save-credentials/#save"
    printed = soup.select_one(".bc-print-only").get_text()
    assert "https://example.org/scopes/" in printed and "2026-01-02" in printed
    # The rows get their own search entries; the long table stays out of the page's.
    assert soup.select_one("[data-search-exclude] table[data-bc-table='scopes']") is not None


def test_scope_string_sits_behind_why_and_must_stay_does_not() -> None:
    row = make_row("pay", "Payments", "none", excess_fails=True)
    cell = soup_of(render.render_leave_at_none_table((make_row("x"),)) +
                   render.render_scope_table((row,))).select('tr[data-row-id="pay"] td.bc-why')[0]
    assert cell.select_one("details .bc-scope-string").get_text() == "no scope"
    assert cell.select_one(".bc-must-stay").find_parent("details") is None
    modify = soup_of(render.render_scope_table((make_row("orders"),)))
    assert modify.select_one("details .bc-scope-string code").get_text() == "store_orders"


def test_search_entries_give_each_row_a_clean_snippet() -> None:
    table = make_table((make_row("orders", reason="Ships <orders>."),),
                       (make_row("carts", "Carts", "none", excess_fails=True),))
    entries = render.search_entries(table, "scopes/")
    assert [entry["location"] for entry in entries] == ["scopes/#scope-orders",
                                                       "scopes/#scope-carts"]
    assert entries[0]["title"] == "Orders"
    assert entries[0]["text"] == ("<p>Set to Modify. Ships &lt;orders&gt;. "
                                  "Scope: store_orders</p>")
    assert entries[1]["text"].startswith("<p>Set to None. Must stay None.")


@pytest.mark.parametrize(("from_page", "to_page", "fragment", "expected"), [
    ("scopes.md", "save-credentials.md", "save", "../save-credentials/#save"),
    ("index.md", "scopes.md", "", "scopes/"),
    ("maintainers/calibrate.md", "index.md", "", "../../"),
    ("scopes.md", "scopes.md", "x", "./#x"),
])
def test_relative_site_link(from_page: str, to_page: str, fragment: str, expected: str) -> None:
    assert render.relative_site_link(from_page, to_page, fragment) == expected


def test_troubleshooting_names_the_http_statuses_its_titles_mention() -> None:
    problems = (
        Problem("a", "Rejected (401)", "s", "c", "f", 3),
        Problem("b", "Wrong store (403 or 404 on the first request)", "s", "c", "f", 3),
        Problem("c", "No status here", "s", "c", "f", 1),
    )
    text = render.render_troubleshooting(problems, "verify.md#exit-codes")
    sections = text.split("\n## ")
    assert "**HTTP status:** 401 Unauthorized" in sections[0]
    assert "**HTTP status:** 403 Forbidden, 404 Not Found" in sections[1]
    assert "HTTP status" not in sections[2]
