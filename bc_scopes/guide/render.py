"""Turn the scope table and the troubleshooting records into guide text. Pure: no I/O.

The guide must never type a row's name, level or anchor by hand, so every piece of
the pages that shows one is produced here from the model and tested without a build.

Two output forms, chosen on purpose:

* Tables are raw HTML, without a class attribute so that Material styles them like
  its own tables (it only styles ``table:not([class])``); tests find them by their
  ``data-bc-table`` attribute. Python-Markdown leaves a raw HTML block alone, so a
  name such as ``A | B *c* {: #x }`` can only ever render as the text it is; HTML
  escaping is then the whole story.
* Headings, lists and links to other pages are Markdown, because only Markdown
  headings reach the table of contents and only Markdown links are checked by
  mkdocs' link and anchor validation. Text placed into that Markdown goes through
  `markdown_text`, which turns every character Markdown or attr_list could act on
  into a character reference.

Curly braces are written as character references in both forms so that data can
never leave ``{{``, ``{%`` or ``{#`` in a built page.
"""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Iterable, Mapping, Sequence
from http import HTTPStatus

from bc_scopes.levels import level_label
from bc_scopes.model import ScopeRow, ScopeTable
from bc_scopes.troubleshooting import Problem

# The link icon: an empty span that guide.css paints with Material Design's
# "link-variant" as a mask. Inline SVG (two elements and 700 bytes on each of the 28
# rows) made every restyle of the scopes page on a phone slower.
LINK_ICON = '<span class="bc-link-icon" aria-hidden="true"></span>'

# Characters Markdown, attr_list, pymdownx or Jinja could read as syntax anywhere in a line.
# Line breaks become references too, so the text is always one line of Markdown: a line
# break is the only way to start a new block (a heading, a setext underline, a fence)
# part-way through the text.
_MARKDOWN_ACTIVE = str.maketrans({char: f"&#{ord(char)};" for char in "\\`*_[]{}<>#!|~^\r\n"})
# What opens a block when it starts the text: indentation (an indented code block or a
# nested list), then any punctuation (`???` details, `!!!` admonitions, `===` tabs, `:::`,
# `-`/`+`/`*` bullets and rules, `>` quotes, `#` headings, `|` tables, `<` HTML, fences) or
# the digits of a numbered list. Letters never do, so they stay readable.
_BLOCK_START = re.compile(r"\s*(?:\d+(?=[.)])|[^\w\s]|_)?")


def html_text(value: str) -> str:
    """Escape text for HTML, curly braces included (they must never look like Jinja)."""
    return html.escape(value, quote=True).replace("{", "&#123;").replace("}", "&#125;")


def markdown_text(value: str) -> str:
    """Escape text for a Markdown paragraph, heading or link label.

    `&` is escaped first so the references added after it survive; every other
    character Markdown, attr_list or Jinja could read as syntax becomes a reference.
    The result is one line, and whatever could open a block at its start (indentation,
    punctuation, a list number) is a reference as well, so the text cannot become a
    details box, an admonition, a tab, a heading, a rule, a list, a quote, a table, a
    fence, raw HTML or a code block even where it starts a line of the page.
    """
    start = _BLOCK_START.match(value)  # always matches, possibly nothing
    end = start.end() if start else 0
    rest = value[end:].replace("&", "&amp;").translate(_MARKDOWN_ACTIVE)
    return _references(value[:end]) + rest


def _references(text: str) -> str:
    return "".join(f"&#{ord(char)};" for char in text)


def relative_doc_link(from_page: str, to_page: str, fragment: str = "") -> str:
    """Markdown link target from one source page to another, e.g. ``scopes.md#scope-x``.

    Relative to the source file, as mkdocs expects, so the link still validates when
    a page later moves into a folder.
    """
    start = posixpath.dirname(from_page) or "."
    target = posixpath.relpath(to_page, start)
    return f"{target}#{fragment}" if fragment else target


def relative_site_link(from_page: str, to_page: str, fragment: str = "") -> str:
    """A built page's address relative to another's, for raw HTML, e.g. from
    ``scopes.md`` to ``save-credentials.md`` -> ``../save-credentials/``.

    Pages are built as folders (``use_directory_urls``); ``index.md`` is its folder.
    """
    def url(page: str) -> str:
        stem = posixpath.splitext(page)[0]
        if posixpath.basename(stem) == "index":
            stem = posixpath.dirname(stem)
        return f"{stem}/" if stem else ""

    start, target = url(from_page), url(to_page)
    relative = posixpath.relpath(target or ".", start or ".")
    relative = "./" if relative == "." else relative + "/"
    return f"{relative}#{fragment}" if fragment else relative


