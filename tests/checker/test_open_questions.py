"""Open question 1: does Get payment methods open POST /v3/payments/access_tokens?

access-tokens_payments.v3.yml:378-379 lists Get payment methods on the route; the
project's reading is that only Create payments opens it. Until a calibration run settles
it, a token that passes that probe while it may hold Get payment methods gets a report
line naming the question and linking the calibration page. Checked through `check()`
against the fake store, and through the real CLI's outputs.
"""

from __future__ import annotations

import dataclasses

from support.cli import FAST_POLICY
from support.store import EXACT_TOKEN, STORE_HASH, required_scopes, with_level

from bc_scopes.checker.check import check
from bc_scopes.checker.inputs import CheckInputs
from bc_scopes.checker.options import CheckOptions
from bc_scopes.checker.secrets import Secret
from bc_scopes.fakestore.routes import RouteTable, default_route_table
from bc_scopes.fakestore.server import FakeStore

TOKEN = "openquestiontoken00000000000001"
ROUTE = ("POST", "/v3/payments/access_tokens")


def notes_for(table, scopes, routes=None):
    with FakeStore(store_hash=STORE_HASH, routes=routes) as store:
        store.grant(TOKEN, scopes)
        report = check(table, CheckInputs(STORE_HASH, store.url, Secret(TOKEN)),
                       CheckOptions(policy=FAST_POLICY))
        assert store.mutations == []
    verdicts = {result.row.id: result.verdict.value for result in report.rows}
    return [note for note in report.notes if "Open question 1" in note], verdicts


def test_a_correct_token_gets_no_open_question_line(table):
    notes, verdicts = notes_for(table, required_scopes(table))
    assert notes == [] and verdicts["create-payments"] == "ok"


def test_where_get_payment_methods_opens_the_token_route_the_failure_names_the_question(table):
    """The other reading, modelled in the fake store: a correct token then fails on Create
    payments, and the report says why that verdict may be wrong."""
    routes = RouteTable([
        dataclasses.replace(route, scopes=route.scopes | {"store_payments_methods_read"})
        if (route.method, route.path) == ROUTE else route
        for route in default_route_table().routes
    ])
    notes, verdicts = notes_for(table, required_scopes(table), routes)
    assert verdicts["create-payments"] == "excess"
    [note] = notes
    assert "Create payments" in note and "Get payment methods at Read-only" in note
    assert table.guide.calibration_url() in note
    assert note.startswith("Create payments: POST /v3/payments/access_tokens was let through")


def test_a_token_that_cannot_hold_get_payment_methods_gets_no_line(table):
    """Create payments held, Get payment methods proven at None: nothing is open."""
    scopes = with_level(table, required_scopes(table), "create-payments", "create")
    scopes = with_level(table, scopes, "get-payment-methods", "none")
    routes = RouteTable([
        dataclasses.replace(route, scopes=frozenset({"store_payments_methods_read"}))
        if (route.method, route.path) == ("GET", "/v3/payments/methods") else route
        for route in default_route_table().routes
    ])
    notes, verdicts = notes_for(table, scopes, routes)
    assert verdicts["create-payments"] == "excess" and verdicts["get-payment-methods"] == "missing"
    assert notes == []


def test_the_line_reaches_the_cli_outputs(table, check_cli, store):
    scopes = with_level(table, required_scopes(table), "create-payments", "create")
    store.grant(EXACT_TOKEN, scopes)
    run = check_cli()
    assert run.code == 1
    assert "Open question 1" in run.out
    assert run.report is not None
    assert any("Open question 1" in note for note in run.report["notes"])
