"""Bodies the fake store answers with, shaped like BigCommerce's (see the reference §3.2)."""

from __future__ import annotations

import json
import time
from typing import Any

from bc_scopes.fakestore.routes import BodyRule, Route, values_at

STATUS_TYPE = "https://developer.bigcommerce.com/api-docs/getting-started/api-status-codes"
SCOPE_TITLE = "You don't have a required scope to access the endpoint"
ABSENT_IDS = frozenset({"999999999", "00000000-0000-0000-0000-000000000000"})


def problem(status: int, title: str, errors: dict[str, str] | None = None) -> dict[str, Any]:
    return {"status": status, "title": title, "type": STATUS_TYPE, "errors": errors or {}}


def unauthorized() -> dict[str, Any]:
    return problem(401, "Unauthorized")


def missing_scope() -> dict[str, Any]:
    return problem(403, SCOPE_TITLE)


def not_found() -> dict[str, Any]:
    return problem(404, "The resource at that URL is not found.")


def encode(payload: Any) -> bytes:
    return json.dumps(payload).encode("utf-8")


_TYPES: dict[str, tuple[type, ...]] = {
    "integer": (int,), "boolean": (bool,), "string": (str,), "number": (int, float),
    "array": (list,), "object": (dict,),
}


def _breaks(constraint: dict[str, Any], value: Any, ids_exist: bool = False) -> bool:
    if "read_only" in constraint:  # present at all: "cannot be written to"
        return True
    if "min_length" in constraint:
        return not isinstance(value, str) or len(value) < constraint["min_length"]
    if "enum" in constraint:
        return value not in constraint["enum"]
    if "type" in constraint:
        wanted = _TYPES[constraint["type"]]
        return isinstance(value, bool) != (bool in wanted) or not isinstance(value, wanted)
    if "minimum" in constraint:
        return not isinstance(value, int | float) or isinstance(value, bool) or (
            value < constraint["minimum"]
        )
    if "min_items" in constraint:
        return not isinstance(value, list) or len(value) < constraint["min_items"]
    if "exists" in constraint:  # an id of a record; the fake store is empty
        return not ids_exist
    return False


def constraint_problems(
    rule: BodyRule, body: Any, ids_exist: bool = False, values_unchecked: bool = False,
) -> dict[str, str]:
    """Fields that break a rule of the reference (wrong enum value, type, minimum, id).

    `values_unchecked` keeps only the read-only and id rules (a lenient server)."""
    problems = {}
    for constraint in rule.constraints:
        if values_unchecked and not {"read_only", "exists"} & set(constraint):
            continue
        for value in values_at(body, constraint["field"]):
            if _breaks(constraint, value, ids_exist):
                reason = "cannot be written to" if "read_only" in constraint else "is invalid"
                problems[constraint["field"]] = reason
    return problems


def validation_problems(
    rule: BodyRule | None, raw_body: bytes, partial: bool = False, ids_exist: bool = False,
    values_unchecked: bool = False,
) -> dict[str, str]:
    """Why a write body would be refused by BigCommerce's validation (empty: it passes).

    `partial` reads the body as a partial update (no field is required), and `ids_exist`
    lets every id in it name a record: the strictest reading of a write probe, under
    which only a refused field or a wrong value can still stop it.
    """
    if rule is None or rule.kind == "any":
        return {}
    if rule.kind == "multipart":
        return {"body": "must be multipart/form-data"}
    if not raw_body.strip():
        return {"body": "is required"} if rule.required_body else {}
    try:
        body = json.loads(raw_body)
    except ValueError:
        return {"body": "is not valid JSON"}
    if rule.kind == "object":
        if not isinstance(body, dict):
            return {"body": "must be a JSON object"}
        problems = {} if partial else {
            name: "is required" for name in rule.required if name not in body
        }
        for groups in () if partial else rule.alternatives:
            if not any(all(name in body for name in group) for group in groups):
                wanted = " or ".join("+".join(group) or "(nothing)" for group in groups)
                problems[wanted] = "one of these is required"
        return {**problems, **constraint_problems(rule, body, ids_exist, values_unchecked)}
    if rule.kind == "array":
        if not isinstance(body, list):
            return {"body": "must be a JSON array"}
        problems = {}
        for index, item in enumerate(body):
            if rule.item_kind == "object" and not isinstance(item, dict):
                problems[f"[{index}]"] = "must be an object"
                continue
            if isinstance(item, dict) and not partial:
                for name in rule.item_required:
                    if name not in item:
                        problems[f"[{index}].{name}"] = "is required"
        return {**problems, **constraint_problems(rule, body, ids_exist, values_unchecked)}
    return {}


def refuse_body(route: Route, problems: dict[str, str]) -> tuple[int, Any]:
    """v2 answers 400 with a list of messages, v3 answers 422 with a problem object."""
    if route.version == "v2":
        return 400, [
            {"status": 400, "message": f"The field '{field}' {reason}."}
            for field, reason in problems.items()
        ]
    return 422, problem(422, "JSON data is missing or invalid", problems)


def success_payload(method: str, path: str) -> Any:
    """A body for a recorded 2xx whose real body was not kept."""
    if path == "/v2/time":
        return {"time": int(time.time())}
    return {"data": [], "meta": {}} if method == "GET" else {"data": {"id": 1}, "meta": {}}


def success(route: Route) -> tuple[int, Any]:
    """A plausible answer for an allowed request on an empty store."""
    if route.method == "GET":
        if route.path == "/v2/time":
            return 200, {"time": int(time.time())}
        if route.version == "v2":
            if route.response == "list":
                return 204, None  # v2 answers an empty list with 204 and no body
            return 200, {"id": 1}
        if route.response == "list":
            pagination = {"total": 0, "count": 0, "per_page": 50, "current_page": 1,
                          "total_pages": 0}
            return 200, {"data": [], "meta": {"pagination": pagination}}
        return 200, {"data": {"id": 1}, "meta": {}}
    if route.method == "DELETE":
        return 204, None
    if route.method == "POST":
        return (201, {"id": 1}) if route.version == "v2" else (200, {"data": {"id": 1}, "meta": {}})
    return (200, {"id": 1}) if route.version == "v2" else (200, {"data": {"id": 1}, "meta": {}})
