"""The shared fixtures, loaded once by the root conftest (`pytest_plugins`).

Like pytest-httpserver: one fake store per session (per xdist worker), cleared
for each test; at teardown a test fails if any request would have changed
data (a write answered 2xx, or any DELETE), unless it is marked
`@pytest.mark.expect_mutations` (it provokes a write on purpose, such as the
safety stop's tests). That policy belongs to the tests, so it lives here and not
in the shipped fake store.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bc_scopes.fakestore.server import FakeStore
from bc_scopes.model import ScopeTable, load_scope_table

from .cli import run_check
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


EXPECT_MUTATIONS = "expect_mutations"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", f"{EXPECT_MUTATIONS}: the test provokes a data-changing request on purpose; "
        "the store fixture then skips its never-mutate check")


@pytest.fixture
def store(
    fake_store_server: FakeStore, table: ScopeTable, request: pytest.FixtureRequest
) -> Iterator[FakeStore]:
    """The fake store, cleared, with the exact and the full-scope token granted.

    At teardown, no request may have changed data, unless the test is marked
    `expect_mutations`.
    """
    fake_store_server.reset()
    fake_store_server.grant(EXACT_TOKEN, required_scopes(table))
    fake_store_server.grant(FULL_TOKEN, all_scopes(table))
    yield fake_store_server
    if request.node.get_closest_marker(EXPECT_MUTATIONS) is None:
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
        values: dict[str, str | None] = {
            "BIGCOMMERCE_STORE_HASH": STORE_HASH,
            "BIGCOMMERCE_API_URL": store.url,
            "BIGCOMMERCE_ACCESS_TOKEN": EXACT_TOKEN,
        }
        values.update(env or {})
        ran = run_check(args, values, tmp_path / f"run{counter['n']}", outputs=outputs)
        assert not ran.result.traceback, ran.result.traceback
        return CliRun(
            code=ran.result.code if ran.result.code is not None else -1,
            out=ran.result.out,
            err=ran.result.err,
            report=json.loads(ran.report_text) if ran.report_text else None,
            junit=ran.junit or None,
            step_summary=ran.step_summary or None,
        )

    return run
