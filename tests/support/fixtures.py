"""The shared fixtures, loaded once by the root conftest (`pytest_plugins`).

Like pytest-httpserver: one fake store per session (per xdist worker), cleared
for each test; at teardown a test fails if any request would have changed
data (a write answered 2xx, or any DELETE), unless it set
`store.expect_mutations`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bc_scopes.fakestore.server import FakeStore
from bc_scopes.model import ScopeTable, load_scope_table

from .cli import run_cli
from .docs import SCOPES_FILE
from .store import (
    EXACT_TOKEN,
    FULL_TOKEN,
    STORE_HASH,
    CliRun,
    all_scopes,
    assert_store_unchanged,
    required_scopes,
)
from .trap import Trap


@pytest.fixture(scope="session")
def table() -> ScopeTable:
    """The repository's scopes.yaml, through the one loader."""
    return load_scope_table(SCOPES_FILE)


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
    yield fake_store_server
    if not fake_store_server.expect_mutations:
        assert_store_unchanged(fake_store_server)


@pytest.fixture(scope="session")
def trap() -> Iterator[Trap]:
    listener = Trap()
    yield listener
    listener.close()


@pytest.fixture
def check_cli(store: FakeStore, tmp_path: Path) -> Callable[..., CliRun]:
    """Run `bc-scopes check` in-process against the fake store, with fast retry timings.

    Defaults: the exact token, the fake's store hash and URL, JSON, JUnit and a
    step summary all written. `env` overrides variables (None removes one).
    """
    counter = {"n": 0}

    def run(*args: str, env: dict[str, str | None] | None = None, outputs: bool = True) -> CliRun:
        counter["n"] += 1
        folder = tmp_path / f"run{counter['n']}"
        folder.mkdir()
        values: dict[str, str | None] = {
            "BIGCOMMERCE_STORE_HASH": STORE_HASH,
            "BIGCOMMERCE_API_URL": store.url,
            "BIGCOMMERCE_ACCESS_TOKEN": EXACT_TOKEN,
        }
        argv = ["check", *args]
        json_path, junit_path, summary_path = (
            folder / "report.json", folder / "junit.xml", folder / "summary.md"
        )
        if outputs:
            argv += ["--json", str(json_path), "--junit-xml", str(junit_path)]
            values["GITHUB_STEP_SUMMARY"] = str(summary_path)
        values.update(env or {})
        result = run_cli(argv, values)
        assert not result.traceback, result.traceback

        def read(path: Path) -> str | None:
            return path.read_text() if path.exists() and path.stat().st_size else None

        report_text = read(json_path)
        return CliRun(
            code=result.code if result.code is not None else -1,
            out=result.out,
            err=result.err,
            report=json.loads(report_text) if report_text else None,
            junit=read(junit_path),
            step_summary=read(summary_path),
        )

    return run
