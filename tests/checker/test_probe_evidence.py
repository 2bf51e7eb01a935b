"""Each probe changed for the evidence, against a fake store that takes the stricter reading.

BigCommerce's official sources disagree on some routes. For each probe this
project changed, the test configures the fake store with the reading that
would have fooled the old probe, and shows that the old probe gives a wrong
verdict there while the current one does not. The old probes are written out
here as they were in scopes.yaml before the change.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import yaml
from support.cli import FAST_POLICY
from support.docs import REPO_ROOT
from support.store import STORE_HASH, required_scopes, with_level

from bc_scopes.checker.check import check
from bc_scopes.checker.inputs import CheckInputs
from bc_scopes.checker.options import CheckOptions
from bc_scopes.checker.report import Report
from bc_scopes.checker.secrets import Secret
from bc_scopes.checker.verdicts import RowResult
from bc_scopes.fakestore.readings import Reading
from bc_scopes.fakestore.routes import RouteTable, default_route_table
from bc_scopes.fakestore.server import FakeStore
from bc_scopes.model import Opener, Probe, ScopeTable

TOKEN = "evidencetoken000000000000000001"
RECORDING = REPO_ROOT / "calibration" / "2023-01-19-space48-token-validator.yaml"


def routes_where(method: str, path: str, **change: Any) -> RouteTable:
    """The shipped route table with one route changed (its scopes or its body rule)."""
    return RouteTable([
        dataclasses.replace(route, **change) if (route.method, route.path) == (method, path)
        else route
        for route in default_route_table().routes
    ])


def body_without_required(method: str, path: str) -> Any:
    """The route's body rule with no required field: one rule relaxed on BigCommerce's side."""
    route = default_route_table().match(method, path)
    assert route is not None and route.body is not None
    return dataclasses.replace(route.body, required=())


def with_probe(table: ScopeTable, row_id: str, index: int, probe: Probe) -> ScopeTable:
    """The table with one probe of a row put back as it was (replaced, or appended)."""
    row = table.row(row_id)
    probes = list(row.probes)
    if index < len(probes):
        probes[index] = probe
    else:
        probes.append(probe)
    changed = dataclasses.replace(row, probes=tuple(probes))
    return dataclasses.replace(
        table, rows=tuple(changed if r.id == row_id else r for r in table.rows)
    )


@contextmanager
def store_with(routes: RouteTable, scopes: set[str]) -> Iterator[FakeStore]:
    with FakeStore(store_hash=STORE_HASH, routes=routes) as store:
        store.grant(TOKEN, scopes)
        yield store


def run(table: ScopeTable, store: FakeStore) -> Report:
    inputs = CheckInputs(STORE_HASH, store.url, Secret(TOKEN))
    return check(table, inputs, CheckOptions(policy=FAST_POLICY))


def row_result(report: Report, row_id: str) -> RowResult:
    return next(result for result in report.rows if result.row.id == row_id)


def verdict(report: Report, row_id: str) -> str:
    return row_result(report, row_id).verdict.value


def test_fulfillment_methods_is_not_called_excess_where_the_search_opens_to_read_only(table):
    # pickup_options.v3.yml:196-197 lists the read-only scope for the search as well.
    search = default_route_table().match("POST", "/v3/pickup/options")
    assert search is not None
    routes = routes_where(
        "POST", "/v3/pickup/options",
        scopes=search.scopes | {"store_fulfillment_methods_read_only"},
    )
    old_probe = Probe("modify", "POST", "/v3/pickup/options", body={})
    with store_with(routes, required_scopes(table)) as store:
        assert verdict(run(table, store), "fulfillment-methods") == "ok"
        old = with_probe(table, "fulfillment-methods", 1, old_probe)
        assert verdict(run(old, store), "fulfillment-methods") == "excess"  # a false claim


def test_order_transactions_is_not_called_missing_where_metafields_need_orders_alone(table):
    # orders.v3.yml ties the transactions scopes to transactions and payment methods only.
    routes = routes_where(
        "PUT", "/v3/orders/{order_id}/metafields/{metafield_id}",
        scopes=frozenset({"store_v2_orders"}),
    )
    scopes = with_level(table, required_scopes(table), "orders", "read-only")
    old_probe = Probe(
        "modify", "PUT", "/v3/orders/999999999/metafields/999999999", body={},
        ambiguous_grant=True, also_opened_by=(Opener("orders", "modify"),),
    )
    with store_with(routes, scopes) as store:
        assert verdict(run(table, store), "order-transactions") == "ok"
        old = with_probe(table, "order-transactions", 1, old_probe)
        assert verdict(run(old, store), "order-transactions") == "missing"  # a false claim


def test_stored_payment_instruments_at_modify_is_never_bounded_below_it(table):
    # api-accounts.mdx ties this scope to Stored Instruments only, not to customer metafields.
    routes = routes_where(
        "PUT", "/v3/customers/{customerId}/metafields/{metafieldId}",
        scopes=frozenset({"store_v2_customers"}),
    )
    scopes = with_level(table, required_scopes(table), "stored-payment-instruments", "modify")
    old_probe = Probe(
        "modify", "PUT", "/v3/customers/999999999/metafields/999999999", body={},
        ambiguous_grant=True, also_opened_by=(Opener("customers", "modify"),),
    )
    with store_with(routes, scopes) as store:
        new = row_result(run(table, store), "stored-payment-instruments")
        assert new.verdict.value == "unverifiable" and new.highest == "modify"
        old_table = with_probe(table, "stored-payment-instruments", 1, old_probe)
        old = row_result(run(old_table, store), "stored-payment-instruments")
        assert old.highest == "read-only"  # a false claim: the token holds Modify


def test_a_script_create_stays_refused_when_name_stops_being_required(table):
    routes = routes_where(
        "POST", "/v3/content/scripts",
        body=body_without_required("POST", "/v3/content/scripts"),
    )
    old_probe = Probe(
        "modify", "POST", "/v3/content/scripts", body={},
        ambiguous_grant=True, also_opened_by=(Opener("content", "modify"),),
    )
    with store_with(routes, required_scopes(table)) as store:
        assert run(table, store).safety_stop is None
        assert store.mutations == []
        assert run(with_probe(table, "checkout-content", 0, old_probe), store).safety_stop
        assert store.mutations, "the old probe would have created a script"


def test_the_payment_token_probe_sends_the_body_a_real_store_was_recorded_refusing(table):
    """Issue 17: the recorded {} wins over an unrecorded body that breaks more rules on
    paper. The recording (422 with the scope, 403 without) is in calibration/, and the
    route table carries it as a layer of its own, which the model's check counts."""
    [probe] = table.row("create-payments").probes
    assert probe.body == {}
    route = default_route_table().match("POST", "/v3/payments/access_tokens")
    assert route is not None and route.body is not None
    assert [r["body"] for r in route.body.recorded_refusals] == [{}]
    recording = yaml.safe_load(RECORDING.read_text(encoding="utf-8"))
    answers = {(a["token"], a["method"], a["path"]): a["status"] for a in recording["answers"]}
    assert answers[("all-but-customers-modify", "POST", "/v3/payments/access_tokens")] == 422
    assert answers[("logs-only", "POST", "/v3/payments/access_tokens")] == 403
    assert "body {}" in " ".join(recording["notes"])