def _anchor_spans(row: ScopeRow) -> str:
    """The row's own anchor, then one empty span per alias so old links still land here."""
    ids = (row.anchor, *row.alias_anchors)
    return "".join(f'<span class="bc-anchor" id="{html_text(anchor)}"></span>' for anchor in ids)


def _row_link_icon(row: ScopeRow) -> str:
    label = html_text(f"Link to the {row.name} row")
    return (
        f'<a class="bc-row-link" href="#{html_text(row.anchor)}" aria-label="{label}" '
        f'title="{label}">{LINK_ICON}</a>'
    )


def _name_cell(row: ScopeRow) -> str:
    """The row's tick box and name in one label (the whole label is the tap target), then
    its link icon. The label names the level too, for screen readers."""
    label = html_text(f"{row.name} set to {level_label(row.required)}")
    return (
        f'<td class="bc-name">{_anchor_spans(row)}'
        f'<label class="bc-tick-label"><input type="checkbox" class="bc-tick" '
        f'data-bc-tick="{html_text(row.id)}" aria-label="{label}">'
        '<span class="bc-print-box" aria-hidden="true"></span>'
        f'<span class="bc-row-name">{html_text(row.name)}</span></label>'
        f"{_row_link_icon(row)}</td>"
    )


def _level_cell(row: ScopeRow) -> str:
    """The level to choose. None is drawn like every other level: it is a choice too."""
    css = "bc-level bc-level-none" if row.required == "none" else "bc-level"
    return f'<td class="{css}">{html_text(level_label(row.required))}</td>'


def _scope_string(row: ScopeRow) -> str:
    scope = row.required_scope_string
    if scope is None:
        return '<span class="bc-scope-string"><span class="bc-no-scope">no scope</span></span>'
    # <wbr> after each underscore lets a long scope string wrap at a word boundary.
    breakable = html_text(scope).replace("_", "_<wbr>")
    return f'<span class="bc-scope-string"><code>{breakable}</code></span>'


def _reason_cell(row: ScopeRow, sources_href: str = "") -> str:
    """"Must stay None." in plain sight, then the reason folded into "Why" on narrow screens,
    with BigCommerce's name for the scope (never typed: it is only for reference) and a
    link to the reason's source.

    The `<details>` is open by default, so without JavaScript every reason is visible; the
    checklist script folds them on a phone, and on a wide screen the summary line is hidden.
    """
    badge = (
        f'<strong class="bc-must-stay">Must stay {html_text(level_label(row.required))}.</strong>'
        if row.excess_fails else ""
    )
    source = ""
    if sources_href and row.reason_source:
        label = html_text(f"Source: {row.reason_source}")
        source = (
            f' <a class="bc-source-link" href="{html_text(sources_href)}" title="{label}" '
            f'aria-label="{label}">[source]</a>'
        )
    return (
        f'<td class="bc-why">{badge}<details class="bc-why-fold" open><summary>Why</summary>'
        f'<span class="bc-reason">{html_text(row.reason)}</span>{source}'
        f'<span class="bc-scope-line">Scope name in BigCommerce&#8217;s docs: '
        f"{_scope_string(row)}</span></details></td>"
    )


def _checklist_table(kind: str, rows: Sequence[ScopeRow], sources_href: str) -> str:
    lines = [
        f'<table data-bc-table="{kind}">',
        "<thead><tr>"
        '<th scope="col">Resource</th><th scope="col">Access level</th>'
        '<th scope="col">Why</th>'
        "</tr></thead>",
        "<tbody>",
    ]
    for row in rows:
        lines.append(
            f'<tr data-row-id="{html_text(row.id)}">{_name_cell(row)}{_level_cell(row)}'
            f"{_reason_cell(row, sources_href)}</tr>"
        )
    lines += ["</tbody>", "</table>"]
    return "\n".join(lines)


def render_scope_table(rows: Sequence[ScopeRow], sources_href: str = "") -> str:
    """The main table: one row per required row, in the data's order, each with a tick box.
    `sources_href` points each reason at the page's list of sources."""
    return _checklist_table("scopes", rows, sources_href)


def render_leave_at_none_table(rows: Sequence[ScopeRow], sources_href: str = "") -> str:
    """Rows the form shows but the main table does not list: each stays at None, and each
    has its tick box too."""
    return _checklist_table("leave-at-none", rows, sources_href)


def changed_and_none_counts(rows: Sequence[ScopeRow]) -> tuple[int, int]:
    """How many of the form's rows are changed from None, and how many stay at None.

    A row whose lowest level is not None (Metafields Access starts at Standard) still
    counts as one to change: the reader must look at it and pick its level.
    """
    stay = sum(1 for row in rows if row.required == "none")
    return len(rows) - stay, stay


