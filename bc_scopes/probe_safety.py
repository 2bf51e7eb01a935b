"""Prove, before anything is sent, that every write probe of a scope table must fail.

A write probe exists only to show that a token gets past BigCommerce's scope check; the
request itself must be refused after that check. This module judges each write probe
against the bundled route table (`bc_scopes/fakestore/routes.json`, extracted from
BigCommerce's published reference) and counts the independent ways its request breaks
the route's request schema. It is its own code, not the fake store's validator, so a
slip in one is not repeated in the other.

Reasons fall into layers. Two reasons of one layer count once, because one relaxed rule
on BigCommerce's side (say, a lenient type check) would remove both:

- `absent-id`: an id in the path or body that cannot exist. It counts at most once, and
  never under the strictest reading (the id might exist).
- `required`: a field a create (POST) needs is missing. Updates (PUT) are partial, so a
  missing field is no reason there.
- `read-only`: a field the route refuses to write ("cannot be written to").
- `value`: a wrong type, enum value or range, or a body of the wrong shape.
- `recorded`: a real store was recorded refusing this exact body on this route.

A write probe is safe when it has reasons in at least two layers, and at least one of
them still holds when every id exists and the update is partial.

The same module refuses probe bodies that are not plain JSON (a `!!binary` value, a
non-text key): `json.dumps` would fail on them mid-run, after other requests were sent.
"""

from __future__ import annotations

import math
import re
from typing import Any

from bc_scopes.fakestore.routes import (
    BodyRule,
    Route,
    RouteTable,
    default_route_table,
    values_at,
)

ABSENT_IDS = frozenset({"999999999", "00000000-0000-0000-0000-000000000000"})
# Layers that still stop a write when every id exists and a PUT is a partial update.
HOLDS_UNDER_STRICTEST_READING = frozenset({"required", "read-only", "value", "recorded"})
_TYPES: dict[str, tuple[type, ...]] = {
    "integer": (int,), "boolean": (bool,), "string": (str,), "number": (int, float),
    "array": (list,), "object": (dict,),
}


def non_json_value(value: Any, where: tuple[Any, ...] = ()) -> tuple[tuple[Any, ...], str] | None:
    """(path, problem) of the first parsed YAML value that is not plain JSON, or None.

    JSON has text keys only, and no bytes, sets, dates or non-finite numbers.
    """
    if value is None or isinstance(value, bool | int | str):
        return None
    if isinstance(value, float):
        return None if math.isfinite(value) else (where, f"{value} is not a JSON number")
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = non_json_value(item, (*where, index))
            if found:
                return found
        return None
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                return where, f"the key {key!r} is not text (JSON keys are text; quote it)"
            found = non_json_value(item, (*where, key))
            if found:
                return found
        return None
    kind = "binary data (!!binary)" if isinstance(value, bytes) else type(value).__name__
    return where, f"{kind} is not a JSON value"


def _wrong_value(rule: dict[str, Any], value: Any) -> bool:
    if "enum" in rule:
        return value not in rule["enum"]
    if "type" in rule:
        wanted = _TYPES[rule["type"]]
        return isinstance(value, bool) != (bool in wanted) or not isinstance(value, wanted)
    if "minimum" in rule:
        number = isinstance(value, int | float) and not isinstance(value, bool)
        return not number or value < rule["minimum"]
    if "min_items" in rule:
        return not isinstance(value, list) or len(value) < rule["min_items"]
    if "min_length" in rule:
        return not isinstance(value, str) or len(value) < rule["min_length"]
    return False


def _missing_fields(rule: BodyRule, body: Any) -> list[str]:
    if rule.kind == "object" and isinstance(body, dict):
        missing = [name for name in rule.required if name not in body]
        for groups in rule.alternatives:
            if not any(all(name in body for name in group) for group in groups):
                missing.append(" or ".join("+".join(group) for group in groups))
        return missing
    if rule.kind == "array" and isinstance(body, list):
        return [f"[{index}].{name}" for index, item in enumerate(body) if isinstance(item, dict)
                for name in rule.item_required if name not in item]
    return []


