"""A loopback HTTP server that behaves like BigCommerce's REST API for one store.

It checks, in BigCommerce's order: rate limit, token (401), store hash (404,
or 403 with the scope body as reported in the field), route (404/405), scope
(403 "You don't have a required scope…"), body validation (400 on v2, 422 on
v3), ids that cannot exist (404); then answers like an empty store. It records
every request and flags any that would have changed data: a write answered
2xx, and every DELETE whatever the answer. Tests configure it per scenario
with the scopes each token holds and with faults (see `faults.py`).
"""

from __future__ import annotations

import functools
import socket
import struct
import threading
import time
import zlib
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from bc_scopes.fakestore import graphql, responses
from bc_scopes.fakestore.faults import Fault, FaultKind
from bc_scopes.fakestore.readings import METAFIELDS_ACCESS_SCOPES, Reading
from bc_scopes.fakestore.routes import Route, RouteTable, default_route_table

SECRET_HEADERS = frozenset({"x-auth-token", "x-auth-client", "authorization"})
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass
class RecordedRequest:
    """What arrived, minus credentials (the token's presence is kept as a flag)."""

    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes
    had_token: bool
    status: int | None = None
    mutation: bool = False
    # time.monotonic() on arrival: system-wide on Linux, so a benchmark can compare it
    # with the moment it started the checker's process.
    received_at: float = field(default_factory=time.monotonic)

    @property
    def api_path(self) -> str:
        """The path below /stores/{hash}."""
        parts = self.path.split("/", 3)
        return "/" + parts[3] if len(parts) > 3 and parts[1] == "stores" else self.path


@dataclass
class RateWindow:
    """BigCommerce's per-store quota: `quota` requests per `window_ms`, shared by all apps."""

    quota: int = 10_000
    window_ms: int = 30_000
    started: float = field(default_factory=time.monotonic)
    used: int = 0

    def reset_ms(self) -> int:
        elapsed = (time.monotonic() - self.started) * 1000
        return max(0, int(self.window_ms - elapsed))

    def consume(self) -> bool:
        """Count one request; False when the quota is used up."""
        if self.reset_ms() == 0:
            self.started, self.used = time.monotonic(), 0
        if self.used >= self.quota:
            return False
        self.used += 1
        return True

    def headers(self) -> dict[str, str]:
        return {
            "X-Rate-Limit-Time-Window-Ms": str(self.window_ms),
            "X-Rate-Limit-Time-Reset-Ms": str(self.reset_ms()),
            "X-Rate-Limit-Requests-Quota": str(self.quota),
            "X-Rate-Limit-Requests-Left": str(max(0, self.quota - self.used)),
        }