def render_count_sentence(rows: Sequence[ScopeRow]) -> str:
    """The one count the guide gives: rows to change from None, rows to leave at None.

    `rows` is every row of the form (both lists), so the two numbers add up to it.
    """
    change, stay = changed_and_none_counts(rows)
    none = markdown_text(level_label("none"))
    return (f"The form has {len(rows)} rows: **{change} to change from {none}** and "
            f"**{stay} to leave at {none}**.")


def render_checklist(table: ScopeTable, sources_href: str, done_href: str,
                     fixed_source_href: str = "#sources") -> str:
    """The whole checklist: both tables under one sticky progress line.

    - `done_href`: where the reader goes after the last tick (the save step).
    - `fixed_source_href`: the source for "scopes cannot be changed after saving".
    - A print-only line carries the page's address and the table's date.
    - `data-search-exclude`: the search index gets one clean entry per row instead
      (`search_entries`), so the long table does not become one long snippet.
    """
    rows = table.all_rows
    total = len(rows)
    none = html_text(level_label("none"))
    _, stay = changed_and_none_counts(rows)
    address = html_text(table.guide.site_url + table.guide.scopes_page)
    return "\n".join([
        f'<div class="bc-checklist" data-bc-checklist data-bc-total="{total}">',
        '<div class="bc-progress-bar" data-bc-progress-bar>',
        f'<p class="bc-progress" data-bc-progress aria-live="polite">'
        f'<span data-bc-done>0</span> of <span data-bc-count>{total}</span> set</p>',
        '<p class="bc-done-note" data-bc-complete="all" hidden>Every row is set. Look over the '
        "form once more (scopes cannot be changed after saving: "
        f'<a href="{html_text(fixed_source_href)}">BigCommerce developer docs</a>), then click '
        "<strong>Save</strong> at the bottom of it and "
        f'<a href="{html_text(done_href)}">keep the credentials it shows</a>.</p>',
        '<p class="bc-done-note" data-bc-complete="confirm" hidden>Every row here matches. '
        "Nothing else to do for these rows.</p>",
        "</div>",
        '<p class="bc-confirm-note" data-bc-confirm-note hidden></p>',
        '<div data-search-exclude>',
        render_scope_table(table.rows, sources_href),
        f'<h3 id="leave-at-none" class="bc-none-heading">Also on the form: leave these '
        f"at {none}</h3>",
        render_leave_at_none_table(table.leave_at_none, sources_href),
        "</div>",
        f'<p class="bc-print-only">Checklist from {address} &middot; scope table of '
        f"{html_text(table.version)} &middot; {stay} rows stay at {none}.</p>",
        "</div>",
    ])


def search_entries(table: ScopeTable, page_location: str) -> list[dict[str, str]]:
    """One search entry per row, for Material's search index: the row's name as the title,
    and a clean snippet (level, must-stay note, reason, BigCommerce's scope name)."""
    entries = []
    for row in table.all_rows:
        parts = [f"Set to {level_label(row.required)}."]
        if row.excess_fails:
            parts.append(f"Must stay {level_label(row.required)}.")
        parts.append(row.reason)
        if row.required_scope_string:
            parts.append(f"Scope: {row.required_scope_string}")
        entries.append({
            "location": f"{page_location}#{row.anchor}",
            "title": html_text(row.name),
            "text": "<p>" + html_text(" ".join(parts)) + "</p>",
        })
    return entries


def row_markdown_link(row: ScopeRow, scopes_href: str) -> str:
    """A Markdown link to a row, labelled with the row's name."""
    return f"[{markdown_text(row.name)}]({scopes_href}#{row.anchor})"


def render_row_links(rows: Iterable[ScopeRow], scopes_href: str) -> str:
    """Links to several rows as one sentence-friendly list: "A, B and C"."""
    links = [row_markdown_link(row, scopes_href) for row in rows]
    if not links:
        return "none"
    if len(links) == 1:
        return links[0]
    return ", ".join(links[:-1]) + " and " + links[-1]


def render_level_summary(rows: Sequence[ScopeRow], scopes_href: str) -> str:
    """A Markdown list grouping the rows by required level, levels in first-seen order.

    It lets a reader who has the form open check a whole level at a glance.
    """
    by_level: dict[str, list[ScopeRow]] = {}
    for row in rows:
        by_level.setdefault(row.required, []).append(row)
    return "\n".join(
        f"- **{markdown_text(level_label(level))}** ({len(group)}): "
        f"{render_row_links(group, scopes_href)}"
        for level, group in by_level.items()
    )


def render_confirm_by_eye(rows: Sequence[ScopeRow], scopes_href: str) -> str:
    """A Markdown list of rows the checker cannot verify remotely, with what to look at.

    Empty when no row carries a `confirm_by_eye` note, so the page can say so in prose.
    """
    return "\n".join(
        f"- {row_markdown_link(row, scopes_href)}: {markdown_text(row.confirm_by_eye)}"
        for row in rows
        if row.confirm_by_eye
    )


