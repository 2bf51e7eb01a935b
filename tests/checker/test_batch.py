"""`bc-scopes check-many`: many stores in one run, against fake stores on 127.0.0.1.

All stores share one API URL, as they do on BigCommerce, so one loopback server
stands in for several stores: `FakeStore` routes each token to the store hash it
belongs to (`grant(..., store_hash=...)`) and refuses it any other hash, like the real API.
"""

from __future__ import annotations

import json
import sys
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from support.batches import checker_with_changes
from support.canaries import CANARY_TOKEN, leaks_in
from support.cli import FAST_POLICY, interrupt_mid_check, run_cli
from support.store import EXACT_TOKEN, assert_store_unchanged, required_scopes, with_level

from bc_scopes import exitcodes
from bc_scopes.checker import batch, cli
from bc_scopes.checker.batch import (
    BatchSummary,
    StoreOutcome,
    run_batch,
    worst_exit_code,
)
from bc_scopes.checker.check import check
from bc_scopes.checker.hooks import CheckHooks
from bc_scopes.checker.options import CheckOptions
from bc_scopes.checker.probes import unique_probes
from bc_scopes.checker.report import Report
from bc_scopes.checker.stores_file import StoreEntry, StoresFileError, parse_stores
from bc_scopes.fakestore.faults import Fault, FaultKind
from bc_scopes.fakestore.server import FakeStore
from bc_scopes.model import ScopeTable

MISSING_ORDERS_TOKEN = "noorderstoken0000000000000000003"
WRONG_TOKEN = "wrongtoken000000000000000000004"


class ListSink:
    """Keeps every outcome, in the order the stores ended."""

    def __init__(self) -> None:
        self.outcomes: list[StoreOutcome] = []

    def store_done(self, outcome: StoreOutcome) -> None:
        self.outcomes.append(outcome)

    def by_name(self) -> dict[str, StoreOutcome]:
        return {outcome.entry.name: outcome for outcome in self.outcomes}


def batch_run(table: ScopeTable, entries: list[StoreEntry], url: str, options: CheckOptions,
              env: dict[str, str], **kwargs: Any) -> tuple[BatchSummary, ListSink]:
    sink = ListSink()
    return run_batch(table, entries, url, options, env, sink, **kwargs), sink


@pytest.fixture(scope="module")
def multi_store() -> Iterator[FakeStore]:
    """One fake API URL for several stores: each token opens its own store hash only."""
    with FakeStore(store_hash="multistore0") as server:
        yield server


@pytest.fixture
def stores(multi_store: FakeStore, table: ScopeTable) -> Iterator[FakeStore]:
    """Three stores: one exact, one whose token lacks Orders; a wrong token opens neither."""
    multi_store.reset()
    exact = required_scopes(table)
    multi_store.grant(EXACT_TOKEN, store_hash="aaa111", scopes=exact)
    multi_store.grant(
        MISSING_ORDERS_TOKEN, store_hash="ccc333", scopes=with_level(table, exact, "orders", "none")
    )
    yield multi_store
    assert_store_unchanged(multi_store)


THREE_STORES = (
    "name,store_hash,token_env\n"
    "Acme Outdoor,aaa111,ACME_TOKEN\n"
    "Birch & Co,bbb222,BIRCH_TOKEN\n"
    "Cedar Goods,ccc333,CEDAR_TOKEN\n"
)
THREE_TOKENS = {"ACME_TOKEN": EXACT_TOKEN, "BIRCH_TOKEN": WRONG_TOKEN,
                "CEDAR_TOKEN": MISSING_ORDERS_TOKEN}