def _wrong_shape(rule: BodyRule, body: Any) -> str | None:
    if rule.kind == "multipart":
        return "the route takes a multipart upload, not JSON"
    if rule.kind == "object" and not isinstance(body, dict):
        return "the route takes a JSON object"
    if rule.kind == "array" and not isinstance(body, list):
        return "the route takes a JSON array"
    return None


def failure_reasons(route: Route, path: str, body: Any) -> dict[str, list[str]]:
    """The route's reasons to refuse this request, by layer (see the module docstring)."""
    reasons: dict[str, list[str]] = {}

    def add(layer: str, text: str) -> None:
        reasons.setdefault(layer, []).append(text)

    absent = [name for name, value in route.parameters(path.split("?")[0]).items()
              if value in ABSENT_IDS]
    if absent:
        add("absent-id", f"the path id {{{absent[0]}}} cannot exist")
    rule = route.body
    if rule is None:
        return reasons
    shape = _wrong_shape(rule, body)
    if shape:
        add("value", shape)
    if route.method == "POST":
        for name in _missing_fields(rule, body):
            add("required", f"{name} is missing")
    for constraint in rule.constraints:
        field = constraint["field"]
        for value in values_at(body, field):
            if "read_only" in constraint:
                add("read-only", f"{field} cannot be written")
            elif "exists" in constraint:
                if str(value) in ABSENT_IDS:
                    add("absent-id", f"{field} names a record that cannot exist")
            elif _wrong_value(constraint, value):
                add("value", f"{field} has a wrong type, value or range")
    if any(refusal.get("body") == body for refusal in rule.recorded_refusals):
        add("recorded", "a real store was recorded refusing this exact body")
    return reasons


def write_probe_problem(
    method: str, path: str, body: Any, routes: RouteTable | None = None
) -> str | None:
    """Why this write probe is not proven to fail, in one line; None when it is."""
    table = routes or default_route_table()
    bare = path.split("?")[0]
    route = table.match(method, bare)
    if route is None:
        return (f"{method} {bare} is not a route of BigCommerce's reference (the bundled "
                "route table); a write probe must be on a known route")
    layers = failure_reasons(route, bare, body)
    if len(layers) >= 2 and set(layers) & HOLDS_UNDER_STRICTEST_READING:
        return None
    found = "; ".join(f"{layer}: {', '.join(texts)}" for layer, texts in sorted(layers.items()))
    return (
        "a write probe must break its route's request schema in at least two independent "
        "ways, one of which still holds if every id exists and a PUT is a partial update "
        f"(found: {found or 'none'})"
    )


# GraphQL: a read-only query is the one POST that is not a write ------------------------
GRAPHQL_PATH = "/graphql"  # below /stores/{hash}: the GraphQL Admin API
_NOT_A_READ = re.compile(r"mutation|subscription", re.IGNORECASE)


def graphql_query_problem(document: Any) -> str | None:
    """Why a GraphQL document is not a fixed read-only query, or None.

    Strict on purpose: the words `mutation` and `subscription` are refused anywhere,
    even inside a string or a comment, and the document must be an operation that
    starts with `query` (or the `{` shorthand for one).
    """
    if not isinstance(document, str) or not document.strip():
        return "a GraphQL probe's body needs a query text"
    if _NOT_A_READ.search(document):
        return "a GraphQL probe may only read: 'mutation' and 'subscription' are refused"
    start = document.lstrip()
    if not (start.startswith("query") or start.startswith("{")):
        return "a GraphQL probe's document must start with 'query' or '{'"
    return None


def graphql_read_problem(method: str, body: Any) -> str | None:
    """Why a request to /graphql is not a read-only query, or None (see the client)."""
    if method != "POST":
        return "a GraphQL probe is a POST"
    if not isinstance(body, dict) or set(body) != {"query"}:
        return "a GraphQL probe's body is exactly {query: <a fixed query>}"
    return graphql_query_problem(body["query"])
