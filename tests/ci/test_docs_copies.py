"""Guards proven on modified copies of the docs project, built for real with --strict.

* Removing a row's anchor (renaming its id) without an alias must be caught by the
  published-anchors registry; with the old id kept as an alias it must not be.
* A changed required level plus its changelog entry shows up on the "What changed" page.

One copy of mkdocs.yml, docs/, macros/, overrides/ and scopes.yaml, edited the way a
contributor would (one row renamed without an alias, another renamed with its old id
kept as an alias, a third row's level changed with its changelog entry), is built once
for the module; each test reads what its own edit did. The three edits touch three
different rows, so none can hide or cause another's effect. The repository is never
touched.
The registry's own tests (every anchor registered, none missing today) live in tests/site.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag
from support.docs import REPO_ROOT, copy_docs_project

from bc_scopes.levels import level_label
from bc_scopes.model import ScopeRow, ScopeTable, load_scope_table
from tools.anchors_registry import missing_anchors, read_registry

from .conftest import BuildCopy
from .scope_edits import add_changelog_entry, pick_row_to_change, rename_row, set_required_level

REGISTRY_FILE = REPO_ROOT / "tests" / "published-anchors.txt"


def _registry_entries() -> list[str]:
    return read_registry(REGISTRY_FILE.read_text(encoding="utf-8"))


def _row_entry(table: ScopeTable, row: ScopeRow) -> str:
    return f"{table.guide.scopes_page}#{row.anchor}"


def _rows_not_named_in_pages(table: ScopeTable) -> list[ScopeRow]:
    """Rows no page refers to by id, so renaming one breaks only its anchor, not the build."""
    sources = "\n".join(path.read_text(encoding="utf-8")
                        for path in (REPO_ROOT / "docs").rglob("*.md"))
    return [row for row in reversed(table.rows)
            if not re.search(rf"""['"]{re.escape(row.id)}['"]""", sources)]


@dataclass(frozen=True)
class EditedCopy:
    site: Path
    renamed_without_alias: ScopeRow
    renamed_with_alias: ScopeRow
    changed: ScopeRow
    summary: str


@pytest.fixture(scope="module")
def edited_copy(tmp_path_factory: pytest.TempPathFactory, build_copy: BuildCopy) -> EditedCopy:
    table = load_scope_table()
    changed, new_level = pick_row_to_change(table.rows)
    candidates = [row for row in _rows_not_named_in_pages(table) if row.id != changed.id]
    if len(candidates) < 2:
        pytest.fail("fewer than two rows are unnamed in the pages; cannot rename two of them")
    without_alias, with_alias = candidates[:2]
    summary = f"{changed.name} now needs {level_label(new_level)} (guard test)."

    def edit(text: str) -> str:
        text = rename_row(text, without_alias.id, f"{without_alias.id}-renamed",
                          keep_alias=False)
        text = rename_row(text, with_alias.id, f"{with_alias.id}-renamed", keep_alias=True)
        text = set_required_level(text, changed.id, new_level)
        return add_changelog_entry(text, "2099-03-01", [changed.id], summary)

    root = tmp_path_factory.mktemp("edited-copy")
    project = copy_docs_project(root / "project")
    scopes = project / "scopes.yaml"
    scopes.write_text(edit(scopes.read_text(encoding="utf-8")), encoding="utf-8")
    site = build_copy(project, root / "site")
    return EditedCopy(site, without_alias, with_alias, changed, summary)


def test_renaming_a_row_without_an_alias_loses_a_published_anchor(
    edited_copy: EditedCopy
) -> None:
    table = load_scope_table()
    lost = _row_entry(table, edited_copy.renamed_without_alias)
    assert lost in _registry_entries(), "the registry must list the row"
    assert lost in missing_anchors(_registry_entries(), edited_copy.site)


def test_renaming_a_row_with_its_old_id_as_alias_keeps_the_anchor(
    edited_copy: EditedCopy
) -> None:
    table = load_scope_table()
    kept = _row_entry(table, edited_copy.renamed_with_alias)
    assert kept in _registry_entries(), "the registry must list the row"
    # The only anchor the copy lost is the one renamed without an alias.
    assert missing_anchors(_registry_entries(), edited_copy.site) == [
        _row_entry(table, edited_copy.renamed_without_alias)]


def _section_after(heading: Tag) -> list[Tag]:
    """The elements between a heading and the next heading of the same level."""
    section = []
    for sibling in heading.find_next_siblings():
        if sibling.name == heading.name:
            break
        section.append(sibling)
    return section


def test_what_changed_page_shows_a_level_change_and_its_changelog_entry(
    edited_copy: EditedCopy
) -> None:
    site, summary, row = edited_copy.site, edited_copy.summary, edited_copy.changed
    pages_with_summary = [
        page for page in site.rglob("*.html")
        if summary in BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").get_text()
    ]
    assert len(pages_with_summary) == 1, pages_with_summary
    soup = BeautifulSoup(pages_with_summary[0].read_text(encoding="utf-8"), "html.parser")
    assert "changed" in soup.title.get_text().lower()
    # The new entry is the first one on the page, dated, and links to the row it changed.
    first_entry = soup.find(id=re.compile(r"^change-"))
    assert first_entry is not None and first_entry["id"] == "change-2099-03-01"
    section = _section_after(first_entry)
    assert summary in " ".join(element.get_text() for element in section)
    links = [a["href"] for element in section for a in element.find_all("a", href=True)]
    assert [href for href in links if href.endswith(f"#{row.anchor}")], links
