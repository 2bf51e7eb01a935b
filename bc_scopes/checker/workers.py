"""The one worker pool, and what every request of a run shares.

A run is one `bc-scopes check` or a whole `check-many`. Its promises hold for
the run, not for one store, so they live here rather than in a store's client:

- **The safety stop is run-wide.** `RunGuard.record_safety_stop` sets the run's
  root `CancelScope`, which sets every store's scope at once. Every sender
  checks the stop under the guard's lock *after* it has its in-flight slot and
  just before it sends, and the stop is recorded under the same lock before the
  accepted write gives its slot back. So no request whose check comes after
  the stop was seen leaves, for any store.
- **The in-flight cap is run-wide** (`SlotPool`). Slots belong to a store's
  scope; when a store is cancelled or reaches its deadline, `release_owner`
  gives its slots back at once, even while one of its threads is still stuck
  in a slow read (that thread's late release is then a no-op).
- **One pool** (`run_tasks`) runs the probes of one store and the stores of a
  batch: daemon threads, a deadline, a cancel scope, results handed to a
  callback as they end so a batch of thousands keeps nothing in memory.

Time is a parameter (`clock`), so tests drive deadlines without sleeping.
"""

from __future__ import annotations

import contextlib
import itertools
import threading
import time
import weakref
from collections.abc import Callable, Iterable, Iterator
from typing import Generic, TypeVar

from bc_scopes.checker.evidence import SafetyEvent

Clock = Callable[[], float]
POLL = 0.05  # how often a waiting thread looks at its cancel scope


class Cancelled(Exception):
    """The run or the store was stopped before this request was sent."""


class CancelScope(threading.Event):
    """An Event that also sets its children: the run's scope stops every store's.

    A child made from a scope that is already set is born set, so a store that
    starts after a safety stop can never send.
    """

    def __init__(self) -> None:
        super().__init__()
        self._children: weakref.WeakSet[CancelScope] = weakref.WeakSet()
        self._family = threading.Lock()

    def child(self) -> CancelScope:
        scope = CancelScope()
        with self._family:
            self._children.add(scope)
            if self.is_set():
                scope.set()
        return scope

    def set(self) -> None:
        super().set()
        with self._family:
            children = list(self._children)
        for scope in children:
            scope.set()


class SlotPool:
    """At most `size` requests in flight over the whole run; slots owned by a scope."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._condition = threading.Condition()
        self._free = size
        self._ids = itertools.count()
        self._held: dict[int, set[int]] = {}  # owner id -> slot ids

    def acquire(self, owner: CancelScope) -> int | None:
        """A slot for `owner`, or None once `owner` is cancelled while waiting."""
        with self._condition:
            while self._free <= 0:
                if owner.is_set():
                    return None
                self._condition.wait(POLL)
            if owner.is_set():
                return None
            self._free -= 1
            slot = next(self._ids)
            self._held.setdefault(id(owner), set()).add(slot)
            return slot

    def release(self, owner: CancelScope, slot: int) -> None:
        """Give `slot` back; a slot already given back by `release_owner` is ignored."""
        with self._condition:
            held = self._held.get(id(owner))
            if held is None or slot not in held:
                return
            held.discard(slot)
            if not held:
                del self._held[id(owner)]
            self._free += 1
            self._condition.notify()

    def release_owner(self, owner: CancelScope) -> int:
        """Give back every slot `owner` holds (its report is final); how many there were."""
        with self._condition:
            held = self._held.pop(id(owner), set())
            self._free += len(held)
            self._condition.notify_all()
            return len(held)

    @property
    def in_use(self) -> int:
        with self._condition:
            return self.size - self._free


class RunGuard:
    """The run-wide safety stop and in-flight cap, shared by every store's client."""

    def __init__(self, max_in_flight: int | None = None) -> None:
        self.root = CancelScope()
        self.slots = SlotPool(max_in_flight) if max_in_flight is not None else None
        self._lock = threading.Lock()
        self.safety_stop: SafetyEvent | None = None

    def record_safety_stop(self, event: SafetyEvent) -> None:
        """Stop the whole run: the first accepted write is the one reported."""
        with self._lock:
            if self.safety_stop is None:
                self.safety_stop = event
            self.root.set()

    @contextlib.contextmanager
    def request_slot(
        self, scope: CancelScope, on_send: Callable[[], None] | None = None
    ) -> Iterator[None]:
        """Hold an in-flight slot for one request, checking the stop once the slot is ours.

        Raises Cancelled when `scope` (or the run) was stopped, before or while waiting.
        `on_send` is told, under the same lock as the stop, that the request will leave.
        """
        slot = self.slots.acquire(scope) if self.slots is not None else None
        if self.slots is not None and slot is None:
            raise Cancelled()
        try:
            with self._lock:  # ordered with record_safety_stop: a stop seen is never crossed
                if scope.is_set():
                    raise Cancelled()
                if on_send is not None:
                    on_send()
            yield
        finally:
            if self.slots is not None and slot is not None:
                self.slots.release(scope, slot)

    def end_store(self, scope: CancelScope) -> None:
        """A store's report is final: nothing more of it may leave, its slots go back."""
        scope.set()
        if self.slots is not None:
            self.slots.release_owner(scope)


