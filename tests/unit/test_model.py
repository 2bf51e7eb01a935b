"""The model accepts the valid example files and refuses the invalid ones with the
message each file promises in its `# expect:` header line.

The folders of examples make the error messages part of the contract: a message
that stops naming the row and the field fails here.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from support.docs import REPO_ROOT

from bc_scopes.model import ScopeFileError, load_scope_table, parse_scope_table

DATA = REPO_ROOT / "tests" / "data"
VALID_FILES = sorted((DATA / "valid").glob("*.yaml"))
INVALID_FILES = sorted((DATA / "invalid").glob("*.yaml"))
EXPECT_PREFIX = "# expect: "


def expected_fragment(path: Path) -> str:
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith(EXPECT_PREFIX):
            return line[len(EXPECT_PREFIX):]
    raise AssertionError(f"{path.name} has no '{EXPECT_PREFIX}...' line saying what must fail")


def test_example_folders_are_not_empty() -> None:
    assert len(VALID_FILES) >= 3
    assert len(INVALID_FILES) >= 10


@pytest.mark.parametrize("path", VALID_FILES, ids=lambda p: p.stem)
def test_valid_example_loads(path: Path) -> None:
    table = load_scope_table(path)
    assert table.rows, "a valid file has at least one row"
    for row in table.rows:
        assert row.required in row.levels


@pytest.mark.parametrize("path", INVALID_FILES, ids=lambda p: p.stem)
def test_invalid_example_is_refused_with_its_message(path: Path) -> None:
    with pytest.raises(ScopeFileError) as caught:
        load_scope_table(path)
    message = str(caught.value)
    assert expected_fragment(path) in message
    assert message.startswith(str(path)), "the message names the file"
    assert "\n" not in message, "the message is one line"


def test_repository_table_has_the_seed_size(table) -> None:
    assert len(table.rows) == 25
    assert len({row.id for row in table.rows}) == 25


def test_aliases_find_the_renamed_row() -> None:
    table = load_scope_table(DATA / "valid" / "aliases-and-none-rows.yaml")
    row = table.row("routes")
    assert row.id == "sites-routes"
    assert row.anchor == "scope-sites-routes"
    assert row.alias_anchors == ("scope-sites", "scope-routes")


def test_guide_links_point_at_row_and_troubleshooting_anchors() -> None:
    table = load_scope_table(DATA / "valid" / "minimal.yaml")
    assert table.guide.row_url("orders") == "https://example.org/guide/scopes/#scope-orders"
    assert (
        table.guide.troubleshooting_url("bad-input")
        == "https://example.org/guide/troubleshooting/#bad-input"
    )


def test_non_utf8_file_is_refused_with_the_byte_offset(tmp_path: Path) -> None:
    text = (DATA / "valid" / "minimal.yaml").read_text(encoding="utf-8")
    broken = tmp_path / "latin1.yaml"
    broken.write_bytes(text.replace("Orders are", "Ordres é").encode("latin-1"))
    with pytest.raises(ScopeFileError, match=r"latin1\.yaml: byte \d+ is not valid UTF-8"):
        load_scope_table(broken)


def test_missing_file_names_the_path(tmp_path: Path) -> None:
    with pytest.raises(ScopeFileError, match=r"nowhere\.yaml: file not found"):
        load_scope_table(tmp_path / "nowhere.yaml")


def test_parse_is_pure_and_names_the_given_source() -> None:
    text = (DATA / "invalid" / "duplicate-id.yaml").read_text(encoding="utf-8")
    with pytest.raises(ScopeFileError, match=r"^pasted text: row 2 \(orders\)"):
        parse_scope_table(text, source="pasted text")


def test_dates_stay_text_as_written() -> None:
    table = load_scope_table(DATA / "valid" / "minimal.yaml")
    assert table.changelog[0].date == "2026-01-01"


# Unicode format characters (category Cf): bidi overrides, embeddings, isolates and marks,
# zero-width space, joiners, word joiner, byte order mark, soft hyphen, Arabic letter mark.
FORMAT_CHARACTERS = [
    "\u202e", "\u202d", "\u202a", "\u202b", "\u202c", "\u2066", "\u2067", "\u2068", "\u2069",
    "\u200e", "\u200f", "\u061c", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad",
]
MINIMAL_TEXT = (DATA / "valid" / "minimal.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize("character", FORMAT_CHARACTERS, ids=lambda c: f"U+{ord(c):04X}")
@pytest.mark.parametrize(
    "written, field",
    [
        ("name: Orders", "row 1 (orders), field 'name'"),
        (
            "reason: Orders are imported and their status is written back.",
            "row 1 (orders), field 'reason'",
        ),
        ("summary: First table.", "changelog entry 1, field 'summary'"),
    ],
)
def test_invisible_format_character_is_refused(character: str, written: str, field: str) -> None:
    """'Themes\u202e enoN tes' reads as 'Themes set None': no text may carry such a character."""
    assert written in MINIMAL_TEXT
    key, _, value = written.partition(": ")
    text = MINIMAL_TEXT.replace(written, f'{key}: "{value}\\u{ord(character):04X}x"', 1)
    with pytest.raises(ScopeFileError) as caught:
        parse_scope_table(text, "pasted.yaml")
    assert str(caught.value) == (
        f"pasted.yaml: {field}: contains the invisible format character U+{ord(character):04X}. "
        "Remove it; names and texts must be plain text."
    )


def test_format_character_in_probe_source_names_the_probe() -> None:
    probe = (
        "    probes:\n      - level: read-only\n        method: GET\n"
        "        path: /v2/orders\n        source: \"orders.v2 \\u202Eylno\"\n"
    )
    text = MINIMAL_TEXT.replace("    reason:", probe + "    reason:", 1)
    with pytest.raises(
        ScopeFileError,
        match=r"^pasted\.yaml: row 1 \(orders\), field 'probes\.0\.source': contains the "
        r"invisible format character U\+202E\. Remove it;",
    ):
        parse_scope_table(text, "pasted.yaml")


def test_visible_non_ascii_text_is_still_accepted() -> None:
    """Only invisible characters are refused: accents, CJK and a no-break space stay fine."""
    text = MINIMAL_TEXT.replace("name: Orders", "name: Commandes \u00e9t\u00e9 \u6ce8\u6587\u00a0!")
    assert parse_scope_table(text).rows[0].name == "Commandes \u00e9t\u00e9 \u6ce8\u6587\u00a0!"
