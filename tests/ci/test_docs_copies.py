"""Guards proven on modified copies of the docs project, built for real with --strict.

* Removing a row's anchor (renaming its id) without an alias must be caught by the
  published-anchors registry; with the old id kept as an alias it must not be.
* A changed required level plus its changelog entry shows up on the "What changed" page.

Each test copies mkdocs.yml, docs/, macros/, overrides/ and scopes.yaml into tmp_path,
edits the copy the way a contributor would, and builds it. The repository is never touched.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from bc_scopes.anchors_registry import missing_anchors, read_registry
from bc_scopes.levels import level_label
from bc_scopes.model import ScopeRow, ScopeTable, load_scope_table

from .conftest import REPO_ROOT, build_or_fail, copy_docs_project
from .scope_edits import add_changelog_entry, pick_row_to_change, rename_row, set_required_level

REGISTRY_FILE = REPO_ROOT / "tests" / "published-anchors.txt"


def _registry_entries(table: ScopeTable) -> list[str]:
    """The committed registry; before it exists, the row anchors it must at least hold."""
    if REGISTRY_FILE.is_file():
        return read_registry(REGISTRY_FILE.read_text(encoding="utf-8"))
    return [f"{table.guide.scopes_page}#{row.anchor}" for row in table.rows]


def _row_not_named_in_pages(table: ScopeTable) -> ScopeRow:
    """A row no page refers to by id, so renaming it breaks only its anchor, not the build."""
    sources = "\n".join(path.read_text(encoding="utf-8")
                        for path in (REPO_ROOT / "docs").rglob("*.md"))
    for row in reversed(table.rows):
        if not re.search(rf"""['"]{re.escape(row.id)}['"]""", sources):
            return row
    pytest.fail("every row id is named in a page; cannot rename one without breaking the build")


def _build_copy_with(tmp_path: Path, edit_scopes: Callable[[str], str]) -> Path:
    project = copy_docs_project(tmp_path / "project")
    scopes = project / "scopes.yaml"
    scopes.write_text(edit_scopes(scopes.read_text(encoding="utf-8")), encoding="utf-8")
    return build_or_fail(project, tmp_path / "site")


def test_registry_holds_every_row_anchor() -> None:
    """The guard below only bites if the registry lists the rows' anchors."""
    table = load_scope_table()
    entries = set(_registry_entries(table))
    unlisted = [row.anchor for row in table.rows
                if f"{table.guide.scopes_page}#{row.anchor}" not in entries]
    assert not unlisted, f"tests/published-anchors.txt lacks row anchors: {unlisted}"


def test_the_current_site_keeps_every_registered_anchor(built_site: Path) -> None:
    table = load_scope_table()
    assert missing_anchors(_registry_entries(table), built_site) == []


def test_renaming_a_row_without_an_alias_loses_a_published_anchor(tmp_path: Path) -> None:
    table = load_scope_table()
    row = _row_not_named_in_pages(table)
    site = _build_copy_with(
        tmp_path, lambda text: rename_row(text, row.id, f"{row.id}-renamed", keep_alias=False)
    )
    lost = missing_anchors(_registry_entries(table), site)
    assert lost == [f"{table.guide.scopes_page}#{row.anchor}"]


def test_renaming_a_row_with_its_old_id_as_alias_keeps_the_anchor(tmp_path: Path) -> None:
    table = load_scope_table()
    row = _row_not_named_in_pages(table)
    site = _build_copy_with(
        tmp_path, lambda text: rename_row(text, row.id, f"{row.id}-renamed", keep_alias=True)
    )
    assert missing_anchors(_registry_entries(table), site) == []


def test_what_changed_page_shows_a_level_change_and_its_changelog_entry(tmp_path: Path) -> None:
    table = load_scope_table()
    row, new_level = pick_row_to_change(table.rows)
    summary = f"{row.name} now needs {level_label(new_level)} (guard test)."

    def edit(text: str) -> str:
        text = set_required_level(text, row.id, new_level)
        return add_changelog_entry(text, "2099-03-01", [row.id], summary)

    site = _build_copy_with(tmp_path, edit)
    pages_with_summary = [
        page for page in site.rglob("*.html")
        if summary in BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").get_text()
    ]
    assert len(pages_with_summary) == 1, pages_with_summary
    soup = BeautifulSoup(pages_with_summary[0].read_text(encoding="utf-8"), "html.parser")
    assert "changed" in soup.title.get_text().lower()
    entry_heading = soup.find(id=re.compile(r"^change-2099-03-01"))
    assert entry_heading is not None, "no heading for the new changelog entry"
    # The newest entry comes first and links to the changed row.
    first_entry = soup.find(id=re.compile(r"^change-"))
    assert first_entry is entry_heading
    row_links = [a for a in soup.find_all("a", href=True) if a["href"].endswith(f"#{row.anchor}")]
    assert row_links, f"the What changed page does not link to #{row.anchor}"