class FakeStore:
    """A fake BigCommerce on 127.0.0.1: one API URL, one store by default.

    As on BigCommerce, one server can stand for many stores: a token granted with its
    own `store_hash` opens that store's path only. Use as a context manager, or
    start()/stop().
    """

    def __init__(
        self,
        store_hash: str = "x4k9m2q7",
        routes: RouteTable | None = None,
        unknown_store_status: int = 403,
        quota: int = 10_000,
        window_ms: int = 30_000,
        keep_records: bool = True,
    ) -> None:
        self.store_hash = store_hash
        self.keep_records = keep_records  # a benchmark of thousands of requests keeps none
        self.routes = routes or default_route_table()
        self.unknown_store_status = unknown_store_status
        self.rate = RateWindow(quota=quota, window_ms=window_ms)
        self.tokens: dict[str, frozenset[str]] = {}
        self.token_stores: dict[str, str] = {}  # the store hash each token belongs to
        self.faults: list[Fault] = []
        # (token, method, path with query) -> (status, title): answers replayed from a
        # recording of a real store (calibration/), which win over the route model.
        self.recorded: dict[tuple[str, str, str], tuple[int, str]] = {}
        # Stricter readings of the reference in force (see readings.py); none by default.
        self.readings: set[Reading] = set()
        self._requests: list[RecordedRequest] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # configuration -----------------------------------------------------------------
    def grant(
        self, token: str, scopes: set[str] | frozenset[str] | list[str],
        store_hash: str | None = None,
    ) -> None:
        """Make `token` valid for one store (this one by default), holding exactly `scopes`."""
        with self._lock:
            self.tokens[token] = frozenset(scopes)
            self.token_stores[token] = store_hash or self.store_hash

    def answer_from(self, token: str, answers: list[tuple[str, str, int, str]]) -> None:
        """Answer `token`'s requests as a real store did: (method, path, status, title)."""
        with self._lock:
            for method, path, status, title in answers:
                self.recorded[(token, method, path)] = (status, title)

    def add_fault(self, fault: Fault) -> Fault:
        with self._lock:
            self.faults.append(fault)
        return fault

    def set_quota(self, quota: int, window_ms: int = 30_000) -> None:
        with self._lock:
            self.rate = RateWindow(quota=quota, window_ms=window_ms)

    def reset(self) -> None:
        """Forget tokens, faults, records and quota use (between tests)."""
        with self._lock:
            self.tokens.clear()
            self.token_stores.clear()
            self.faults.clear()
            self._requests.clear()
            self.unknown_store_status = 403
            self.rate = RateWindow()
            self.recorded.clear()
            self.readings.clear()

    # records ---------------------------------------------------------------------------
    @property
    def requests(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._requests)

    @property
    def mutations(self) -> list[RecordedRequest]:
        return [request for request in self.requests if request.mutation]

    def _record(self, request: RecordedRequest) -> None:
        if not self.keep_records:
            return
        with self._lock:
            self._requests.append(request)

    # lifecycle -----------------------------------------------------------------------
    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("the fake store is not running")
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> FakeStore:
        handler = type("BoundHandler", (_Handler,), {"store": self})
        self._stopping.clear()
        self._server = _QuietServer(("127.0.0.1", 0), handler)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # releases handlers held by a TIMEOUT fault
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeStore:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # request handling ------------------------------------------------------------------
    def _faults_for(self, method: str, api_path: str, full_path: str = "") -> list[Fault]:
        with self._lock:
            faults = list(self.faults)
        return [fault for fault in faults if fault.take(method, api_path, full_path)]

    def _scopes_of(self, token: str | None) -> frozenset[str] | None:
        with self._lock:
            return self.tokens.get(token) if token else None

    def _consume_quota(self) -> tuple[bool, dict[str, str]]:
        with self._lock:
            allowed = self.rate.consume()
            return allowed, self.rate.headers()

    def decide(
        self, method: str, path: str, token: str | None, body: bytes, accept_writes: bool
    ) -> tuple[int, Any]:
        """The status and JSON payload BigCommerce would give (pure apart from config reads)."""
        scopes = self._scopes_of(token)
        if scopes is None:
            return 401, responses.unauthorized()
        parts = path.split("/", 3)
        if len(parts) < 4 or parts[1] != "stores":
            return 404, responses.not_found()
        with self._lock:
            own_store = self.token_stores.get(token or "", self.store_hash)
        if parts[2] != own_store:
            if self.unknown_store_status == 403:
                return 403, responses.missing_scope()
            return self.unknown_store_status, responses.not_found()
        api_path = "/" + parts[3]
        if api_path == "/graphql" and method == "POST":
            status, payload, _writes = graphql.answer(body, scopes)
            return status, payload
        route = self.routes.match(method, api_path)
        if route is None:
            if self.routes.path_exists(api_path):
                return 405, responses.problem(405, "Method Not Allowed")
            return 404, responses.not_found()
        if not self._opens(route, scopes):
            return 403, responses.missing_scope()
        strict = Reading.EVERY_ID_EXISTS_PARTIAL_UPDATES in self.readings
        if method in ("POST", "PUT", "PATCH"):
            problems = responses.validation_problems(
                route.body, body, partial=strict and method == "PUT", ids_exist=strict,
                values_unchecked=route.version == "v2"
                and Reading.V2_VALUES_UNCHECKED in self.readings,
            )
            if problems and not accept_writes:
                return responses.refuse_body(route, problems)
        absent = set(route.parameters(api_path).values()) & responses.ABSENT_IDS
        if not accept_writes and not strict and absent:
            return 404, responses.not_found()
        return responses.success(route)

    def _opens(self, route: Route, scopes: frozenset[str]) -> bool:
        """The route's scope check, under the readings in force."""
        if route.opened_by(scopes):
            return True
        readings = self.readings
        if Reading.V2_STORE_NEEDS_NO_SCOPE in readings and (route.method, route.path) == (
            "GET", "/v2/store"
        ):
            return True
        return (
            Reading.METAFIELDS_ACCESS_OPENS_METAFIELD_ROUTES in readings
            and "metafields" in route.segments
            and bool(scopes & METAFIELDS_ACCESS_SCOPES)
        )


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Dropped connections are part of the tests; don't print tracebacks."""


