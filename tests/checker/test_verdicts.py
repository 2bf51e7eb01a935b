"""Verdicts from classified answers: the interval logic, without any network."""

from __future__ import annotations

import pytest

from bc_scopes.checker.client import Answer
from bc_scopes.checker.probes import Outcome, ProbeResult, classify, probe_key
from bc_scopes.checker.verdicts import Verdict, evaluate
from bc_scopes.fakestore.responses import SCOPE_TITLE
from bc_scopes.model import parse_scope_table

TABLE_TEXT = """
guide: {site_url: "https://example.org/guide/", scopes_page: scopes/, troubleshooting_page: help/}
scopes:
  - id: alpha
    name: Alpha
    required: read-only
    levels: [none, read-only, modify]
    scope_strings: {read-only: store_alpha_ro, modify: store_alpha}
    reason: A row with a probe for each level.
    reason_source: "api-accounts.mdx:1"
    probes:
      - {level: read-only, method: GET, path: /v3/alpha}
      # write probes must be proven to fail (bc_scopes/probe_safety.py): real routes
      - {level: modify, method: PUT, path: /v3/wishlists/999999999, body: {is_public: x, items: y}}
  - id: beta
    name: Beta
    required: read-only
    levels: [none, read-only]
    scope_strings: {read-only: store_beta_ro}
    reason: A route Gamma also opens.
    reason_source: "api-accounts.mdx:1"
    probes:
      - level: read-only
        method: GET
        path: /v3/shared
        ambiguous_grant: true
        also_opened_by: ["gamma:create"]
    confirm_by_eye: Look at Beta in the control panel.
  - id: gamma
    name: Gamma
    required: none
    levels: [none, create]
    scope_strings: {create: store_gamma}
    reason: Must stay at None.
    reason_source: "api-accounts.mdx:1"
    probes:
      - {level: create, method: POST, path: /v3/payments/access_tokens, body: {}}
  - id: delta
    name: Delta
    required: standard
    levels: [standard, full]
    scope_strings: {standard: store_d, full: store_d_all}
    reason: Cannot be tested by any request.
    reason_source: "api-accounts.mdx:1"
    confirm_by_eye: Look at Delta in the control panel.
changelog:
  - {date: "2026-01-01", rows: [alpha], summary: A table for the verdict tests.}
leave_at_none: []
"""
TABLE = parse_scope_table(TABLE_TEXT, "verdict-test.yaml")


def answers(**by_path: str) -> dict:
    """{'/v3/alpha': 'granted', ...} -> results keyed like the runner's."""
    results = {}
    for row in TABLE.rows:
        for probe in row.probes:
            outcome = by_path.get(probe.path.strip("/").replace("/", "_"))
            if outcome is None:
                continue
            status = {"granted": 422, "denied": 403, "failed": 503}[outcome]
            results[probe_key(probe)] = ProbeResult(
                probe.method, probe.path, Outcome(outcome), status,
                "server-error" if outcome == "failed" else None, outcome,
            )
    return results


def verdicts(**by_path: str) -> dict[str, tuple[str, str | None]]:
    return {r.row.id: (r.verdict.value, r.detected) for r in evaluate(TABLE, answers(**by_path))}


def test_read_granted_write_denied_is_exactly_read_only():
    result = verdicts(v3_alpha="granted", v3_wishlists_999999999="denied")
    assert result["alpha"] == ("ok", "read-only")


def test_write_granted_is_excess_for_a_read_only_row():
    result = verdicts(v3_alpha="granted", v3_wishlists_999999999="granted")
    assert result["alpha"] == ("excess", "modify")


def test_read_denied_is_missing():
    result = verdicts(v3_alpha="denied", v3_wishlists_999999999="denied")
    assert result["alpha"] == ("missing", "none")


def test_a_failed_probe_makes_the_row_unknown():
    assert verdicts(v3_alpha="granted", v3_wishlists_999999999="failed")["alpha"][0] == "unknown"


def test_missing_is_reported_even_when_another_probe_failed():
    assert verdicts(v3_alpha="denied", v3_wishlists_999999999="failed")["alpha"][0] == "missing"


def test_a_probe_never_sent_counts_as_not_completed():
    assert verdicts(v3_alpha="granted")["alpha"][0] == "unknown"


def test_an_ambiguous_grant_counts_once_the_other_row_is_proven_absent():
    result = verdicts(v3_shared="granted", v3_payments_access_tokens="denied")
    assert result["beta"] == ("ok", "read-only")


def test_an_ambiguous_grant_alone_proves_nothing():
    result = evaluate(TABLE, answers(v3_shared="granted", v3_payments_access_tokens="granted"))
    beta = next(r for r in result if r.row.id == "beta")
    assert beta.verdict is Verdict.UNVERIFIABLE
    assert (beta.lowest, beta.highest) == ("none", "read-only")
    assert "Look at Beta" in beta.reason


def test_an_ambiguous_denial_is_still_decisive():
    assert verdicts(v3_shared="denied", v3_payments_access_tokens="denied")["beta"][0] == "missing"


def test_an_unsettled_dependency_makes_the_row_unknown_not_unverifiable():
    assert verdicts(v3_shared="granted", v3_payments_access_tokens="failed")["beta"][0] == "unknown"


def test_any_grant_of_a_none_row_is_excess():
    assert verdicts(v3_payments_access_tokens="granted")["gamma"] == ("excess", "create")
    assert verdicts(v3_payments_access_tokens="denied")["gamma"] == ("ok", "none")


def test_rows_without_probes_are_always_unverifiable():
    delta = next(r for r in evaluate(TABLE, {}) if r.row.id == "delta")
    assert delta.verdict is Verdict.UNVERIFIABLE and "Look at Delta" in delta.reason


@pytest.mark.parametrize(
    ("method", "status", "payload", "expected"),
    [
        ("GET", 200, {"data": []}, ("granted", None)),
        ("GET", 204, None, ("granted", None)),
        ("PUT", 422, {"title": "bad"}, ("granted", None)),
        ("PUT", 400, [{"message": "x"}], ("granted", None)),
        ("GET", 404, {"title": "not found"}, ("granted", None)),
        ("GET", 403, {"title": SCOPE_TITLE}, ("denied", None)),
        ("GET", 403, {"title": SCOPE_TITLE.replace("'", "\u2019")}, ("denied", None)),
        ("GET", 403, {"title": "Authentication Required"}, ("failed", "forbidden-other")),
        ("GET", 401, {"title": "Unauthorized"}, ("failed", "unauthorized")),
        ("GET", 302, None, ("failed", "redirect")),
        ("GET", 429, None, ("failed", "rate-limited")),
        ("GET", 503, None, ("failed", "server-error")),
        ("GET", 405, {"title": "Method Not Allowed"}, ("failed", "unexpected-status")),
        ("GET", 200, None, ("failed", "malformed")),
    ],
)
def test_classification(method, status, payload, expected):
    json_ok = payload is not None or status in (204, 302, 429, 503)
    answer = Answer(method, "/v3/x", status, payload, json_ok)
    result = classify(answer)
    assert (result.outcome.value, result.failure) == expected