def _run(tmp_path: Path, store: FakeStore, csv_text: str, env: dict[str, str | None],
         *args: str) -> tuple[Any, dict[str, Any] | None, str | None, str | None]:
    stores_file = tmp_path / "stores.csv"
    stores_file.write_text(csv_text, encoding="utf-8")
    paths = {name: tmp_path / name for name in ("report.json", "junit.xml", "summary.md")}
    argv = ["check-many", str(stores_file), "--json", str(paths["report.json"]),
            "--junit-xml", str(paths["junit.xml"]), *args]
    values: dict[str, str | None] = {
        "BIGCOMMERCE_API_URL": store.url, "GITHUB_STEP_SUMMARY": str(paths["summary.md"]), **env,
    }
    result = run_cli(argv, values)
    assert not result.traceback, result.traceback

    def read(name: str) -> str | None:
        path = paths[name]
        return path.read_text() if path.exists() and path.stat().st_size else None

    report_text = read("report.json")
    return result, json.loads(report_text) if report_text else None, read("junit.xml"), read(
        "summary.md")


def store_lines(out: str) -> list[str]:
    return [line for line in out.splitlines() if line.startswith("[")]


def test_three_stores_give_three_lines_their_verdicts_and_the_worst_exit_code(
    tmp_path: Path, stores: FakeStore, table: ScopeTable,
) -> None:
    result, report, junit, summary = _run(tmp_path, stores, THREE_STORES, dict(THREE_TOKENS))
    assert result.code == exitcodes.REJECTED, result.out + result.err
    lines = store_lines(result.out)
    assert len(lines) == 3, result.out
    by_name = {line.split("] ", 1)[1].split(" (", 1)[0]: line for line in lines}
    assert by_name["Acme Outdoor"].endswith("(aaa111): ready")
    assert "rejected. not checked" in by_name["Birch & Co"]
    assert "not ready. missing: Orders" in by_name["Cedar Goods"]
    assert all(len(line) <= 100 for line in result.out.splitlines() if not line.startswith("http"))
    assert "Exit code 3" in result.out
    # The end summary names every store that is not ready, worst first, with a link.
    end = result.out.split("ready for DropStream.", 1)[1]
    assert end.index("Birch & Co") < end.index("Cedar Goods")
    assert "#scope-orders" in end

    assert report is not None
    assert report["exit_code"] == 3 and report["table_version"] == table.version
    # Streamed: stores in the order they ended, each with its line in the file.
    in_file_order = sorted(report["stores"], key=lambda store: store["line"])
    assert [s["name"] for s in in_file_order] == ["Acme Outdoor", "Birch & Co", "Cedar Goods"]
    assert [s["exit_code"] for s in in_file_order] == [0, 3, 1]
    cedar = {e["id"]: e["verdict"] for e in in_file_order[2]["report"]["scopes"]}
    assert cedar["orders"] == "missing"
    assert report["summary"]["stores"] == 3
    assert report["summary"]["exit_codes"] == {"0": 1, "3": 1, "1": 1}

    assert junit is not None
    by_suite = {suite.get("name"): suite for suite in
                ElementTree.fromstring(junit).findall("testsuite")}
    names = ["Acme Outdoor (aaa111)", "Birch & Co (bbb222)", "Cedar Goods (ccc333)"]
    assert sorted(by_suite) == names
    suites = [by_suite[name] for name in names]
    birch_cases = [case.get("name") for case in suites[1].iter("testcase")]
    assert "preflight" in birch_cases and int(suites[1].get("errors") or 0) >= 1
    assert int(suites[2].get("failures") or 0) >= 1

    assert summary is not None
    assert summary.count("| Acme Outdoor |") == 1
    assert "| Birch &amp; Co |" in summary and "| Cedar Goods |" in summary
    assert "**Exit code 3**" in summary
    header = "| Store | Store hash | Exit code | ok | missing | excess | unverifiable | unknown |"
    assert header in summary
    # No token in any output channel.
    everything = "\n".join([result.out, result.err, result.logs, junit, summary,
                            json.dumps(report)])
    for token in THREE_TOKENS.values():
        assert token not in everything


