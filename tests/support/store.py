"""The fake store's test identities: store hash, tokens, and the scope sets they hold."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from bc_scopes.fakestore.routes import default_route_table
from bc_scopes.fakestore.server import FakeStore
from bc_scopes.model import ScopeTable

STORE_HASH = "x4k9m2q7"  # a sample; the guide's abc123 is refused as a placeholder
EXACT_TOKEN = "exacttoken0000000000000000000001"
FULL_TOKEN = "fulltoken00000000000000000000002"
ENV_NAMES = (
    "BIGCOMMERCE_STORE_HASH",
    "BIGCOMMERCE_ACCESS_TOKEN",
    "BIGCOMMERCE_CLIENT_ID",
    "BIGCOMMERCE_CLIENT_SECRET",
    "BIGCOMMERCE_API_URL",
    "GITHUB_STEP_SUMMARY",
    "PYTEST_ADDOPTS",
)


def required_scopes(table: ScopeTable) -> set[str]:
    """The scopes of a token made exactly as the table says."""
    return {row.required_scope_string for row in table.rows if row.required_scope_string}


def all_scopes(table: ScopeTable) -> set[str]:
    """Every scope the fake store or the table knows: a token with every box ticked."""
    found = set(default_route_table().all_scopes())
    for row in table.all_rows:
        found.update(row.scope_strings.values())
    return found


def with_level(table: ScopeTable, scopes: set[str], row_id: str, level: str) -> set[str]:
    """`scopes` with one row moved to `level` (None removes the row's scopes)."""
    row = table.row(row_id)
    changed = set(scopes) - set(row.scope_strings.values())
    if level != "none":
        changed.add(row.scope_strings[level])
    return changed


@dataclass
class CliRun:
    """What one `bc-scopes check` run printed and wrote."""

    code: int
    out: str
    err: str
    report: dict[str, Any] | None
    junit: str | None
    step_summary: str | None

    def verdicts(self) -> dict[str, str]:
        assert self.report is not None
        return {entry["id"]: entry["verdict"] for entry in self.report["scopes"]}

    def everything(self) -> str:
        """Every output channel, for secret searches."""
        parts = [self.out, self.err, self.junit or "", self.step_summary or ""]
        parts.append(json.dumps(self.report) if self.report is not None else "")
        return "\n".join(parts)


def assert_store_unchanged(store: FakeStore) -> None:
    """No request the fake store answered would have changed data, and no DELETE was sent."""
    changed = [(r.method, r.api_path, r.status) for r in store.mutations]
    assert changed == [], f"requests that would have changed data: {changed}"
    assert not any(r.method == "DELETE" for r in store.requests), "a DELETE was sent"
