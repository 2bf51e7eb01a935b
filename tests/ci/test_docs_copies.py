"""Guards proven on modified copies of the docs project, built for real with --strict.

* Removing a row's anchor (renaming its id) without an alias must be caught by the
  published-anchors registry; with the old id kept as an alias it must not be.
* A changed required level plus its changelog entry shows up on the "What changed" page.

Each test copies mkdocs.yml, docs/, macros/, overrides/ and scopes.yaml into tmp_path,
edits the copy the way a contributor would, and builds it. The repository is never touched.
The registry's own tests (every anchor registered, none missing today) live in tests/site.
"""

from __future__ import annotations

import re
from collections.abc import Callable
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


def _row_not_named_in_pages(table: ScopeTable) -> ScopeRow:
    """A row no page refers to by id, so renaming it breaks only its anchor, not the build."""
    sources = "\n".join(path.read_text(encoding="utf-8")
                        for path in (REPO_ROOT / "docs").rglob("*.md"))
    for row in reversed(table.rows):
        if not re.search(rf"""['"]{re.escape(row.id)}['"]""", sources):
            return row
    pytest.fail("every row id is named in a page; cannot rename one without breaking the build")


def _build_copy_with(tmp_path: Path, build_copy: BuildCopy,
                     edit_scopes: Callable[[str], str]) -> Path:
    project = copy_docs_project(tmp_path / "project")
    scopes = project / "scopes.yaml"
    scopes.write_text(edit_scopes(scopes.read_text(encoding="utf-8")), encoding="utf-8")
    return build_copy(project, tmp_path / "site")


def test_renaming_a_row_without_an_alias_loses_a_published_anchor(
    tmp_path: Path, build_copy: BuildCopy
) -> None:
    table = load_scope_table()
    row = _row_not_named_in_pages(table)
    assert _row_entry(table, row) in _registry_entries(), "the registry must list the row"
    site = _build_copy_with(
        tmp_path, build_copy,
        lambda text: rename_row(text, row.id, f"{row.id}-renamed", keep_alias=False),
    )
    assert missing_anchors(_registry_entries(), site) == [_row_entry(table, row)]


def test_renaming_a_row_with_its_old_id_as_alias_keeps_the_anchor(
    tmp_path: Path, build_copy: BuildCopy
) -> None:
    table = load_scope_table()
    row = _row_not_named_in_pages(table)
    site = _build_copy_with(
        tmp_path, build_copy,
        lambda text: rename_row(text, row.id, f"{row.id}-renamed", keep_alias=True),
    )
    assert missing_anchors(_registry_entries(), site) == []


def _section_after(heading: Tag) -> list[Tag]:
    """The elements between a heading and the next heading of the same level."""
    section = []
    for sibling in heading.find_next_siblings():
        if sibling.name == heading.name:
            break
        section.append(sibling)
    return section


def test_what_changed_page_shows_a_level_change_and_its_changelog_entry(
    tmp_path: Path, build_copy: BuildCopy
) -> None:
    table = load_scope_table()
    row, new_level = pick_row_to_change(table.rows)
    summary = f"{row.name} now needs {level_label(new_level)} (guard test)."

    def edit(text: str) -> str:
        text = set_required_level(text, row.id, new_level)
        return add_changelog_entry(text, "2099-03-01", [row.id], summary)

    site = _build_copy_with(tmp_path, build_copy, edit)
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
