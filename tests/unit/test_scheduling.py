"""The suite's xdist scheduler keeps every browser test on the first worker and shares the rest.

Driven with stand-in workers that record what they are sent, as xdist's own scheduler
tests do; the whole suite's runs (`bash scripts/test.sh`) use the real one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace

import pytest
from support.scheduling import (
    YIELD_KEY,
    BrowserPinnedScheduling,
    is_browser_test,
    mark_the_yielding_workers,
)

COLLECTION = (
    [f"tests/browser/test_a.py::test_{n}" for n in range(6)]
    + [f"tests/hostile/test_b_browser.py::test_{n}" for n in range(2)]
    + [f"tests/checker/test_c.py::test_{n}" for n in range(40)]
    + [f"tests/install/test_d.py::test_{n}" for n in range(2)]
)
LONG_POLES = {48, 49}
BROWSER = set(range(8))


@dataclass(eq=False)
class StandInWorker:
    """What the scheduler may do to a worker: send tests, ask for some back, shut it down."""

    name: str
    sent: list[int] = field(default_factory=list)
    steal_requests: list[list[int]] = field(default_factory=list)
    shutting_down: bool = False

    @property
    def gateway(self) -> SimpleNamespace:  # xdist names a worker by its gateway's id
        return SimpleNamespace(id=self.name)

    def send_runtest_some(self, indices: list[int]) -> None:
        self.sent.extend(indices)

    def send_steal(self, indices: list[int]) -> None:
        self.steal_requests.append(list(indices))

    def shutdown(self) -> None:
        self.shutting_down = True


def scheduled(pytester: pytest.Pytester,
              workers: int) -> tuple[BrowserPinnedScheduling, list[StandInWorker]]:
    scheduler = BrowserPinnedScheduling(pytester.parseconfig(f"--tx={workers}*popen"), log=None)
    nodes = [StandInWorker(f"gw{n}") for n in range(workers)]
    for node in nodes:
        scheduler.add_node(node)
    for node in nodes:
        scheduler.add_node_collection(node, COLLECTION)
    scheduler.schedule()
    return scheduler, nodes


def finish(scheduler: BrowserPinnedScheduling, node: StandInWorker, count: int) -> None:
    for index in list(scheduler.node2pending[node])[:count]:
        scheduler.mark_test_complete(node, index)


def test_a_browser_test_is_one_in_tests_browser_or_a_file_named_browser() -> None:
    assert [n for n, nodeid in enumerate(COLLECTION) if is_browser_test(nodeid)] == sorted(BROWSER)


def test_every_browser_test_goes_to_the_first_worker_and_no_other_test_does_at_first(
        pytester: pytest.Pytester) -> None:
    _, nodes = scheduled(pytester, 4)
    assert set(nodes[0].sent) == BROWSER
    others = [index for node in nodes[1:] for index in node.sent]
    assert sorted(others) == sorted(set(range(len(COLLECTION))) - BROWSER)


def test_the_long_poles_are_dealt_first(pytester: pytest.Pytester) -> None:
    _, nodes = scheduled(pytester, 4)
    assert set(nodes[1].sent[:2]) == LONG_POLES


def test_an_idle_worker_steals_only_tests_that_are_not_browser_tests(
        pytester: pytest.Pytester) -> None:
    scheduler, nodes = scheduled(pytester, 2)
    busy, idle = nodes
    finish(scheduler, idle, len(idle.sent))  # gw1 ran all it had; gw0 has only browser tests
    assert busy.steal_requests == [] and idle.shutting_down, "a browser test was stolen"

    scheduler, nodes = scheduled(pytester, 3)
    finish(scheduler, nodes[0], len(BROWSER))  # the browser worker is done first
    finish(scheduler, nodes[1], len(nodes[1].sent))  # and gw1 runs dry: it steals from gw2
    requests = [index for node in nodes for request in node.steal_requests for index in request]
    assert requests and not set(requests) & BROWSER


def test_only_the_workers_other_than_gw0_of_a_worksteal_run_are_told_to_yield(
        pytester: pytest.Pytester) -> None:
    def told(dist: str) -> list[dict[str, bool]]:
        config = pytester.parseconfig("--tx=2*popen", f"--dist={dist}")
        nodes = [SimpleNamespace(config=config, workerinput={},
                                 gateway=SimpleNamespace(id=f"gw{n}")) for n in range(2)]
        for node in nodes:
            mark_the_yielding_workers(node)
        return [node.workerinput for node in nodes]

    assert told("worksteal") == [{YIELD_KEY: False}, {YIELD_KEY: True}]
    assert told("load") == [{}, {}]
