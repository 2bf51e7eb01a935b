"""`bc-scopes check-many STORES.csv`: check many stores in one run, for fulfilment providers.

The CSV names the stores, never their secrets: each row has a `name`, a
`store_hash` and `token_env`, the name of the environment variable that holds
that store's Access Token. Everything in the file is checked before a single
request is sent; a cell that looks like a credential stops the run (exit 2)
without its value being printed.

Each store gets its own `check()` call, so its own client, concurrency, rate
gate and cancel event: one store's quota is never spent by another, and one
store's failure (a rejected token, a 429 storm, a timeout, even a bug) never
stops the others. The requests in flight over all stores are capped by one
semaphore that every store's client takes around each request.

The exit code is the worst store's, in the order 2 > 3 > 1 > 4 > 0.
"""

from __future__ import annotations

import csv
import io
import queue
import re
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from bc_scopes import exitcodes
from bc_scopes.checker.check import check
from bc_scopes.checker.inputs import CheckInputs, InputError, clean_secret
from bc_scopes.checker.options import CheckOptions
from bc_scopes.checker.report import Report
from bc_scopes.checker.storehash import StoreHashError, normalise_store_hash
from bc_scopes.files import UnreadableFile, read_at_most
from bc_scopes.model import ScopeTable

REQUIRED_COLUMNS = ("name", "store_hash", "token_env")
MAX_FILE_BYTES = 1024 * 1024
MAX_STORES = 10_000
MAX_NAME_LENGTH = 100
DEFAULT_MAX_IN_FLIGHT = 32
# Per store: fewer requests each fill the global cap with more stores (BENCHMARKS.md).
DEFAULT_CONCURRENCY = 4
MAX_IN_FLIGHT_RANGE = (1, 512)
# Worst first: bad input, rejected, failed, incomplete, ok.
SEVERITY = (
    exitcodes.BAD_INPUT, exitcodes.REJECTED, exitcodes.FAILED, exitcodes.INCOMPLETE, exitcodes.OK
)

# An environment variable's name, as every shell and CI system accepts it.
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# A NAME in capitals is a variable's name, however long (ACMEOUTDOORTOKEN).
_ENV_LIKE_NAME = re.compile(r"^[A-Z_][A-Z0-9_]*$")
# Client IDs and Access Tokens are about 30 characters of [a-z0-9]; store hashes at
# most 16. A longer run of letters and digits in these columns is a pasted credential.
_TOKEN_SHAPED = re.compile(r"^[A-Za-z0-9]{17,}$")
# In any other cell (a store's name, a note), only what is unmistakably a token.
_TOKEN_SHAPED_ANYWHERE = re.compile(r"^(?=[a-z0-9]*[a-z])(?=[a-z0-9]*[0-9])[a-z0-9]{24,}$")
# Column names that can only mean a credential is in the file.
_CREDENTIAL_COLUMN = re.compile(r"token|secret|password|client_?id|api_?key", re.IGNORECASE)
# Environment variables whose values are credentials even when no row names them.
CREDENTIAL_VARIABLES = (
    "BIGCOMMERCE_ACCESS_TOKEN", "BIGCOMMERCE_CLIENT_ID", "BIGCOMMERCE_CLIENT_SECRET"
)
_MIN_SECRET_MATCH = 12

CSV_HELP = (
    "STORES.csv has a header row with the columns name,store_hash,token_env: a name of your "
    "choice, the store hash (or the API path), and the name of the environment variable that "
    "holds that store's Access Token (for example ACME_TOKEN). Tokens never go in the file."
)


class StoresFileError(InputError):
    """The stores file cannot be used; nothing was sent. The text holds no cell's value."""

    def __init__(self, message: str) -> None:
        super().__init__(f"{message} Nothing was sent.")


@dataclass(frozen=True)
class StoreEntry:
    """One row of the stores file, validated (the token is not read yet)."""

    line: int
    name: str
    store_hash: str
    token_env: str


