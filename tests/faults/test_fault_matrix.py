"""The fault matrix: every fault of issue 5 through the real `bc-scopes check`.

Each case asserts the documented exit code, the verdict of every row (the rows the
fault touches change as documented; every other row keeps its fault-free verdict),
one line a person can act on, no traceback, and that no row claims more than the
token's real scopes allow. Which rows may be `ok` or `missing` is computed from the
scope set the fake store gave the token, never from the checker's own output.
"""

from __future__ import annotations

import math
import re
import socket
import time

import pytest
from support.cli import FAST_POLICY
from support.scenarios import ScenarioRun
from support.truth import exit_code_for, wrong_claims

from bc_scopes.checker.options import CheckOptions, RetryPolicy
from bc_scopes.model import ScopeTable

from .cases import (
    BASELINE,
    COMBINED,
    COMBINED_SEEDS,
    MATRIX,
    STORE_INFO,
    TIMEOUT_S,
    combined_baseline_id,
    faulted_probes,
)

PREFLIGHT = "/v2/time"

DEFAULT_POLICY = RetryPolicy()


def assert_reads_well(run: ScenarioRun) -> None:
    """No traceback anywhere, stderr at most one line, every report text one line."""
    assert run.traceback == "", run.traceback
    assert "Traceback" not in run.out + run.err
    assert len(run.err.splitlines()) <= 1, run.err
    for entry in run.report["scopes"]:
        for key in ("reason", "fix"):
            assert "\n" not in entry.get(key, ""), (entry["id"], key)
    # The verdict comes first and last, with the exit code.
    lines = run.out.splitlines()
    assert lines[0].endswith(f"(exit {run.code}).") or lines[1].endswith(f"(exit {run.code})."), (
        run.out)
    assert lines[-1].endswith(f"(exit {run.code}).")


def assert_message_on_one_line(run: ScenarioRun, message: str) -> None:
    """The message is shown; the report folds long lines at 80 columns (a URL is never
    broken), so the search joins the folded lines back."""
    assert all(len(line) <= 80 or line.split()[-1].startswith("http")
               for line in run.out.splitlines()), run.out
    flowing = " ".join(run.out.split())
    assert message in flowing, f"{message!r} is not in the output:\n{run.out}"


def assert_preflight_stop(run: ScenarioRun, table: ScopeTable) -> None:
    """No probe sent, every testable row unknown, no per-row table printed."""
    assert {r.api_path for r in run.requests} <= {PREFLIGHT}
    assert run.report["preflight"]["ok"] is False
    for row in table.rows:
        expected = "unknown" if row.probes else "unverifiable"
        assert run.verdicts()[row.id] == expected, row.id
    assert "Stopped before any scope was checked:" in run.out
    assert "Row " not in run.out and "Confirm by eye" not in run.out


@pytest.mark.parametrize("case", MATRIX, ids=[case.id for case in MATRIX])
def test_fault_gets_its_documented_verdicts_and_exit_code(case, scenario, table):
    run = scenario(case.id)
    assert run.code == case.expected_code, run.out + run.err + run.traceback
    assert run.report["exit_code"] == case.expected_code
    assert_reads_well(run)
    assert_message_on_one_line(run, case.message)
    assert wrong_claims(table, run.report, run.scopes) == []
    if case.preflight_stop:
        assert_preflight_stop(run, table)
    elif not case.loose:
        baseline = scenario(case.baseline).verdicts()
        assert run.verdicts() == {**baseline, **case.changed}
    assert run.trap_connections == 0, "a request reached the trap"


def test_the_fault_free_run_is_right_and_complete(scenario, table):
    """The reference every other case is compared with must itself be right."""
    run = scenario(BASELINE)
    assert run.code == 0
    verdicts = run.verdicts()
    assert "unknown" not in verdicts.values() and "missing" not in verdicts.values()
    assert wrong_claims(table, run.report, run.scopes) == []
    probed = sum(len(row.probes) for row in table.all_rows)
    assert len(run.requests) == probed + 1  # one per probe plus the preflight, no retry


