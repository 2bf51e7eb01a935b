"""`bc-scopes check` against the fake store: one scenario per verdict and per exit code."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree

import pytest
from support.store import EXACT_TOKEN, FULL_TOKEN, STORE_HASH, required_scopes, with_level

from bc_scopes.checker.probes import unique_probes
from bc_scopes.fakestore.faults import Fault, FaultKind

CHANNEL_ROWS = ("sites-routes", "channel-settings", "channel-listings")
NO_PROBE_ROWS = {"customers-login", "metafield-ownership", "metafields-access"}
# Rows BigCommerce's reference cannot separate when the token is as required.
SHARED_ROUTE_ROWS = {
    "checkout-content", "order-transactions", "stored-payment-instruments",
    "sites-routes", "channel-settings", "channel-listings",
}


def test_exact_token_is_ok_everywhere_it_can_be_checked(check_cli, table, store):
    run = check_cli()
    assert run.code == 0, run.out + run.err
    verdicts = run.verdicts()
    expected_ok = {row.id for row in table.all_rows} - NO_PROBE_ROWS - SHARED_ROUTE_ROWS
    assert {row_id for row_id, verdict in verdicts.items() if verdict == "ok"} == expected_ok
    assert {row_id for row_id, v in verdicts.items() if v == "unverifiable"} == (
        NO_PROBE_ROWS | SHARED_ROUTE_ROWS
    )
    assert run.report["exit_code"] == 0
    assert run.report["summary"]["ok"] == len(expected_ok)
    assert run.report["requests_sent"] <= len(unique_probes(table.all_rows)) + 1  # + preflight
    assert len(store.requests) == run.report["requests_sent"]


def test_every_report_channel_is_written(check_cli, table):
    run = check_cli()
    entry = run.report["scopes"][0]
    assert set(entry) >= {"id", "name", "required", "detected", "verdict", "docs_url", "reason"}
    assert set(run.report["summary"]) == {"ok", "missing", "excess", "unverifiable", "unknown"}
    junit = ElementTree.fromstring(run.junit)
    assert [case.get("name") for case in junit.iter("testcase")] == [
        row.id for row in table.all_rows
    ]
    assert "## BigCommerce scope check" in run.step_summary
    assert "| Row | Verdict | Detected | Required |" in run.step_summary
    assert "**Exit code 0**" in run.step_summary
    from bc_scopes.checker.formats.markdown import md

    for row in table.all_rows:
        assert md(row.name) in run.step_summary
    assert run.out.startswith("READY for DropStream")


def test_verbose_adds_the_full_table_and_the_evidence(check_cli, table):
    run = check_cli("-v")
    assert any(line.startswith("Row ") for line in run.out.splitlines())
    assert "GET /v2/time" in run.out
    for row in table.all_rows:
        assert row.name[:20] in run.out
    assert run.out.splitlines()[-1].startswith("READY for DropStream")


def test_rows_nothing_can_test_are_never_claimed_ok(check_cli):
    verdicts = check_cli().verdicts()
    assert {verdicts[row_id] for row_id in NO_PROBE_ROWS} == {"unverifiable"}


def test_full_scope_token_shows_excess_rows_and_fails_on_the_risky_ones(check_cli, table):
    run = check_cli(env={"BIGCOMMERCE_ACCESS_TOKEN": FULL_TOKEN})
    assert run.code == 1  # it holds Create payments, which must stay None
    verdicts = run.verdicts()
    for row_id in ("marketing", "themes", "create-payments", "products", "customers", "carts"):
        assert verdicts[row_id] == "excess", row_id
    assert "missing" not in verdicts.values()
    products = next(entry for entry in run.report["scopes"] if entry["id"] == "products")
    assert products["detected"] == "modify" and products["required"] == "read-only"
    assert "Products: set Read-only (now Modify)" in run.out
    assert run.out.startswith("NOT READY for DropStream") and "Create payments" in (
        run.out.splitlines()[0] + run.out.splitlines()[1])


def test_strict_turns_excess_into_exit_1(check_cli):
    run = check_cli("--strict", env={"BIGCOMMERCE_ACCESS_TOKEN": FULL_TOKEN})
    assert run.code == 1
    assert run.report["strict"] is True


def token_with(store, table, token: str, **levels: str) -> dict[str, str]:
    """Grant `token` the exact scopes with some rows changed (row_id=level, '_' for '-')."""
    scopes = required_scopes(table)
    for row_id, level in levels.items():
        scopes = with_level(table, scopes, row_id.replace("_", "-"), level)
    store.grant(token, scopes)
    return {"BIGCOMMERCE_ACCESS_TOKEN": token}


def test_excess_is_a_warning_except_on_a_row_that_must_stay_none(check_cli, store, table):
    products = check_cli(env=token_with(store, table, "productsmodify00000000000000011",
                                        products="modify"))
    assert products.code == 0 and products.verdicts()["products"] == "excess"
    payments = check_cli(env=token_with(store, table, "createpayments00000000000000012",
                                        create_payments="create"))
    assert payments.code == 1 and payments.verdicts()["create-payments"] == "excess"
    assert "Create payments: set None (now Create). It must stay None." in payments.out
    assert 'message="Create payments: excess.' in payments.junit


def test_missing_scope_exits_1_and_names_the_row(check_cli, store, table):
    orders = table.row("orders")
    one_below = orders.levels[orders.rank(orders.required) - 1]
    env = token_with(store, table, "missingorders0000000000000000003", orders=one_below)
    run = check_cli(env=env)
    assert run.code == 1
    orders = next(entry for entry in run.report["scopes"] if entry["id"] == "orders")
    assert orders["verdict"] == "missing"
    assert orders["detected"] == one_below
    assert orders["docs_url"].endswith("/scopes/#scope-orders")
    assert "#missing-scope" in orders["help_url"]
    assert "Orders" in run.out and "missing" in run.out and "#scope-orders" in run.out


def test_a_token_with_no_scope_at_all_points_to_the_token_type(check_cli, store):
    store.grant("stencilclitoken00000000000000004", set())
    run = check_cli(env={"BIGCOMMERCE_ACCESS_TOKEN": "stencilclitoken00000000000000004"})
    assert run.code == 1
    assert "#wrong-token-type" in run.out
    # One diagnosis naming both causes, not a fix line per missing row.
    assert "saved with every scope at None" in run.out and "V2/V3 API token" in run.out
    assert run.out.count("Fix: Create a new API account") == 0
    assert run.report["diagnosis"] and "Check first" in run.report["diagnosis"]
    assert set(run.verdicts().values()) >= {"missing"}


def test_shared_route_rows_are_missing_when_every_candidate_scope_is_absent(
    check_cli, store, table
):
    none = dict.fromkeys((row_id.replace("-", "_") for row_id in CHANNEL_ROWS), "none")
    env = token_with(store, table, "nochannels000000000000000000005", **none)
    verdicts = check_cli(env=env).verdicts()
    assert {verdicts[row_id] for row_id in CHANNEL_ROWS} == {"missing"}


def test_a_shared_route_counts_once_the_other_scope_is_proven_absent(check_cli, store, table):
    """GET /v3/payments/methods also opens to Create payments: decisive only when that is None."""
    env = token_with(store, table, "withcreatepayments0000000000006", create_payments="create")
    verdicts = check_cli(env=env).verdicts()
    assert verdicts["create-payments"] == "excess"
    assert verdicts["get-payment-methods"] == "unverifiable"
    assert check_cli().verdicts()["get-payment-methods"] == "ok"


def test_invalid_token_exits_3_with_one_message(check_cli, store):
    run = check_cli(env={"BIGCOMMERCE_ACCESS_TOKEN": "revokedtoken00000000000000000007"})
    assert run.code == 3
    assert "401" in run.out and "#invalid-token" in run.out
    assert len(store.requests) == 1  # the preflight only
    assert "Row " not in run.out  # no per-row table
    assert run.report["exit_code"] == 3 and run.report["preflight"]["ok"] is False


@pytest.mark.parametrize("status", [404, 403])
def test_unknown_store_hash_exits_3(check_cli, store, status):
    store.unknown_store_status = status
    run = check_cli(env={"BIGCOMMERCE_STORE_HASH": "zzz999"})
    assert run.code == 3
    assert "store hash" in run.out and "#wrong-store-hash" in run.out
    assert len(store.requests) == 1


@pytest.mark.parametrize(
    "pasted",
    [
        f"https://api.bigcommerce.com/stores/{STORE_HASH}/v3/",
        f"  {STORE_HASH}\n",
        f"store-{STORE_HASH}.mybigcommerce.com",
        f"https://store-{STORE_HASH}.mybigcommerce.com/manage/dashboard",
    ],
)
def test_pasted_store_hash_forms_work(check_cli, pasted):
    run = check_cli(env={"BIGCOMMERCE_STORE_HASH": pasted})
    assert run.code == 0, run.err
    assert run.report["store_hash"] == STORE_HASH


def test_pasted_whitespace_around_the_token_is_stripped(check_cli):
    run = check_cli(env={"BIGCOMMERCE_ACCESS_TOKEN": f"\n  {EXACT_TOKEN}\t\r\n"})
    assert run.code == 0


def test_report_folders_are_created(check_cli, tmp_path):
    report = tmp_path / "reports" / "new" / "scopes.json"
    run = check_cli("--json", str(report), outputs=False)
    assert run.code == 0 and report.is_file()


def test_token_from_a_file(check_cli, tmp_path):
    token_file = tmp_path / "token.txt"
    token_file.write_text(EXACT_TOKEN + "\n")
    run = check_cli("--access-token-file", str(token_file), env={"BIGCOMMERCE_ACCESS_TOKEN": None})
    assert run.code == 0


@pytest.mark.parametrize(
    ("env", "args", "message"),
    [
        ({"BIGCOMMERCE_STORE_HASH": "{store_hash}"}, (), "placeholder"),
        ({"BIGCOMMERCE_STORE_HASH": "abc/123"}, (), "slash"),
        ({"BIGCOMMERCE_STORE_HASH": "abc_123"}, (), "a-z and digits"),
        ({"BIGCOMMERCE_STORE_HASH": "åbc123"}, (), "non-ASCII"),
        ({"BIGCOMMERCE_STORE_HASH": "abc\x07123"}, (), "control character"),
        ({"BIGCOMMERCE_STORE_HASH": "shop.example.com"}, (), "storefront domain"),
        ({"BIGCOMMERCE_STORE_HASH": None}, (), "no store hash"),
        ({"BIGCOMMERCE_ACCESS_TOKEN": "   "}, (), "no access token"),
        ({"BIGCOMMERCE_ACCESS_TOKEN": "two words"}, (), "space or line break"),
        ({"BIGCOMMERCE_API_URL": "http://api.example.com"}, (), "plain http"),
        ({}, ("--access-token-file", "/nonexistent/token"), "file not found"),
        ({}, ("--concurrency", "0"), "--concurrency"),
        ({}, ("--scopes-file", "/nonexistent/scopes.yaml"), "file not found"),
        ({}, ("--json", "/proc/version/report.json"), "cannot write there"),
        ({}, ("--json", "/tmp"), "is a directory"),
        ({}, ("--junit-xml", "/proc/j.xml"), "--junit-xml /proc/j.xml: cannot write there"),
        ({}, ("--json", "/proc/r.json"), "--json /proc/r.json: cannot write there"),
        ({"GITHUB_STEP_SUMMARY": "/proc/summary.md"}, (), "GITHUB_STEP_SUMMARY"),
        ({}, ("--scopes-file", "/dev/zero"), "larger than"),
        ({}, ("--deadline", "0"), "--deadline"),
    ],
)
def test_bad_input_exits_2_with_one_line_and_sends_nothing(check_cli, store, env, args, message):
    run = check_cli(*args, env=env, outputs=False)
    assert run.code == 2
    assert message in run.err
    assert len(run.err.strip().splitlines()) == 1
    assert "Traceback" not in run.err
    assert store.requests == []


def test_missing_wins_over_unknown(check_cli, store, table):
    env = token_with(store, table, "missingandunknown000000000000008", orders="none")
    store.add_fault(Fault(FaultKind.STATUS, status=502, path=r"^/v3/themes$"))
    run = check_cli(env=env)
    assert run.code == 1
    assert run.verdicts()["themes"] == "unknown"


def test_headers_sent_by_the_checker(check_cli, store):
    check_cli()
    for request in store.requests:
        assert request.had_token
        assert request.headers["User-Agent"].startswith("bc-scopes/")
        assert request.headers["Accept"] == "application/json"
        assert "X-Auth-Client" not in request.headers
        if request.method != "GET":
            assert request.headers["Content-Type"] == "application/json"
    assert {r.method for r in store.requests} <= {"GET", "POST", "PUT"}


class _Terminal:
    """Stands in for stdin attached to a terminal."""

    def isatty(self) -> bool:
        return True


def test_missing_token_is_asked_for_with_a_hidden_prompt_on_a_terminal(check_cli, monkeypatch):
    asked = []

    def fake_getpass(prompt: str) -> str:
        asked.append(prompt)
        return f"  {EXACT_TOKEN}\n"

    monkeypatch.setattr("getpass.getpass", fake_getpass)
    monkeypatch.setattr("sys.stdin", _Terminal())
    run = check_cli(env={"BIGCOMMERCE_ACCESS_TOKEN": None})
    assert run.code == 0
    assert asked == ["BigCommerce Access Token (input hidden): "]


def test_no_prompt_without_a_terminal(check_cli, monkeypatch):
    monkeypatch.setattr("getpass.getpass", lambda prompt: pytest.fail("prompted without a TTY"))
    run = check_cli(env={"BIGCOMMERCE_ACCESS_TOKEN": None}, outputs=False)
    assert run.code == 2 and "no access token" in run.err


def test_an_unexpected_error_exits_4_with_one_line_and_no_detail(check_cli, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("internal detail that could hold anything")

    monkeypatch.setattr("bc_scopes.checker.check.run_check", broken)
    run = check_cli(outputs=False)
    assert run.code == 4
    assert run.err.count("\n") == 1 and "internal error (RuntimeError)" in run.err
    assert "internal detail" not in run.err + run.out and "Traceback" not in run.err


def test_a_rate_limit_pause_is_counted_down_on_a_terminal():
    import io

    from bc_scopes.checker.countdown import WaitCountdown

    now = [100.0]

    def sleep(seconds: float) -> None:
        now[0] += seconds

    stream = io.StringIO()
    countdown = WaitCountdown(stream, clock=lambda: now[0], sleep=sleep,
                              spawn=lambda work: work())
    countdown(2.5)  # on a fake clock: the whole countdown runs here, at once
    text = stream.getvalue()
    assert [part.split(" s:")[0] for part in text.split("\r") if "waiting" in part] == [
        "waiting 3", "waiting 2", "waiting 1"]
    assert "s: other apps are using the store's API limit" in text and text.endswith("\r")
    assert now[0] == 102.5


def test_the_report_says_the_verdict_first_and_last_and_fits_80_columns(check_cli, store, table):
    run = check_cli(env=token_with(store, table, "headlinetoken000000000000000014", orders="none"))
    assert run.code == 1
    lines = run.out.splitlines()
    assert lines[0].startswith("NOT READY for DropStream") and "Orders" in " ".join(lines[:3])
    assert lines[-1].startswith("NOT READY") and "Orders to Modify" in " ".join(lines[-3:])
    assert all(len(line) <= 80 or line.split()[-1].startswith("http") for line in lines)
    # One grouped instruction for the rows to change, and one line of rows to confirm by eye
    # with one link to the guide's checklist filtered to exactly those rows.
    assert run.out.count("Create one new API account with these rows changed") == 1
    assert "- Orders: set Modify (now None)." in run.out
    confirm = [row.id for row in table.all_rows
               if run.verdicts()[row.id] == "unverifiable"]
    assert run.out.count("Confirm by eye on the API account's page") == 1
    assert "scopes/?confirm=" + ",".join(confirm) in run.out
    # The table and the API reasoning are behind -v.
    assert not any(line.startswith("Row ") for line in lines)
    assert "REST" not in run.out and ".mdx" not in run.out


def test_help_ends_with_an_example_and_the_guides_address(capsys):
    from bc_scopes.checker import cli

    assert cli.main(["--help"]) == 0
    tail = capsys.readouterr().out.strip().splitlines()[-4:]
    assert tail[0].startswith("example") and "bc-scopes check" in tail[1]
    assert tail[-1].endswith("https://dropstream.github.io/bc-api-credentials/verify/")
