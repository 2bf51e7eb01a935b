"""Fixtures for the checker's tests: one fake store per session, reset per test.

Like pytest-httpserver: the server starts once; each test gets it cleared, and
at teardown the test fails if any request would have changed data (a write
answered 2xx, or any DELETE), unless the test set `store.expect_mutations`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bc_scopes import cli
from bc_scopes.fakestore.server import FakeStore
from bc_scopes.model import ScopeTable, load_scope_table

from .support import (
    ENV_NAMES,
    EXACT_TOKEN,
    FULL_TOKEN,
    STORE_HASH,
    CliRun,
    all_scopes,
    required_scopes,
)


@pytest.fixture(scope="session")
def table() -> ScopeTable:
    return load_scope_table()


@pytest.fixture(scope="session")
def fake_store_server() -> Iterator[FakeStore]:
    with FakeStore(store_hash=STORE_HASH) as server:
        yield server


@pytest.fixture
def store(fake_store_server: FakeStore, table: ScopeTable) -> Iterator[FakeStore]:
    """The fake store, cleared, with the exact and the full-scope token granted."""
    fake_store_server.reset()
    fake_store_server.grant(EXACT_TOKEN, required_scopes(table))
    fake_store_server.grant(FULL_TOKEN, all_scopes(table))
    fake_store_server.expect_mutations = False  # type: ignore[attr-defined]
    yield fake_store_server
    if not getattr(fake_store_server, "expect_mutations", False):
        changed = [(r.method, r.api_path, r.status) for r in fake_store_server.mutations]
        assert changed == [], f"requests that would have changed data: {changed}"
        assert not any(r.method == "DELETE" for r in fake_store_server.requests)


@pytest.fixture
def run_cli(
    store: FakeStore, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> Callable[..., CliRun]:
    """Run `bc-scopes check` in-process against the fake store.

    Defaults: the exact token, the fake's store hash and URL, JSON, JUnit and a
    step summary all written. `env` overrides variables (None removes one).
    """

    counter = {"n": 0}

    def run(*args: str, env: dict[str, str | None] | None = None, outputs: bool = True) -> CliRun:
        counter["n"] += 1
        folder = tmp_path / f"run{counter['n']}"
        folder.mkdir()
        for name in ENV_NAMES:
            monkeypatch.delenv(name, raising=False)
        values: dict[str, str | None] = {
            "BIGCOMMERCE_STORE_HASH": STORE_HASH,
            "BIGCOMMERCE_API_URL": store.url,
            "BIGCOMMERCE_ACCESS_TOKEN": EXACT_TOKEN,
        }
        values.update(env or {})
        argv = ["check", *args]
        json_path, junit_path, summary_path = (
            folder / "report.json", folder / "junit.xml", folder / "summary.md"
        )
        if outputs:
            argv += ["--json", str(json_path), "--junit-xml", str(junit_path)]
            values["GITHUB_STEP_SUMMARY"] = str(summary_path)
        for name, value in values.items():
            if value is None:
                monkeypatch.delenv(name, raising=False)
            else:
                monkeypatch.setenv(name, value)
        code = cli.main(argv)
        captured = capsys.readouterr()
        return CliRun(
            code=code,
            out=captured.out,
            err=captured.err,
            report=json.loads(json_path.read_text()) if json_path.exists() else None,
            junit=junit_path.read_text() if junit_path.exists() else None,
            step_summary=summary_path.read_text() if summary_path.exists() else None,
        )

    return run


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)
    assert not any(name in os.environ for name in ENV_NAMES)
