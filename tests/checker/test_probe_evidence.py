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

from support.cli import FAST_POLICY
from support.store import STORE_HASH, required_scopes, with_level

from bc_scopes.checker.check import check
from bc_scopes.checker.inputs import CheckInputs
from bc_scopes.checker.options import CheckOptions
from bc_scopes.checker.report import Report
from bc_scopes.checker.secrets import Secret
from bc_scopes.checker.verdicts import RowResult
from bc_scopes.fakestore.routes import RouteTable, default_route_table
from bc_scopes.fakestore.server import FakeStore
from bc_scopes.model import Opener, Probe, ScopeTable

TOKEN = "evidencetoken000000000000000001"


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


def test_a_payment_token_create_stays_refused_when_order_stops_being_required(table):
    routes = routes_where(
        "POST", "/v3/payments/access_tokens",
        body=body_without_required("POST", "/v3/payments/access_tokens"),
    )
    scopes = with_level(table, required_scopes(table), "create-payments", "create")
    old_probe = Probe("create", "POST", "/v3/payments/access_tokens", body={})
    with store_with(routes, scopes) as store:
        report = run(table, store)
        assert report.safety_stop is None and verdict(report, "create-payments") == "excess"
        assert store.mutations == []
        assert run(with_probe(table, "create-payments", 0, old_probe), store).safety_stop
        assert store.mutations, "the old probe would have created a payment access token"