def test_an_empty_204_on_a_v2_list_counts_as_granted(scenario):
    orders = next(e for e in scenario(BASELINE).report["scopes"] if e["id"] == "orders")
    listing = next(p for p in orders["probes"] if p["method"] == "GET")
    assert (listing["path"], listing["status"], listing["outcome"]) == (
        "/v2/orders?limit=1", 204, "granted"
    )
    assert orders["verdict"] == "ok"


def statuses(run: ScenarioRun, path: str) -> list[int | None]:
    return [request.status for request in run.requests if request.api_path == path]


def test_429_with_reset_headers_waits_the_reset_then_completes(scenario):
    run = scenario("429-with-reset-headers")
    assert statuses(run, "/v3/store/systemlogs") == [429, 429, 429, 200]
    assert run.seconds >= 3 * 0.150  # three waits of the 150 ms reset, one after another


def test_429_without_reset_headers_waits_the_fallback_once_real_wait(scenario):
    run = scenario("429-without-reset-headers")
    assert statuses(run, STORE_INFO) == [429, 200]
    assert DEFAULT_POLICY.rate_limit_fallback <= run.seconds < DEFAULT_POLICY.total_wait_cap


def test_429_without_reset_headers_gives_up_after_a_bounded_number_of_tries(scenario):
    run = scenario("429-without-reset-headers-never-ends")
    # Bounded by the wait budget: one fallback pause per 429, never two 429s without one.
    tries = statuses(run, STORE_INFO)
    assert set(tries) == {429}
    assert len(tries) <= FAST_POLICY.total_wait_cap / FAST_POLICY.rate_limit_fallback + 1


def test_a_quota_other_apps_half_used_is_waited_for_not_overrun_real_wait(scenario):
    run = scenario("quota-runs-out-halfway-then-resets")
    # 20 requests were left in the window and the check needs more: it waited for the reset.
    # (A pause may add one scope-free pilot, GET /v2/time, when a write's turn came first.)
    def probes(requests):
        return [r.api_path for r in requests if r.api_path != PREFLIGHT]

    assert sorted(probes(run.requests)) == sorted(probes(scenario(BASELINE).requests))
    assert len(run.requests) > 20
    assert 429 not in [request.status for request in run.requests]


def test_a_quota_that_runs_out_for_good_leaves_unprobed_rows_unknown(scenario):
    run = scenario("quota-runs-out-halfway-for-good")
    verdicts = run.verdicts()
    unknown = {row_id for row_id, verdict in verdicts.items() if verdict == "unknown"}
    assert unknown, "some rows cannot have been probed"
    # Which rows the quota leaves undecided depends on which probes the workers sent
    # first, so no count of decided rows is promised. What is promised, row by row: a
    # row whose every probe was answered keeps its fault-free verdict, unless it names a
    # row it depends on that could not be checked; any other unknown row has a probe the
    # quota left without an answer.
    fault_free = scenario(BASELINE).verdicts()
    unknown_names = {e["name"] for e in run.report["scopes"] if e["verdict"] == "unknown"}
    answered = 0
    for entry in run.report["scopes"]:
        outcomes = [probe["outcome"] for probe in entry["probes"]]
        answered += outcomes.count("granted") + outcomes.count("denied")
        if "failed" in outcomes or not entry["probes"]:
            continue
        if entry["verdict"] == "unknown":
            blockers = [name for name in unknown_names - {entry["name"]} if name in entry["reason"]]
            assert blockers, (entry["id"], entry["reason"])
        else:
            assert entry["verdict"] == fault_free[entry["id"]], entry["id"]
    assert answered, "the requests sent before the quota ran out were read as evidence"
    for entry in run.report["scopes"]:
        if entry["verdict"] == "unknown":
            assert "#rate-limited" in entry["help_url"] or "#store-unreachable" in entry["help_url"]
    # Bounded: the run's request budget, and a few tries per probe once the quota is gone.
    assert len(run.requests) <= DEFAULT_POLICY.max_requests
    # The quota headers say 0 left for 120 s, so the checker stops asking. What the code
    # promises, counted: the requests already in flight when the quota ran out, plus one
    # pilot per pause, and the pauses are bounded by the wait budget.
    refused = [r for r in run.requests if r.status == 429]
    pauses = math.ceil(FAST_POLICY.total_wait_cap / FAST_POLICY.rate_limit_wait_cap)
    assert len(refused) <= CheckOptions().concurrency + pauses
    assert_no_request_before_its_reset(run.requests, FAST_POLICY.rate_limit_fallback)