def test_stores_run_concurrently_with_their_own_concurrency(
    tmp_path: Path, stores: FakeStore, table: ScopeTable,
) -> None:
    stores.add_fault(Fault(FaultKind.LATENCY, delay=0.04))
    csv_text = THREE_STORES.replace("Birch & Co,bbb222,BIRCH_TOKEN\n", "")
    result, report, _, _ = _run(tmp_path, stores, csv_text, dict(THREE_TOKENS),
                                "--concurrency", "4", "--max-in-flight", "8")
    assert result.code == exitcodes.FAILED, result.out
    assert report is not None
    assert "at most 8 requests at once, 4 per store" in result.out
    # The two stores' requests overlap in time: they really ran side by side.
    windows = {}
    for request in stores.requests:
        store_hash = request.path.split("/")[2]
        first, last = windows.get(store_hash, (request.received_at, request.received_at))
        windows[store_hash] = (min(first, request.received_at), max(last, request.received_at))
    (a_first, a_last), (c_first, c_last) = windows["aaa111"], windows["ccc333"]
    assert a_first < c_last and c_first < a_last


def test_a_429_storm_or_a_timeout_at_one_store_never_stops_the_others(
    stores: FakeStore, table: ScopeTable,
) -> None:
    entries = [
        StoreEntry(2, "Acme", "aaa111", "ACME_TOKEN"),
        StoreEntry(3, "Storm", "ddd444", "ACME_TOKEN"),
        StoreEntry(4, "Silent", "eee555", "ACME_TOKEN"),
    ]
    with FakeStore(store_hash="ddd444") as storm, FakeStore(store_hash="eee555") as silent:
        storm.grant(EXACT_TOKEN, required_scopes(table))
        storm.add_fault(Fault(FaultKind.RATE_LIMIT))
        silent.grant(EXACT_TOKEN, required_scopes(table))
        silent.add_fault(Fault(FaultKind.TIMEOUT))
        # The same API URL for all in the file; two stores are sent to misbehaving servers.
        # Only the silent store gets a short read timeout: the healthy store's own
        # answers must never depend on how fast a busy machine serves them.
        checker = checker_with_changes(
            api_urls={"ddd444": storm.url, "eee555": silent.url},
            options={"eee555": {"timeout": 0.2}},
        )

        result, sink = batch_run(
            table, entries, stores.url,
            CheckOptions(policy=FAST_POLICY, timeout=60, deadline=60), ENV, checker=checker,
        )
    outcomes = sink.by_name()
    assert outcomes["Acme"].exit_code == exitcodes.OK
    assert outcomes["Storm"].exit_code == exitcodes.INCOMPLETE
    assert outcomes["Silent"].exit_code == exitcodes.INCOMPLETE
    assert result.exit_code == exitcodes.INCOMPLETE


def test_a_store_that_crashes_or_lacks_its_token_leaves_the_others_running(
    stores: FakeStore, table: ScopeTable,
) -> None:
    entries = [
        StoreEntry(2, "Acme", "aaa111", "ACME_TOKEN"),
        StoreEntry(3, "Broken", "bbb222", "BROKEN_TOKEN"),
        StoreEntry(4, "Unset", "ccc333", "UNSET_TOKEN"),
    ]

    def checker(table: ScopeTable, inputs: Any, options: CheckOptions,
                hooks: CheckHooks) -> Report:
        if inputs.store_hash == "bbb222":
            raise RuntimeError(f"bug holding {inputs.access_token.reveal()}")
        return check(table, inputs, options, hooks)

    result, sink = batch_run(
        table, entries, stores.url, CheckOptions(policy=FAST_POLICY),
        {"ACME_TOKEN": EXACT_TOKEN, "BROKEN_TOKEN": CANARY_TOKEN.lower()}, checker=checker,
    )
    outcomes = sink.by_name()
    acme, broken, unset = outcomes["Acme"], outcomes["Broken"], outcomes["Unset"]
    assert acme.exit_code == exitcodes.OK
    assert broken.exit_code == exitcodes.INCOMPLETE and "RuntimeError" in (broken.error or "")
    assert unset.exit_code == exitcodes.BAD_INPUT and "UNSET_TOKEN is not set" in (
        unset.error or "")
    assert unset.sent_nothing and result.sent_nothing == [unset.entry]
    assert result.exit_code == exitcodes.BAD_INPUT
    assert leaks_in({"errors": " ".join(o.error or "" for o in sink.outcomes)}) == []


