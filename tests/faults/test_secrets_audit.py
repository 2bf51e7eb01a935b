"""Secrets audit: three canaries through every scenario, searched for in every output.

The access token, Client ID and Client Secret are distinct canaries. Every fault
scenario runs with all three (see support.ScenarioRunner) and with --json,
--junit-xml, GITHUB_STEP_SUMMARY and DEBUG logging on. Then stdout, stderr, both
reports, the step summary, the logs, the fake store's records and any escaped
traceback are searched for each canary, whole or in part: any 8 characters of it
in a row count as a leak.

The plain-pytest path is audited too, with `--tb=long -l`, once with a failing row
and once with a simulated bug in the checker, since only a real traceback makes
pytest print local variables.
"""

from __future__ import annotations

import pytest
from support.canaries import (
    CANARIES,
    CANARY_CLIENT_ID,
    CANARY_CLIENT_SECRET,
    CANARY_TOKEN,
    leaked_pieces,
    leaks_in,
)
from support.cli import run_cli
from support.store import ENV_NAMES, STORE_HASH

from bc_scopes.fakestore.faults import Fault, FaultKind

from .cases import ALL_CASES


def test_no_canary_in_any_output_of_any_fault_scenario(scenario):
    leaks: list[str] = []
    for case in ALL_CASES:
        run = scenario(case.id)
        leaks += [f"{case.id}: {leak}" for leak in leaks_in(run.channels())]
    assert leaks == []


def test_the_audit_looked_at_live_channels(scenario):
    """Every channel the audit searched was really written, and the canary was really used."""
    for case in ALL_CASES:
        run = scenario(case.id)
        assert run.report_text and run.junit and run.step_summary, case.id
        if run.requests:
            assert "DEBUG urllib3" in run.logs, f"{case.id}: DEBUG logging was not captured"
            assert all(request.had_token for request in run.requests)
    accepted = scenario("no-fault-empty-204-v2-list").requests
    assert accepted and all(request.status != 401 for request in accepted)


def test_the_leak_search_finds_an_8_character_slice():
    for canary in CANARIES.values():
        assert leaked_pieces(f"prefix {canary[5:13]} suffix", canary)
        assert leaked_pieces(f"{canary[:7]} {canary[7:14]}", canary) == []


# canaries pasted where they do not belong ---------------------------------------------------
MISPLACED = {
    "token-with-a-line-break": {
        "BIGCOMMERCE_ACCESS_TOKEN": f"{CANARY_TOKEN[:12]}\n{CANARY_TOKEN[12:]}"
    },
    "token-with-a-header-injection": {
        "BIGCOMMERCE_ACCESS_TOKEN": f"{CANARY_TOKEN}\r\nX-Injected: 1"
    },
    "token-with-a-control-character": {"BIGCOMMERCE_ACCESS_TOKEN": f"{CANARY_TOKEN}\x1b[2J"},
    "token-as-store-hash": {"BIGCOMMERCE_STORE_HASH": CANARY_TOKEN},
    "client-secret-as-store-hash": {"BIGCOMMERCE_STORE_HASH": CANARY_CLIENT_SECRET},
    "token-in-the-api-url-user-info": {
        "BIGCOMMERCE_API_URL": f"https://{CANARY_TOKEN}@api.bigcommerce.com"
    },
    "token-in-the-api-url-path": {
        "BIGCOMMERCE_API_URL": f"https://api.bigcommerce.com/{CANARY_TOKEN}"
    },
    "token-in-the-api-url-query": {
        "BIGCOMMERCE_API_URL": f"https://api.bigcommerce.com/?token={CANARY_TOKEN}"
    },
    "token-as-the-api-url-host": {"BIGCOMMERCE_API_URL": f"http://{CANARY_TOKEN}.example"},
    "client-id-in-quotes": {"BIGCOMMERCE_CLIENT_ID": f'"{CANARY_CLIENT_ID}"'},
    "client-secret-with-unicode": {"BIGCOMMERCE_CLIENT_SECRET": f"{CANARY_CLIENT_SECRET}é"},
    "token-equal-to-client-secret": {"BIGCOMMERCE_ACCESS_TOKEN": CANARY_CLIENT_SECRET},
    "store-hash-with-a-placeholder-around-the-token": {
        "BIGCOMMERCE_STORE_HASH": f"{{{CANARY_TOKEN}}}"
    },
}


@pytest.mark.parametrize("name", sorted(MISPLACED))
def test_no_canary_when_input_is_refused(name, fault_store, trap):
    fault_store.reset()
    env: dict[str, str | None] = {
        "BIGCOMMERCE_STORE_HASH": STORE_HASH,
        "BIGCOMMERCE_API_URL": trap.url,
        "BIGCOMMERCE_ACCESS_TOKEN": CANARY_TOKEN,
        "BIGCOMMERCE_CLIENT_ID": CANARY_CLIENT_ID,
        "BIGCOMMERCE_CLIENT_SECRET": CANARY_CLIENT_SECRET,
        **MISPLACED[name],
    }
    before = trap.connections
    code, out, err, logs, escaped = run_cli(["check"], env)
    assert code == 2, out + err + escaped
    assert len(err.strip().splitlines()) == 1
    channels = {"stdout": out, "stderr": err, "logs": logs, "traceback": escaped}
    assert leaks_in(channels) == []
    assert trap.connections == before


