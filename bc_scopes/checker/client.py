"""The only code that talks to BigCommerce: headers, rate limit, retries, safety.

Rules it enforces whatever the caller asks:

- GET, POST and PUT only. DELETE is refused before anything is sent.
- Redirects are never followed (following could carry the token elsewhere); a
  3xx is reported as an answer like any other.
- Any non-GET answered 2xx or 3xx means a probe that was built to fail may
  have succeeded (a 303 See Other is the usual answer to a successful POST):
  `SafetyStop` is raised and the run's `RunGuard` stops the whole run (every
  store of a check-many batch), even when the body of that answer was cut off
  (the status line is proof enough). Every request checks the stop after it
  has its in-flight slot and before it is sent (workers.py).
- The one POST that reads: exactly /graphql with a fixed query that
  `probe_safety.graphql_read_problem` accepts (never a mutation). Its 2xx is data, not
  a write; a 3xx still stops the run. Any other path must start /v2/ or /v3/.
- A non-GET is sent at most once, whatever comes back (5xx, 429, a timeout):
  a write that may have been processed is never repeated.
- The store's quota is shared with every app on the store (150 requests per
  30 s on Standard and Plus). `RateGate` (rate_gate.py) pauses every worker on
  a 429 and lets one pilot request test the water before the pool reopens.
- For GET only, 5xx answers are retried with backoff, and so are timeouts,
  connection errors and answers cut off mid-body.
- At most `max_requests` requests leave, retries included.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlsplit

import requests
import urllib3

from bc_scopes import __version__
from bc_scopes.checker.evidence import SafetyEvent
from bc_scopes.checker.hooks import CheckHooks
from bc_scopes.checker.inputs import is_loopback_host
from bc_scopes.checker.options import RetryPolicy
from bc_scopes.checker.rate_gate import RateGate, Turn
from bc_scopes.checker.secrets import Secret
from bc_scopes.checker.workers import Cancelled, CancelScope, RunGuard
from bc_scopes.probe_safety import GRAPHQL_PATH, graphql_read_problem

USER_AGENT = f"bc-scopes/{__version__}"
PILOT_PATH = "/v2/time"  # needs no scope (recorded: 200 for a token holding only Store Logs)
ALLOWED_METHODS = frozenset({"GET", "POST", "PUT"})
RATE_HEADERS = (
    "X-Rate-Limit-Time-Window-Ms",
    "X-Rate-Limit-Time-Reset-Ms",
    "X-Rate-Limit-Requests-Quota",
    "X-Rate-Limit-Requests-Left",
    "X-Retry-After",
)


class SafetyStop(Exception):
    """A write probe was accepted. The run must stop at once."""

    def __init__(self, method: str, path: str, status: int) -> None:
        super().__init__(f"{method} {path} was answered {status}")
        self.method, self.path, self.status = method, path, status


__all__ = ["Answer", "BigCommerceClient", "Cancelled", "SafetyStop"]


@dataclass(frozen=True)
class Answer:
    """What came back for one logical request, after retries."""

    method: str
    path: str
    status: int | None
    payload: Any = None
    json_ok: bool = True
    headers: dict[str, str] = field(default_factory=dict)
    failure: str | None = None  # transport: timeout, connection, broken, rate-limited, budget
    attempts: int = 1


def leaves_the_store(path: str) -> bool:
    """True when a path could resolve outside /stores/{hash}/: a . or .. segment.

    requests (and servers) resolve `/v3/../../x` to `/x`, and `%2e%2e` is a
    dot-dot too once decoded, so every segment is decoded until it stops changing.
    A backslash is refused as well: some servers read it as a slash.
    """
    if "\\" in path:
        return True
    for segment in path.split("?", 1)[0].split("/"):
        decoded, previous = segment, None
        while decoded != previous:
            previous, decoded = decoded, unquote(decoded)
        if decoded in (".", "..") or "/" in decoded or "\\" in decoded:
            return True
    return False


def _check_base_url(base_url: str) -> None:
    parts = urlsplit(base_url)
    loopback = is_loopback_host(parts.hostname or "")
    if parts.scheme == "https" or (parts.scheme == "http" and loopback):
        return
    raise ValueError("the API URL must be https (plain http only on loopback)")


class BigCommerceClient:
    """Sends requests below /stores/{hash}; safe to share between worker threads."""

    def __init__(
        self,
        store_base_url: str,
        token: Secret,
        policy: RetryPolicy | None = None,
        concurrency: int = 1,
        cancel: CancelScope | None = None,
        hooks: CheckHooks | None = None,
        store_hash: str = "",
    ) -> None:
        _check_base_url(store_base_url)
        hooks = hooks or CheckHooks()
        # The run's safety stop and in-flight cap (check-many shares one over all stores).
        self._guard = hooks.guard if hooks.guard is not None else RunGuard()
        self._on_request = hooks.on_request
        self._clock = hooks.clock
        self._store_hash = store_hash
        self._base = store_base_url.rstrip("/")
        # Proxy and CA settings from the environment apply to the real API, never to loopback.
        self._trust_env = not is_loopback_host(urlsplit(self._base).hostname or "")
        self._token = token
        self.policy = policy or RetryPolicy()
        # This store's scope: set by the run (a safety stop anywhere, Ctrl-C), by the
        # store's deadline, or when its report is final. Nothing is sent after it.
        self.cancelled = cancel if cancel is not None else self._guard.root.child()
        self._gate = RateGate(
            self.policy, concurrency, self.cancelled, hooks.on_wait, clock=hooks.clock
        )
        self._local = threading.local()
        self._sessions: list[requests.Session] = []
        self._lock = threading.Lock()
        self._sent = 0
        self.safety_stop: SafetyEvent | None = None

    @property
    def requests_sent(self) -> int:
        with self._lock:
            return self._sent

    def _session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            session.trust_env = self._trust_env
            session.headers.clear()
            self._local.session = session
            with self._lock:
                self._sessions.append(session)
        return session

    def _take_budget(self) -> bool:
        with self._lock:
            if self._sent >= self.policy.max_requests:
                return False
            self._sent += 1
            return True

    def close(self) -> None:
        """Close every worker thread's connections."""
        with self._lock:
            sessions, self._sessions = self._sessions, []
        for session in sessions:
            session.close()

    def send(self, method: str, path: str, body: Any = None) -> Answer:
        """Send one request (GETs with retries) and return what came back.

        Raises SafetyStop when a write is answered 2xx or 3xx, Cancelled after a stop.
        """
        if method not in ALLOWED_METHODS:
            raise ValueError(f"bc-scopes never sends {method} requests")
        # The one POST that reads: a fixed GraphQL query, checked here as in the model.
        read_query = path == GRAPHQL_PATH
        if read_query and (problem := graphql_read_problem(method, body)):
            raise ValueError(problem)
        if not read_query and not path.startswith(("/v2/", "/v3/")):
            raise ValueError("probe paths start with /v2/ or /v3/, or are exactly /graphql")
        if leaves_the_store(path):
            raise ValueError("probe paths may not hold . or .. segments, encoded or not")
        server_errors = transport_errors = attempts = 0
        while True:
            turn = self._gate.acquire()
            if turn is None:
                if self.cancelled.is_set():
                    raise Cancelled()
                return Answer(method, path, None, failure="rate-limited", attempts=attempts)
            if turn is Turn.PILOT and method != "GET":
                # A write is never the request that tests the water: it could not be sent
                # again if it were answered 429. The scope-free preflight goes instead.
                self._exchange("GET", PILOT_PATH, None, turn)
                continue
            if not self._take_budget():
                self._gate.release(turn, None, {})
                # Spent on waiting out 429s: the store's quota is what ran out.
                failure = "rate-limited" if self._gate.limited else "budget"
                return Answer(method, path, None, failure=failure, attempts=attempts)
            attempts += 1
            answer = self._exchange(method, path, body, turn, attempts, read_query)
            if method != "GET":
                return answer
            if answer.status == 429:
                continue
            if answer.status is not None and answer.status >= 500:
                if server_errors >= self.policy.retries:
                    return answer
                self._pause(self.policy.backoff * 2**server_errors)
                server_errors += 1
                continue
            if answer.failure in ("timeout", "connection", "broken"):
                if transport_errors >= self.policy.retries:
                    return answer
                self._pause(self.policy.backoff * 2**transport_errors)
                transport_errors += 1
                continue
            return answer

    def _exchange(
        self, method: str, path: str, body: Any, turn: Turn, attempts: int = 1,
        read_query: bool = False,
    ) -> Answer:
        """One request in one of the run's in-flight slots, sent only if nothing stopped.

        The slot is held until the answer is read, so an accepted write has stopped
        the run before its slot can let another request out.
        """
        try:
            with self._guard.request_slot(self.cancelled, self._on_request):
                return self._exchange_now(method, path, body, turn, attempts, read_query)
        except Cancelled:
            self._gate.release(turn, None, {})
            raise

    def _exchange_now(
        self, method: str, path: str, body: Any, turn: Turn, attempts: int = 1,
        read_query: bool = False,
    ) -> Answer:
        """One request on the wire and its answer; the gate hears how it went."""
        headers = {
            "X-Auth-Token": self._token.header_value(),  # redacted repr: safe in tracebacks
            "Accept": "application/json",
            "User-Agent": USER_AGENT,
        }
        data = None
        if method != "GET":
            headers["Content-Type"] = "application/json"
            data = json.dumps({} if body is None else body).encode("utf-8")
        try:
            response = self._session().request(
                method,
                self._base + path,
                headers=headers,
                data=data,
                timeout=(self.policy.connect_timeout, self.policy.read_timeout),
                allow_redirects=False,
                stream=True,  # the status counts even when the body never fully arrives
            )
        except requests.Timeout:
            self._gate.release(turn, None, {})
            return Answer(method, path, None, failure="timeout", attempts=attempts)
        except requests.ConnectionError:
            self._gate.release(turn, None, {})
            return Answer(method, path, None, failure="connection", attempts=attempts)
        except requests.RequestException:
            self._gate.release(turn, None, {})
            return Answer(method, path, None, failure="broken", attempts=attempts)
        # A read-only query answered 2xx read data; its 3xx still stops the run.
        answered_a_read = read_query and 200 <= response.status_code < 300
        if method != "GET" and not answered_a_read and 200 <= response.status_code < 400:
            # Before anything else, even reading the body: the whole run stops now.
            event = SafetyEvent(method, path, response.status_code, self._store_hash)
            self._guard.record_safety_stop(event)
            with self._lock:
                self.safety_stop = self.safety_stop or event
            response.close()
            self._gate.release(turn, response.status_code, response.headers)
            raise SafetyStop(method, path, response.status_code)
        content, cut_off = _drain(
            response, self._clock() + self.policy.request_deadline, self.policy.max_body_bytes,
            self._clock,
        )
        self._gate.release(turn, response.status_code, response.headers)
        if content is None:
            return Answer(method, path, None, failure=cut_off or "broken", attempts=attempts)
        return self._read(method, path, response, content, attempts)

    def _pause(self, seconds: float) -> None:
        self.cancelled.wait(seconds)

    @staticmethod
    def _read(
        method: str, path: str, response: requests.Response, content: bytes, attempts: int
    ) -> Answer:
        kept = {name: response.headers[name] for name in RATE_HEADERS if name in response.headers}
        for name in ("Content-Type", "Location"):
            if name in response.headers:
                kept[name] = response.headers[name]
        payload: Any = None
        json_ok = True
        if content.strip():
            try:
                payload = json.loads(content)
            except (ValueError, RecursionError):  # RecursionError: absurdly nested JSON
                json_ok = False
        elif response.status_code != 204:
            json_ok = False
        return Answer(method, path, response.status_code, payload, json_ok, kept, None, attempts)


def _drain(
    response: requests.Response, deadline_at: float, max_bytes: int,
    clock: Callable[[], float] = time.monotonic,
) -> tuple[bytes | None, str | None]:
    """The whole body, or (None, why): cut off, too slow, too large, or undecodable.

    Read in chunks as they arrive (`read1`), so a slow drip meets the wall-clock
    deadline and an endless body or a gzip bomb is dropped at `max_bytes`,
    counted after decompression.
    """
    chunks: list[bytes] = []
    size = 0
    try:
        while True:
            if clock() > deadline_at:
                return None, "deadline"
            chunk = response.raw.read1(64 * 1024, decode_content=True)
            if not chunk:
                return b"".join(chunks), None
            size += len(chunk)
            if size > max_bytes:
                return None, "too-large"
            chunks.append(chunk)
    except MemoryError:
        return None, "too-large"
    except (requests.RequestException, urllib3.exceptions.HTTPError, OSError, ValueError):
        return None, None
    finally:
        response.close()
