"""check-many's promises hold for the whole batch: one stop, one cap, no store's secret elsewhere.

One loopback fake serves many stores (each token opens its own store hash). A
fault aimed at one store hash makes that store misbehave: accept writes, echo
another store's token, or never answer.
"""

from __future__ import annotations

import json
import threading
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from support.batches import checker_with_changes
from support.cli import FAST_POLICY, run_cli
from support.store import required_scopes

from bc_scopes import exitcodes
from bc_scopes.checker.batch import BatchLimits, StoreOutcome, run_batch
from bc_scopes.checker.hooks import CheckHooks
from bc_scopes.checker.options import CheckOptions
from bc_scopes.checker.stores_file import StoreEntry, StoresFileError, parse_stores
from bc_scopes.fakestore.faults import Fault, FaultKind
from bc_scopes.fakestore.server import FakeStore
from bc_scopes.model import ScopeTable

STORES = 10


def token_of(number: int) -> str:
    return f"fleettoken{number:02d}" + "0" * 19


@pytest.fixture
def fleet(table: ScopeTable) -> Iterator[FakeStore]:
    """Ten stores behind one API URL, each token granted exactly what the guide asks."""
    with FakeStore(store_hash="fleet00") as server:
        for number in range(STORES):
            server.grant(token_of(number), store_hash=f"fleet{number:02d}",
                         scopes=required_scopes(table))
        yield server