@dataclass
class StoreOutcome:
    """What happened to one store: its report, or why there is none."""

    entry: StoreEntry
    report: Report | None = None
    error: str | None = None  # one line, no secret: bad input for this store, or a crash
    error_code: int = exitcodes.BAD_INPUT
    seconds: float = 0.0

    @property
    def exit_code(self) -> int:
        return int(self.report.exit_code) if self.report is not None else self.error_code


@dataclass
class BatchResult:
    """Every store's outcome, in the file's order."""

    outcomes: list[StoreOutcome]
    max_in_flight: int
    stores_in_parallel: int
    concurrency: int
    seconds: float = 0.0

    @property
    def exit_code(self) -> int:
        return worst_exit_code(outcome.exit_code for outcome in self.outcomes)


def worst_exit_code(codes: Iterable[int]) -> int:
    """The worst of the stores' codes, in the order 2 > 3 > 1 > 4 > 0."""
    found = set(codes)
    for code in SEVERITY:
        if code in found:
            return code
    return exitcodes.OK


# --- reading the stores file -------------------------------------------------------------


def _credential_values(environ: Mapping[str, str], names: Iterable[str]) -> list[str]:
    values = []
    for name in {*names, *CREDENTIAL_VARIABLES}:
        value = (environ.get(name) or "").strip()
        if len(value) >= _MIN_SECRET_MATCH:
            values.append(value)
    return values


def _cell_problem(column: str, value: str, secrets: list[str]) -> str | None:
    """Why a cell may hold a credential, in words that never repeat the cell."""
    if any(secret in value for secret in secrets):
        return "holds the value of one of the token variables"
    if column == "token_env":
        if _TOKEN_SHAPED.match(value) and not _ENV_LIKE_NAME.match(value):
            return "looks like an Access Token, not the name of an environment variable"
    elif column == "store_hash":
        if _TOKEN_SHAPED.match(value):
            return "looks like an Access Token or Client ID, not a store hash"
    elif _TOKEN_SHAPED_ANYWHERE.match(value):
        return "looks like an Access Token or Client ID"
    return None


def _read_text(path: str) -> str:
    try:
        raw = read_at_most(path, MAX_FILE_BYTES)
    except UnreadableFile as problem:
        raise StoresFileError({
            "missing": f"{path}: file not found. Check the path.",
            "folder": f"{path}: is a folder, not a CSV file.",
            "too-large": f"{path}: larger than {MAX_FILE_BYTES // 1024} KiB; split it up.",
        }.get(problem.kind, f"{path}: cannot read the file ({problem.detail}).")) from None
    try:
        return raw.decode("utf-8-sig")  # a spreadsheet's byte order mark is dropped
    except UnicodeDecodeError as error:
        raise StoresFileError(
            f"{path}: byte {error.start} is not valid UTF-8. Save the file as CSV UTF-8."
        ) from None


