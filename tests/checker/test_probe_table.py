"""Every probe in scopes.yaml, checked against the fake store's route facts.

The fake store's route→scope table comes from BigCommerce's reference, never
from scopes.yaml. A probe aimed at the wrong route, at the wrong level, at a
route another scope also opens without saying so, or a write that could
succeed, fails here.
"""

from __future__ import annotations

import dataclasses
import json
from urllib.parse import urlsplit

import pytest
from support.store import STORE_HASH

from bc_scopes.fakestore.responses import SCOPE_TITLE
from bc_scopes.fakestore.routes import default_route_table
from bc_scopes.model import Opener, Probe, ScopeTable, load_scope_table
from tools.probe_audit import probe_audit, scopes_at_or_above

TABLE = load_scope_table()
PROBES = [(row, probe) for row in TABLE.rows for probe in row.probes]
PROBE_IDS = [f"{row.id}:{probe.method} {probe.path}" for row, probe in PROBES]
GRANTED = {200, 204, 400, 404, 409, 413, 422}


def ask(store, token: str, probe: Probe) -> tuple[int, str]:
    """The status and 403 title the fake store gives a probe as the checker sends it.

    Asked of `FakeStore.decide`, the one function its HTTP handler calls for an answer
    (the wire itself is tested in test_fakestore.py): the ambiguity test below asks
    about 2,300 questions, which over loopback HTTP cost seconds of CPU each run."""
    body = b"" if probe.method == "GET" else json.dumps(probe.body).encode()
    path = urlsplit(f"/stores/{STORE_HASH}{probe.path}").path
    status, payload = store.decide(probe.method, path, token, body, accept_writes=False)
    title = payload.get("title", "") if status == 403 else ""
    return status, title


@pytest.mark.parametrize(("row", "probe"), PROBES, ids=PROBE_IDS)
def test_probe_is_granted_at_its_level_and_above(store, row, probe):
    for scope in sorted(scopes_at_or_above(row, probe.level)):
        store.grant("probe-token", {scope})
        status, _ = ask(store, "probe-token", probe)
        assert status in GRANTED, f"{scope} should open {probe.method} {probe.path}, got {status}"
        if probe.method != "GET":
            assert not 200 <= status < 300, "a write probe must never succeed"


@pytest.mark.parametrize(("row", "probe"), PROBES, ids=PROBE_IDS)
def test_probe_is_denied_without_the_scope_and_below_its_level(store, row, probe):
    below = set(row.scope_strings.values()) - scopes_at_or_above(row, probe.level)
    for scopes in [set()] + [{scope} for scope in sorted(below)]:
        store.grant("probe-token", scopes)
        assert ask(store, "probe-token", probe) == (403, SCOPE_TITLE), sorted(scopes)


def test_other_rows_scopes_open_a_probe_only_where_the_table_says_so(store, table):
    """Empirical version of `ambiguous_grant` / `also_opened_by`, one scope at a time."""
    universe = sorted(default_route_table().all_scopes())
    for scope in universe:  # one token per scope, each holding that scope alone
        store.grant(f"only-{scope}", {scope})
    for row, probe in PROBES:
        own = set(row.scope_strings.values())
        others = [scope for scope in universe if scope not in own]
        openers = {scope for scope in others if ask(store, f"only-{scope}", probe)[0] != 403}
        assert probe.ambiguous_grant == bool(openers), f"{row.id} {probe.path}: {sorted(openers)}"
        if probe.also_opened_by:
            declared = set()
            for opener in probe.also_opened_by:
                declared |= scopes_at_or_above(table.row(opener.row_id), opener.level)
            assert declared == openers, f"{row.id} {probe.path}"


def test_the_audit_finds_no_problem(table: ScopeTable):
    routes = default_route_table()
    problems = [
        f"{row.id}: {finding.text}"
        for row in table.rows
        for finding in probe_audit(table, routes, row)
        if finding.problem
    ]
    assert problems == []


def test_a_full_check_stays_within_40_requests(table: ScopeTable):
    assert sum(len(row.probes) for row in table.rows) + 1 <= 40


def test_no_probe_deletes_and_writes_carry_a_body(table: ScopeTable):
    for row in table.rows:
        for probe in row.probes:
            assert probe.method in ("GET", "POST", "PUT")
            assert (probe.body is None) == (probe.method == "GET")


def _broken(row_id: str, index: int, **changes: object) -> list[str]:
    table = TABLE
    row = table.row(row_id)
    probes = list(row.probes)
    probes[index] = dataclasses.replace(probes[index], **changes)
    broken_row = dataclasses.replace(row, probes=tuple(probes))
    return [f.text for f in probe_audit(table, default_route_table(), broken_row) if f.problem]


@pytest.mark.parametrize(
    ("row_id", "index", "changes", "expected"),
    [
        ("orders", 0, {"path": "/v2/orderz"}, "no such route"),
        ("orders", 0, {"level": "modify"}, "not exactly"),
        ("products", 0, {"path": "/v3/content/pages"}, "not exactly"),
        ("customers", 0, {"path": "/v3/customers?limit=1"}, "set ambiguous_grant"),
        ("orders", 0, {"ambiguous_grant": True}, "no other scope"),
        ("get-payment-methods", 0, {"also_opened_by": (Opener("marketing", "read-only"),)},
         "also_opened_by covers"),
        ("store-locations", 1, {"method": "POST", "path": "/v3/inventory/locations", "body": [{}]},
         "could succeed"),
        ("carts", 1, {"path": "/v3/carts/123", "body": {}}, "could succeed"),
    ],
)
def test_the_audit_catches_a_wrong_probe(row_id, index, changes, expected):
    assert any(expected in problem for problem in _broken(row_id, index, **changes))