Key = TypeVar("Key")
Result = TypeVar("Result")


class _Pool(Generic[Key, Result]):
    def __init__(
        self, tasks: Iterator[tuple[Key, Callable[[], Result]]],
        on_done: Callable[[Key, Result], None], cancel: threading.Event,
    ) -> None:
        self.tasks = tasks
        self.on_done = on_done
        self.cancel = cancel
        self.lock = threading.Lock()
        self.finished = threading.Event()
        self.running = 0
        self.closed = False  # the caller has its results: late ones are dropped
        self.crashed: list[BaseException] = []

    def next_task(self) -> tuple[Key, Callable[[], Result]] | None:
        with self.lock:
            if self.cancel.is_set():
                return None
            return next(self.tasks, None)

    def work(self) -> None:
        try:
            while (item := self.next_task()) is not None:
                key, task = item
                result = task()
                with self.lock:  # one at a time, and never after the caller moved on
                    if self.closed:
                        return
                    self.on_done(key, result)
        except Exception as error:  # a bug: stop the run and raise it where the pool was called
            with self.lock:
                self.crashed.append(error)
            self.cancel.set()
        finally:
            with self.lock:
                self.running -= 1
                if self.running == 0:
                    self.finished.set()


def run_tasks(
    tasks: Iterable[tuple[Key, Callable[[], Result]]],
    workers: int,
    cancel: threading.Event,
    deadline_at: float,
    on_done: Callable[[Key, Result], None],
    *,
    clock: Clock = time.monotonic,
    name: str = "worker",
) -> bool:
    """Run `tasks` on `workers` daemon threads until done, cancelled or `deadline_at`.

    Daemon threads, not a ThreadPoolExecutor: on Ctrl-C or at the deadline the
    caller stops waiting at once, `cancel` keeps every queued task from starting
    (and every started one from sending), and the process can exit without
    joining a thread stuck in a slow read. Each result goes to `on_done` as its
    task ends, one call at a time; none comes after this function returned.
    Returns True when every task ended.
    """
    pool: _Pool[Key, Result] = _Pool(iter(tasks), on_done, cancel)
    pool.running = max(1, workers)
    for number in range(pool.running):
        threading.Thread(target=pool.work, name=f"{name}-{number}", daemon=True).start()
    try:
        while not pool.finished.wait(min(POLL, max(0.0, deadline_at - clock()))):
            if clock() >= deadline_at:
                cancel.set()
                break
    except BaseException:
        cancel.set()
        raise
    finally:
        with pool.lock:
            pool.closed = True
    if pool.crashed:
        raise pool.crashed[0]
    return pool.finished.is_set()
