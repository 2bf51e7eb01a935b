"""The control-panel illustrations: drawn from scopes.yaml, accessible, any width."""

from __future__ import annotations

import dataclasses
from xml.etree import ElementTree

import pytest

from bc_scopes.guide import figures
from bc_scopes.levels import level_label

SVG = "{http://www.w3.org/2000/svg}"


def selects(svg: str) -> list[tuple[str, str, str]]:
    root = ElementTree.fromstring(svg)
    return [
        (group.get("data-row-id", ""), group.get("data-level", ""),
         "".join(group.find(f"{SVG}text").itertext()))
        for group in root.iter(f"{SVG}g")
    ]


def test_the_scope_form_shows_every_row_in_order_at_its_level(table) -> None:
    shown = selects(figures.scope_form_svg(table.all_rows))
    assert shown == [(r.id, r.required, level_label(r.required)) for r in table.all_rows]


def test_a_level_changed_in_the_table_changes_the_figure(table) -> None:
    orders = table.row("orders")
    changed = [dataclasses.replace(r, required="read-only") if r is orders else r
               for r in table.all_rows]
    before = dict((row_id, level) for row_id, level, _ in selects(
        figures.scope_form_svg(table.all_rows)))
    after = dict((row_id, level) for row_id, level, _ in selects(
        figures.scope_form_svg(changed)))
    assert before["orders"] == "modify" and after["orders"] == "read-only"


@pytest.mark.parametrize("draw", [
    lambda table: figures.scope_form_svg(table.all_rows),
    lambda table: figures.settings_menu_svg(),
    lambda table: figures.create_account_svg(),
    lambda table: figures.credentials_popup_svg(),
])
def test_every_illustration_is_an_image_with_a_title_and_a_text_alternative(draw, table):
    root = ElementTree.fromstring(draw(table))
    assert root.get("role") == "img"
    title_id, desc_id = root.get("aria-labelledby", "").split()
    ids = {element.get("id"): "".join(element.itertext()) for element in root.iter()}
    assert ids[title_id].startswith("Illustration of") and len(ids[desc_id]) > 40
    assert "width" not in root.attrib, "the viewBox alone sets the size, so it scales"


def test_long_row_names_wrap_instead_of_running_into_the_drop_down(table) -> None:
    longest = max(table.all_rows, key=lambda row: len(row.name))
    lines = figures._name_lines(longest.name)
    assert len(lines) > 1 and all(len(line) <= figures.NAME_CHARS for line in lines)
    assert " ".join(lines) == longest.name


def test_the_hash_mark_covers_exactly_the_store_hash_characters() -> None:
    """The API path is drawn at a fixed width per character (textLength), so the mark's
    box is computed from the hash's position in the text, not placed by eye."""
    root = ElementTree.fromstring(figures.create_account_svg())
    [mark] = [rect for rect in root.iter(f"{SVG}rect")
              if "bc-fig-hash-mark" in rect.get("class", "")]
    [path] = [text for text in root.iter(f"{SVG}text")
              if "bc-fig-mono" in text.get("class", "")]
    value = "".join(path.itertext())
    start = value.index("/stores/") + len("/stores/")
    assert value[start:start + len(figures.STORE_HASH)] == figures.STORE_HASH == "abcde"
    per_char = float(path.get("textLength")) / len(value)
    assert path.get("lengthAdjust") == "spacingAndGlyphs"
    assert float(mark.get("x")) == float(path.get("x")) + start * per_char
    assert float(mark.get("width")) == len(figures.STORE_HASH) * per_char


def test_the_credentials_pop_up_shows_the_api_path() -> None:
    svg = figures.credentials_popup_svg()
    root = ElementTree.fromstring(svg)
    texts = ["".join(text.itertext()) for text in root.iter(f"{SVG}text")]
    assert "API path" in texts and figures.API_PATH in texts
    assert "API path" in "".join(root.find(f"{SVG}desc").itertext())