def fleet_csv(tmp_path: Path, rows: list[str] | None = None) -> Path:
    path = tmp_path / "stores.csv"
    rows = rows or [f"Store {n},fleet{n:02d},FLEET_TOKEN_{n}" for n in range(STORES)]
    path.write_text("name,store_hash,token_env\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def fleet_env(server: FakeStore) -> dict[str, str | None]:
    env: dict[str, str | None] = {"BIGCOMMERCE_API_URL": server.url}
    env.update({f"FLEET_TOKEN_{n}": token_of(n) for n in range(STORES)})
    return env


def store_of(path: str) -> str:
    return path.split("/")[2]


def test_one_store_that_accepts_writes_stops_every_store_with_exit_5(
    tmp_path: Path, fleet: FakeStore,
) -> None:
    fleet.add_fault(Fault(FaultKind.ACCEPT_WRITES, store_hash="fleet03"))
    paths = {name: tmp_path / name for name in ("r.json", "j.xml", "s.md", "r.jsonl")}
    result = run_cli(
        ["check-many", str(fleet_csv(tmp_path)), "--max-in-flight", "1", "--concurrency", "1",
         "--json", str(paths["r.json"]), "--junit-xml", str(paths["j.xml"]),
         "--jsonl", str(paths["r.jsonl"])],
        {**fleet_env(fleet), "GITHUB_STEP_SUMMARY": str(paths["s.md"])},
    )
    assert result.code == exitcodes.SAFETY_STOP, result.out + result.err
    accepted = [index for index, request in enumerate(fleet.requests)
                if request.method != "GET" and request.status is not None
                and 200 <= request.status < 400]
    assert len(accepted) == 1, "exactly one write may ever be accepted"
    # One slot in flight: the slot is held until the stop is recorded, so nothing follows.
    after = [f"{r.method} {r.path}" for r in fleet.requests[accepted[0] + 1:]]
    assert after == [], f"requests after the accepted write: {after}"
    written = {store_of(r.path) for r in fleet.requests if r.method != "GET"}
    assert written <= {f"fleet{n:02d}" for n in range(4)}
    stop = fleet.requests[accepted[0]]
    request_text = f"{stop.method} {stop.api_path}"
    # Every output names the store, the request, its answer, the unchecked stores, what to do.
    assert f"SAFETY STOP in store fleet03: {request_text} was answered" in result.out
    assert "Not checked: Store 4" in result.out and "before running anything again" in result.out
    report = json.loads(paths["r.json"].read_text())
    assert report["exit_code"] == 5 and report["safety_stop"]["store_hash"] == "fleet03"
    assert report["safety_stop"]["path"] == stop.api_path
    assert "Store 9" in report["safety_stop"]["unchecked"]
    junit = ElementTree.fromstring(paths["j.xml"].read_text())
    assert int(junit.get("errors") or 0) >= 1
    first_error = next(junit.iter("error"))
    assert "fleet03" in (first_error.get("message") or "")
    summary = paths["s.md"].read_text()
    assert "**Safety stop** in store `fleet03`" in summary and "Not checked:" in summary
    lines = paths["r.jsonl"].read_text().splitlines()
    assert len(lines) == STORES and all(json.loads(line)["name"] for line in lines)


def test_no_request_leaves_after_the_stop_is_seen_even_with_many_slots(
    fleet: FakeStore, table: ScopeTable, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every sender checks the stop after it has its slot, under the stop's own lock."""
    fleet.add_fault(Fault(FaultKind.ACCEPT_WRITES, store_hash="fleet00"))
    sends: list[bool] = []  # for each request that left: had the stop been seen?
    stop_seen = threading.Event()
    entries = [StoreEntry(n + 2, f"Store {n}", f"fleet{n:02d}", f"T{n}") for n in range(STORES)]
    env = {f"T{n}": token_of(n) for n in range(STORES)}

    def on_send() -> None:
        sends.append(stop_seen.is_set())

    class Sink:
        def store_done(self, outcome: StoreOutcome) -> None:
            """The outcomes are not what this test looks at."""

    from bc_scopes.checker import workers

    original = workers.RunGuard.record_safety_stop

    def record(self: Any, event: Any) -> None:
        original(self, event)
        stop_seen.set()

    monkeypatch.setattr(workers.RunGuard, "record_safety_stop", record)
    summary = run_batch(
        table, entries, fleet.url, CheckOptions(policy=FAST_POLICY), env, Sink(),
        limits=BatchLimits(max_in_flight=16), hooks=CheckHooks(on_request=on_send),
    )
    assert summary.exit_code == exitcodes.SAFETY_STOP
    assert summary.safety_stop is not None and summary.safety_stop.store_hash == "fleet00"
    assert True not in sends, "a request left after the safety stop was seen"


def test_a_store_that_echoes_another_stores_token_never_shows_it(
    tmp_path: Path, fleet: FakeStore,
) -> None:
    leaked = token_of(1)
    fleet.add_fault(Fault(FaultKind.STATUS, status=403, store_hash="fleet02", path="^/v3/",
                          title=f"Forbidden; see {leaked} and {leaked.upper()}"))
    paths = {name: tmp_path / name for name in ("r.json", "j.xml", "s.md")}
    result = run_cli(
        ["check-many", str(fleet_csv(tmp_path)), "-v", "--json", str(paths["r.json"]),
         "--junit-xml", str(paths["j.xml"])],
        {**fleet_env(fleet), "GITHUB_STEP_SUMMARY": str(paths["s.md"])},
    )
    everything = result.out + result.err + "".join(p.read_text() for p in paths.values())
    assert "[redacted]" in everything
    assert leaked[:12] not in everything.lower()


def test_the_same_store_listed_twice_is_checked_once_and_both_rows_get_the_result(
    tmp_path: Path, fleet: FakeStore,
) -> None:
    rows = ["Main,fleet00,FLEET_TOKEN_0", "Main again,fleet00,FLEET_TOKEN_0",
            "Other,fleet01,FLEET_TOKEN_1"]
    report_path = tmp_path / "r.json"
    result = run_cli(["check-many", str(fleet_csv(tmp_path, rows)), "--json", str(report_path)],
                     fleet_env(fleet))
    assert result.code == exitcodes.OK, result.out + result.err
    per_store: dict[str, int] = {}
    for request in fleet.requests:
        per_store[store_of(request.path)] = per_store.get(store_of(request.path), 0) + 1
    assert per_store["fleet00"] == per_store["fleet01"], per_store
    stores = {store["name"]: store for store in json.loads(report_path.read_text())["stores"]}
    assert stores["Main"]["exit_code"] == stores["Main again"]["exit_code"] == 0
    assert "lines 2, 3 name the same store" in (stores["Main again"]["warning"] or "")


@pytest.mark.parametrize("variable, value", [
    ("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
    ("GITHUB_TOKEN", "ghp_" + "a1B2" * 9),
    ("NPM_TOKEN", "npm_" + "abcd1234" * 4),
    ("BIGCOMMERCE_CLIENT_SECRET", "0123456789abcdef" * 4),
    ("SHOP_TOKEN", "Not-A-BigCommerce-Token-Value-1234"),
])
def test_a_token_env_that_is_not_an_access_token_is_refused_before_anything_is_sent(
    tmp_path: Path, fleet: FakeStore, variable: str, value: str,
) -> None:
    rows = ["Main,fleet00,FLEET_TOKEN_0", f"Other,fleet01,{variable}"]
    result = run_cli(["check-many", str(fleet_csv(tmp_path, rows))],
                     {**fleet_env(fleet), variable: value})
    assert result.code == exitcodes.BAD_INPUT, result.out + result.err
    assert f"line 3, column token_env: {variable}" in result.err or (
        f"line 3, column token_env: the value of {variable}" in result.err)
    assert value not in result.out + result.err and fleet.requests == []


@pytest.mark.parametrize("pasted", [token_of(4).upper(), "Shop " + token_of(4)])
def test_a_token_pasted_into_a_name_is_refused_in_any_case_even_when_unset(pasted: str) -> None:
    with pytest.raises(StoresFileError) as caught:
        parse_stores(f"name,store_hash,token_env\n{pasted},fleet04,UNSET_TOKEN\n", "s.csv", {})
    assert "column name" in str(caught.value) and token_of(4)[:10] not in str(caught.value).lower()


def test_a_store_past_its_deadline_gives_its_slots_back_and_sends_nothing_after(
    fleet: FakeStore, table: ScopeTable,
) -> None:
    """A store that never answers holds both slots until its deadline; then the rest run."""
    fleet.add_fault(Fault(FaultKind.TIMEOUT, store_hash="fleet00"))
    entries = [StoreEntry(n + 2, f"Store {n}", f"fleet{n:02d}", f"T{n}") for n in range(3)]
    env = {f"T{n}": token_of(n) for n in range(3)}
    final_at: dict[str, int] = {}

    class Sink:
        def store_done(self, outcome: StoreOutcome) -> None:
            final_at[outcome.entry.store_hash] = len(fleet.requests)

    # Only the silent store has a short deadline; the healthy ones must never race one.
    checker = checker_with_changes(options={"fleet00": {"deadline": 1}})
    summary = run_batch(
        table, entries, fleet.url,
        CheckOptions(policy=FAST_POLICY, timeout=60, deadline=600, concurrency=2), env, Sink(),
        limits=BatchLimits(max_in_flight=2), checker=checker,
    )
    assert summary.exit_codes[exitcodes.OK] == 2, summary.exit_codes
    assert summary.exit_codes[exitcodes.INCOMPLETE] == 1
    late = [r.path for r in fleet.requests[final_at["fleet00"]:] if store_of(r.path) == "fleet00"]
    assert late == [], f"requests for a store after its report was final: {late}"


def test_the_run_deadline_bounds_the_whole_run_and_names_what_was_not_checked(
    fleet: FakeStore, table: ScopeTable,
) -> None:
    fleet.add_fault(Fault(FaultKind.TIMEOUT))  # no store ever answers
    entries = [StoreEntry(n + 2, f"Store {n}", f"fleet{n:02d}", f"T{n}") for n in range(STORES)]
    env = {f"T{n}": token_of(n) for n in range(STORES)}
    outcomes: list[StoreOutcome] = []

    class Sink:
        def store_done(self, outcome: StoreOutcome) -> None:
            outcomes.append(outcome)

    summary = run_batch(
        table, entries, fleet.url,
        CheckOptions(policy=FAST_POLICY, timeout=60, deadline=600, concurrency=1), env, Sink(),
        limits=BatchLimits(max_in_flight=2, run_deadline=1),
    )
    sent_by_then = len(fleet.requests)
    assert summary.exit_code == exitcodes.INCOMPLETE and len(outcomes) == STORES
    assert {outcome.entry.name for outcome in outcomes} == {entry.name for entry in entries}
    stopped = [o for o in outcomes if o.error and "stopped mid-check" in o.error]
    never = [o for o in outcomes if o.error and o.error.startswith("not checked: the run's")]
    assert len(stopped) == 2 and len(never) == STORES - 2 and all(o.sent_nothing for o in never)
    assert summary.unchecked == [o.entry for o in never]
    assert len(fleet.requests) == sent_by_then  # nothing left once the run was over


def test_a_row_can_name_the_credentials_file_bigcommerce_downloaded(
    tmp_path: Path, fleet: FakeStore,
) -> None:
    downloaded = tmp_path / "fleet05-api-account.txt"
    downloaded.write_text(
        f"CLIENT NAME: DropStream\r\nAPI PATH: https://api.bigcommerce.com/stores/fleet05/v3/\r\n"
        f"ACCESS TOKEN: {token_of(5)}\r\nCLIENT ID: {'c' * 31}\r\n", encoding="utf-8")
    stores = tmp_path / "stores.csv"
    stores.write_text("name,store_hash,token_env,credentials_file\n"
                      f"From file,,,{downloaded}\nFrom env,fleet01,FLEET_TOKEN_1,\n",
                      encoding="utf-8")
    report_path = tmp_path / "r.json"
    result = run_cli(["check-many", str(stores), "--json", str(report_path)], fleet_env(fleet))
    assert result.code == exitcodes.OK, result.out + result.err
    by_name = {s["name"]: s for s in json.loads(report_path.read_text())["stores"]}
    assert by_name["From file"]["store_hash"] == "fleet05"
    assert by_name["From file"]["exit_code"] == 0 and by_name["From env"]["exit_code"] == 0
    assert token_of(5) not in result.out + result.err + report_path.read_text()
