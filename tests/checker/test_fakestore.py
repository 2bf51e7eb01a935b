"""The fake store answers like BigCommerce, in BigCommerce's order of checks."""

from __future__ import annotations

import pytest
import requests
from support.store import EXACT_TOKEN, STORE_HASH

from bc_scopes.fakestore.faults import Fault, FaultKind
from bc_scopes.fakestore.responses import SCOPE_TITLE
from bc_scopes.fakestore.routes import default_route_table


def call(store, method, path, token=EXACT_TOKEN, body=None, store_hash=STORE_HASH):
    headers = {"Accept": "application/json", "Content-Type": "application/json"}
    if token is not None:
        headers["X-Auth-Token"] = token
    return requests.request(
        method, f"{store.url}/stores/{store_hash}{path}", headers=headers, data=body, timeout=5,
        allow_redirects=False,
    )


def test_the_route_table_is_the_published_reference():
    table = default_route_table()
    assert len(table.routes) == 658
    assert table.source["repo"] == "bigcommerce/docs"
    time = table.match("GET", "/v2/time")
    assert time is not None and time.no_scope


def test_literal_segments_win_over_placeholders():
    route = default_route_table().match("GET", "/v3/channels/currency-assignments")
    assert route is not None and route.path == "/v3/channels/currency-assignments"


def test_missing_or_unknown_token_is_401(store):
    for token in (None, "not-a-known-token"):
        response = call(store, "GET", "/v2/time", token=token)
        assert response.status_code == 401
        assert response.json()["title"] == "Unauthorized"


def test_unknown_store_hash_is_403_with_the_scope_body_as_recorded(store):
    response = call(store, "GET", "/v2/time", store_hash="nope1")
    assert response.status_code == 403 and response.json()["title"] == SCOPE_TITLE
    store.unknown_store_status = 404  # the other answer seen in the field, for its own tests
    assert call(store, "GET", "/v2/time", store_hash="nope1").status_code == 404


def test_scope_check_comes_before_validation_and_lookup(store):
    store.grant("none", set())
    assert call(store, "PUT", "/v2/orders/999999999", token="none", body="{}").status_code == 403
    assert call(store, "PUT", "/v2/orders/999999999", body="{}").status_code == 404
    assert call(store, "GET", "/v3/catalog/products", token="none").json()["title"] == SCOPE_TITLE


def test_validation_is_400_on_v2_and_422_on_v3(store):
    store.grant("full-orders", {"store_v2_orders", "store_v2_products"})
    v2 = call(store, "POST", "/v2/orders", token="full-orders", body="{}")
    assert v2.status_code == 400 and "billing_address" in v2.text
    v3 = call(store, "POST", "/v3/catalog/products", token="full-orders", body="{}")
    assert v3.status_code == 422 and "name" in v3.json()["errors"]


def test_empty_v2_list_is_204_and_v3_list_is_200(store):
    orders = call(store, "GET", "/v2/orders?limit=1")
    assert orders.status_code == 204 and orders.content == b""
    products = call(store, "GET", "/v3/catalog/products?limit=1")
    assert products.status_code == 200 and products.json()["data"] == []


def test_unknown_route_is_404_and_wrong_method_405(store):
    assert call(store, "GET", "/v3/nothing/here").status_code == 404
    assert call(store, "PATCH", "/v2/time").status_code == 405


def test_rate_limit_headers_and_429(store):
    store.set_quota(quota=2, window_ms=60_000)
    first = call(store, "GET", "/v2/time")
    assert first.headers["X-Rate-Limit-Requests-Quota"] == "2"
    assert first.headers["X-Rate-Limit-Requests-Left"] == "1"
    assert int(first.headers["X-Rate-Limit-Time-Reset-Ms"]) > 0
    assert first.headers["X-Rate-Limit-Time-Window-Ms"] == "60000"
    call(store, "GET", "/v2/time")
    assert call(store, "GET", "/v2/time").status_code == 429


@pytest.mark.expect_mutations
def test_data_changing_requests_are_flagged(store):
    store.grant("orders", {"store_v2_orders"})
    call(store, "DELETE", "/v2/orders", token="orders")
    store.add_fault(Fault(FaultKind.ACCEPT_WRITES))
    assert call(store, "PUT", "/v2/orders/999999999", token="orders", body="{}").status_code == 200
    assert [(r.method, r.mutation) for r in store.requests] == [("DELETE", True), ("PUT", True)]


def test_records_never_keep_the_token(store):
    call(store, "GET", "/v2/time")
    request = store.requests[0]
    assert request.had_token
    assert EXACT_TOKEN not in repr(request)


def test_faults_can_be_limited_to_the_first_requests(store):
    store.add_fault(Fault(FaultKind.STATUS, status=502, times=1, path="^/v2/time$"))
    assert [call(store, "GET", "/v2/time").status_code for _ in range(2)] == [502, 200]


def test_one_server_stands_for_many_stores_each_token_opening_its_own(store):
    store.grant("otherstoretoken0000000000000001", {"store_v2_orders"}, store_hash="other1")
    token = "otherstoretoken0000000000000001"
    assert call(store, "GET", "/v2/time", token=token, store_hash="other1").status_code == 200
    refused = call(store, "GET", "/v2/time", token=token)  # this server's default store
    assert refused.status_code == 403 and refused.json()["title"] == SCOPE_TITLE
