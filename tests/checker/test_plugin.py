"""The pytest plugin through real pytest runs (pytester) against the fake store."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ElementTree

import pytest
from support.store import (
    ENV_NAMES,
    EXACT_TOKEN,
    FULL_TOKEN,
    STORE_HASH,
    required_scopes,
    with_level,
)

from bc_scopes.checker.probes import unique_probes
from bc_scopes.fakestore.faults import Fault, FaultKind

NO_PROBES = 3  # customers-login, metafield-ownership, metafields-access


@pytest.fixture
def env(store, monkeypatch):
    """The BIGCOMMERCE_* variables for the fake store and the exact token."""
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("BIGCOMMERCE_STORE_HASH", STORE_HASH)
    monkeypatch.setenv("BIGCOMMERCE_API_URL", store.url)
    monkeypatch.setenv("BIGCOMMERCE_ACCESS_TOKEN", EXACT_TOKEN)
    return monkeypatch


def test_inert_without_the_option(pytester, store, env):
    pytester.makepyfile("def test_plain():\n    assert True\n")
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    assert "= bc-scopes =" not in result.stdout.str() and "Summary:" not in result.stdout.str()
    assert store.requests == []


def test_one_test_per_row_named_by_id(pytester, store, env, table):
    result = pytester.runpytest("--bc-scopes", "-v", "-p", "no:cacheprovider")
    outcomes = result.parseoutcomes()
    assert outcomes["passed"] + outcomes["skipped"] == len(table.all_rows)
    assert "failed" not in outcomes and "xfailed" not in outcomes
    result.stdout.fnmatch_lines(
        ["scopes.yaml::customers-login SKIPPED*", "scopes.yaml::orders PASSED*", "*= bc-scopes =*"]
    )
    result.stdout.fnmatch_lines(["READY for DropStream*(exit 0).", "*confirmed*"])
    assert result.ret == 0
    assert len(store.requests) <= len(unique_probes(table.all_rows)) + 1  # + the preflight


def test_probes_run_once_per_session_not_per_test(pytester, store, env, table):
    pytester.runpytest("--bc-scopes", "-p", "no:cacheprovider")
    preflights = [r for r in store.requests if r.api_path == "/v2/time"]
    assert len(preflights) == 1
    assert len(store.requests) == 1 + sum(len(row.probes) for row in table.all_rows)


def test_a_missing_row_fails_in_one_line_without_a_traceback(pytester, store, env, table):
    orders = table.row("orders")
    store.grant("noorders", {s for s in store.tokens[EXACT_TOKEN] if "orders" not in s})
    env.setenv("BIGCOMMERCE_ACCESS_TOKEN", "noorders")
    result = pytester.runpytest("--bc-scopes", "-p", "no:cacheprovider", "--tb=long", "-l")
    assert result.ret == 1
    text = result.stdout.str()
    result.stdout.fnmatch_lines([f"*{orders.name}: missing.*#scope-orders*"])
    assert "Traceback" not in text and "def runtest" not in text


def test_excess_warns_and_fails_under_strict(pytester, store, env, table):
    scopes = with_level(table, required_scopes(table), "products", "modify")
    store.grant("productsmodify00000000000000013", scopes)
    env.setenv("BIGCOMMERCE_ACCESS_TOKEN", "productsmodify00000000000000013")
    relaxed = pytester.runpytest("--bc-scopes", "-p", "no:cacheprovider")
    assert relaxed.ret == 0
    relaxed.stdout.fnmatch_lines(["*ExcessScopeWarning*"])
    strict = pytester.runpytest("--bc-scopes", "--bc-strict", "-p", "no:cacheprovider")
    assert strict.ret == 1
    assert strict.parseoutcomes()["failed"] == 1


def test_a_row_that_must_stay_none_fails_without_strict(pytester, store, env):
    env.setenv("BIGCOMMERCE_ACCESS_TOKEN", FULL_TOKEN)
    result = pytester.runpytest("--bc-scopes", "-p", "no:cacheprovider")
    assert result.ret == 1
    result.stdout.fnmatch_lines(["*FAILED*create-payments*"])
    assert "Create payments must stay None" in result.stdout.str()


def test_unknown_rows_are_xfailed_never_passed(pytester, store, env):
    store.add_fault(Fault(FaultKind.STATUS, status=503, path=r"^/v3/themes$"))
    result = pytester.runpytest("--bc-scopes", "-rx", "-p", "no:cacheprovider")
    assert result.ret == 4
    assert result.parseoutcomes()["xfailed"] == 1
    result.stdout.fnmatch_lines(["XFAIL*themes*could not complete*"])


def test_bad_input_exits_2_before_any_request(pytester, store, env):
    env.setenv("BIGCOMMERCE_STORE_HASH", "{store_hash}")
    result = pytester.runpytest("--bc-scopes", "-p", "no:cacheprovider")
    assert result.ret == 2
    assert "placeholder" in result.stderr.str() + result.stdout.str()
    assert store.requests == []


def test_rejected_credentials_exit_3_without_per_row_noise(pytester, store, env):
    env.setenv("BIGCOMMERCE_ACCESS_TOKEN", "unknowntoken")
    result = pytester.runpytest("--bc-scopes", "-v", "-p", "no:cacheprovider")
    assert result.ret == 3
    text = result.stdout.str()
    assert "PASSED" not in text and "FAILED" not in text and "SKIPPED" not in text
    result.stdout.fnmatch_lines(["*401*", "*#invalid-token*"])
    assert len(store.requests) == 1


def test_collect_only_sends_nothing(pytester, store, env, table):
    result = pytester.runpytest("--bc-scopes", "--collect-only", "-q", "-p", "no:cacheprovider")
    assert result.ret == 0
    assert f"{len(table.all_rows)} tests collected" in result.stdout.str()
    assert store.requests == []


def test_selecting_rows_probes_them_and_their_dependencies_only(pytester, store, env, table):
    result = pytester.runpytest(
        "--bc-scopes", "-k", "get-payment-methods", "-p", "no:cacheprovider"
    )
    assert result.ret == 0
    sent = {(r.method, r.api_path) for r in store.requests}
    expected = {("GET", "/v2/time")}
    for row_id in ("get-payment-methods", "create-payments"):
        expected |= {(p.method, p.path.split("?")[0]) for p in table.row(row_id).probes}
    assert sent == expected


def test_junit_xml_and_json_report(pytester, store, env, table, tmp_path):
    junit, report = tmp_path / "junit.xml", tmp_path / "report.json"
    result = pytester.runpytest(
        "--bc-scopes", f"--junit-xml={junit}", "--bc-json", str(report), "-p", "no:cacheprovider"
    )
    assert result.ret == 0
    cases = ElementTree.parse(junit).getroot().iter("testcase")
    by_name = {case.get("name"): case for case in cases}
    assert set(by_name) == {row.id for row in table.all_rows}
    properties = {p.get("name"): p.get("value") for p in by_name["orders"].iter("property")}
    assert properties["verdict"] == "ok"
    data = json.loads(report.read_text())
    assert [entry["id"] for entry in data["scopes"]] == [row.id for row in table.all_rows]
    assert data["exit_code"] == 0


@pytest.mark.parametrize("raised, code, words", [
    ("RuntimeError('boom ' + 'secret')", 4, "internal error (RuntimeError)"),
    ("KeyboardInterrupt()", 130, ""),
])
def test_a_crash_exits_4_and_ctrl_c_exits_130_never_pytests_own_codes(
    pytester, store, env, raised, code, words,
):
    # The inner run shares this process's modules: the conftest puts the real check back
    # when its run ends, or every later in-process run on this worker would crash too.
    pytester.makeconftest(
        "import bc_scopes.checker.plugin as plugin\n"
        f"def broken(*args, **kwargs):\n    raise {raised}\n"
        "original, plugin.check = plugin.check, broken\n"
        "def pytest_unconfigure(config):\n    plugin.check = original\n"
    )
    result = pytester.runpytest("--bc-scopes", "-p", "no:cacheprovider")
    assert result.ret == code, result.stdout.str()
    assert words in result.stdout.str() and "secret" not in result.stdout.str()
    assert "Traceback" not in result.stdout.str()