def parse_stores(text: str, source: str, environ: Mapping[str, str]) -> list[StoreEntry]:
    """Validate the stores file; raise StoresFileError listing every problem, never a value.

    `environ` is only read for the values of the token variables, to refuse a file
    that holds one of them.
    """
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as error:
        raise StoresFileError(f"{source}: not a readable CSV file ({error}). {CSV_HELP}") from None
    numbered = [
        (number, [cell.strip() for cell in row])
        for number, row in enumerate(rows, start=1)
        if any(cell.strip() for cell in row) and not row[0].lstrip().startswith("#")
    ]
    if not numbered:
        raise StoresFileError(f"{source}: the file is empty. {CSV_HELP}")
    header_line, header = numbered[0]
    columns = [cell.lower() for cell in header]
    problems: list[str] = []
    missing = [column for column in REQUIRED_COLUMNS if column not in columns]
    if missing:
        raise StoresFileError(
            f"{source}: line {header_line}: the header lacks {', '.join(missing)}. {CSV_HELP}"
        )
    for column in columns:
        if column != "token_env" and _CREDENTIAL_COLUMN.search(column):
            raise StoresFileError(
                f"{source}: line {header_line}: a column is named like a credential. Tokens, "
                "Client IDs and secrets never go in the file. " + CSV_HELP
            )
    if len(set(columns)) != len(columns):
        raise StoresFileError(f"{source}: line {header_line}: a column name appears twice.")
    body = numbered[1:]
    if not body:
        raise StoresFileError(f"{source}: the header has no store rows under it.")
    if len(body) > MAX_STORES:
        raise StoresFileError(f"{source}: more than {MAX_STORES} stores; split the file.")
    index = {column: columns.index(column) for column in columns}
    token_names = [
        row[index["token_env"]] for _, row in body if len(row) > index["token_env"]
        and _ENV_NAME.match(row[index["token_env"]])
    ]
    secrets = _credential_values(environ, token_names)
    entries: list[StoreEntry] = []
    names: dict[str, int] = {}
    for number, row in body:
        where = f"line {number}"
        if len(row) != len(columns):
            problems.append(f"{where}: has {len(row)} cells; the header has {len(columns)}")
        cells = dict(zip(columns, row, strict=False))
        suspect = [
            column for column, value in cells.items() if _cell_problem(column, value, secrets)
        ]
        for column in suspect:
            problems.append(f"{where}, column {column}: "
                            f"{_cell_problem(column, cells[column], secrets)}")
        if suspect or len(row) != len(columns):
            continue
        name, raw_hash, token_env = (cells[column] for column in REQUIRED_COLUMNS)
        if not name:
            problems.append(f"{where}, column name: empty; give each store a name")
        elif len(name) > MAX_NAME_LENGTH or any(ord(char) < 32 for char in name):
            problems.append(f"{where}, column name: longer than {MAX_NAME_LENGTH} characters "
                            "or holds a control character")
        elif name in names:
            problems.append(f"{where}, column name: the same name as line {names[name]}; "
                            "names identify stores in the reports")
        else:
            names[name] = number
        try:
            store_hash = normalise_store_hash(raw_hash)
        except StoreHashError as error:
            problems.append(f"{where}, column store_hash: {error}")
            continue
        if not _ENV_NAME.match(token_env):
            problems.append(
                f"{where}, column token_env: not an environment variable name (letters, digits "
                "and _, not starting with a digit), such as ACME_TOKEN"
            )
            continue
        entries.append(StoreEntry(number, name, store_hash, token_env))
    if problems:
        shown = problems[:20]
        more = f" (and {len(problems) - 20} more)" if len(problems) > 20 else ""
        raise StoresFileError(f"{source}: " + "; ".join(shown) + more + ".")
    return entries


def load_stores(path: str, environ: Mapping[str, str]) -> list[StoreEntry]:
    """Read and validate the stores file at `path`."""
    return parse_stores(_read_text(path), path, environ)


def store_inputs(entry: StoreEntry, api_url: str, environ: Mapping[str, str]) -> CheckInputs:
    """One store's inputs: its token comes from the variable its row names."""
    raw = environ.get(entry.token_env)
    if raw is None or not raw.strip():
        raise InputError(
            f"{entry.token_env} is not set or empty; set it to this store's Access Token"
        )
    token = clean_secret(raw, f"access token ({entry.token_env})")
    if entry.store_hash == token.reveal().lower():
        raise InputError(f"{entry.token_env} holds the store hash, not the Access Token")
    return CheckInputs(store_hash=entry.store_hash, api_url=api_url, access_token=token)


# --- running -------------------------------------------------------------------------------


class BatchProgress:
    """What the runner tells the front. The default does nothing."""

    def started(self, entry: StoreEntry) -> None:
        """A store's check has begun."""

    def finished(self, outcome: StoreOutcome) -> None:
        """A store's check has ended (any way)."""


@dataclass
class _Shared:
    cancel_all: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    store_events: list[threading.Event] = field(default_factory=list)


