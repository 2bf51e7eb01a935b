"""The scope table as data for other tools: the `scopes.json` the guide publishes.

Pure: a `ScopeTable` in, a JSON-ready dict out. The docs build writes it next to
the pages (see `macros.on_post_build`), so it always says what the pages say;
nobody writes it by hand. Its shape is `docs/scopes-json.schema.json`, and
`FORMAT` grows only when a field is removed or changes meaning (adding a field
does not change it).
"""

from __future__ import annotations

from typing import Any

from bc_scopes import __version__
from bc_scopes.levels import level_label
from bc_scopes.model import ScopeRow, ScopeTable

FILE_NAME = "scopes.json"
SCHEMA_FILE_NAME = "scopes-json.schema.json"
FORMAT = 1


def _row(row: ScopeRow, table: ScopeTable, main_table: bool) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "id": row.id,
        "name": row.name,
        "anchor": row.anchor,
        "url": table.guide.row_url(row.id),
        "aliases": list(row.aliases),
        "levels": list(row.levels),
        "scope_strings": dict(row.scope_strings),
        "required": row.required,
        "required_label": level_label(row.required),
        "required_scope": row.required_scope_string,
        "reason": row.reason,
        "excess_fails": row.excess_fails,
    }
    if main_table:
        entry["checkable"] = bool(row.probes)
        entry["confirm_by_eye"] = row.confirm_by_eye or None
    return entry


def table_document(table: ScopeTable) -> dict[str, Any]:
    """Everything a tool needs to build or check an API account's scopes, by row."""
    levels = dict.fromkeys(level for row in table.all_rows for level in row.levels)
    return {
        "$schema": table.guide.site_url + SCHEMA_FILE_NAME,
        "format": FORMAT,
        "version": table.version,
        "generated_by": f"bc-scopes {__version__}",
        "guide": {
            "site_url": table.guide.site_url,
            "scopes_page": table.guide.site_url + table.guide.scopes_page,
        },
        "levels": {level: level_label(level) for level in levels},
        "rows": [_row(row, table, True) for row in table.rows],
        "leave_at_none": [_row(row, table, False) for row in table.leave_at_none],
        "changelog": [
            {"date": entry.date, "rows": list(entry.rows), "summary": entry.summary}
            for entry in table.changelog
        ],
    }
