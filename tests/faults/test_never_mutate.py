"""Never mutate: across every fault scenario, nothing the checker sent could change a store.

Three angles:
- dynamic: the fake store's request log of every scenario holds no DELETE or PATCH, no
  write answered 2xx (bar the deliberate safety-stop scenarios), and only writes that
  are declared probes of scopes.yaml, byte for byte;
- the safety stops: the accepted write was one that BigCommerce itself would refuse;
- static: no checker module names DELETE as a method to send, and every write probe in
  scopes.yaml passes bc_scopes/probe_safety.py, the check the model runs on every table
  it loads (its own code, not the fake store's validator);
- the strictest reading: a fake store where every id exists and every PUT is a partial
  update still refuses every write probe, and would not have refused the old empty bodies.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from support.cli import run_cli
from support.docs import REPO_ROOT
from support.scenarios import ScenarioRun
from support.store import FULL_TOKEN, STORE_HASH, all_scopes, assert_store_unchanged

import bc_scopes
from bc_scopes.checker.client import ALLOWED_METHODS
from bc_scopes.fakestore.readings import Reading
from bc_scopes.fakestore.routes import default_route_table
from bc_scopes.fakestore.server import FakeStore
from bc_scopes.model import ScopeTable
from bc_scopes.probe_safety import (
    GRAPHQL_PATH,
    failure_reasons,
    graphql_read_problem,
    write_probe_problem,
)

from .cases import ALL_CASES, BASELINE

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

PACKAGE = Path(bc_scopes.__file__).parent
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
            and 200 <= request.status < 400 and not is_read_only_query(request))
    ]


def is_read_only_query(request: Any) -> bool:
    """The GraphQL probe: a POST to /graphql whose body the model's own rule calls a read,
    answered 2xx (a 3xx to it is still counted)."""
    if request.api_path != GRAPHQL_PATH or not 200 <= (request.status or 0) < 300:
        return False
    try:
        body = json.loads(request.body)
    except ValueError:
        return False
    return graphql_read_problem(request.method, body) is None


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


# route facts: the same validator the model runs on every table it loads ----------------
def could_not_succeed(method: str, path: str, body: Any) -> bool:
    """True when the bundled route table gives at least one reason to refuse the request."""
    route = default_route_table().match(method, path.split("?")[0])
    assert route is not None, f"{method} {path} is no route of the reference"
    return bool(failure_reasons(route, path, body))


def test_every_write_probe_is_proven_to_fail_by_the_models_own_check(table):
    """One rule BigCommerce relaxes (a field no longer required, an id that exists) must
    never make a write: the bundled table passes the check that refuses any other table."""
    writes = [
        (row, probe) for row in table.all_rows for probe in row.probes
        if probe.method != "GET" and probe.path != GRAPHQL_PATH
    ]
    assert writes
    for row, probe in writes:
        assert probe.method in ("POST", "PUT"), (row.id, probe.method)
        assert write_probe_problem(probe.method, probe.path, probe.body) is None, row.id


def test_the_route_facts_check_is_not_blind():
    """A complete body on an existing id would pass: the check above can fail."""
    assert not could_not_succeed("POST", "/v3/content/scripts", {"name": "x"})
    assert could_not_succeed("POST", "/v3/content/scripts", {})
    assert not could_not_succeed("PUT", "/v2/orders/1", {})
    assert could_not_succeed("PUT", "/v2/orders/999999999", {})
    assert could_not_succeed("PUT", "/v3/orders/pickups", {})  # an array is required
    assert not could_not_succeed("PUT", "/v3/orders/pickups", [{"id": 1, "pickup_id": 2}])
    # the id alone is one reason, never two; a PUT lacking fields is a partial update
    assert write_probe_problem("PUT", "/v2/blog/posts/999999999", {}) is not None
    assert write_probe_problem("PUT", "/v2/blog/posts/999999999", {"id": 1, "tags": "x"}) is None


def test_a_lenient_v2_store_would_have_taken_the_old_orders_body(strict_store):
    """The old Orders probe rested on v2 checking status_id's type; its read-only field now
    stops it even where v2 checks no value."""
    strict_store.readings.add(Reading.V2_VALUES_UNCHECKED)
    url = f"{strict_store.url}/stores/{STORE_HASH}/v2/orders/999999999"
    headers = {"X-Auth-Token": FULL_TOKEN, "Content-Type": "application/json"}
    old = requests.put(url, json={"status_id": "not-a-status"}, headers=headers, timeout=10)
    assert old.status_code == 200
    new = requests.put(url, json={"status_id": "not-a-status",
                                  "default_currency_code": "not-a-currency"},
                       headers=headers, timeout=10)
    assert new.status_code == 400 and "cannot be written to" in new.text


# the strictest reading: every id exists, every PUT is a partial update -----------------
# Today's write probes before issue 17, as they were sent (scopes.yaml at 5c22579).
EMPTY_BODY_PUTS_BEFORE_ISSUE_17 = [
    ("PUT", "/v2/blog/posts/999999999", {}),
    ("PUT", "/v3/wishlists/999999999", {}),
    ("PUT", "/v2/shipping/zones/999999999", {}),
    ("PUT", "/v3/catalog/products/999999999/metafields/999999999", {}),
    ("PUT", "/v3/sites/999999999/routes/999999999", {}),
    ("PUT", "/v3/channels/999999999/currency-assignments", {}),
    ("PUT", "/v3/inventory/locations/999999999/items", {}),
]


@pytest.fixture
def strict_store(table: ScopeTable) -> Iterator[FakeStore]:
    """A fake store where every id exists and PUT bodies are partial, holding every scope."""
    with FakeStore(store_hash=STORE_HASH) as store:
        store.readings.add(Reading.EVERY_ID_EXISTS_PARTIAL_UPDATES)
        store.grant(FULL_TOKEN, all_scopes(table))
        yield store


@pytest.mark.parametrize("lenient_v2", [False, True], ids=["v3-and-v2-check-values",
                                                         "v2-checks-no-values"])
def test_a_store_where_every_id_exists_refuses_every_write_probe(strict_store, table,
                                                                 lenient_v2):
    """The real CLI, a token holding every scope: every write goes out and none lands, even
    where v2 checks no value's type (only read-only fields stop a v2 write then)."""
    if lenient_v2:
        strict_store.readings.add(Reading.V2_VALUES_UNCHECKED)
    result = run_cli(["check"], {
        "BIGCOMMERCE_STORE_HASH": STORE_HASH, "BIGCOMMERCE_API_URL": strict_store.url,
        "BIGCOMMERCE_ACCESS_TOKEN": FULL_TOKEN,
    })
    assert not result.traceback, result.traceback
    sent = {(r.method, r.api_path) for r in strict_store.requests if r.method in WRITE_METHODS}
    declared = {(p.method, p.path) for row in table.all_rows for p in row.probes
                if p.method != "GET"}
    assert declared and sent == declared
    refused = {r.status for r in strict_store.requests
               if r.method in WRITE_METHODS and r.api_path != GRAPHQL_PATH}
    assert refused <= {400, 422}, refused  # refused for the body: no id lookup helped
    assert_store_unchanged(strict_store)


@pytest.mark.parametrize(("method", "path", "body"), EMPTY_BODY_PUTS_BEFORE_ISSUE_17,
                         ids=[path for _m, path, _b in EMPTY_BODY_PUTS_BEFORE_ISSUE_17])
def test_the_strict_store_would_have_let_todays_empty_puts_through(
    strict_store, method, path, body
):
    """The test above can fail: each empty-body PUT of the old table lands on the strict
    store (and is refused by the default one, which is why it looked safe)."""
    url = f"{strict_store.url}/stores/{STORE_HASH}{path}"
    headers = {"X-Auth-Token": FULL_TOKEN, "Content-Type": "application/json"}
    answer = requests.request(method, url, json=body, headers=headers, timeout=10)
    assert answer.status_code == 200
    assert [r.api_path for r in strict_store.mutations] == [path]
    strict_store.readings.clear()
    again = requests.request(method, url, json=body, headers=headers, timeout=10)
    assert again.status_code in (400, 404, 422)


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
