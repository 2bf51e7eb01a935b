"""Hostile `scopes.yaml`: every bad file is refused in one line; every odd name renders as text.

Refusal is checked in the model (the single loader) and in a real strict docs
build of a copied project. Rendering is checked by parsing the HTML of one
strict build whose rows carry HTML, script, Jinja and Markdown payloads.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag
from support.docs import SCOPES_FILE, copy_docs_project, real_document, run_strict_build

from bc_scopes.model import ScopeFileError, load_scope_table, parse_scope_table

from .cases import BLOCK_MARKER, INVALID_FILES, RENDER_PAYLOADS, InvalidFile, RenderPayload
from .conftest import HostileBuild

# Every bad file is refused by the model in one line (the model test, for every case).
# The build reaches the model through one `except ScopeFileError` in macros/, the same
# for every case, and each build costs a full mkdocs start: so two cases prove the build
# path end to end, a row the model refuses and bytes that are not text at all.
BUILD_REFUSAL_CASES = (
    "duplicate-id",
    "non-utf8-bytes",
)
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "xlink:href", "data")


def _case(case_id: str) -> InvalidFile:
    return next(case for case in INVALID_FILES if case.case_id == case_id)


def _normalised(text: str) -> str:
    return " ".join(text.split())


# --- refused by the model ---------------------------------------------------------------------


@pytest.mark.parametrize("case", INVALID_FILES, ids=lambda case: case.case_id)
def test_model_refuses_bad_file_with_one_line_naming_file_row_and_field(
    case: InvalidFile, tmp_path: Path
) -> None:
    path = tmp_path / "scopes.yaml"
    path.write_bytes(case.content())

    with pytest.raises(ScopeFileError) as refusal:
        load_scope_table(path)

    message = str(refusal.value)
    assert "\n" not in message and "\r" not in message, f"not one line: {message!r}"
    assert message.startswith(f"{path}:"), f"does not name the file first: {message!r}"
    for fragment in case.must_mention:
        assert fragment.lower() in message.lower(), f"{fragment!r} missing from {message!r}"
    assert refusal.value.__cause__ is None, "a chained cause would print a second traceback"


def test_huge_text_is_refused_before_parsing() -> None:
    """The size cap holds for text too, so no caller can feed the parser megabytes."""
    huge = SCOPES_FILE.read_text(encoding="utf-8") + "#" + "x" * (600 * 1024)
    with pytest.raises(ScopeFileError, match=r"^pasted\.yaml: larger than 512 KiB"):
        parse_scope_table(huge, "pasted.yaml")


def test_real_file_still_loads() -> None:
    """The attacks start from the real file; if it failed to load, every refusal is hollow."""
    table = load_scope_table(SCOPES_FILE)
    assert [row.id for row in table.rows] == [row["id"] for row in real_document()["scopes"]]


# --- refused by the strict docs build ---------------------------------------------------------


@pytest.mark.parametrize("case_id", BUILD_REFUSAL_CASES)
def test_strict_build_fails_with_the_model_message_and_no_traceback(
    case_id: str, tmp_path: Path
) -> None:
    project = copy_docs_project(tmp_path / "docs-project")
    bad_file = project / "scopes.yaml"
    bad_file.write_bytes(_case(case_id).content())
    with pytest.raises(ScopeFileError) as refusal:
        load_scope_table(bad_file)
    # The build may name the file by another path; what follows the path must match.
    problem = str(refusal.value).split(": ", 1)[1]

    result = run_strict_build(project, tmp_path / "site")

    output = result.stdout + result.stderr
    assert result.returncode != 0, f"strict build passed with a bad scopes.yaml:\n{output[-3000:]}"
    assert problem in output, f"model message {problem!r} not in build output:\n{output[-3000:]}"
    assert "Traceback" not in output, f"build printed a traceback:\n{output[-3000:]}"
    assert not (tmp_path / "site" / "scopes" / "index.html").exists()


# --- valid but hostile text renders as text ---------------------------------------------------


def test_hostile_but_valid_file_builds(built_hostile_site: HostileBuild) -> None:
    assert built_hostile_site.result.returncode == 0


@pytest.mark.parametrize("payload", RENDER_PAYLOADS, ids=lambda payload: payload.case_id)
def test_payload_is_shown_as_literal_text(
    payload: RenderPayload, built_hostile_site: HostileBuild
) -> None:
    """Escaped means the reader sees exactly the characters in scopes.yaml, nothing evaluated."""
    expected = _normalised(payload.text)
    pages_showing_it = [
        name for name, text in built_hostile_site.page_texts().items() if expected in text
    ]
    assert pages_showing_it, f"{payload.text!r} is not shown literally on any page"
    if payload.section in ("scopes", "leave_at_none") and payload.field in ("name", "reason"):
        assert "scopes/index.html" in pages_showing_it


def _row(soup: BeautifulSoup, row_id: str) -> Tag:
    target = soup.find(id=f"scope-{row_id}")
    assert isinstance(target, Tag), f"anchor scope-{row_id} missing"
    row = target if target.name == "tr" else target.find_parent("tr")
    assert isinstance(row, Tag), f"scope-{row_id} is not inside a table row"
    return row


def test_jinja_in_data_is_not_evaluated(built_hostile_site: HostileBuild) -> None:
    soup = BeautifulSoup(built_hostile_site.pages()["scopes/index.html"], "html.parser")
    row_text = _normalised(_row(soup, "content").get_text(" "))
    assert "{{ 7*7 }}" in row_text
    assert "49" not in row_text


def test_every_row_survives_comment_openers_and_pipes(built_hostile_site: HostileBuild) -> None:
    """An unescaped `<!--` would swallow the rows after it; an unescaped `|` would add cells."""
    soup = BeautifulSoup(built_hostile_site.pages()["scopes/index.html"], "html.parser")
    for row in real_document()["scopes"] + real_document()["leave_at_none"]:
        _row(soup, row["id"])
    checkouts = _row(soup, "checkouts")
    header = checkouts.find_parent("table").find("tr")
    assert len(checkouts.find_all(["td", "th"])) == len(header.find_all(["td", "th"]))


def _injected_code(html: str) -> list[str]:
    """Elements or attributes that would run code a payload carried (every payload says 'xss')."""
    found = []
    for element in BeautifulSoup(html, "html.parser").find_all(True):
        if element.name == "script" and "xss" in element.get_text():
            found.append(f"<script> containing {element.get_text()[:60]!r}")
        for attribute, value in element.attrs.items():
            text = " ".join(value) if isinstance(value, list) else str(value)
            if attribute.lower().startswith("on") and "xss" in text:
                found.append(f"<{element.name} {attribute}={text[:60]!r}>")
            if attribute.lower() in URL_ATTRIBUTES and text.strip().lower().startswith(
                "javascript:"
            ):
                found.append(f"<{element.name} {attribute}={text[:60]!r}>")
        # An <svg> is also the guide's own drawing of the scope form, whose text shows the
        # (escaped) hostile names; an injected one is caught by its on* attribute above.
        if element.name in ("img", "iframe", "object", "embed") and "xss" in str(element):
            found.append(f"injected <{element.name}>")
    return found


def test_no_page_carries_injected_code(built_hostile_site: HostileBuild) -> None:
    injected = {
        name: found
        for name, html in built_hostile_site.pages().items()
        if (found := _injected_code(html))
    }
    assert injected == {}


def test_injected_code_detector_is_not_blind() -> None:
    """The scan above must catch what an unescaped renderer would emit."""
    unescaped = (
        '<td><script>window.xss="name"</script><img src=x onerror="window.xss=1">'
        '<a href="javascript:xss()">P</a><svg onload="xss()"></svg></td>'
    )
    assert len(_injected_code(unescaped)) >= 4
    assert _injected_code("<td>&lt;script&gt;xss()&lt;/script&gt;</td>") == []


# Elements a Markdown block would become: pymdownx.details, admonition, pymdownx.tabbed,
# headings, quotes, code blocks, tables and lists (other than the bullet list the
# confirm-by-eye notes live in, checked by the parent rule below).
BLOCK_TAGS = ("details", "summary", "blockquote", "pre", "code", "table", "ol", "dl", "label")
BLOCK_CLASSES = ("admonition", "tabbed-set", "tabbed-block", "highlight")
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


def _injected_blocks(html: str) -> list[str]:
    """Where a payload's marker text sits inside a block that data opened.

    Escaped data is a line of a paragraph (a changelog summary) or the text of the list
    item that names its row (a confirm-by-eye note), so the marker's own element is a
    `p` or an `li`, with no details box, admonition, tab, quote or code block around it.
    """
    found = []
    soup = BeautifulSoup(html, "html.parser")
    for text in soup.find_all(string=lambda value: value is not None and BLOCK_MARKER in value):
        parent = text.parent
        if parent.name not in ("p", "li"):
            found.append(f"<{parent.name}> holds {str(text)[:60]!r}")
        for ancestor in text.parents:
            classes = set(ancestor.get("class") or ())
            if ancestor.name in BLOCK_TAGS + HEADINGS or classes & set(BLOCK_CLASSES):
                found.append(f"<{ancestor.name} class={sorted(classes)}> holds {str(text)[:60]!r}")
    return found


def test_no_markdown_block_comes_from_data(built_hostile_site: HostileBuild) -> None:
    """`??? danger`, `!!!`, `===`, `#`, `>`, `1.`, four spaces... in a summary stay text."""
    pages = built_hostile_site.pages()
    block_payloads = [payload for payload in RENDER_PAYLOADS if BLOCK_MARKER in payload.text]
    shown = sum(html.count(BLOCK_MARKER) for html in pages.values())
    assert shown >= len(block_payloads), "the block payloads are not on any page"
    injected = {name: found for name, html in pages.items() if (found := _injected_blocks(html))}
    assert injected == {}


def test_no_rule_comes_from_data(built_hostile_site: HostileBuild) -> None:
    """A summary of dashes or stars would be a horizontal rule; the page must show the text."""
    changes = BeautifulSoup(built_hostile_site.pages()["changes/index.html"], "html.parser")
    content = changes.select_one("article") or changes
    assert content.find("hr") is None
    paragraphs = {_normalised(p.get_text(" ")) for p in content.find_all("p")}
    for payload in RENDER_PAYLOADS:
        if payload.section == "changelog" and BLOCK_MARKER not in payload.text:
            assert _normalised(payload.text) in paragraphs, f"{payload.text!r} is not a paragraph"


def test_injected_block_detector_is_not_blind() -> None:
    """The scan above must catch what an unescaped summary would render as."""
    import markdown

    unescaped = markdown.markdown(
        "\n\n".join(
            (
                f'??? danger "{BLOCK_MARKER} a"',
                f'!!! note "{BLOCK_MARKER} b"',
                f'=== "{BLOCK_MARKER} c"\n\n    text',
                f"# {BLOCK_MARKER} d",
                f"    {BLOCK_MARKER} e",
            )
        ),
        extensions=["admonition", "pymdownx.details", "pymdownx.tabbed"],
    )
    assert len(_injected_blocks(unescaped)) >= 5
    assert _injected_blocks(f"<p>&#63;?? danger {BLOCK_MARKER}</p>") == []
    assert _injected_blocks(f"<ul><li><a href=x>Row</a>: {BLOCK_MARKER}</li></ul>") == []
