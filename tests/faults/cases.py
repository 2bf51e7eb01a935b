"""The fault scenarios: one per fault of issue 5, plus seeded combinations.

Each case names the fault, the exit code the contract documents for it, the rows
whose verdict it changes, and the one line a person should read. Row paths are
picked so the fault hits rows with a plain verdict (ok under the exact token),
except where the point is a dependency between rows (malformed JSON on Customers
also unsettles Stored payment instruments, whose probe Customers opens too).
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import replace

from support.cli import FAST_POLICY
from support.scenarios import FaultCase
from support.store import required_scopes
from support.trap import Trap, closed_port

from bc_scopes.fakestore.faults import Fault, FaultKind
from bc_scopes.fakestore.server import FakeStore
from bc_scopes.model import ScopeTable, load_scope_table

TABLE = load_scope_table()
BASELINE = "no-fault-empty-204-v2-list"
# Short enough to keep the timeout cases quick, long enough that an ordinary answer of
# the in-process fake store, on a two-core machine running four test workers, is never
# mistaken for one (0.3 s was not: an untouched row went unknown under load).
TIMEOUT_S = 0.8
TIMEOUT_ARGS = ("--timeout", str(TIMEOUT_S))
OTHER_403_TITLES = (
    "Authentication Required",
    "You do not have permission to access this resource.",
)


def exact(path: str) -> str:
    """A fault path that matches one API path exactly (query strings are not matched)."""
    return f"^{re.escape(path.split('?')[0])}$"


def faults(*made: Callable[[Trap], Fault]) -> Callable[[Trap], list[Fault]]:
    """Fresh Fault objects per run: a Fault counts its uses."""
    return lambda trap: [make(trap) for make in made]


def fault(kind: FaultKind, path: str | None = None, **options: object) -> Callable[[Trap], Fault]:
    return lambda trap: Fault(kind, path=exact(path) if path else None, **options)


def redirect_to_trap(path: str) -> Callable[[Trap], Fault]:
    return lambda trap: Fault(
        FaultKind.REDIRECT, path=exact(path), location=f"{trap.url}/stolen-token-would-land-here"
    )


def without(*scope_strings: str) -> Callable[[ScopeTable], set[str]]:
    return lambda table: required_scopes(table) - set(scope_strings)


def wrong_store_hash(status: int) -> Callable[[FakeStore], None]:
    def setup(store: FakeStore) -> None:
        store.unknown_store_status = status

    return setup


def other_apps_used_half_the_quota(store: FakeStore) -> None:
    """40 requests per second-long window; other apps have used 20 of this one."""
    store.set_quota(quota=40, window_ms=1000)
    store.rate.used = 20


def quota_ends_for_good(store: FakeStore) -> None:
    """22 requests, and the window does not reset for two minutes."""
    store.set_quota(quota=22, window_ms=120_000)


def unknown_hash(store: FakeStore, trap: Trap) -> dict[str, str]:
    return {"BIGCOMMERCE_STORE_HASH": "zzz999"}


def nothing_listening(store: FakeStore, trap: Trap) -> dict[str, str]:
    return {"BIGCOMMERCE_API_URL": f"http://127.0.0.1:{closed_port()}"}


def not_decisive(*probe_rows: str) -> dict[str, str]:
    return dict.fromkeys(probe_rows, "unknown")


SYSTEMLOGS = "/v3/store/systemlogs"
STORE_INFO = "/v3/settings/inventory/notifications"  # the Information & Settings read
ORDERS = "/v2/orders"
THEMES = "/v3/themes"
PRODUCTS = "/v3/catalog/products"
WISHLISTS = "/v3/wishlists"

MATRIX: list[FaultCase] = [
    FaultCase(
        BASELINE, 0, "(exit 0).",
        # GET /v2/orders answers 204 with no body: an empty v2 list, granted.
    ),
    FaultCase(
        "401-invalid-token", 3, "refused the access token (401)",
        granted=False, preflight_stop=True,
    ),
    FaultCase(
        "401-on-a-probe-token-revoked-mid-run", 4,
        "401: the token was refused during the run",
        faults=faults(fault(FaultKind.STATUS, SYSTEMLOGS, status=401, title="Unauthorized")),
        changed=not_decisive("store-logs"),
    ),
    FaultCase(
        "403-with-the-scope-title", 1,
        "- Store Logs: set Read-only (now None).",
        scopes=without("store_logs_read_only"), changed={"store-logs": "missing"},
    ),
    FaultCase(
        "403-authentication-required", 4, "403 for another reason (Authentication Required)",
        faults=faults(fault(FaultKind.STATUS, SYSTEMLOGS, status=403, title=OTHER_403_TITLES[0])),
        changed=not_decisive("store-logs"),
    ),
    FaultCase(
        "403-you-do-not-have-permission", 4, "403 for another reason (You do not have permission",
        faults=faults(fault(FaultKind.STATUS, ORDERS, status=403, title=OTHER_403_TITLES[1])),
        # Orders at Modify would open the Order transactions write probe too.
        changed=not_decisive("orders", "order-transactions"),
    ),
    FaultCase(
        "403-on-the-preflight-wrong-store-hash", 3, "the store hash does not belong to this token",
        setup=wrong_store_hash(403), env=unknown_hash, preflight_stop=True,
    ),
    FaultCase(
        "404-on-the-preflight-wrong-store-hash", 3, "the store hash does not belong to this token",
        setup=wrong_store_hash(404), env=unknown_hash, preflight_stop=True,
    ),
    FaultCase(
        "404-html-page-on-a-probe", 4, "404 with a body that is not BigCommerce's JSON",
        faults=faults(fault(FaultKind.HTML, SYSTEMLOGS, status=404)),
        changed=not_decisive("store-logs"),
    ),
    FaultCase(
        "429-with-reset-headers", 0, "(exit 0).",
        faults=faults(fault(FaultKind.RATE_LIMIT, SYSTEMLOGS, reset_ms=150, times=3)),
    ),
    FaultCase(
        "429-without-reset-headers", 0, "(exit 0).",
        faults=faults(fault(FaultKind.RATE_LIMIT, STORE_INFO, reset_headers=False, times=1)),
        fast=False,  # waits the real 2 s fallback
    ),
    FaultCase(
        "429-without-reset-headers-never-ends", 4, "other apps are using the store's API limit",
        faults=faults(fault(FaultKind.RATE_LIMIT, STORE_INFO, reset_headers=False)),
        changed=not_decisive("information-settings"),
    ),
    FaultCase(
        "storm-of-ten-429s-on-the-preflight", 0, "(exit 0).",
        faults=faults(fault(FaultKind.RATE_LIMIT, "/v2/time", reset_ms=300, times=10)),
        fast=False,  # waits the real 10 x 300 ms
    ),
    FaultCase(
        "storm-of-ten-429s-across-the-pool", 0, "(exit 0).",
        faults=faults(lambda trap: Fault(
            FaultKind.RATE_LIMIT, path=r"^/(?!v2/time$)", reset_ms=300, times=10,
        )),
        fast=False,  # waits the real 300 ms pauses
    ),
    FaultCase(
        "quota-runs-out-halfway-then-resets", 0, "(exit 0).",
        setup=other_apps_used_half_the_quota,
        fast=False,  # waits for the real 1 s window to reset
    ),
    FaultCase(
        "quota-runs-out-halfway-for-good", 4, "other apps are using the store's API limit",
        setup=quota_ends_for_good, loose=True,
    ),
    *(
        FaultCase(
            f"{status}-transient", 0, "(exit 0).",
            faults=faults(fault(FaultKind.STATUS, path, method="GET", status=status, times=1)),
        )
        for status, path in ((500, "/v3/inventory/items"), (502, "/v3/pickup/methods"),
                             (503, "/v3/inventory/locations"))
    ),
    *(
        FaultCase(
            f"{status}-persistent", 4, f"{status} from the server after 3 attempts",
            faults=faults(fault(FaultKind.STATUS, path, method="GET", status=status)),
            changed=not_decisive(row_id),
        )
        for status, path, row_id in (
            (500, "/v3/inventory/items", "store-inventory"),
            (502, "/v3/pickup/methods", "fulfillment-methods"),
            (503, "/v3/inventory/locations", "store-locations"),
        )
    ),
    FaultCase(
        "503-on-the-preflight", 4, "GET /v2/time answered 503",
        faults=faults(fault(FaultKind.STATUS, "/v2/time", status=503)), preflight_stop=True,
    ),
    FaultCase(
        "timeout-on-a-probe", 4, "no answer in time after 3 attempts",
        faults=faults(fault(FaultKind.TIMEOUT, PRODUCTS)), args=TIMEOUT_ARGS,
        changed=not_decisive("products"),
    ),
    FaultCase(
        "timeout-on-the-preflight", 4, "no answer in time after 3 attempts",
        faults=faults(fault(FaultKind.TIMEOUT, "/v2/time")), args=TIMEOUT_ARGS,
        preflight_stop=True,
    ),
    FaultCase(
        "connection-refused", 4, "the connection failed after 3 attempts",
        env=nothing_listening, preflight_stop=True,
    ),
    FaultCase(
        "connection-reset-before-the-answer", 4, "the connection failed after 3 attempts",
        faults=faults(fault(FaultKind.RESET, THEMES)), changed=not_decisive("themes"),
    ),
    FaultCase(
        "connection-reset-mid-body-transient", 0, "(exit 0).",
        faults=faults(fault(FaultKind.RESET_MID_BODY, STORE_INFO, times=1)),
    ),
    FaultCase(
        "connection-reset-mid-body-persistent", 4,
        "the answer was cut off or could not be decoded after 3 attempts",
        faults=faults(fault(FaultKind.RESET_MID_BODY, SYSTEMLOGS)),
        changed=not_decisive("store-logs"),
    ),
    FaultCase(
        "connection-reset-mid-body-on-the-preflight", 4, "the answer was cut off",
        faults=faults(fault(FaultKind.RESET_MID_BODY, "/v2/time")), preflight_stop=True,
    ),
    FaultCase(
        "malformed-json", 4, "200 with a body that is not BigCommerce's JSON",
        faults=faults(fault(FaultKind.MALFORMED_JSON, WISHLISTS)),
        # Customers opens the Stored payment instruments probe too: that row cannot settle.
        changed=not_decisive("customers", "stored-payment-instruments"),
    ),
    FaultCase(
        "deeply-nested-json", 4, "200 with a body that is not BigCommerce's JSON",
        faults=faults(fault(FaultKind.MALFORMED_JSON, STORE_INFO, body=b"[" * 100_000)),
        changed=not_decisive("information-settings"),
    ),
    FaultCase(
        "body-that-cannot-be-decoded", 4, "could not be decoded",
        faults=faults(
            fault(FaultKind.MALFORMED_JSON, THEMES, body=b"not gzip at all",
                  headers={"Content-Encoding": "gzip"})
        ),
        changed=not_decisive("themes"),
    ),
    FaultCase(
        "html-error-page-502", 4, "502 from the server after 3 attempts",
        faults=faults(fault(FaultKind.HTML, PRODUCTS, status=502)),
        changed=not_decisive("products"),
    ),
    FaultCase(
        "html-error-page-on-the-preflight", 4, "GET /v2/time answered 502",
        faults=faults(fault(FaultKind.HTML, "/v2/time", status=502)), preflight_stop=True,
    ),
    FaultCase(
        "redirect-on-a-probe", 4, "302 redirect (not followed)",
        faults=faults(redirect_to_trap(ORDERS)),
        changed=not_decisive("orders", "order-transactions"),
    ),
    FaultCase(
        "redirect-on-the-preflight", 4, "Redirects are never followed",
        faults=faults(redirect_to_trap("/v2/time")), preflight_stop=True,
    ),
    FaultCase(
        "2xx-on-a-write-probe-safety-stop", 5,
        "STOPPED FOR SAFETY: PUT /v2/orders/999999999 was answered 200",
        faults=faults(
            fault(FaultKind.ACCEPT_WRITES, "/v2/orders/999999999", method="PUT"),
            # Everything else is slow, so "in flight" is well defined when the stop comes.
            lambda trap: Fault(FaultKind.LATENCY, path=r"^/(?!v2/orders/999999999$)", delay=0.25),
        ),
        loose=True, safety_stop=True,
    ),
    FaultCase(
        "2xx-on-a-write-probe-cut-off-mid-body", 5,
        "STOPPED FOR SAFETY: PUT /v2/orders/999999999 was answered 200",
        faults=faults(fault(FaultKind.RESET_MID_BODY, "/v2/orders/999999999", method="PUT")),
        args=("--concurrency", "1"), loose=True, safety_stop=True,
    ),
    FaultCase(
        "303-see-other-on-a-write-probe-safety-stop", 5,
        "STOPPED FOR SAFETY: PUT /v2/orders/999999999 was answered 303",
        faults=faults(
            fault(FaultKind.REDIRECT, "/v2/orders/999999999", method="PUT", status=303),
            # Everything else is slow, so "in flight" is well defined when the stop comes.
            lambda trap: Fault(FaultKind.LATENCY, path=r"^/(?!v2/orders/999999999$)", delay=0.25),
        ),
        loose=True, safety_stop=True,
    ),
    FaultCase(
        "504-on-a-write-probe-sent-once", 4, "504 from the server after 1 attempts",
        faults=faults(fault(FaultKind.STATUS, "/v2/orders/999999999", method="PUT", status=504)),
        # Orders at Modify would also open the Order transactions probe: unsettled too.
        changed=not_decisive("orders", "order-transactions"),
    ),
    # A hostile server echoes the Access Token back; the secrets audit reads every output.
    *(
        FaultCase(
            f"token-echoed-{name}", 4, "403 for another reason",
            faults=faults(fault(FaultKind.ECHO_TOKEN, SYSTEMLOGS, status=403, title=title)),
            changed=not_decisive("store-logs"),
        )
        for name, title in (
            ("in-the-title", "Auth failed for token {token}"),
            ("reversed", "Bad token {reversed}"),
            ("split-across-fields", "Token starts {head}"),
            ("upper-cased", "TOKEN {token}"),
        )
    ),
    FaultCase(
        "terminal-escapes-in-a-403-title", 4, "403 for another reason",
        faults=faults(fault(
            FaultKind.STATUS, SYSTEMLOGS, status=403,
            title="\x1b]52;c;aGVsbG8=\x07\x1b[2J\u202eDenied",
        )),
        changed=not_decisive("store-logs"), args=("--verbose",),
    ),
    FaultCase(
        "slow-drip-body-meets-the-deadline", 4, "deadline",
        faults=faults(fault(FaultKind.SLOW_DRIP, SYSTEMLOGS, delay=0.5)),
        changed=not_decisive("store-logs"),
        # A one-second per-request deadline (--deadline shortens it the same way, see
        # test_inputs.py); the run's own deadline stays long, so the other rows never
        # race it on a busy machine.
        policy=replace(FAST_POLICY, request_deadline=1.0),
    ),
    FaultCase(
        "endless-body-is-dropped-at-1-mib", 4, "larger than 1 MiB",
        faults=faults(fault(FaultKind.ENDLESS_BODY, SYSTEMLOGS)),
        changed=not_decisive("store-logs"),
    ),
    FaultCase(
        "gzip-bomb-is-dropped-at-1-mib", 4, "larger than 1 MiB",
        faults=faults(fault(FaultKind.GZIP_BOMB, SYSTEMLOGS)),
        changed=not_decisive("store-logs"),
    ),
    FaultCase(
        "slow-drip-on-the-preflight-meets-the-run-deadline", 4, "deadline",
        faults=faults(fault(FaultKind.SLOW_DRIP, "/v2/time", delay=0.5)),
        args=("--deadline", "2"), preflight_stop=True, fast=False,
    ),
]


# Seeded combinations ----------------------------------------------------------------------
COMBINED_SEEDS = (3, 17, 29, 41)
EXACT_TOKEN_SEEDS = frozenset({41})  # no row missing, so faults must end in exit 4
FAULTS_PER_RUN = 4


def random_token(seed: int) -> Callable[[ScopeTable], set[str]]:
    """Each row at a random level, half of them at the required one (all, for some seeds)."""
    share_required = 1.0 if seed in EXACT_TOKEN_SEEDS else 0.5

    def scopes(table: ScopeTable) -> set[str]:
        rng = random.Random(seed)
        held = set()
        for row in table.rows:
            level = row.required if rng.random() < share_required else rng.choice(row.levels)
            if level in row.scope_strings:
                held.add(row.scope_strings[level])
        return held

    return scopes


def _random_fault(rng: random.Random, method: str, path: str, trap: Trap) -> Fault:
    where = {"method": method, "path": exact(path)}
    times = rng.choice([None, 1, 2])
    kinds = ["5xx", "403", "401", "429", "timeout", "reset", "html", "slow"]
    if method == "GET":
        # A 2xx or 3xx to a write is a safety stop, a case of its own.
        kinds += ["malformed", "mid-body", "redirect"]
    kind = rng.choice(kinds)
    if kind == "5xx":
        return Fault(FaultKind.STATUS, status=rng.choice([500, 502, 503]), times=times, **where)
    if kind == "403":
        return Fault(FaultKind.STATUS, status=403, title=rng.choice(OTHER_403_TITLES), **where)
    if kind == "401":
        return Fault(FaultKind.STATUS, status=401, title="Unauthorized", **where)
    if kind == "429":
        return Fault(
            FaultKind.RATE_LIMIT, reset_ms=rng.choice([10, 40]),
            reset_headers=rng.random() < 0.5, times=rng.choice([None, 1, 3]), **where,
        )
    if kind == "timeout":
        return Fault(FaultKind.TIMEOUT, times=times, **where)
    if kind == "reset":
        return Fault(FaultKind.RESET, times=times, **where)
    if kind == "mid-body":
        return Fault(FaultKind.RESET_MID_BODY, times=times, **where)
    if kind == "html":
        return Fault(FaultKind.HTML, status=rng.choice([404, 502]), **where)
    if kind == "redirect":
        return Fault(FaultKind.REDIRECT, location=f"{trap.url}/stolen", **where)
    if kind == "malformed":
        return Fault(FaultKind.MALFORMED_JSON, **where)
    return Fault(FaultKind.LATENCY, delay=0.05, **where)


def faulted_probes(seed: int) -> list[tuple[str, str]]:
    """The (method, path) of the probes the seed's faults hit (plus maybe the preflight)."""
    rng = random.Random(seed * 7919)
    probes = sorted({(p.method, p.path.split("?")[0]) for row in TABLE.rows for p in row.probes})
    return rng.sample(probes, FAULTS_PER_RUN)


def random_faults(seed: int) -> Callable[[Trap], list[Fault]]:
    def make(trap: Trap) -> list[Fault]:
        rng = random.Random(seed)
        made = [_random_fault(rng, method, path, trap) for method, path in faulted_probes(seed)]
        # One transient hiccup on the preflight: retried, never decisive.
        made.append(Fault(FaultKind.STATUS, status=503, times=1, path=exact("/v2/time")))
        return made

    return make


def combined_baseline_id(seed: int) -> str:
    return f"combined-seed-{seed}-no-faults"


COMBINED_BASELINES = [
    FaultCase(combined_baseline_id(seed), -1, "(exit ", scopes=random_token(seed))
    for seed in COMBINED_SEEDS
]
COMBINED = [
    FaultCase(
        f"combined-seed-{seed}", -1, "(exit ", scopes=random_token(seed),
        faults=random_faults(seed), loose=True, args=TIMEOUT_ARGS,
        baseline=combined_baseline_id(seed),
    )
    for seed in COMBINED_SEEDS
]

ALL_CASES = MATRIX + COMBINED_BASELINES + COMBINED
CASES_BY_ID = {case.id: case for case in ALL_CASES}
assert len(CASES_BY_ID) == len(ALL_CASES), "case ids must be unique"
