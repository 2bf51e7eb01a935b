"""xdist's work stealing, except that the browser tests stay on one or two workers.

Measured on this project's two-core machines (`pytest tests/browser`, CPU of every
process): 112 CPU-seconds in one process, 160 spread over four workers, and slower in
wall time too. Each worker starts its own Chromium, and each of its browser contexts
loads and compiles the theme's scripts cold; spread thin, every worker pays that for
every kind of page. So the browser test files are dealt out, whole, to the first
`browser_workers` workers, and the other tests are shared and stolen as `worksteal`
does; an idle worker never steals a browser test. With four workers, the whole suite:
one browser worker 113 s and 207 CPU-s, two 122 s and 232 CPU-s, plain worksteal 128 s
and 252 CPU-s (one run each, side by side). The other workers also run at a lower
priority, so the browser chain gets the CPU it needs: 108 and 122 s against 119 and 127 s
without (two pairs, alternating).

A test is a browser test when its file is in tests/browser/ or is named *_browser.py.
"""

from __future__ import annotations

import os
import re
from collections import defaultdict

import pytest
from xdist.remote import Producer
from xdist.scheduler.worksteal import MIN_PENDING, NodePending, WorkStealingScheduling
from xdist.workermanage import WorkerController

_BROWSER_TEST = re.compile(r"^tests/browser/|_browser\.py::")


BROWSER_WORKER = "gw0"
NICER_BY = 5


def yield_to_the_browser_worker() -> None:
    """In a worker other than gw0, lower this process's priority (its children inherit it).

    The browser tests run in one process and its Chromium, one after another: the
    longest chain of the run. The other workers take what CPU that chain leaves."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker and worker != BROWSER_WORKER and hasattr(os, "nice"):
        os.nice(NICER_BY)


def is_browser_test(nodeid: str) -> bool:
    return _BROWSER_TEST.search(nodeid) is not None


def deal_files(nodeids: list[tuple[int, str]], hosts: int) -> list[list[int]]:
    """Test indices per host: whole files, the largest first, each to the host with the
    fewest tests so far (a file keeps its module-scoped pages on one worker)."""
    by_file: dict[str, list[int]] = defaultdict(list)
    for index, nodeid in nodeids:
        by_file[nodeid.split("::", 1)[0]].append(index)
    dealt: list[list[int]] = [[] for _ in range(hosts)]
    for indices in sorted(by_file.values(), key=len, reverse=True):
        min(dealt, key=len).extend(indices)
    return [sorted(indices) for indices in dealt]


class BrowserPinnedScheduling(WorkStealingScheduling):  # type: ignore[misc]
    """Work stealing with the browser tests pinned to the first few workers."""

    def __init__(self, config: pytest.Config, log: Producer | None = None,
                 browser_workers: int = 1) -> None:
        super().__init__(config, log)
        self.browser_workers = max(1, browser_workers)
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
        browser = [(index, nodeid) for index, nodeid in enumerate(collection)
                   if is_browser_test(nodeid)]
        self.pinned = {index for index, _ in browser}
        self.pending[:] = [index for index in range(len(collection)) if index not in self.pinned]
        # gw0 first: the other workers yield the CPU to it (see `yield_to_the_browser_worker`).
        ordered = sorted(self.nodes, key=lambda node: node.gateway.id != BROWSER_WORKER)
        hosts = ordered[:min(self.browser_workers, len(ordered))]
        for node, indices in zip(hosts, deal_files(browser, len(hosts)), strict=True):
            if indices:
                self.node2pending[node].extend(indices)
                node.send_runtest_some(indices)
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
