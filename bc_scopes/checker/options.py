"""The check's options: one definition for the library, the CLI and the pytest plugin.

Every default, limit and help text lives here. `bc-scopes` flags and the
plugin's `--bc-*` options are both generated from `OPTION_SPECS`, so a default
or a range can never differ between the two fronts. `RetryPolicy` holds the
client's timing rules; tests hand in a fast one instead of patching a class.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from bc_scopes.errors import BadInput


class OptionError(BadInput):
    """An option out of range. The message is one line, naming the flag and the range."""


@dataclass(frozen=True)
class RetryPolicy:
    """Timeouts, retries and rate-limit manners. The defaults suit a real store.

    `backoff` grows 2x per retry of a GET after a 5xx or a network error.
    On a 429 every worker waits the reset time (at most `rate_limit_wait_cap`,
    BigCommerce's 30 s window; `rate_limit_fallback` when the answer names none);
    all waiting together may not exceed `total_wait_cap`. At most
    `max_requests` requests leave per check.
    """

    connect_timeout: float = 5.0
    read_timeout: float = 20.0
    retries: int = 2
    backoff: float = 0.5
    rate_limit_wait_cap: float = 30.0
    rate_limit_fallback: float = 2.0
    total_wait_cap: float = 120.0
    reserve: int = 10
    max_requests: int = 60
    # Wall-clock limit for one request, body included: the read timeout only measures
    # the gap between bytes, so a server dripping one byte a second would never end.
    request_deadline: float = 30.0
    # Bodies are read in chunks and dropped past this size, decompressed size included.
    max_body_bytes: int = 1024 * 1024


@dataclass(frozen=True)
class OptionSpec:
    """One user-facing option: its name, type, default, range and help."""

    name: str
    kind: type
    default: Any
    help: str
    minimum: float | None = None
    maximum: float | None = None
    metavar: str | None = None

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")

    def parse(self, text: str) -> Any:
        """Turn a command-line value into the option's type, or raise OptionError."""
        try:
            value = self.kind(text)
        except (TypeError, ValueError):
            raise OptionError(self.range_message()) from None
        self.validate(value)
        return value

    def validate(self, value: Any) -> None:
        if self.minimum is not None and value < self.minimum:
            raise OptionError(self.range_message())
        if self.maximum is not None and value > self.maximum:
            raise OptionError(self.range_message())

    def range_message(self) -> str:
        what = "a whole number" if self.kind is int else "a number"
        return f"{self.flag} takes {what} from {self.minimum:g} to {self.maximum:g}"


OPTION_SPECS: tuple[OptionSpec, ...] = (
    OptionSpec("strict", bool, False, "treat excess rows as failures (exit 1)"),
    OptionSpec(
        "concurrency", int, 8, "probes sent in parallel, 1-16 (default 8)", 1, 16, "N"
    ),
    OptionSpec(
        "deadline", float, 120.0, "stop the whole check after this many seconds (default 120)",
        1, 600, "SECONDS",
    ),
    OptionSpec(
        "timeout", float, 20.0, "per-request read timeout in seconds (default 20)", 0.1, 120,
        "SECONDS",
    ),
)
SPECS_BY_NAME = {spec.name: spec for spec in OPTION_SPECS}

# check-many's own limits (the library's BatchLimits), and its per-store defaults.
BATCH_SPECS: tuple[OptionSpec, ...] = (
    OptionSpec(
        "max_in_flight", int, 32, "requests in flight over all stores, 1-512 (default 32)", 1,
        512, "N",
    ),
    OptionSpec(
        "run_deadline", float, 0.0,
        "stop the whole run after this many seconds; stores not reached are reported as not "
        "checked (default: no limit)", 0, 86400, "SECONDS",
    ),
)
BATCH_SPECS_BY_NAME = {spec.name: spec for spec in BATCH_SPECS}
# Fewer requests per store fill the global cap with more stores at once (BENCHMARKS.md).
BATCH_CONCURRENCY = 4
BATCH_DEADLINE_HELP = "stop each store's check after this many seconds (default 120)"


@dataclass(frozen=True)
class CheckOptions:
    """How one check runs. Validated on creation, so a bad value never reaches the network."""

    strict: bool = SPECS_BY_NAME["strict"].default
    concurrency: int = SPECS_BY_NAME["concurrency"].default
    timeout: float = SPECS_BY_NAME["timeout"].default
    deadline: float = SPECS_BY_NAME["deadline"].default
    policy: RetryPolicy = field(default_factory=RetryPolicy)
    # Row ids to check (their dependencies are added); None checks every row.
    only_rows: tuple[str, ...] | None = None
    # Replaces "store X at URL" in report headers (the demo says what it talks to).
    target_label: str = ""

    def __post_init__(self) -> None:
        for spec in OPTION_SPECS:
            if spec.kind is not bool:
                spec.validate(getattr(self, spec.name))

    @property
    def effective_policy(self) -> RetryPolicy:
        """The retry policy with the user's read timeout applied."""
        return replace(
            self.policy,
            read_timeout=self.timeout,
            request_deadline=min(self.policy.request_deadline, self.deadline),
        )

    @classmethod
    def from_values(cls, values: dict[str, Any], **extra: Any) -> CheckOptions:
        """Options from a front's parsed flags, keyed by spec name; missing ones keep defaults."""
        chosen = {spec.name: values[spec.name] for spec in OPTION_SPECS if spec.name in values}
        return cls(**chosen, **extra)


@dataclass(frozen=True)
class InputFlag:
    """Where one input comes from on the command line: `--NAME` (CLI) and `--bc-NAME` (plugin).

    Values only, never a secret: secrets come from the environment, a file or the prompt.
    """

    name: str  # the keyword of resolve_inputs(), or "scopes_file"
    metavar: str
    help: str

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")


INPUT_FLAGS: tuple[InputFlag, ...] = (
    InputFlag("store_hash", "HASH", "store hash or pasted API path"),
    InputFlag("api_url", "URL", "API base URL (default https://api.bigcommerce.com)"),
    InputFlag("access_token_file", "FILE", "read the Access Token from FILE"),
    InputFlag("client_id_file", "FILE", "read the Client ID from FILE"),
    InputFlag("client_secret_file", "FILE", "read the Client Secret from FILE"),
    InputFlag(
        "credentials_file", "FILE", "the .txt file BigCommerce downloaded when the API account "
        "was saved (Access Token, Client ID and Secret, API path)",
    ),
    InputFlag("scopes_file", "FILE", "scope table (default: the bundled scopes.yaml)"),
)
INPUTS_OF_A_STORE = tuple(flag.name for flag in INPUT_FLAGS if flag.name != "scopes_file")
