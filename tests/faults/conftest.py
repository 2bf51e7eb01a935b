"""Fixtures for the fault tests: one fake store, one trap and one scenario cache per session
(shared by the xdist workers).

The cache is the point: the fault matrix, the secrets audit and the never-mutate
check all read the same run of each scenario, so the three questions cost one run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from support.scenarios import ScenarioRun, ScenarioRunner
from support.shared import session_folder
from support.store import STORE_HASH
from support.trap import Trap

from bc_scopes.fakestore.server import FakeStore
from bc_scopes.model import ScopeTable

from .cases import CASES_BY_ID


@pytest.fixture(scope="session")
def fault_store() -> Iterator[FakeStore]:
    with FakeStore(store_hash=STORE_HASH) as store:
        yield store


@pytest.fixture(scope="session")
def scenarios(
    fault_store: FakeStore, trap: Trap, table: ScopeTable, tmp_path_factory: pytest.TempPathFactory
) -> ScenarioRunner:
    shared = session_folder(tmp_path_factory) / "scenarios"
    shared.mkdir(exist_ok=True)
    return ScenarioRunner(fault_store, trap, table, tmp_path_factory.mktemp("scenarios"), shared)


@pytest.fixture(scope="session")
def scenario(scenarios: ScenarioRunner) -> Callable[[str], ScenarioRun]:
    """scenario('case-id') -> its (cached) run."""

    def run(case_id: str) -> ScenarioRun:
        return scenarios.run(CASES_BY_ID[case_id])

    return run