class _Handler(BaseHTTPRequestHandler):
    store: FakeStore
    protocol_version = "HTTP/1.1"
    server_version = "FakeBigCommerce/1"
    # One write per answer and no Nagle delay: otherwise keep-alive requests
    # wait ~40 ms for a delayed ACK and the benchmark measures TCP, not the checker.
    wbufsize = 64 * 1024
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib name
        """Silent: the store keeps its own records."""

    def do_GET(self) -> None:  # noqa: N802 - stdlib naming
        self._handle()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_GET

    def _handle(self) -> None:
        store = self.store
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        split = urlsplit(self.path)
        token = self.headers.get("X-Auth-Token")
        record = RecordedRequest(
            method=self.command,
            path=split.path,
            query=split.query,
            headers={k: v for k, v in self.headers.items() if k.lower() not in SECRET_HEADERS},
            body=body,
            had_token=token is not None,
            mutation=self.command == "DELETE",
        )
        store._record(record)
        faults = store._faults_for(self.command, record.api_path, record.path)
        for fault in faults:
            if fault.kind is FaultKind.LATENCY:
                self.store._stopping.wait(fault.delay)  # cut short when the store stops
        accept_writes = any(fault.kind is FaultKind.ACCEPT_WRITES for fault in faults)
        acting = next(
            (f for f in faults if f.kind not in (FaultKind.LATENCY, FaultKind.ACCEPT_WRITES)), None
        )
        if acting is not None and acting.kind is FaultKind.ECHO_TOKEN:
            self._echo_token(acting, record, token or "")
            return
        if acting is not None and self._apply_fault(acting, record):
            return
        allowed, rate_headers = store._consume_quota()
        target = record.api_path + (f"?{split.query}" if split.query else "")
        recorded = store.recorded.get((token or "", self.command, target))
        if allowed and recorded is not None:
            status, title = recorded
            payload = (
                responses.success_payload(self.command, record.api_path)
                if 200 <= status < 300 else responses.problem(status, title)
            )
            self._send(record, status, payload, rate_headers)
            return
        if not allowed:
            self._send(record, 429, responses.problem(429, "Too many requests"), rate_headers)
            return
        accept = accept_writes and self.command in WRITE_METHODS
        status, payload = store.decide(self.command, split.path, token, body, accept)
        if self.command in WRITE_METHODS and 200 <= status < 300:
            # A GraphQL query is a read; a GraphQL mutation that got through is a change.
            record.mutation = record.api_path != "/graphql" or graphql.answer(
                body, frozenset(graphql.READ_SCOPES | graphql.WRITE_SCOPES))[2]
        self._send(record, status, payload, rate_headers)

    def _apply_fault(self, fault: Fault, record: RecordedRequest) -> bool:
        """Act out a fault; True when the request is fully handled."""
        kind = fault.kind
        if kind is FaultKind.TIMEOUT:
            self.store._stopping.wait()
            self.close_connection = True
            return True
        if kind is FaultKind.RESET:
            self._reset()
            return True
        if kind is FaultKind.RESET_MID_BODY:
            body = responses.encode(responses.problem(200, "half of this never arrives"))
            record.status = 200
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self._reset()
            return True
        if kind is FaultKind.RATE_LIMIT:
            headers = self.store.rate.headers()
            if fault.reset_headers:
                headers["X-Rate-Limit-Time-Reset-Ms"] = str(fault.reset_ms)
                headers["X-Rate-Limit-Requests-Left"] = "0"
            else:
                headers = {}
            headers.update(fault.headers)  # e.g. X-Retry-After
            self._send(record, 429, responses.problem(429, "Too many requests"), headers)
            return True
        if kind is FaultKind.STATUS:
            title = fault.title or _phrase(fault.status)
            self._send(record, fault.status, responses.problem(fault.status, title))
            return True
        extra = {**self.store.rate.headers(), **fault.headers}
        if kind is FaultKind.MALFORMED_JSON:
            body = b'{"data": [' if fault.body is None else fault.body
            self._send_raw(record, 200, body, "application/json", extra)
            return True
        if kind is FaultKind.HTML:
            page = b"<html><body><h1>Bad gateway</h1></body></html>"
            self._send_raw(record, fault.status, page, "text/html", extra)
            return True
        if kind is FaultKind.SLOW_DRIP:
            body = responses.encode({"data": [], "meta": {}})
            self._start_raw(record, 200, len(body), extra)
            for byte in body:
                if self.store._stopping.wait(fault.delay):
                    break
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
            self.close_connection = True
            return True
        if kind is FaultKind.ENDLESS_BODY:
            self._start_raw(record, 200, 1 << 40, extra)
            block = b"0" * 65536
            try:
                while not self.store._stopping.is_set():
                    self.wfile.write(block)
            except OSError:
                pass
            self.close_connection = True
            return True
        if kind is FaultKind.GZIP_BOMB:
            bomb = _gzip_bomb()
            self._start_raw(record, 200, len(bomb), {**extra, "Content-Encoding": "gzip"})
            self.wfile.write(bomb)
            return True
        if kind is FaultKind.REDIRECT:
            status = fault.status if 300 <= fault.status < 400 else 302
            self._send_raw(record, status, b"", "text/plain", {"Location": fault.location})
            return True
        return False

    def _reset(self) -> None:
        """Close with RST (SO_LINGER 0) so the client sees 'connection reset by peer'."""
        self.wfile.flush()
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()
        self.close_connection = True

    def _echo_token(self, fault: Fault, record: RecordedRequest, token: str) -> None:
        """A hostile answer that hands the caller's token back in every field it can."""
        half = len(token) // 2
        words = {
            "token": token, "reversed": token[::-1], "head": token[:half], "tail": token[half:]
        }
        title = (fault.title or "Auth failed for token {token}").format(**words)
        payload = {"status": fault.status, "title": title, "detail": words["tail"],
                   "errors": {"token": token}}
        headers = {**self.store.rate.headers(), "X-Echo-Token": token}
        self._send(record, fault.status, payload, headers)

    def _start_raw(
        self, record: RecordedRequest, status: int, length: int, headers: dict[str, str]
    ) -> None:
        record.status = status
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(length))
        self.end_headers()
        self.wfile.flush()

    def _send(
        self, record: RecordedRequest, status: int, payload: Any,
        headers: dict[str, str] | None = None,
    ) -> None:
        body = b"" if payload is None else responses.encode(payload)
        self._send_raw(record, status, body, "application/json", headers)

    def _send_raw(
        self, record: RecordedRequest, status: int, body: bytes, content_type: str,
        headers: dict[str, str] | None = None,
    ) -> None:
        record.status = status
        if headers is None:
            headers = self.store.rate.headers()
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        if body:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD" and body:
            self.wfile.write(body)


@functools.lru_cache(maxsize=1)
def _gzip_bomb() -> bytes:
    """64 MiB of zeros, gzip-compressed to about 64 KiB."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = bytes(1 << 20)
    parts = [compressor.compress(block) for _ in range(64)]
    return b"".join(parts) + compressor.flush()


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"