def assert_no_request_before_its_reset(requests, reset_s: float):
    """After a 429, only requests already past the gate reach the store before the reset.

    Counted, not timed: a request that passed the gate before the 429 came back cannot
    know of it, and on a busy two-core machine it can reach the store 0.2 s later. So
    within each 429's reset window at most `concurrency` requests may arrive (those in
    flight). A gate that ignored the reset would let every worker send again and again.
    """
    in_flight = CheckOptions().concurrency
    ordered = sorted(requests, key=lambda request: request.received_at)
    for refused in (r for r in ordered if r.status == 429):
        inside = [r for r in ordered
                  if refused.received_at < r.received_at < refused.received_at + reset_s - 0.02]
        assert len(inside) <= in_flight, (
            f"{len(inside)} requests within {reset_s} s of a 429 on {refused.api_path}: "
            f"{[(r.method, r.api_path) for r in inside]}")


@pytest.mark.parametrize("case_id", [
    "storm-of-ten-429s-on-the-preflight", "storm-of-ten-429s-across-the-pool",
])
def test_a_storm_of_ten_429s_is_waited_out_and_the_report_is_complete_real_wait(
    scenario, case_id
):
    run = scenario(case_id)
    assert [r.status for r in run.requests].count(429) == 10
    assert run.code == 0 and "unknown" not in run.verdicts().values()
    assert run.verdicts() == scenario(BASELINE).verdicts()
    assert_no_request_before_its_reset(run.requests, 0.3)


@pytest.mark.parametrize("status", [500, 502, 503])
def test_a_transient_5xx_is_retried_once(scenario, status):
    run = scenario(f"{status}-transient")
    retried = [r.status for r in run.requests if r.status == status]
    assert retried == [status]
    assert run.report["requests_sent"] == len(scenario(BASELINE).requests) + 1


@pytest.mark.parametrize("status", [500, 502, 503])
def test_a_persistent_5xx_is_retried_a_bounded_number_of_times(scenario, status):
    run = scenario(f"{status}-persistent")
    assert [r.status for r in run.requests if r.status == status] == [status] * 3


def test_a_redirect_is_never_followed_and_the_target_gets_nothing(scenario, trap):
    for case_id in ("redirect-on-a-probe", "redirect-on-the-preflight"):
        run = scenario(case_id)
        assert 302 in [request.status for request in run.requests]
        assert run.trap_connections == 0 and run.trap_received == b""


def test_the_trap_would_notice_a_request(trap):
    """The redirect test above is only worth something if the trap counts connections."""
    before = trap.connections
    with socket.create_connection(("127.0.0.1", trap.port), timeout=2) as connection:
        connection.sendall(b"GET / HTTP/1.1\r\n\r\n")
    for _ in range(100):
        if trap.connections > before:
            break
        time.sleep(0.01)
    assert trap.connections == before + 1


