"""`bc-scopes check-many`: many stores through the one pool, each result streamed as it ends.

Every promise of a single check holds for the whole batch, because the stores
share one `RunGuard` (workers.py) and one `Redactor`:

- one accepted write, in any store, stops every store at once (exit 5), and
  the stores not yet checked are named;
- at most `max_in_flight` requests are on the wire over all stores, and a store
  that reaches its own deadline gives its slots back at once;
- every store's outputs are cleaned of every token of the run, so a server that
  echoes store A's token in store B's errors cannot leak it;
- a store hash listed twice is checked once (the same token) or one token after
  the other (different tokens), never twice at once against the same quota.

Each store's outcome goes to the `BatchSink` the moment it ends and is then
dropped: memory stays flat however many stores the file lists.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace

from bc_scopes import exitcodes
from bc_scopes.checker.batch_results import (
    BatchSink,
    BatchSummary,
    StoreOutcome,
    worst_exit_code,
)
from bc_scopes.checker.check import check
from bc_scopes.checker.credentials_file import CredentialsFileError, read_credentials_file
from bc_scopes.checker.hooks import CheckHooks
from bc_scopes.checker.inputs import CheckInputs, InputError, clean_secret
from bc_scopes.checker.options import CheckOptions
from bc_scopes.checker.redact import Redactor
from bc_scopes.checker.report import Report
from bc_scopes.checker.secrets import Secret
from bc_scopes.checker.stores_file import StoreEntry
from bc_scopes.checker.workers import RunGuard, run_tasks
from bc_scopes.model import ScopeTable


@dataclass(frozen=True)
class BatchLimits:
    """How big and how long a batch may get (flags of check-many, see options.py)."""

    max_in_flight: int = 32
    run_deadline: float | None = None  # seconds for the whole run; None: no limit


def plan(max_in_flight: int, concurrency: int) -> tuple[int, int]:
    """(stores at once, each store's concurrency).

    As many stores run at once as there are in-flight slots, so the slots stay
    busy while some stores wait out their own rate-limit pauses.
    """
    return max(1, max_in_flight), max(1, min(concurrency, max_in_flight))


def store_token(entry: StoreEntry, environ: Mapping[str, str]) -> Secret:
    """One store's token: from its credentials file when the row names one, else its variable."""
    if entry.credentials_file:
        try:
            return read_credentials_file(entry.credentials_file).access_token
        except CredentialsFileError as error:
            raise InputError(f"{error}. Nothing was sent to this store") from None
    raw = environ.get(entry.token_env)
    if raw is None or not raw.strip():
        raise InputError(
            f"{entry.token_env} is not set or empty; set it to this store's Access Token. "
            "Nothing was sent to this store"
        )
    token = clean_secret(raw, f"access token ({entry.token_env})")
    if entry.store_hash == token.reveal().lower():
        raise InputError(f"{entry.token_env} holds the store hash, not the Access Token. "
                         "Nothing was sent to this store")
    return token


def store_inputs(entry: StoreEntry, api_url: str, environ: Mapping[str, str]) -> CheckInputs:
    """One store's inputs: its token comes from the variable its row names."""
    return CheckInputs(
        store_hash=entry.store_hash, api_url=api_url, access_token=store_token(entry, environ)
    )


def _run_redactor(entries: Sequence[StoreEntry], environ: Mapping[str, str]) -> Redactor:
    """Every token of the run: a store's outputs never show another store's token."""
    tokens: list[Secret] = []
    for entry in entries:
        try:
            tokens.append(store_token(entry, environ))
        except InputError:
            continue  # that store sends nothing; its row says why
    return Redactor(tokens)


def _groups(entries: Sequence[StoreEntry]) -> list[list[StoreEntry]]:
    """Rows by store hash, in the file's order: one task per store."""
    by_hash: dict[str, list[StoreEntry]] = {}
    for entry in entries:
        by_hash.setdefault(entry.store_hash, []).append(entry)
    return list(by_hash.values())


def _duplicate_warning(group: Sequence[StoreEntry]) -> str | None:
    if len(group) < 2:
        return None
    lines = ", ".join(str(entry.line) for entry in group)
    return (f"lines {lines} name the same store ({group[0].store_hash}); it was checked once "
            "per token, never twice at once")


@dataclass
class _Batch:
    table: ScopeTable
    api_url: str
    options: CheckOptions
    hooks: CheckHooks
    environ: Mapping[str, str]
    guard: RunGuard
    checker: Callable[..., Report]
    started: set[int] = field(default_factory=set)

    def check_group(self, group: Sequence[StoreEntry]) -> list[StoreOutcome]:
        """Every row naming one store: one check per distinct token, one after the other."""
        warning = _duplicate_warning(group)
        outcomes: list[StoreOutcome] = []
        by_token: dict[str, StoreOutcome] = {}
        for entry in group:
            try:
                token = store_token(entry, self.environ)
            except InputError as error:
                outcomes.append(StoreOutcome(entry, error=str(error), sent_nothing=True,
                                             warning=warning))
                continue
            known = by_token.get(token.reveal())
            if known is not None:
                outcomes.append(replace(known, entry=entry))
                continue
            outcome = self.check_one(entry, token)
            outcome.warning = warning
            by_token[token.reveal()] = outcome
            outcomes.append(outcome)
        return outcomes

    def check_one(self, entry: StoreEntry, token: Secret) -> StoreOutcome:
        if self.guard.root.is_set():
            return self.not_checked(entry)
        self.started.add(entry.line)
        inputs = CheckInputs(store_hash=entry.store_hash, api_url=self.api_url,
                             access_token=token)
        began = self.hooks.clock()
        try:
            report = self.checker(self.table, inputs, self.options, self.hooks)
        except Exception as error:  # noqa: BLE001 - one store's crash must not stop the others
            # Only the type: the text of an exception could hold anything.
            return StoreOutcome(
                entry, error=f"the check stopped on an internal error ({type(error).__name__}); "
                "please report it", error_code=exitcodes.INCOMPLETE,
                seconds=self.hooks.clock() - began,
            )
        return StoreOutcome(entry, report=report, seconds=self.hooks.clock() - began)

    def not_checked(self, entry: StoreEntry) -> StoreOutcome:
        """A store the run never reached or never finished: a safety stop or the run's deadline."""
        stop = self.guard.safety_stop
        began = entry.line in self.started
        what = "stopped mid-check" if began else "not checked"
        why = (f"{what}: the run stopped for safety (store {stop.store_hash})"
               if stop is not None else f"{what}: the run's deadline (--run-deadline) came first")
        return StoreOutcome(entry, error=why, error_code=exitcodes.INCOMPLETE,
                            sent_nothing=not began)


def run_batch(
    table: ScopeTable,
    entries: Sequence[StoreEntry],
    api_url: str,
    options: CheckOptions,
    environ: Mapping[str, str],
    sink: BatchSink,
    *,
    limits: BatchLimits | None = None,
    hooks: CheckHooks | None = None,
    checker: Callable[..., Report] = check,
) -> BatchSummary:
    """Check every store through the one pool; hand each outcome to `sink` as it ends.

    On Ctrl-C (KeyboardInterrupt in the calling thread) the run's root scope is
    set, so no request leaves for any store after it, and the interrupt is
    raised again.
    """
    limits = limits or BatchLimits()
    hooks = hooks or CheckHooks()
    stores_at_once, per_store = plan(limits.max_in_flight, options.concurrency)
    guard = RunGuard(limits.max_in_flight)
    redactor = _run_redactor(entries, environ)
    batch = _Batch(
        table, api_url, replace(options, concurrency=per_store),
        replace(hooks, guard=guard, redactor=redactor), environ, guard, checker,
    )
    summary = BatchSummary(max_in_flight=limits.max_in_flight, concurrency=per_store)
    groups = _groups(entries)
    started_at = hooks.clock()
    deadline_at = started_at + (limits.run_deadline if limits.run_deadline else math.inf)
    finished: set[int] = set()

    def done(index: int, outcomes: list[StoreOutcome]) -> None:
        finished.add(index)
        for outcome in outcomes:
            summary.add(outcome)
            if outcome.report is not None:
                summary.requests_sent += outcome.report.requests_sent
            sink.store_done(outcome)

    tasks: Iterator[tuple[int, Callable[[], list[StoreOutcome]]]] = (
        (index, functools.partial(batch.check_group, group)) for index, group in enumerate(groups)
    )
    try:
        run_tasks(tasks, stores_at_once, guard.root, deadline_at, done, clock=hooks.clock,
                  name="store")
    finally:
        guard.root.set()  # whatever ended the pool, nothing more leaves for any store
    for index, group in enumerate(groups):
        if index not in finished:
            done(index, [batch.not_checked(entry) for entry in group])
    summary.safety_stop = guard.safety_stop
    summary.seconds = hooks.clock() - started_at
    return summary


__all__ = [
    "BatchLimits", "BatchSink", "BatchSummary", "StoreEntry", "StoreOutcome", "plan",
    "run_batch", "store_inputs", "store_token", "worst_exit_code",
]
