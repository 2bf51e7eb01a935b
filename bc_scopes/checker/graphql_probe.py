"""Read the answer to a read-only GraphQL Admin query, conservatively.

The Store translations row has no REST route; its documented read API is the
Translations Admin GraphQL API (`POST /stores/{hash}/graphql`,
docs/store-operations/translations/index.mdx:49-56, both levels of the scope). How the
GraphQL endpoint shows a missing scope is not documented (calibration open question), so
only two answers count as evidence:

- a clear scope denial: 403 with BigCommerce's scope title, or a GraphQL error whose
  message is that title: the scope is not held;
- data: 200, no errors, and the queried field present: the scope is held.

Anything else (another error, a null field, a partial answer) proves nothing. Pure: the
status and the decoded payload in, an outcome out.
"""

from __future__ import annotations

from typing import Any

SCOPE_TITLE = "you don't have a required scope"


def _is_scope_text(text: Any) -> bool:
    return isinstance(text, str) and text.replace("\u2019", "'").lower().startswith(SCOPE_TITLE)


def _field(payload: Any, path: tuple[str, ...]) -> Any:
    value = payload
    for name in path:
        if not isinstance(value, dict):
            return None
        value = value.get(name)
    return value


def read_graphql_answer(
    status: int, payload: Any, field: tuple[str, ...] = ("data", "store", "translations")
) -> tuple[str, str | None, str]:
    """(outcome, failure kind, detail): outcome is 'granted', 'denied' or 'failed'."""
    errors = payload.get("errors") if isinstance(payload, dict) else None
    messages = [e.get("message") for e in errors if isinstance(e, dict)] if isinstance(
        errors, list) else []
    if status == 403 and _is_scope_text(_field(payload, ("title",))):
        return "denied", None, "403 missing scope"
    if status == 200 and messages and all(_is_scope_text(message) for message in messages):
        return "denied", None, "200 with a GraphQL error: missing scope"
    if status == 200 and not errors and isinstance(_field(payload, field), dict):
        return "granted", None, "200 with data"
    if messages:
        return "failed", "graphql-error", f"{status} with a GraphQL error that names no scope"
    return "failed", "unexpected-status", f"{status} without data or a scope denial"
