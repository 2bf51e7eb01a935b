"""The HTTP client against the fake store: headers, retries, rate limit, safety."""

from __future__ import annotations

import time
from dataclasses import replace

import pytest
from support.store import EXACT_TOKEN, STORE_HASH

from bc_scopes.checker.client import BigCommerceClient, Cancelled, SafetyStop
from bc_scopes.checker.options import RetryPolicy
from bc_scopes.checker.secrets import Secret
from bc_scopes.fakestore.faults import Fault, FaultKind

# Long read timeouts: an ordinary answer on a busy machine must never look like a timeout.
# The one test that needs a timeout shortens it for itself.
FAST = RetryPolicy(backoff=0.01, rate_limit_fallback=0.05, read_timeout=5, connect_timeout=5)


def make_client(store, policy: RetryPolicy = FAST, token: str = EXACT_TOKEN, concurrency: int = 1):
    return BigCommerceClient(f"{store.url}/stores/{STORE_HASH}", Secret(token), policy, concurrency)


def test_delete_is_refused_before_anything_is_sent(store):
    client = make_client(store)
    with pytest.raises(ValueError, match="never sends DELETE"):
        client.send("DELETE", "/v2/orders")
    with pytest.raises(ValueError):
        client.send("PATCH", "/v3/catalog/products")
    assert store.requests == []
    assert client.requests_sent == 0


def test_plain_http_is_refused_for_other_hosts():
    with pytest.raises(ValueError, match="https"):
        BigCommerceClient("http://api.bigcommerce.com/stores/abc", Secret("x" * 31))
    BigCommerceClient("http://[::1]:8080/stores/abc", Secret("x" * 31))
    BigCommerceClient("http://localhost:8080/stores/abc", Secret("x" * 31))


def test_json_body_and_headers_on_writes(store):
    make_client(store).send("PUT", "/v2/orders/999999999", {})
    request = store.requests[0]
    assert request.body == b"{}"
    assert request.headers["Content-Type"] == "application/json"


def test_5xx_is_retried_with_backoff_then_given_up(store):
    store.add_fault(Fault(FaultKind.STATUS, status=503))
    answer = make_client(store).send("GET", "/v2/time")
    assert answer.status == 503 and answer.attempts == 3
    assert len(store.requests) == 3


def test_timeouts_are_retried_for_reads_only(store):
    short = replace(FAST, read_timeout=0.3)
    store.add_fault(Fault(FaultKind.TIMEOUT, method="GET", times=1))
    answer = make_client(store, short).send("GET", "/v2/time")
    assert answer.status == 200 and answer.attempts == 2
    store.add_fault(Fault(FaultKind.TIMEOUT, method="PUT"))
    answer = make_client(store, short).send("PUT", "/v2/orders/999999999", {})
    assert answer.failure == "timeout" and answer.attempts == 1


def test_connection_reset_is_retried(store):
    store.add_fault(Fault(FaultKind.RESET, times=1))
    answer = make_client(store).send("GET", "/v2/time")
    assert answer.status == 200 and answer.attempts == 2


# How long a 429 pause lasts (the reset, X-Retry-After, the fallback, the cap and the wait
# budget) is the rate gate's rule, proven on a fake clock in test_rate_gate.py. Here: that
# the client waits at all and then sends the read again.
def test_429_waits_for_the_reset_header(store):
    store.add_fault(Fault(FaultKind.RATE_LIMIT, reset_ms=300, times=1))
    started = time.monotonic()
    answer = make_client(store).send("GET", "/v2/time")
    assert answer.status == 200
    assert time.monotonic() - started >= 0.3


def test_a_write_answered_429_is_not_sent_again_and_later_writes_wait(store):
    store.add_fault(Fault(FaultKind.RATE_LIMIT, reset_ms=200, times=1, method="PUT"))
    client = make_client(store)
    assert client.send("PUT", "/v2/orders/999999999", {}).status == 429
    assert client.send("PUT", "/v2/orders/999999999", {}).status == 404
    puts = [r for r in store.requests if r.method == "PUT"]
    pilots = [r for r in store.requests if r.method == "GET"]
    assert len(puts) == 2 and [r.api_path for r in pilots] == ["/v2/time"]
    assert puts[1].received_at - puts[0].received_at >= 0.2


def test_the_reserve_for_other_apps_pauses_requests(store):
    store.set_quota(quota=14, window_ms=500)  # reserve 10 + concurrency 1 = pause below 11 left
    client = make_client(store)
    started = time.monotonic()
    for _ in range(5):
        assert client.send("GET", "/v2/time").status == 200
    assert time.monotonic() - started >= 0.3  # waited for the window to reset
    assert 429 not in [request.status for request in store.requests]


def test_the_total_request_budget_is_enforced(store):
    store.add_fault(Fault(FaultKind.STATUS, status=502))
    client = make_client(store, RetryPolicy(backoff=0.001, max_requests=7))
    answers = [client.send("GET", "/v2/time") for _ in range(4)]
    assert len(store.requests) == 7
    assert answers[-1].failure == "budget"


def test_redirects_are_not_followed(store):
    store.add_fault(Fault(FaultKind.REDIRECT, location=f"{store.url}/elsewhere"))
    answer = make_client(store).send("GET", "/v2/time")
    assert answer.status == 302
    assert len(store.requests) == 1


@pytest.mark.expect_mutations
def test_a_write_answered_2xx_stops_everything(store):
    store.add_fault(Fault(FaultKind.ACCEPT_WRITES))
    client = make_client(store)
    with pytest.raises(SafetyStop) as stop:
        client.send("PUT", "/v2/orders/999999999", {})
    assert stop.value.status == 200 and client.safety_stop is not None
    assert (client.safety_stop.method, client.safety_stop.status) == ("PUT", 200)
    with pytest.raises(Cancelled):
        client.send("GET", "/v2/time")
    assert len(store.requests) == 1


def test_malformed_json_is_flagged(store):
    store.add_fault(Fault(FaultKind.MALFORMED_JSON))
    answer = make_client(store).send("GET", "/v2/time")
    assert answer.status == 200 and answer.json_ok is False


@pytest.mark.parametrize(
    "path",
    ["/v3/../../x", "/v3/catalog/./products", "/v3/%2e%2e/x", "/v3/%2E%2e/x",
     "/v3/%252e%252e/x", "/v3/a%2f..%2fb", "/v3/a\\..\\b", "/v2/.."],
)
def test_paths_that_could_leave_the_store_are_refused_before_sending(store, path):
    client = make_client(store)
    with pytest.raises(ValueError, match=r"\. or \.\. segments"):
        client.send("GET", path)
    assert store.requests == []
