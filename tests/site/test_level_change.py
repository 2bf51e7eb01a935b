"""Changing one level in scopes.yaml changes the built page, with no other edit.

This proves the table is rendered from the data, not pasted. It costs one more
strict build, of a copy of the project in a temporary folder.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from bs4 import BeautifulSoup
from support.docs import REPO_ROOT, run_strict_build

from bc_scopes.levels import level_label
from bc_scopes.model import ScopeRow, load_scope_table

PROJECT_PARTS = ("mkdocs.yml", "scopes.yaml", "docs", "macros", "overrides")


def copy_project(source: Path, target: Path) -> Path:
    target.mkdir()
    for part in PROJECT_PARTS:
        origin = source / part
        if origin.is_dir():
            shutil.copytree(origin, target / part)
        else:
            shutil.copy2(origin, target / part)
    return target


def set_required_level(scopes_file: Path, row_id: str, new_level: str) -> None:
    """Edit the `required:` line of one row, as a person would in an editor."""
    lines = scopes_file.read_text(encoding="utf-8").splitlines(keepends=True)
    start = lines.index(f"  - id: {row_id}\n")
    for index in range(start + 1, len(lines)):
        if lines[index].startswith("    required:"):
            lines[index] = f"    required: {new_level}\n"
            break
    else:
        raise AssertionError(f"row {row_id} has no required line")
    scopes_file.write_text("".join(lines), encoding="utf-8")


def pick_row_and_other_level(rows: tuple[ScopeRow, ...]) -> tuple[ScopeRow, str]:
    for row in rows:
        others = [level for level in row.levels if level != row.required]
        if others:
            return row, others[0]
    raise AssertionError("no row offers a second level")


def rendered_levels(site_dir: Path) -> dict[str, str]:
    html = (site_dir / "scopes" / "index.html").read_text(encoding="utf-8")
    table = BeautifulSoup(html, "html.parser").select_one('table[data-bc-table="scopes"]')
    return {tr["data-row-id"]: tr.select_one(".bc-level").get_text()
            for tr in table.select("tbody > tr")}


def drawn_levels(site_dir: Path) -> dict[str, str]:
    """Row id -> the level shown in the drop-down of the scope-form illustration."""
    html = (site_dir / "scopes" / "index.html").read_text(encoding="utf-8")
    figure = BeautifulSoup(html, "html.parser").select_one('[data-bc-figure="scope-form"]')
    return {group["data-row-id"]: group.select_one("text").get_text()
            for group in figure.select("g[data-row-id]")}


def test_one_level_change_shows_on_the_page(
    table, built_site, tmp_path
) -> None:
    row, new_level = pick_row_and_other_level(table.rows)
    project = copy_project(REPO_ROOT, tmp_path / "project")
    set_required_level(project / "scopes.yaml", row.id, new_level)
    assert load_scope_table(project / "scopes.yaml").row(row.id).required == new_level

    result = run_strict_build(project, tmp_path / "site")
    assert result.returncode == 0, result.stderr[-4000:]

    before = rendered_levels(built_site)
    after = rendered_levels(tmp_path / "site")
    assert before[row.id] == level_label(row.required)
    assert after[row.id] == level_label(new_level)
    assert {k: v for k, v in after.items() if k != row.id} == {
        k: v for k, v in before.items() if k != row.id
    }
    # The illustration of the control panel's form follows the same change.
    assert drawn_levels(built_site)[row.id] == level_label(row.required)
    assert drawn_levels(tmp_path / "site")[row.id] == level_label(new_level)
