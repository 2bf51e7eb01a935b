"""Edits to a copy of scopes.yaml, made in place the way a contributor would make them.

Text edits rather than load-and-dump, so comments, layout and everything else in the
file stay exactly as they were, and the guards see the same diff a reviewer would.
"""

from __future__ import annotations

import re

from bc_scopes.model import ScopeRow


def pick_row_to_change(rows: tuple[ScopeRow, ...]) -> tuple[ScopeRow, str]:
    """A row and a level it offers other than its required one (from the data, not typed)."""
    for row in rows:
        others = [level for level in row.levels if level != row.required]
        if others:
            return row, others[-1]
    raise AssertionError("no row offers more than one level")


def set_required_level(yaml_text: str, row_id: str, level: str) -> str:
    """Change one row's `required:` value."""
    pattern = re.compile(
        rf"(^(?P<indent>[ \t]*)- id: {re.escape(row_id)}\n(?:(?P=indent)[ \t]+.*\n)*?"
        rf"(?P=indent)[ \t]+required: )\S+",
        re.MULTILINE,
    )
    edited, count = pattern.subn(lambda match: match.group(1) + level, yaml_text, count=1)
    assert count == 1, f"could not find the required level of {row_id} in the copy"
    return edited


def add_changelog_entry(yaml_text: str, date: str, row_ids: list[str], summary: str) -> str:
    """Put a new entry at the top of `changelog:` (newest first, as the file keeps it)."""
    match = re.search(r"^changelog:\n(?:[ \t]*#.*\n)*(?P<indent>[ \t]*)- ", yaml_text,
                      re.MULTILINE)
    assert match, "no changelog list in the copy"
    indent = match["indent"]
    entry = (
        f"{indent}- date: {date}\n{indent}  rows: [{', '.join(row_ids)}]\n"
        f"{indent}  summary: {summary}\n"
    )
    return yaml_text[: match.start("indent")] + entry + yaml_text[match.start("indent"):]


def rename_row(yaml_text: str, row_id: str, new_id: str, keep_alias: bool) -> str:
    """Give a row a new id, optionally keeping the old one as an alias."""
    pattern = re.compile(rf"^(?P<indent>[ \t]*)- id: {re.escape(row_id)}\n", re.MULTILINE)

    def replace(match: re.Match[str]) -> str:
        indent = match["indent"]
        alias = f"{indent}  aliases: [{row_id}]\n" if keep_alias else ""
        return f"{indent}- id: {new_id}\n{alias}"

    edited, count = pattern.subn(replace, yaml_text, count=1)
    assert count == 1, f"row {row_id} not found in the copy"
    return edited
