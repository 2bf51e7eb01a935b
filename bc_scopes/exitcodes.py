"""The checker's exit codes: one definition for --help, the report and the guide.

Kept free of heavy imports so that `bc-scopes --help` starts fast.
"""

from __future__ import annotations

from collections.abc import Iterable

OK = 0
FAILED = 1
BAD_INPUT = 2
REJECTED = 3
INCOMPLETE = 4
SAFETY_STOP = 5  # a write built to fail was accepted: the whole run stopped at once
INTERRUPTED = 130  # Ctrl-C: the shell's convention (128 + SIGINT)

MEANINGS: dict[int, str] = {
    OK: "every verifiable row is ok; excess rows are warnings",
    FAILED: "a row is missing, a must-stay-None row is held, or (under --strict) a row is excess",
    BAD_INPUT: "bad input (malformed store hash, empty token, unreadable file); nothing was sent",
    REJECTED: "credentials or store rejected (401, or a store hash the API does not know)",
    INCOMPLETE: "the check could not be completed (some row unknown and none missing)",
    SAFETY_STOP: "safety stop: a write built to fail was accepted, and the whole run stopped; "
    "look at that store's data for the named request before running anything again",
    INTERRUPTED: "interrupted (Ctrl-C); no request was sent after it",
}

# The worst first: a batch (check-many) ends with the first of these that any store has.
SEVERITY: tuple[int, ...] = (SAFETY_STOP, BAD_INPUT, REJECTED, FAILED, INCOMPLETE, OK)
SEVERITY_TEXT = " > ".join(str(code) for code in SEVERITY)


def worst(codes: Iterable[int]) -> int:
    """The worst of `codes` in SEVERITY's order; OK for none."""
    found = set(codes)
    return next((code for code in SEVERITY if code in found), OK)