# Issue 17: readings under which a probe on a shared route gives a wrong verdict -------------
@contextmanager
def store_reading(reading: Reading, scopes: set[str]) -> Iterator[FakeStore]:
    with FakeStore(store_hash=STORE_HASH) as store:
        store.readings.add(reading)
        store.grant(TOKEN, scopes)
        yield store


OLD_PRODUCTS_MODIFY = Probe(
    "modify", "PUT", "/v3/catalog/products/999999999/metafields/999999999", body={}
)
OLD_STORE_LOCATIONS_MODIFY = Probe(
    "modify", "PUT", "/v3/inventory/locations/999999999/metafields/999999999",
    body={"permission_set": "not_a_permission_set"},
)
OLD_INFORMATION_READ = Probe("read-only", "GET", "/v2/store")


def test_products_and_store_locations_stay_ok_where_metafields_access_opens_metafields(table):
    """api-accounts.mdx:221-222: Metafields Access, every account's default, may open every
    metafield route. The old metafield probes then call a correct token excess."""
    with store_reading(Reading.METAFIELDS_ACCESS_OPENS_METAFIELD_ROUTES,
                       required_scopes(table)) as store:
        new = run(table, store)
        assert verdict(new, "products") == "ok" and verdict(new, "store-locations") == "ok"
        old = with_probe(with_probe(table, "products", 1, OLD_PRODUCTS_MODIFY),
                         "store-locations", 1, OLD_STORE_LOCATIONS_MODIFY)
        report = run(old, store)
        assert verdict(report, "products") == "excess"  # a false claim
        assert verdict(report, "store-locations") == "excess"  # a false claim
        assert store.mutations == []


def test_information_settings_at_none_is_missing_where_v2_store_needs_no_scope(table):
    """/v2/time needs no scope (recorded); /v2/store, in the same spec, may be the same. The
    old probe then calls a token without Information & Settings ok."""
    scopes = with_level(table, required_scopes(table), "information-settings", "none")
    with store_reading(Reading.V2_STORE_NEEDS_NO_SCOPE, scopes) as store:
        assert verdict(run(table, store), "information-settings") == "missing"
        old = with_probe(table, "information-settings", 0, OLD_INFORMATION_READ)
        assert verdict(run(old, store), "information-settings") == "ok"  # a false claim


def test_a_correct_token_is_ok_under_each_reading(table):
    """Under every alternative reading, the verdicts of a correct token stay what they are
    on the default store."""
    with store_with(default_route_table(), required_scopes(table)) as store:
        expected = {r.row.id: r.verdict.value for r in run(table, store).rows}
    assert expected["products"] == "ok" and expected["information-settings"] == "ok"
    for reading in (Reading.METAFIELDS_ACCESS_OPENS_METAFIELD_ROUTES,
                    Reading.V2_STORE_NEEDS_NO_SCOPE, Reading.EVERY_ID_EXISTS_PARTIAL_UPDATES,
                    Reading.V2_VALUES_UNCHECKED):
        with store_reading(reading, required_scopes(table)) as store:
            got = {r.row.id: r.verdict.value for r in run(table, store).rows}
            assert got == expected, reading
            assert store.mutations == []
