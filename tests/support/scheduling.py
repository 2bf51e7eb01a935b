"""xdist's work stealing, except that every browser test stays on one worker, gw0.

Measured on this project's two-core machines (`pytest tests/browser`, CPU of every
process): 112 CPU-seconds in one process, 160 spread over four workers, and slower in
wall time too. Each worker starts its own Chromium, and each of its browser contexts
loads and compiles the theme's scripts cold; spread thin, every worker pays that for
every kind of page. So every browser test goes to gw0, and the other tests are shared
and stolen as `worksteal` does; an idle worker never steals a browser test. The whole
suite on four workers: browser tests on one worker 113 s and 207 CPU-s, on two 122 s
and 232 CPU-s, plain worksteal 128 s and 252 CPU-s (one run each, side by side). The
other workers also run at a lower priority, so the browser chain gets the CPU it needs:
108 and 122 s against 119 and 127 s without (two pairs, alternating).

A test is a browser test when its file is in tests/browser/ or is named *_browser.py.

The tests behind the session's slowest fixture, the wheel built and installed into a new
venv (tests/install/, about 13 s), are dealt first. In collection order they came last,
and one run ended with a worker alone on them for its final 11 s while the other three
sat idle (115 s in all).
"""

from __future__ import annotations

import os
import re

import pytest
from xdist.remote import Producer
from xdist.scheduler.worksteal import MIN_PENDING, NodePending, WorkStealingScheduling
from xdist.workermanage import WorkerController

_BROWSER_TEST = re.compile(r"^tests/browser/|_browser\.py::")
_LONG_POLE = re.compile(r"^tests/install/")


BROWSER_WORKER = "gw0"
NICER_BY = 5


YIELD_KEY = "bc_yield_cpu"


def mark_the_yielding_workers(node: WorkerController) -> None:
    """On the controller, before a worker starts: in a run this scheduler deals (`--dist
    worksteal`), tell every worker but gw0 to yield the CPU. A worker cannot tell by
    itself: xdist hands its workers `--dist no`."""
    if node.config.getoption("dist") == "worksteal":
        node.workerinput[YIELD_KEY] = node.gateway.id != BROWSER_WORKER


def yield_to_the_browser_worker(config: pytest.Config) -> None:
    """In a worker told to yield, lower this process's priority (its children inherit it).

    The browser tests run in one process and its Chromium, one after another: the
    longest chain of the run. The other workers take what CPU that chain leaves."""
    if getattr(config, "workerinput", {}).get(YIELD_KEY) and hasattr(os, "nice"):
        os.nice(NICER_BY)


def is_browser_test(nodeid: str) -> bool:
    return _BROWSER_TEST.search(nodeid) is not None


def is_long_pole(nodeid: str) -> bool:
    """A test that waits on a long session fixture: started last, it ends the run late."""
    return _LONG_POLE.search(nodeid) is not None


class BrowserPinnedScheduling(WorkStealingScheduling):  # type: ignore[misc]
    """Work stealing with every browser test pinned to gw0."""

    def __init__(self, config: pytest.Config, log: Producer | None = None) -> None:
        super().__init__(config, log)
        self.pinned: set[int] = set()

    def schedule(self) -> None:
        assert self.collection_is_completed
        if self.collection is not None:  # type: ignore[has-type]  # a node came later: rebalance
            self.check_schedule()
            return
        if not self._check_nodes_have_same_collection():
            self.log("**Different tests collected, aborting run**")
            return
        collection: list[str] = list(next(iter(self.node2collection.values())))
        self.collection = collection
        browser = [index for index, nodeid in enumerate(collection) if is_browser_test(nodeid)]
        self.pinned = set(browser)
        shared = [index for index in range(len(collection)) if index not in self.pinned]
        # sorted() is stable: long poles first, the rest in collection order.
        self.pending[:] = sorted(shared, key=lambda index: not is_long_pole(collection[index]))
        # gw0, which the other workers yield the CPU to (`yield_to_the_browser_worker`), or
        # the first worker when there is no gw0.
        host = min(self.nodes, key=lambda node: node.gateway.id != BROWSER_WORKER)
        if browser:
            self.node2pending[host].extend(browser)
            host.send_runtest_some(browser)
        self.check_schedule()

    def check_schedule(self) -> None:
        """As WorkStealingScheduling.check_schedule, but only unpinned tests are stolen."""
        nodes_up = [NodePending(node, pending) for node, pending in self.node2pending.items()
                    if not node.shutting_down]

        def idle_nodes() -> list[WorkerController]:
            return [node for node, pending in nodes_up if len(pending) < MIN_PENDING]

        idle = idle_nodes()
        if not idle:
            return
        if self.pending:
            for position, node in enumerate(idle):
                self._send_tests(node, len(self.pending) // (len(idle) - position))
            idle = idle_nodes()
            if not idle:
                return
        if self.steal_requested_from_node is not None:  # type: ignore[has-type]
            return  # one steal request at a time
        # A node's first MIN_PENDING tests (the one running and the next) are never taken.
        stealable = [(node, [index for index in pending[MIN_PENDING:]
                             if index not in self.pinned]) for node, pending in nodes_up]
        victim, candidates = max(stealable, key=lambda item: len(item[1]),
                                 default=(None, []))
        take = candidates[len(candidates) - len(candidates) // 2:] if candidates else []
        if victim is None or not take:
            for node in idle:  # nothing left to share: let idle workers finish
                node.shutdown()
            return
        victim.send_steal(take)
        self.steal_requested_from_node = victim