@pytest.mark.parametrize(
    "case_id", ["2xx-on-a-write-probe-safety-stop", "2xx-on-a-write-probe-cut-off-mid-body"]
)
def test_a_write_answered_2xx_stops_the_run_at_once(scenario, case_id):
    run = scenario(case_id)
    stop = run.report["safety_stop"]
    assert (stop["method"], stop["path"], stop["status"]) == ("PUT", "/v2/orders/999999999", 200)
    assert "#unsafe-write" in stop["help_url"]
    writes = [i for i, r in enumerate(run.requests) if (r.method, r.api_path) == (
        "PUT", "/v2/orders/999999999")]
    assert len(writes) == 1, "the accepted write was sent again"
    after = run.requests[writes[0] + 1 :]
    concurrency = 1 if "--concurrency" in run.case.args else 8
    # Only requests already on their way (one per other worker) may arrive after it.
    assert len(after) <= concurrency - 1, [(r.method, r.api_path) for r in after]
    assert len(run.requests) < len(scenario(BASELINE).requests)
    reasons = [e["reason"] for e in run.report["scopes"] if e["verdict"] == "unknown"]
    assert reasons, "rows left unprobed must be unknown"


def test_a_timeout_costs_only_the_timeouts_and_backoff(scenario):
    run = scenario("timeout-on-the-preflight")
    assert len(run.requests) == 1 + DEFAULT_POLICY.retries
    budget = 3 * TIMEOUT_S + DEFAULT_POLICY.backoff * 3 + 3
    assert run.seconds < budget


# Several faults at once ------------------------------------------------------------------
@pytest.mark.parametrize("seed", COMBINED_SEEDS)
def test_combined_faults_end_right_or_unknown_never_wrong(scenario, table, seed):
    baseline = scenario(combined_baseline_id(seed))
    run = scenario(f"combined-seed-{seed}")
    assert baseline.code == exit_code_for(baseline.verdicts())
    assert "unknown" not in baseline.verdicts().values()
    assert wrong_claims(table, baseline.report, baseline.scopes) == []

    assert_reads_well(run)
    assert wrong_claims(table, run.report, run.scopes) == []
    assert run.report["safety_stop"] is None
    assert run.code == exit_code_for(run.verdicts())
    hit = {(method, path) for method, path in faulted_probes(seed)}
    before = baseline.verdicts()
    for entry in run.report["scopes"]:
        row, verdict = table.row(entry["id"]), entry["verdict"]
        assert verdict in (before[row.id], "unknown"), (row.id, verdict, before[row.id])
        related = [row] + [table.row(e.row_id) for p in row.probes
                           for e in p.also_opened_by]
        touched = any(
            (p.method, p.path.split("?")[0]) in hit for other in related for p in other.probes
        )
        # A 429 pauses the whole run and the request budget is shared: those two may
        # reach rows no fault touched, and must say so.
        shared_limit = "rate limit" in entry["reason"] or "request budget" in entry["reason"]
        if not touched and not shared_limit:
            assert verdict == before[row.id], f"{row.id} changed though no fault touched it"
    assert run.trap_connections == 0


def test_the_combined_runs_really_combine_faults(scenario):
    """Guards the test above against seeds that happen to change nothing."""
    unknown_rows = 0
    for case in COMBINED:
        run = scenario(case.id)
        assert len(run.requests) > len(scenario(case.baseline).requests)
        unknown_rows += list(run.verdicts().values()).count("unknown")
    assert unknown_rows >= len(COMBINED)
    codes = {scenario(case.id).code for case in COMBINED}
    assert codes == {1, 4}, "both a missing row and an incomplete check should be among them"


def test_an_unknown_row_names_the_request_that_failed_and_why(scenario):
    run = scenario("403-you-do-not-have-permission")
    orders = next(e for e in run.report["scopes"] if e["id"] == "orders")
    assert re.search(r"GET /v2/orders\?limit=1 could not be completed: 403", orders["reason"])


def test_server_text_reaches_no_output_with_an_escape_or_a_bidi_override(scenario):
    run = scenario("terminal-escapes-in-a-403-title")
    assert "Denied" in run.out, "the cleaned title is still shown"
    for channel, text in run.channels().items():
        if channel == "fake store's records":
            continue
        for raw in ("\x1b", "\x07", "\u202e"):
            assert raw not in text, f"{raw!r} in {channel}"
        for escaped in ("\\u001b", "\\u0007", "\\u202e"):
            assert escaped not in text.lower(), f"{escaped} in {channel}"
