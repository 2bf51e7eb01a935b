"""What a check learnt, as plain values: no HTTP, no threads.

`probes.py` (which talks to the client) creates these; `verdicts.py` and
`report.py` read them. Keeping them apart means the pure half of the checker
can be imported, tested and rendered without loading requests.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import StrEnum

from bc_scopes import exitcodes
from bc_scopes.model import Probe


class Outcome(StrEnum):
    """How one answer was read: past the scope check, stopped by it, or no evidence."""

    GRANTED = "granted"
    DENIED = "denied"
    FAILED = "failed"


ProbeKey = tuple[str, str, str]


def probe_key(probe: Probe) -> ProbeKey:
    """Probes with the same request share one answer."""
    body = "" if probe.body is None else json.dumps(probe.body, sort_keys=True)
    return probe.method, probe.path, body


@dataclass(frozen=True)
class ProbeResult:
    """The classified answer to one probe request."""

    method: str
    path: str
    outcome: Outcome
    status: int | None
    failure: str | None = None  # why a FAILED probe failed, e.g. "server-error"
    detail: str = ""  # one line for people, never holding a secret


@dataclass(frozen=True)
class Preflight:
    """Whether the token and store hash work at all."""

    ok: bool
    status: int | None
    anchor: str | None = None  # troubleshooting anchor when not ok
    message: str = ""
    exit_code: int = exitcodes.OK


@dataclass(frozen=True)
class SafetyEvent:
    """A write built to fail that was accepted: which store, which request, which answer."""

    method: str
    path: str
    status: int
    store_hash: str = ""


@dataclass
class CheckRun:
    """Everything one store's check learnt; the verdicts are computed from it."""

    preflight: Preflight
    results: dict[ProbeKey, ProbeResult] = field(default_factory=dict)
    safety_stop: SafetyEvent | None = None
    requests_sent: int = 0