@pytest.mark.parametrize("codes, worst", [
    ([0, 4, 1, 3, 2, 5], 5), ([0, 4, 1, 3, 2], 2), ([0, 4, 1, 3], 3), ([4, 1, 0], 1),
    ([0, 4], 4), ([0, 0], 0), ([], 0),
])
def test_exit_code_is_the_worst_in_the_order_5_2_3_1_4_0(codes: list[int], worst: int) -> None:
    assert worst_exit_code(codes) == worst


def test_the_help_documents_the_file_and_the_exit_code_order(capsys: pytest.CaptureFixture[str]
                                                             ) -> None:
    assert cli.main(["check-many", "--help"]) == 0
    text = capsys.readouterr().out
    assert "name,store_hash,token_env" in text
    assert "5 > 2 > 3 > 1 > 4 > 0" in text
    assert "  5  safety stop" in text and "--jsonl FILE" in text and "--run-deadline" in text
    assert "each store's check" in text
    assert "(default 4)" in text


def test_the_global_cap_holds_across_stores(
    tmp_path: Path, stores: FakeStore, table: ScopeTable,
) -> None:
    """Four stores, three slots: the server never sees more than three requests at once."""
    tokens = {}
    for number in range(4):
        token = f"captoken{number}" + "0" * 23
        stores.grant(token, store_hash=f"cap{number}", scopes=required_scopes(table))
        tokens[f"CAP_TOKEN_{number}"] = token
    csv_text = "name,store_hash,token_env\n" + "".join(
        f"Store {number},cap{number},CAP_TOKEN_{number}\n" for number in range(4)
    )
    stores.add_fault(Fault(FaultKind.LATENCY, delay=0.04))
    result, _, _, _ = _run(tmp_path, stores, csv_text, tokens, "--max-in-flight", "3")
    assert result.code == exitcodes.OK, result.out + result.err
    arrivals = sorted(r.received_at for r in stores.requests)
    assert len(arrivals) == 4 * (len(unique_probes(table.all_rows)) + 1)  # + each preflight
    # A request holds its slot at least the 40 ms the server waits before answering.
    busiest = max(sum(1 for t in arrivals if start <= t < start + 0.035) for start in arrivals)
    assert busiest <= 3


# --- the stores file: credentials never in it, every problem before anything is sent ---


ENV = {"ACME_TOKEN": EXACT_TOKEN}


@pytest.mark.parametrize("csv_text, words", [
    ("name,store_hash,token_env\nBirch,bbb222,ACME_TOKEN\nAcme,aaa111," + EXACT_TOKEN + "\n",
     "line 3, column token_env: holds the value of one of the token variables"),
    ("name,store_hash,token_env\nAcme,aaa111,exacttokenfffff0000000000000000009\n",
     "column token_env: looks like an Access Token"),
    ("name,store_hash,token_env\nAcme,abcdefghijklmnopqrstu1234,ACME_TOKEN\n",
     "column store_hash: looks like an Access Token or Client ID"),
    ("name,store_hash,token_env\n" + EXACT_TOKEN + ",aaa111,ACME_TOKEN\n",
     "column name: holds the value"),
    ("name,store_hash,token_env,notes\nAcme,aaa111,ACME_TOKEN,q9w8e7r6t5y4u3i2o1p0a9s8d7\n",
     "column notes: looks like an Access Token"),
    ("name,store_hash,access_token\nAcme,aaa111,x\n", "the header lacks token_env"),
    ("name,store_hash,token_env,access_token\nAcme,aaa111,ACME_TOKEN,x\n",
     "a column is named like a credential"),
    ("name,store_hash,token_env\nAcme,aaa111,ACME-TOKEN\n", "not an environment variable name"),
    ("name,store_hash,token_env\nAcme,aaa111,ACME_TOKEN\nAcme,bbb222,ACME_TOKEN\n",
     "the same name as line 2"),
    ("name,store_hash,token_env\nAcme,{store_hash},ACME_TOKEN\n", "{placeholder}"),
    ("name,store_hash,token_env\n", "no store rows"),
    ("", "the file is empty"),
    ("name,store_hash,token_env\nAcme,aaa111\n", "has 2 cells; the header has 3"),
])
def test_bad_stores_files_are_refused_before_anything_is_sent(
    tmp_path: Path, stores: FakeStore, csv_text: str, words: str,
) -> None:
    result, report, junit, summary = _run(tmp_path, stores, csv_text, dict(ENV))
    assert result.code == exitcodes.BAD_INPUT, result.out + result.err
    assert words in result.err, result.err
    assert result.err.count("\n") == 1
    assert "Nothing was sent to any store." in result.err
    assert stores.requests == []
    assert report is None and junit is None and summary is None
    for secret in (EXACT_TOKEN, "exacttokenfffff", "abcdefghijklmnopqrstu", "q9w8e7r6t5"):
        assert secret not in result.out + result.err + result.logs


