"""What a run hands a check besides the user's options: shared state and callbacks.

`CheckOptions` is what the user chose; `CheckHooks` is how the run around a
check takes part in it (pip-audit keeps `AuditOptions` apart from its state the
same way). check-many passes one `RunGuard` and one `Redactor` to every store,
so the safety stop, the in-flight cap and redaction hold for the whole batch.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from bc_scopes.checker.redact import Redactor
from bc_scopes.checker.workers import Clock, RunGuard


@dataclass(frozen=True)
class CheckHooks:
    """Runtime hooks of one check. The defaults suit a single `bc-scopes check`."""

    # Told the length of each rate-limit pause as it starts (a terminal shows a countdown).
    on_wait: Callable[[float], None] | None = None
    # Told of each request as it leaves (check-many's progress counts them).
    on_request: Callable[[], None] | None = None
    # The run's safety stop and in-flight cap; a check without one makes its own.
    guard: RunGuard | None = None
    # Every secret of the run (check-many: every store's token); else the store's own.
    redactor: Redactor | None = None
    # Time, injected so that tests drive pauses and deadlines without sleeping.
    clock: Clock = time.monotonic
    wait: Callable[[float], None] = time.sleep
