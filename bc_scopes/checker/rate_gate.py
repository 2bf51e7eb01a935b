"""Rate-limit manners, as BigCommerce asks of integrations.

BigCommerce calls an integration abusive when it "does not handle 429 errors
responsively" and asks apps to avoid consecutive 429 responses
(docs/start/best-practices/integration-design.mdx:51). The store's quota is
shared by every app on the store. So, for the workers of one check:

- Before each request, a worker waits while `X-Rate-Limit-Requests-Left` is
  inside a reserve kept for other apps.
- On a 429 every worker pauses for the longer of `X-Retry-After` (seconds) and
  `X-Rate-Limit-Time-Reset-Ms` (docs/start/migration/4_errors.md:43), at most
  one 30 s window (api-rate-limits.mdx:19); without either header, a fallback.
- After a 429 pause one request goes first (the pilot). The pool opens again only
  when the pilot is not answered 429; a pilot answered 429 starts a new pause.
  So a run never sends two 429'd requests in a row without a reset wait.
- All pauses together are bounded by `total_wait_cap`; past it, waiting stops
  and the remaining requests fail as rate-limited.

Time is injected (`clock`, `sleep`): tests drive 429 storms, pauses and the
wait budget on a fake clock in milliseconds of real time.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from enum import Enum

from bc_scopes.checker.options import RetryPolicy

SHORTEST_PAUSE = 0.01  # never spin: even "reset now" waits a moment


class Turn(Enum):
    """How a worker may send: normally, or as the pilot after a 429 pause."""

    NORMAL = "normal"
    PILOT = "pilot"


def _number(headers: Mapping[str, str], name: str) -> float | None:
    for key, value in headers.items():
        if key.lower() == name.lower():
            try:
                return float(value)
            except (TypeError, ValueError):
                return None
    return None


class RateGate:
    """The shared pause of one check's workers. Thread-safe."""

    def __init__(
        self, policy: RetryPolicy, concurrency: int, cancel: threading.Event,
        on_wait: Callable[[float], None] | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        self._policy = policy
        self._clock = clock
        # None: wait on the condition, woken early by any answer. A test's sleep moves
        # its fake clock instead.
        self._sleep = sleep
        self._threshold = policy.reserve + concurrency
        self._cancel = cancel
        self._on_wait = on_wait
        self._condition = threading.Condition()
        self._resume_at = 0.0
        self._waited = 0.0  # wall-clock pause time, counted once however many workers wait
        self._pilot_needed = False
        self._pilot_flying = False
        self._exhausted = False
        self._saw_429 = False

    @property
    def exhausted(self) -> bool:
        """True once the total wait budget is spent."""
        with self._condition:
            return self._exhausted

    def acquire(self) -> Turn | None:
        """Wait until this worker may send. None: cancelled, or the wait budget is spent."""
        with self._condition:
            while True:
                if self._cancel.is_set() or self._exhausted:
                    return None
                delay = self._resume_at - self._clock()
                if delay > 0:
                    self._hold(min(delay, 0.1))
                    continue
                if self._pilot_needed:
                    if self._pilot_flying:
                        self._hold(0.1)
                        continue
                    self._pilot_flying = True
                    return Turn.PILOT
                return Turn.NORMAL

    def _hold(self, seconds: float) -> None:
        """Wait `seconds` with the lock released (the lock is held on entry and on exit)."""
        if self._sleep is None:
            self._condition.wait(seconds)
            return
        self._condition.release()
        try:
            self._sleep(seconds)
        finally:
            self._condition.acquire()

    @property
    def limited(self) -> bool:
        """True once a 429 has come back: the store's quota, not this check, is the limit."""
        with self._condition:
            return self._pilot_needed or self._saw_429

    @property
    def waited(self) -> float:
        """Pause time so far, counted once however many workers waited."""
        with self._condition:
            return self._waited

    def release(self, turn: Turn, status: int | None, headers: Mapping[str, str]) -> None:
        """Report the answer to a request sent with `turn`."""
        with self._condition:
            if status == 429:
                self._saw_429 = True
                self._pause(self.wait_after_429(headers))
                self._pilot_needed = True
            else:
                if turn is Turn.PILOT:
                    self._pilot_needed = False
                left = _number(headers, "X-Rate-Limit-Requests-Left")
                if left is not None and left < self._threshold:
                    self._pause(self._reset_wait(headers))
            if turn is Turn.PILOT:
                self._pilot_flying = False
            self._condition.notify_all()

    def wait_after_429(self, headers: Mapping[str, str]) -> float:
        """The longer of X-Retry-After and the reset time, capped at one window."""
        retry_after = _number(headers, "X-Retry-After")
        reset_ms = _number(headers, "X-Rate-Limit-Time-Reset-Ms")
        waits = [value for value in (retry_after, None if reset_ms is None else reset_ms / 1000)
                 if value is not None]
        seconds = max(waits) if waits else self._policy.rate_limit_fallback
        return min(max(seconds, SHORTEST_PAUSE), self._policy.rate_limit_wait_cap)

    def _reset_wait(self, headers: Mapping[str, str]) -> float:
        reset_ms = _number(headers, "X-Rate-Limit-Time-Reset-Ms")
        seconds = self._policy.rate_limit_fallback if reset_ms is None else reset_ms / 1000
        return min(max(seconds, SHORTEST_PAUSE), self._policy.rate_limit_wait_cap)

    def _pause(self, seconds: float) -> None:
        """Hold every worker for `seconds` from now (the lock is held)."""
        now = self._clock()
        resume_at = now + seconds
        if resume_at <= self._resume_at:
            return
        added = resume_at - max(self._resume_at, now)
        if self._waited + added > self._policy.total_wait_cap:
            self._exhausted = True
            return
        self._waited += added
        self._resume_at = resume_at
        if self._on_wait is not None:
            self._on_wait(resume_at - now)
