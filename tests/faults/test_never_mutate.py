"""Never mutate: across every fault scenario, nothing the checker sent could change a store.

Three angles:
- dynamic: the fake store's request log of every scenario holds no DELETE or PATCH, no
  write answered 2xx (bar the deliberate safety-stop scenarios), and only writes that
  are declared probes of scopes.yaml, byte for byte;
- the safety stops: the accepted write was one that BigCommerce itself would refuse;
- static: no checker module names DELETE as a method to send, and every write probe in
  scopes.yaml either lacks a field its route requires or names an id that cannot exist,
  judged from the route facts in routes.json (read here directly, not through the
  fake store's own validation code).
"""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Any

import pytest
from support.docs import REPO_ROOT
from support.scenarios import ScenarioRun

import bc_scopes
from bc_scopes.checker.client import ALLOWED_METHODS
from bc_scopes.fakestore.responses import constraint_problems
from bc_scopes.fakestore.routes import BodyRule
from bc_scopes.model import ScopeTable

from .cases import ALL_CASES, BASELINE

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

PACKAGE = Path(bc_scopes.__file__).parent
ROUTES = json.loads((PACKAGE / "fakestore" / "routes.json").read_text(encoding="utf-8"))["routes"]
ABSENT_IDS = frozenset({"999999999", "00000000-0000-0000-0000-000000000000"})
FORBIDDEN_METHODS = frozenset({"DELETE", "PATCH"})


def declared_writes(table: ScopeTable) -> set[tuple[str, str, bytes]]:
    """(method, path, body) of every write probe, as the checker puts it on the wire."""
    return {
        (probe.method, probe.path, json.dumps(probe.body).encode())
        for row in table.all_rows
        for probe in row.probes
        if probe.method != "GET"
    }


def changed_data(run: ScenarioRun) -> list[tuple[str, str, int | None]]:
    """Requests that would have changed a store: the store's own flag, or a write answered
    2xx or 3xx (a 303 See Other is the usual answer to a successful POST)."""
    return [
        (request.method, request.api_path, request.status)
        for request in run.requests
        if request.mutation
        or (request.method in WRITE_METHODS and request.status is not None
            and 200 <= request.status < 400)
    ]


@pytest.mark.parametrize("case", ALL_CASES, ids=[case.id for case in ALL_CASES])
def test_no_scenario_changes_data(case, scenario, table):
    run = scenario(case.id)
    methods = {request.method for request in run.requests}
    assert not methods & FORBIDDEN_METHODS
    assert methods <= ALLOWED_METHODS
    allowed = declared_writes(table)
    for request in run.requests:
        if request.method in WRITE_METHODS:
            sent = (request.method, request.api_path, request.body)
            assert sent in allowed, f"a write that is not a declared probe: {sent}"
            assert request.query == ""
    changed = changed_data(run)
    if case.safety_stop:
        assert len(changed) == 1, changed
        assert run.report["safety_stop"] is not None
    else:
        assert changed == []


@pytest.mark.parametrize("case", [c for c in ALL_CASES if c.safety_stop], ids=lambda c: c.id)
def test_the_write_a_safety_stop_caught_could_not_have_succeeded(case, scenario):
    run = scenario(case.id)
    [(method, path, _status)] = changed_data(run)
    accepted = next(r for r in run.requests if (r.method, r.api_path) == (method, path))
    assert could_not_succeed(method, path, json.loads(accepted.body)), (method, path)
    # Stopped at once: the accepted write is the last write; nothing was sent again.
    writes_after = [
        r for r in run.requests[run.requests.index(accepted) + 1 :] if r.method in WRITE_METHODS
    ]
    assert len(writes_after) <= 7  # only what other workers already had on the wire
    assert sum(1 for r in run.requests if (r.method, r.api_path) == (method, path)) == 1


def test_the_scenarios_really_send_writes(scenario, table):
    """The parametrised test above is only as good as its scenarios: in the fault-free run
    every write probe of the table really went out (the other cases start from it)."""
    sent = {(r.method, r.api_path) for r in scenario(BASELINE).requests
            if r.method in WRITE_METHODS}
    declared = {(p.method, p.path) for row in table.all_rows for p in row.probes
                if p.method != "GET"}
    assert declared and sent == declared


# route facts, read directly -------------------------------------------------------------
def _segments(path: str) -> list[str]:
    return path.split("?")[0].strip("/").split("/")


def route_for(method: str, path: str) -> dict[str, Any] | None:
    """The reference's route for a concrete path; literal segments beat {placeholders}."""
    actual = _segments(path)
    fitting = []
    for route in ROUTES:
        template = _segments(route["path"])
        if route["method"] != method or len(template) != len(actual):
            continue
        if all(t.startswith("{") or t == a for t, a in zip(template, actual, strict=True)):
            fitting.append((sum(t.startswith("{") for t in template), route))
    return min(fitting, key=lambda pair: pair[0])[1] if fitting else None