def render_changelog(table: ScopeTable, scopes_href: str) -> str:
    """The "What changed" entries, newest first as the data keeps them.

    A changelog entry may name a row that has since been removed; it then shows the
    bare id instead of a link, because a link to a missing anchor would fail the build.
    """
    parts: list[str] = []
    used_ids: set[str] = set()
    for entry in table.changelog:
        heading_id = f"change-{entry.date}"
        suffix = 2
        while heading_id in used_ids:
            heading_id, suffix = f"change-{entry.date}-{suffix}", suffix + 1
        used_ids.add(heading_id)
        named: list[str] = []
        for row_id in entry.rows:
            try:
                named.append(row_markdown_link(table.row(row_id), scopes_href))
            except KeyError:
                named.append(f"{markdown_text(row_id)} (row since removed)")
        rows_text = named[0] if len(named) == 1 else ", ".join(named[:-1]) + " and " + named[-1]
        count = f"{len(named)} row" + ("" if len(named) == 1 else "s")
        parts.append(
            f"## {markdown_text(entry.date)} {{ #{heading_id} }}\n\n"
            f"{markdown_text(entry.summary)}\n\n"
            f"**Rows changed ({count}):** {rows_text}\n"
        )
    return "\n".join(parts)


def render_troubleshooting(
    problems: Sequence[Problem], exit_codes_href: str, heading_level: int = 2
) -> str:
    """One section per problem. Its heading id is the problem's anchor, which the
    checker prints in its messages, so the text around it can change but the id cannot.

    The symptom, cause and fix fields are Markdown (they use `code` spans); they are
    reviewed Python constants, not user data. Titles are escaped.
    """
    hashes = "#" * heading_level
    sections = []
    for entry in problems:
        sections.append(
            f"{hashes} {markdown_text(entry.title)} {{ #{entry.anchor} }}\n\n"
            f"{_status_line(entry)}"
            f"**What you see:** {entry.symptom}\n\n"
            f"**Why it happens:** {entry.cause}\n\n"
            f"**How to fix it:** {entry.fix}\n\n"
            f"The checker ends with [exit code {entry.exit_code}]({exit_codes_href}).\n"
        )
    return "\n".join(sections)


_STATUS_CODE = re.compile(r"\b([45]\d\d)\b")


def _status_line(entry: Problem) -> str:
    """The HTTP status codes a problem's title names, with their standard names, so a
    search for "forbidden" finds the 403 entry and "unauthorized" the 401 entry."""
    names = []
    for code in dict.fromkeys(_STATUS_CODE.findall(entry.title)):
        try:
            names.append(f"{code} {HTTPStatus(int(code)).phrase}")
        except ValueError:
            continue
    if not names:
        return ""
    return "**HTTP status:** " + ", ".join(names) + "\n\n"


def render_exit_code_table(
    problems: Sequence[Problem], troubleshooting_href: str, meanings: Mapping[int, str]
) -> str:
    """Exit codes with their meaning and the troubleshooting sections that end with each.

    `meanings` is the checker's own list (bc_scopes.exitcodes.MEANINGS), so --help and
    the guide cannot disagree. A Markdown table, because its cells link to another page
    that mkdocs must check. A problem whose code has no meaning fails the build here.
    """
    by_code: dict[int, list[Problem]] = {code: [] for code in meanings}
    for entry in problems:
        if entry.exit_code not in by_code:
            raise KeyError(
                f"problem '{entry.anchor}' ends with exit code {entry.exit_code}, "
                "which the checker's exit codes do not define"
            )
        by_code[entry.exit_code].append(entry)
    lines = ["| Exit code | What it means | Troubleshooting |", "| --- | --- | --- |"]
    for code in sorted(by_code):
        links = "<br>".join(
            f"[{markdown_text(entry.title)}]({troubleshooting_href}#{entry.anchor})"
            for entry in by_code[code]
        ) or "&mdash;"
        lines.append(f"| `{code}` | {markdown_text(_as_sentence(meanings[code]))} | {links} |")
    return "\n".join(lines)


def _as_sentence(text: str) -> str:
    """'every row is ok' -> 'Every row is ok.' (the checker's wording is made for --help)."""
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def render_code_block(text: str, language: str = "text") -> str:
    """A fenced code block holding `text` verbatim, with a fence longer than any in it."""
    longest = 0
    run = 0
    for char in text:
        run = run + 1 if char == "`" else 0
        longest = max(longest, run)
    fence = "`" * max(3, longest + 1)
    body = text if text.endswith("\n") else text + "\n"
    return f"{fence}{language}\n{body}{fence}"