def plan(max_in_flight: int, concurrency: int) -> tuple[int, int]:
    """(stores at once, each store's concurrency).

    The cap itself is a semaphore every store's client takes around each request, so
    one store's quota is never spent by another and the stores together never have
    more than `max_in_flight` requests on the wire. As many stores run at once as
    there are slots, so the slots stay busy while some stores wait out their own
    rate-limit pauses.
    """
    per_store = max(1, min(concurrency, max_in_flight))
    return max(1, max_in_flight), per_store


def run_batch(
    table: ScopeTable,
    entries: list[StoreEntry],
    api_url: str,
    options: CheckOptions,
    environ: Mapping[str, str],
    *,
    max_in_flight: int = DEFAULT_MAX_IN_FLIGHT,
    progress: BatchProgress | None = None,
    checker: Callable[..., Report] = check,
) -> BatchResult:
    """Check every store on daemon threads, never more than `max_in_flight` requests at once.

    Every store's inputs are resolved before the first request: a store whose token
    variable is missing ends with exit 2 and sends nothing, and the others run. On
    Ctrl-C (KeyboardInterrupt in the calling thread) every store's cancel event is
    set, so no request leaves after it, and the interrupt is raised again.
    """
    progress = progress or BatchProgress()
    stores_at_once, per_store = plan(max_in_flight, options.concurrency)
    store_options = CheckOptions(
        strict=options.strict, concurrency=per_store, timeout=options.timeout,
        deadline=options.deadline, policy=options.policy, only_rows=options.only_rows,
        in_flight=threading.BoundedSemaphore(max_in_flight),
    )
    outcomes: list[StoreOutcome] = [StoreOutcome(entry) for entry in entries]
    todo: queue.Queue[tuple[int, CheckInputs]] = queue.Queue()
    for number, entry in enumerate(entries):
        try:
            todo.put((number, store_inputs(entry, api_url, environ)))
        except InputError as error:
            outcomes[number].error = str(error)
            outcomes[number].error_code = exitcodes.BAD_INPUT
    shared = _Shared()
    started_at = time.monotonic()
    for outcome in outcomes:
        if outcome.error is not None:
            progress.finished(outcome)
    workers = min(stores_at_once, todo.qsize())
    done = threading.Event()
    running = [workers]

    def check_one(number: int, inputs: CheckInputs) -> None:
        outcome = outcomes[number]
        cancel = threading.Event()
        with shared.lock:
            if shared.cancel_all.is_set():
                return
            shared.store_events.append(cancel)
        progress.started(outcome.entry)
        began = time.monotonic()
        try:
            outcome.report = checker(table, inputs, store_options, cancel=cancel)
        except Exception as error:  # noqa: BLE001 - one store's crash must not stop the others
            # Only the type: the text of an exception could hold anything.
            outcome.error = (
                f"the check stopped on an internal error ({type(error).__name__}); "
                "please report it"
            )
            outcome.error_code = exitcodes.INCOMPLETE
        outcome.seconds = time.monotonic() - began
        if not shared.cancel_all.is_set():
            progress.finished(outcome)

    def work() -> None:
        try:
            while not shared.cancel_all.is_set():
                try:
                    number, inputs = todo.get_nowait()
                except queue.Empty:
                    return
                check_one(number, inputs)
        finally:
            with shared.lock:
                running[0] -= 1
                if running[0] <= 0:
                    done.set()

    if workers == 0:
        done.set()
    for number in range(workers):
        threading.Thread(target=work, name=f"store-{number}", daemon=True).start()
    try:
        while not done.wait(0.05):
            pass
    except BaseException:
        with shared.lock:
            shared.cancel_all.set()
            for event in shared.store_events:
                event.set()
        raise
    return BatchResult(
        outcomes=outcomes, max_in_flight=max_in_flight, stores_in_parallel=stores_at_once,
        concurrency=per_store, seconds=time.monotonic() - started_at,
    )
