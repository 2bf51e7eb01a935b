"""A canary token goes through every failure path; no output may contain it.

Checked channels: stdout, stderr, the JSON report, the JUnit XML and the
GitHub step summary, plus pytest's own output with tracebacks and locals on.
A leak of the whole value or of any 8-character slice of it fails.
"""

from __future__ import annotations

import secrets

import pytest
from support.store import ENV_NAMES, EXACT_TOKEN, STORE_HASH

from bc_scopes.fakestore.faults import Fault, FaultKind

CANARY = secrets.token_hex(16)  # 32 characters, new for every test session
CANARY_ID = secrets.token_hex(16)
CANARY_SECRET = secrets.token_hex(24)


def assert_no_canary(text: str) -> None:
    for canary in (CANARY, CANARY_ID, CANARY_SECRET):
        slices = {canary[i : i + 8] for i in range(len(canary) - 7)}
        leaked = sorted(piece for piece in slices if piece in text)
        assert not leaked, f"a secret leaked: {len(leaked)} slice(s) of it are in the output"


WITH_CLIENT = {"BIGCOMMERCE_CLIENT_ID": CANARY_ID, "BIGCOMMERCE_CLIENT_SECRET": CANARY_SECRET}


def _granted(store, scopes):
    store.grant(CANARY, scopes)


SCENARIOS = {
    "invalid-token": (lambda store: None, {}, 3),
    "wrong-store-hash": (
        lambda store: _granted(store, set()), {"BIGCOMMERCE_STORE_HASH": "zz9"}, 3
    ),
    "every-scope-missing": (lambda store: _granted(store, set()), {}, 1),
    "server-errors": (
        lambda store: (
            _granted(store, store.tokens[EXACT_TOKEN]),
            store.add_fault(Fault(FaultKind.STATUS, status=500, path="^/v3/(themes|carts)")),
        ),
        {}, 4,
    ),
    "html-and-malformed": (
        lambda store: (
            _granted(store, store.tokens[EXACT_TOKEN]),
            store.add_fault(Fault(FaultKind.HTML, status=502, path="^/v3/themes")),
            store.add_fault(Fault(FaultKind.MALFORMED_JSON, path="^/v2/store$")),
        ),
        {}, 4,
    ),
    "redirect": (
        lambda store: store.add_fault(Fault(FaultKind.REDIRECT, location="https://evil.invalid/")),
        {}, 4,
    ),
    "rate-limited": (
        lambda store: (
            _granted(store, store.tokens[EXACT_TOKEN]),
            store.add_fault(Fault(FaultKind.RATE_LIMIT, reset_ms=5, path="^/v3/store/")),
        ),
        {}, 4,
    ),
}


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_no_secret_in_any_output(check_cli, store, name):
    prepare, env, expected = SCENARIOS[name]
    prepare(store)
    run = check_cli(env={"BIGCOMMERCE_ACCESS_TOKEN": CANARY, **WITH_CLIENT, **env})
    assert run.code == expected, run.out + run.err
    assert_no_canary(run.everything())


def test_no_secret_after_a_safety_stop(check_cli, store):
    store.expect_mutations = True
    _granted(store, store.tokens[EXACT_TOKEN])
    store.add_fault(Fault(FaultKind.ACCEPT_WRITES))
    run = check_cli(env={"BIGCOMMERCE_ACCESS_TOKEN": CANARY, **WITH_CLIENT})
    assert run.code == 4
    assert_no_canary(run.everything())


@pytest.mark.parametrize(
    "env",
    [
        {"BIGCOMMERCE_ACCESS_TOKEN": f"{CANARY[:16]} {CANARY[16:]}"},
        {"BIGCOMMERCE_ACCESS_TOKEN": f"'{CANARY}'"},
        {"BIGCOMMERCE_ACCESS_TOKEN": CANARY + "ü"},
        {"BIGCOMMERCE_ACCESS_TOKEN": CANARY, "BIGCOMMERCE_STORE_HASH": CANARY},
        {"BIGCOMMERCE_ACCESS_TOKEN": CANARY, "BIGCOMMERCE_CLIENT_ID": CANARY},
        {"BIGCOMMERCE_ACCESS_TOKEN": CANARY, "BIGCOMMERCE_STORE_HASH": f"{{{CANARY}}}"},
        {"BIGCOMMERCE_ACCESS_TOKEN": CANARY, "BIGCOMMERCE_STORE_HASH": f"{CANARY}.example.com"},
    ],
    ids=["space", "quotes", "non-ascii", "token-as-hash", "token-as-client-id", "braces", "domain"],
)
def test_no_secret_in_bad_input_errors(check_cli, store, env):
    run = check_cli(env=env, outputs=False)
    assert run.code == 2
    assert_no_canary(run.everything())
    assert store.requests == []


def test_no_secret_in_pytest_output_with_tracebacks_and_locals(pytester, store, monkeypatch):
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("BIGCOMMERCE_STORE_HASH", STORE_HASH)
    monkeypatch.setenv("BIGCOMMERCE_API_URL", store.url)
    monkeypatch.setenv("BIGCOMMERCE_ACCESS_TOKEN", CANARY)
    monkeypatch.setenv("BIGCOMMERCE_CLIENT_SECRET", CANARY_SECRET)
    store.grant(CANARY, set())
    store.add_fault(Fault(FaultKind.STATUS, status=503, path="^/v3/themes"))
    result = pytester.runpytest(
        "--bc-scopes", "-vv", "-l", "--tb=long", "-rA", "--setup-show", "-p", "no:cacheprovider",
        f"--junit-xml={pytester.path / 'junit.xml'}",
    )
    assert result.ret == 1
    assert_no_canary(result.stdout.str() + result.stderr.str())
    assert_no_canary((pytester.path / "junit.xml").read_text())