# the plain-pytest plugin path ---------------------------------------------------------------
@pytest.fixture
def plugin_env(fault_store, monkeypatch):
    fault_store.reset()
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("BIGCOMMERCE_STORE_HASH", STORE_HASH)
    monkeypatch.setenv("BIGCOMMERCE_API_URL", fault_store.url)
    monkeypatch.setenv("BIGCOMMERCE_ACCESS_TOKEN", CANARY_TOKEN)
    monkeypatch.setenv("BIGCOMMERCE_CLIENT_ID", CANARY_CLIENT_ID)
    monkeypatch.setenv("BIGCOMMERCE_CLIENT_SECRET", CANARY_CLIENT_SECRET)
    return fault_store


def plugin_outputs(pytester: pytest.Pytester, result: pytest.RunResult) -> dict[str, str]:
    junit = pytester.path / "junit.xml"
    return {
        "stdout": result.stdout.str(),
        "stderr": result.stderr.str(),
        "JUnit XML": junit.read_text() if junit.exists() else "",
    }


LOUD = ("--bc-scopes", "-vv", "-l", "--tb=long", "-rA", "-p", "no:cacheprovider")


def test_no_canary_in_plain_pytest_with_a_failing_row_and_locals(pytester, plugin_env, table):
    plugin_env.grant(CANARY_TOKEN, {"store_v2_orders_read_only"})  # Orders: below Modify
    plugin_env.add_fault(Fault(FaultKind.STATUS, status=503, path="^/v3/themes$"))
    result = pytester.runpytest(*LOUD, f"--junit-xml={pytester.path / 'junit.xml'}")
    assert result.ret == 1
    result.stdout.fnmatch_lines(["*FAILED*scopes.yaml::orders*"])
    assert leaks_in(plugin_outputs(pytester, result)) == []


def test_no_canary_in_plain_pytest_when_the_server_echoes_the_token(pytester, plugin_env, table):
    plugin_env.grant(CANARY_TOKEN, {"store_v2_orders_read_only"})
    for path in ("^/v3/themes$", "^/v3/store/systemlogs$",
                 "^/v3/settings/inventory/notifications$"):
        plugin_env.add_fault(Fault(FaultKind.ECHO_TOKEN, status=403, path=path,
                                   title="Auth failed for token {token} ({reversed})"))
    result = pytester.runpytest(*LOUD, f"--junit-xml={pytester.path / 'junit.xml'}",
                                f"--bc-json={pytester.path / 'report.json'}")
    assert result.ret == 1
    result.stdout.fnmatch_lines(["*403 for another reason (Auth failed for token*"])
    outputs = plugin_outputs(pytester, result)
    outputs["JSON report"] = (pytester.path / "report.json").read_text()
    assert leaks_in(outputs) == []


# A bug in the checker is simulated by a conftest that breaks one function. The run
# happens in a subprocess so the breakage cannot leak into this test session.
SIMULATED_BUGS = {
    "after-the-auth-header-is-built": (
        "import bc_scopes.checker.client as module\n"
        "def broken(*args, **kwargs):\n"
        "    raise RuntimeError('simulated bug in the checker')\n"
        "module.BigCommerceClient._read = staticmethod(broken)\n"
    ),
    "while-reading-the-environment": (
        "import bc_scopes.checker.inputs as module\n"
        "def broken(*args, **kwargs):\n"
        "    raise RuntimeError('simulated bug in the checker')\n"
        "module.normalise_api_url = broken\n"
    ),
    "while-checking-the-token": (
        "import bc_scopes.checker.inputs as module\n"
        "class Broken:\n"
        "    def __init__(self, value):\n"
        "        raise RuntimeError('simulated bug in the checker')\n"
        "module.Secret = Broken\n"
    ),
}


@pytest.mark.parametrize("where", sorted(SIMULATED_BUGS))
def test_no_canary_in_a_traceback_with_locals(pytester, plugin_env, where):
    plugin_env.grant(CANARY_TOKEN, set())
    plugin_env.set_quota(quota=10_000)
    pytester.makeconftest(SIMULATED_BUGS[where])
    result = pytester.runpytest_subprocess(*LOUD, "--fulltrace", "--showlocals")
    text = result.stdout.str() + result.stderr.str()
    if where == "after-the-auth-header-is-built":
        # Inside check() a crash is the checker's exit 4 in one line: no traceback at all.
        assert result.ret == 4 and "internal error (RuntimeError)" in text, text[-2000:]
        assert "simulated bug in the checker" not in text
    else:
        assert "simulated bug in the checker" in text  # the traceback really was printed
        # ... with local variables, so the redacted stand-ins show where the secrets were.
        assert "Secret('***')" in text or "HiddenValues(...)" in text, text[-2000:]
    assert leaks_in(plugin_outputs(pytester, result)) == []
