"""Faults the fake store can inject, so the checker's failure paths run for real.

Each fault matches some requests (by method and a path regex, optionally only
the first N of them) and changes what the store does: slower answers, 5xx
(or any status, with the title BigCommerce would not send), 429 storms with or
without reset headers, a socket that never answers, is reset before the answer
or in the middle of its body, broken JSON, an HTML error page, a redirect, or a
write that succeeds.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from enum import StrEnum


class FaultKind(StrEnum):
    LATENCY = "latency"  # wait `delay` seconds (or until the store stops), then answer
    STATUS = "status"  # answer `status` (e.g. 503) with a JSON error body titled `title`
    RATE_LIMIT = "rate_limit"  # answer 429, with reset headers unless reset_headers=False
    TIMEOUT = "timeout"  # never answer (until the store stops)
    RESET = "reset"  # close the connection without answering
    RESET_MID_BODY = "reset_mid_body"  # send the headers and half the body, then reset
    MALFORMED_JSON = "malformed_json"  # 200 with a body that is not JSON (or `body`)
    HTML = "html"  # `status` with an HTML error page
    REDIRECT = "redirect"  # 302 (or `status` when it is a 3xx) to `location`
    ACCEPT_WRITES = "accept_writes"  # a write that passes the scope check is answered 200
    SLOW_DRIP = "slow_drip"  # 200 whose body arrives one byte every `delay` seconds
    ENDLESS_BODY = "endless_body"  # 200 whose body never ends (zeros, until the client leaves)
    GZIP_BOMB = "gzip_bomb"  # 200, gzip-encoded, that inflates to 64 MiB
    ECHO_TOKEN = "echo_token"  # `status` whose title (a template) echoes the X-Auth-Token


@dataclass
class Fault:
    """One injected behaviour. `times=None` means every matching request."""

    kind: FaultKind
    path: str | None = None  # regex searched in the path below /stores/{hash}
    store_hash: str | None = None  # only this store's requests (one server serves many)
    method: str | None = None
    times: int | None = None
    status: int = 503
    delay: float = 0.0
    reset_headers: bool = True
    reset_ms: int = 50
    location: str = "https://example.invalid/elsewhere"
    # STATUS: the JSON body's title (default: the status phrase). ECHO_TOKEN: a template
    # with {token}, {reversed}, {head} and {tail} (the token's two halves).
    title: str | None = None
    body: bytes | None = None  # MALFORMED_JSON: the raw body to send instead
    headers: dict[str, str] = field(default_factory=dict)  # extra headers on raw answers
    _used: int = field(default=0, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def take(self, method: str, path: str, full_path: str = "") -> bool:
        """True (and counted) when this fault applies to the request."""
        if self.method is not None and self.method != method:
            return False
        if self.store_hash is not None and not full_path.startswith(
            f"/stores/{self.store_hash}/"
        ):
            return False
        if self.path is not None and not re.search(self.path, path):
            return False
        with self._lock:
            if self.times is not None and self._used >= self.times:
                return False
            self._used += 1
            return True

