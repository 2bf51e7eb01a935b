"""The rate gate on a fake clock: 429 storms, reserve pauses, pilots and the wait budget.

No test here sleeps: the gate takes the clock and the sleep function, and the
fake sleep moves the fake clock. So each case runs in milliseconds of real
time, and no assertion depends on how busy the machine is.
"""

from __future__ import annotations

import threading

import pytest

from bc_scopes.checker.options import RetryPolicy
from bc_scopes.checker.rate_gate import RateGate, Turn

POLICY = RetryPolicy(rate_limit_fallback=2.0, rate_limit_wait_cap=30.0, total_wait_cap=120.0,
                     reserve=10)


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0
        self.slept = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds
        self.slept += seconds


def gate(clock: FakeClock, policy: RetryPolicy = POLICY, concurrency: int = 4,
         waits: list[float] | None = None) -> RateGate:
    return RateGate(policy, concurrency, threading.Event(),
                    None if waits is None else waits.append, clock=clock, sleep=clock.sleep)


def reset_after(ms: int) -> dict[str, str]:
    return {"X-Rate-Limit-Time-Reset-Ms": str(ms)}


def test_a_429_pauses_everyone_for_its_reset_then_one_pilot_goes_first() -> None:
    clock = FakeClock()
    waits: list[float] = []
    rate = gate(clock, waits=waits)
    assert rate.acquire() is Turn.NORMAL
    rate.release(Turn.NORMAL, 429, reset_after(5000))
    assert waits == [5.0]
    assert rate.acquire() is Turn.PILOT
    assert clock.now - 1000.0 == pytest.approx(5.0, abs=0.11)


def test_a_pilot_answered_429_starts_a_new_pause_and_stays_the_only_request() -> None:
    clock = FakeClock()
    rate = gate(clock)
    rate.release(Turn.NORMAL, 429, reset_after(1000))
    pilot = rate.acquire()
    assert pilot is Turn.PILOT
    rate.release(pilot, 429, reset_after(1000))
    # Never two 429'd requests in a row without a reset wait: the next is a pilot again.
    before = clock.now
    assert rate.acquire() is Turn.PILOT
    assert clock.now - before == pytest.approx(1.0, abs=0.11)
    rate.release(Turn.PILOT, 200, {})
    assert rate.acquire() is Turn.NORMAL


def test_x_retry_after_wins_when_longer_and_one_window_caps_every_pause() -> None:
    rate = gate(FakeClock())
    assert rate.wait_after_429({"X-Retry-After": "7", **reset_after(3000)}) == 7.0
    assert rate.wait_after_429(reset_after(90_000)) == POLICY.rate_limit_wait_cap
    assert rate.wait_after_429({}) == POLICY.rate_limit_fallback


def test_a_quota_inside_the_reserve_pauses_everyone_until_the_reset() -> None:
    clock = FakeClock()
    rate = gate(clock, concurrency=4)
    # Reserve 10 plus 4 workers: 13 left is inside it, 14 is not.
    rate.release(Turn.NORMAL, 200, {"X-Rate-Limit-Requests-Left": "14", **reset_after(4000)})
    assert rate.acquire() is Turn.NORMAL and clock.slept == 0
    rate.release(Turn.NORMAL, 200, {"X-Rate-Limit-Requests-Left": "13", **reset_after(4000)})
    assert rate.acquire() is Turn.NORMAL
    assert clock.slept == pytest.approx(4.0, abs=0.11)


def test_the_wait_budget_ends_waiting_and_later_requests_fail_at_once() -> None:
    clock = FakeClock()
    policy = RetryPolicy(rate_limit_wait_cap=30.0, total_wait_cap=60.0)
    rate = gate(clock, policy)
    turn = rate.acquire()
    for _ in range(2):  # two full windows: exactly the budget
        assert turn is not None
        rate.release(turn, 429, reset_after(30_000))
        turn = rate.acquire()
        assert turn is Turn.PILOT
    assert rate.waited == pytest.approx(60.0)
    rate.release(Turn.PILOT, 429, reset_after(30_000))  # a third pause would pass the budget
    assert rate.exhausted and rate.acquire() is None
    assert clock.slept == pytest.approx(60.0, abs=0.25)


def test_overlapping_429s_from_many_workers_count_once_against_the_budget() -> None:
    clock = FakeClock()
    rate = gate(clock, concurrency=8)
    for _ in range(8):  # eight requests in flight all come back 429 at the same moment
        rate.release(Turn.NORMAL, 429, reset_after(2000))
    assert rate.waited == pytest.approx(2.0)


def test_a_cancelled_gate_lets_nobody_through() -> None:
    cancel = threading.Event()
    clock = FakeClock()
    rate = RateGate(POLICY, 2, cancel, clock=clock, sleep=clock.sleep)
    rate.release(Turn.NORMAL, 429, reset_after(10_000))
    cancel.set()
    assert rate.acquire() is None and clock.slept == 0