def test_a_pasted_api_path_a_hash_in_a_name_and_a_spreadsheet_bom_are_accepted() -> None:
    text = ("\ufeffName, Store_Hash ,TOKEN_ENV\n#1 Outlet,bbb222,B_TOKEN\n\n"
            "Acme,https://api.bigcommerce.com/stores/aaa111/v3/,ACME_TOKEN\n")
    assert parse_stores(text.removeprefix("\ufeff"), "s.csv", {}) == [
        StoreEntry(2, "#1 Outlet", "bbb222", "B_TOKEN"),
        StoreEntry(4, "Acme", "aaa111", "ACME_TOKEN")]


def test_a_token_in_a_cell_is_never_repeated_in_the_message() -> None:
    token = "zq" + "7" * 29
    with pytest.raises(StoresFileError) as caught:
        parse_stores(f"name,store_hash,token_env\nAcme,{token},A\n", "s.csv", {})
    assert token[:8] not in str(caught.value)


@pytest.mark.skipif(sys.platform == "win32", reason="sends a POSIX SIGINT")
def test_ctrl_c_stops_every_store_sends_nothing_more_and_exits_130(
    tmp_path: Path, stores: FakeStore,
) -> None:
    stores_file = tmp_path / "stores.csv"
    stores_file.write_text("name,store_hash,token_env\n" + "".join(
        f"Store {n},aaa111,ACME_TOKEN\n" for n in range(6)), encoding="utf-8")
    run = interrupt_mid_check(
        ["check-many", str(stores_file), "--concurrency", "2", "--max-in-flight", "6"],
        {"BIGCOMMERCE_API_URL": stores.url, "ACME_TOKEN": EXACT_TOKEN}, stores,
        in_flight=2, latency=3.0,  # one store at a time per hash, two probes each
    )
    assert run.code == exitcodes.INTERRUPTED, run.out + run.err
    assert run.err.count("\n") == 1 and "interrupted" in run.err and "Traceback" not in run.err
    assert run.late_paths == [], f"requests sent after Ctrl-C: {run.late_paths}"
    assert store_lines(run.out) == [] and "Exit code" not in run.out


def test_the_cli_exits_130_when_interrupted(tmp_path: Path, stores: FakeStore,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(*args: Any, **kwargs: Any) -> Any:
        raise KeyboardInterrupt

    monkeypatch.setattr(batch, "run_batch", interrupted)
    result, report, _, _ = _run(tmp_path, stores, THREE_STORES, dict(THREE_TOKENS))
    assert result.code == exitcodes.INTERRUPTED
    assert "interrupted" in result.err and report is None


def test_store_lines_name_what_to_look_at(table: ScopeTable) -> None:
    from bc_scopes.checker.formats.text import store_line

    outcome = StoreOutcome(StoreEntry(2, "A\x1b[31m", "aaa111", "A_TOKEN"), error="x is unset")
    line = store_line(outcome, 1, 12)
    assert line.startswith("[ 1/12] A") and "\x1b" not in line and "bad input" in line
