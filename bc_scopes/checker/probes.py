"""Send the preflight and the probes of `scopes.yaml`, and classify each answer.

The preflight (`GET /v2/time`, which needs no scope) runs first and alone: a
401 means the token is wrong, a 403 or 404 means the store hash is, and then
no probe is sent. The probes then run on a small thread pool. Identical
probes of different rows are sent once. An answer is classified as:

- granted: the request got past the scope check (2xx for a GET; 400, 404, 409,
  413 or 422 for anything, since probes are built to fail after that check);
- denied: 403 whose title is "You don't have a required scope…";
- failed: anything else (network, 5xx or 429 after retries, another 403,
  a redirect, a malformed body, …). A failed probe never counts as evidence.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Iterable
from typing import Any

from bc_scopes import exitcodes
from bc_scopes.checker.client import PILOT_PATH, Answer, BigCommerceClient, Cancelled, SafetyStop
from bc_scopes.checker.evidence import (
    CheckRun,
    Outcome,
    Preflight,
    ProbeKey,
    ProbeResult,
    probe_key,
)
from bc_scopes.checker.graphql_probe import read_graphql_answer
from bc_scopes.checker.options import RetryPolicy
from bc_scopes.checker.redact import NO_SECRETS, Redactor
from bc_scopes.checker.workers import Clock, run_tasks
from bc_scopes.model import Probe, ScopeRow
from bc_scopes.probe_safety import GRAPHQL_PATH

__all__ = ["PREFLIGHT_PATH", "classify", "run_check", "run_preflight", "unique_probes"]

PREFLIGHT_PATH = PILOT_PATH  # the same scope-free request proves the token and pilots waits
SCOPE_TITLE = "you don't have a required scope"
GRANTED_STATUSES = frozenset({400, 404, 409, 413, 422})


def _title(payload: Any) -> str:
    if isinstance(payload, dict) and isinstance(payload.get("title"), str):
        return str(payload["title"])
    return ""


def _is_scope_denial(answer: Answer) -> bool:
    title = _title(answer.payload).replace("\u2019", "'").lower()
    return answer.status == 403 and title.startswith(SCOPE_TITLE)


def _transport_detail(answer: Answer) -> tuple[str, str]:
    attempts = f" after {answer.attempts} attempt{'s' if answer.attempts != 1 else ''}"
    return {
        "timeout": ("timeout", "no answer in time" + attempts),
        "connection": ("connection", "the connection failed" + attempts),
        "broken": ("broken", "the answer was cut off or could not be decoded" + attempts),
        "rate-limited": (
            "rate-limited",
            "waiting ran past the check's limit while other apps are using the store's API limit",
        ),
        "budget": ("budget", "not sent: the request budget of the run was used up"),
        "deadline": (
            "deadline",
            "the answer did not finish within one request's time limit "
            f"({RetryPolicy.request_deadline:g} s, or --deadline if shorter)",
        ),
        "too-large": ("too-large", "the answer was larger than 1 MiB and was dropped"),
    }.get(answer.failure or "", ("network", "no answer" + attempts))


def classify(answer: Answer, redactor: Redactor = NO_SECRETS) -> ProbeResult:
    """Turn an answer into granted / denied / failed (pure).

    Server text is kept only after `redactor` cleaned it: no secret, no escape.
    """
    method, path, status = answer.method, answer.path, answer.status

    def failed(kind: str, detail: str) -> ProbeResult:
        return ProbeResult(method, path, Outcome.FAILED, status, kind, detail)

    if status is None:
        return failed(*_transport_detail(answer))
    if status == 429:
        return failed("rate-limited", f"429 Too Many Requests after {answer.attempts} attempts")
    if status >= 500:
        return failed("server-error", f"{status} from the server after {answer.attempts} attempts")
    if 300 <= status < 400:
        return failed("redirect", f"{status} redirect (not followed)")
    if status != 204 and not answer.json_ok:
        return failed("malformed", f"{status} with a body that is not BigCommerce's JSON")
    if status == 401:
        return failed("unauthorized", "401: the token was refused during the run")
    if path == GRAPHQL_PATH:  # a read-only query: only data or a clear denial counts
        outcome, kind, detail = read_graphql_answer(status, answer.payload)
        return ProbeResult(method, path, Outcome(outcome), status, kind, detail)
    if status == 403:
        if _is_scope_denial(answer):
            return ProbeResult(method, path, Outcome.DENIED, status, None, "403 missing scope")
        title = _title(answer.payload) or "no title"
        return failed("forbidden-other", f"403 for another reason ({redactor.clean(title)[:80]})")
    if (200 <= status < 300 and method == "GET") or status in GRANTED_STATUSES:
        return ProbeResult(method, path, Outcome.GRANTED, status, None, f"{status} allowed")
    return failed("unexpected-status", f"unexpected {status}")


def run_preflight(client: BigCommerceClient, api_url: str) -> Preflight:
    """GET /v2/time: proves the token and store hash without depending on any scope."""
    answer = client.send("GET", PREFLIGHT_PATH)
    status = answer.status
    if status is None:
        kind, detail = _transport_detail(answer)
        anchor = "rate-limited" if kind == "rate-limited" else "store-unreachable"
        return Preflight(
            False, None, anchor, f"Could not reach {api_url}: {detail}. Check the API URL and "
            "the network, then run the check again.", exitcodes.INCOMPLETE
        )
    if status == 401:
        return Preflight(
            False, status, "invalid-token",
            "BigCommerce refused the access token (401): the Access Token is invalid, or belongs "
            "to another store (BigCommerce's reference defines 401 as a token and store hash that "
            "are not a valid combination). It may be mistyped, belong to a deleted "
            "API account, or be the Client ID or Client Secret instead.", exitcodes.REJECTED,
        )
    if status in (403, 404):
        return Preflight(
            False, status, "wrong-store-hash",
            f"BigCommerce answered {status} to the first, scope-free request: the store hash "
            "does not belong to this token (a store- prefix, another store, or a typo).",
            exitcodes.REJECTED,
        )
    if status == 429:
        return Preflight(
            False, status, "rate-limited",
            "The store's rate limit stayed exhausted (429); other apps are using it up.",
            exitcodes.INCOMPLETE,
        )
    if 300 <= status < 400:
        return Preflight(
            False, status, "store-unreachable",
            f"{api_url} answered with a redirect ({status}); it is probably not the BigCommerce "
            "API. Redirects are never followed, so the token went nowhere else.",
            exitcodes.INCOMPLETE,
        )
    if status == 200 and isinstance(answer.payload, dict) and "time" in answer.payload:
        return Preflight(True, status, message=f"GET {PREFLIGHT_PATH} answered 200.")
    return Preflight(
        False, status, "store-unreachable",
        f"GET {PREFLIGHT_PATH} answered {status} without BigCommerce's usual JSON; check the API "
        "URL and BigCommerce's status page.", exitcodes.INCOMPLETE,
    )


def unique_probes(rows: Iterable[ScopeRow]) -> dict[ProbeKey, Probe]:
    found: dict[ProbeKey, Probe] = {}
    for row in rows:
        for probe in row.probes:
            found.setdefault(probe_key(probe), probe)
    return found


def run_check(
    client: BigCommerceClient, rows: Iterable[ScopeRow], api_url: str, concurrency: int = 8,
    redactor: Redactor = NO_SECRETS, deadline: float = 120.0, clock: Clock = time.monotonic,
) -> CheckRun:
    """Preflight, then every probe of `rows` on `concurrency` worker threads.

    After `deadline` seconds the run stops: nothing more is sent, and whatever
    has not answered ends as a failed probe (its row `unknown`).
    """
    try:
        return _run(client, rows, api_url, concurrency, redactor, clock() + deadline, clock)
    finally:
        client.close()


def _send_probe(client: BigCommerceClient, probe: Probe, redactor: Redactor) -> ProbeResult:
    try:
        return classify(client.send(probe.method, probe.path, probe.body), redactor)
    except SafetyStop as stop:
        return ProbeResult(
            probe.method, probe.path, Outcome.FAILED, stop.status, "unsafe-write",
            f"{stop.status}: a request built to fail was accepted; the run stopped",
        )
    except Cancelled:
        return ProbeResult(
            probe.method, probe.path, Outcome.FAILED, None, "cancelled",
            "not sent: the run was stopped",
        )


DEADLINE_DETAIL = "no answer before the check's deadline (--deadline)"


def _run(
    client: BigCommerceClient, rows: Iterable[ScopeRow], api_url: str, concurrency: int,
    redactor: Redactor, deadline_at: float, clock: Clock,
) -> CheckRun:
    first: dict[str, Preflight] = {}
    run_tasks(
        [("preflight", functools.partial(run_preflight, client, api_url))], 1,
        client.cancelled, deadline_at, first.__setitem__, clock=clock, name="preflight",
    )
    preflight = first.get("preflight") or Preflight(
        False, None, "store-unreachable",
        f"Could not reach {api_url}: {DEADLINE_DETAIL}. Check the API URL and the network, "
        "then run the check again.", exitcodes.INCOMPLETE,
    )
    run = CheckRun(preflight=preflight)
    if not preflight.ok:
        run.requests_sent = client.requests_sent
        return run
    probes = unique_probes(rows)
    # Reads first: a write is sent once, whatever the answer, so writes go when a 429
    # storm at the start of the run has been waited out by reads, which can be repeated.
    ordered = sorted(probes.items(), key=lambda item: item[1].method != "GET")
    tasks: list[tuple[ProbeKey, Callable[[], ProbeResult]]] = [
        (key, functools.partial(_send_probe, client, probe, redactor)) for key, probe in ordered
    ]
    results: dict[ProbeKey, ProbeResult] = {}
    run_tasks(
        tasks, min(concurrency, len(tasks)), client.cancelled, deadline_at, results.__setitem__,
        clock=clock, name="probe",
    )
    run.results = dict(results)
    # Not answered: the deadline came, or the run was stopped (a safety stop anywhere).
    kind, detail = ("deadline", DEADLINE_DETAIL) if clock() >= deadline_at else (
        "cancelled", "not sent: the run was stopped")
    for key, probe in probes.items():
        run.results.setdefault(
            key, ProbeResult(probe.method, probe.path, Outcome.FAILED, None, kind, detail),
        )
    run.safety_stop = client.safety_stop
    run.requests_sent = client.requests_sent
    return run