def names_absent_id(route: dict[str, Any], path: str) -> bool:
    pairs = zip(_segments(route["path"]), _segments(path), strict=True)
    return any(t.startswith("{") and a in ABSENT_IDS for t, a in pairs)


def lacks_required_field(rule: dict[str, Any] | None, body: Any) -> bool:
    """True when the reference says this body must be refused."""
    if not rule:
        return False
    kind = rule.get("kind", "any")
    if kind == "multipart":
        return True  # a JSON body is never a multipart upload
    if kind == "object":
        if not isinstance(body, dict):
            return True
        if any(name not in body for name in rule.get("required", [])):
            return True
        return any(
            not any(all(name in body for name in group) for group in groups)
            for groups in rule.get("alternatives", [])
        )
    if kind == "array":
        if not isinstance(body, list):
            return True
        needed = rule.get("item_required", [])
        return any(not isinstance(item, dict) or any(n not in item for n in needed)
                   for item in body)
    return False


def could_not_succeed(method: str, path: str, body: Any) -> bool:
    return bool(failure_reasons(method, path, body))


def failure_reasons(method: str, path: str, body: Any) -> list[str]:
    """Each independent reason the reference gives for refusing this request."""
    route = route_for(method, path)
    assert route is not None, f"{method} {path} is no route of the reference"
    reasons = []
    rule = route.get("body")
    if lacks_required_field(rule, body):
        reasons.append("a required field is missing or the body has the wrong shape")
    if names_absent_id(route, path):
        reasons.append("an id in the path cannot exist")
    if rule:
        broken = constraint_problems(BodyRule.from_json(rule), body)
        reasons += [f"{field} breaks a rule of the reference" for field in sorted(broken)]
    return reasons


def test_every_write_probe_fails_for_at_least_two_independent_reasons(table):
    """One rule BigCommerce relaxes (a field no longer required) must never make a write."""
    writes = [
        (row, probe) for row in table.all_rows for probe in row.probes if probe.method != "GET"
    ]
    assert writes
    for row, probe in writes:
        assert probe.method in ("POST", "PUT"), (row.id, probe.method)
        reasons = failure_reasons(probe.method, probe.path, probe.body)
        assert len(reasons) >= 2, (row.id, probe.path, reasons)


def test_the_route_facts_check_is_not_blind():
    """A complete body on an existing id would pass: the check above can fail."""
    assert not could_not_succeed("POST", "/v3/content/scripts", {"name": "x"})
    assert could_not_succeed("POST", "/v3/content/scripts", {})
    assert not could_not_succeed("PUT", "/v2/orders/1", {})
    assert could_not_succeed("PUT", "/v2/orders/999999999", {})
    assert could_not_succeed("PUT", "/v3/orders/pickups", {})  # an array is required
    assert not could_not_succeed("PUT", "/v3/orders/pickups", [{"id": 1, "pickup_id": 2}])


# static: the checker's code -------------------------------------------------------------
# Code that never talks HTTP: the fake store answers requests. (The upstream watch, which
# names every OpenAPI method, DELETE included, as a file key, lives in tools/, outside.)
OFFLINE_PACKAGES = ("fakestore",)


def checker_sources() -> list[Path]:
    return sorted(
        path for path in PACKAGE.rglob("*.py")
        if not set(OFFLINE_PACKAGES) & set(path.relative_to(PACKAGE).parts)
    )


def test_the_upstream_watch_cannot_send_anything():
    sources = sorted((REPO_ROOT / "tools" / "upstream").rglob("*.py"))
    assert len(sources) > 5, "the upstream watch's modules were not found"
    for path in sources:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                imported |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module.split(".")[0])
        assert not imported & {"requests", "urllib3", "http", "socket"}, path.name


def delete_sends(source: str) -> list[str]:
    """Places where code could send DELETE (or PATCH): a method literal or a .delete() call.

    Docstrings and messages that merely mention the word are longer strings and pass.
    """
    found = []
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and node.value.strip().upper() in FORBIDDEN_METHODS
        ):
            found.append(f"line {node.lineno}: the method literal {node.value!r}")
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr.lower() in {"delete", "patch"}
        ):
            found.append(f"line {node.lineno}: a .{node.func.attr}() call")
    return found


def test_no_checker_code_can_send_delete():
    sources = checker_sources()
    assert PACKAGE / "checker" / "client.py" in sources and len(sources) >= 10
    problems = {
        str(path.relative_to(PACKAGE)): delete_sends(path.read_text(encoding="utf-8"))
        for path in sources
    }
    assert {name: found for name, found in problems.items() if found} == {}
    assert frozenset({"GET", "POST", "PUT"}) == ALLOWED_METHODS


@pytest.mark.parametrize(
    "snippet",
    [
        'session.request("DELETE", url)',
        "requests.delete(url)",
        "METHOD = 'delete'",
        "client.session().patch(url, data=b'{}')",
    ],
)
def test_the_static_scan_catches_a_delete(snippet):
    assert delete_sends(snippet)


def test_the_static_scan_lets_prose_through():
    assert delete_sends('"""DELETE is never sent."""\nmessage = f"never sends {m}"') == []
