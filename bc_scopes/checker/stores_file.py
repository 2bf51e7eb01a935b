"""The stores file of `bc-scopes check-many`: read it, validate it, never echo a secret.

The CSV names the stores, never their secrets: each row has a `name`, a
`store_hash` and `token_env`, the name of the environment variable that holds
that store's Access Token. Everything is checked before a single request is
sent, and any problem stops the whole run with exit 2, naming the line and
the column but never the value:

- a cell that holds a token (any letter case, whether or not its variable is set);
- a `token_env` on the deny-list of well-known secrets (cloud keys, CI tokens,
  `BIGCOMMERCE_CLIENT_*`), or whose value does not look like a BigCommerce
  Access Token (lowercase letters and digits, 20 to 64 of them: observed
  tokens are 31, legacy ones 32; reference/bigcommerce-api.md "Access token").
  So a row can never send `AWS_SECRET_ACCESS_KEY` or `GITHUB_TOKEN` as
  `X-Auth-Token`.

Validation is linear in the file: 10,000 rows take well under a second.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from bc_scopes.checker.credentials_file import CredentialsFileError, read_credentials_file
from bc_scopes.checker.inputs import InputError
from bc_scopes.checker.storehash import StoreHashError, normalise_store_hash
from bc_scopes.files import UnreadableFile, read_at_most, unreadable_message

REQUIRED_COLUMNS = ("name", "store_hash", "token_env")
# Optional: the .txt file BigCommerce downloaded for that store's API account. Where a row
# names one, its token (and, if the store_hash cell is empty, its store hash) come from it.
CREDENTIALS_COLUMN = "credentials_file"
MAX_FILE_BYTES = 1024 * 1024
MAX_STORES = 10_000
MAX_NAME_LENGTH = 100
MAX_PROBLEMS_SHOWN = 20

# An environment variable's name, as every shell and CI system accepts it.
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# A NAME in capitals is a variable's name, however long (ACMEOUTDOORTOKEN).
_ENV_LIKE_NAME = re.compile(r"^[A-Z_][A-Z0-9_]*$")
# Client IDs and Access Tokens are about 30 characters of [a-z0-9]; store hashes at
# most 16. A longer run of letters and digits in these columns is a pasted credential.
_TOKEN_SHAPED = re.compile(r"^[A-Za-z0-9]{17,}$")
# In a name: a run of 24 or more letters and digits mixing both, in any letter case.
_TOKEN_IN_TEXT = re.compile(r"(?=[A-Za-z0-9]*[A-Za-z])(?=[A-Za-z0-9]*[0-9])[A-Za-z0-9]{24,}")
# What a BigCommerce Access Token looks like (observed: 31 of [a-z0-9]; legacy 32 hex).
ACCESS_TOKEN_SHAPE = re.compile(r"^[a-z0-9]{20,64}$")
# Column names that can only mean a credential is in the file.
_CREDENTIAL_COLUMN = re.compile(r"token|secret|password|client_?id|api_?key", re.IGNORECASE)
# Environment variables whose values are credentials even when no row names them.
CREDENTIAL_VARIABLES = (
    "BIGCOMMERCE_ACCESS_TOKEN", "BIGCOMMERCE_CLIENT_ID", "BIGCOMMERCE_CLIENT_SECRET"
)
# Well-known secrets that are never a store's Access Token, whatever they hold.
_DENIED_VARIABLE = re.compile(
    r"^(?:BIGCOMMERCE_CLIENT_\w*|AWS_\w*|AZURE_\w*|ARM_CLIENT_\w*|GOOGLE_\w*|GCP_\w*|GCLOUD_\w*"
    r"|GITHUB_\w*|GH_\w*|ACTIONS_\w*|RUNNER_\w*|CI_JOB_\w*|GITLAB_\w*|CIRCLE_\w*|BUILDKITE_\w*"
    r"|NPM_\w*|NODE_AUTH_TOKEN|PYPI_\w*|TWINE_\w*|DOCKER_\w*|HEROKU_\w*|SLACK_\w*|STRIPE_\w*"
    r"|DATABASE_URL|SSH_\w*|GPG_\w*|VAULT_\w*|CODECOV_\w*|SONAR_\w*)$",
    re.IGNORECASE,
)
_MIN_SECRET_MATCH = 12

CSV_HELP = (
    "STORES.csv has a header row with the columns name,store_hash,token_env: a name of your "
    "choice, the store hash (or the API path), and the name of the environment variable that "
    "holds that store's Access Token (for example ACME_TOKEN); or, in an optional "
    "credentials_file column, the path of the .txt file BigCommerce downloaded for that store. "
    "Tokens never go in the file."
)


class StoresFileError(InputError):
    """The stores file cannot be used; nothing was sent. The text holds no cell's value."""

    def __init__(self, message: str) -> None:
        super().__init__(f"{message} Nothing was sent to any store.")


@dataclass(frozen=True)
class StoreEntry:
    """One row of the stores file, validated (the token is not read yet)."""

    line: int
    name: str
    store_hash: str
    token_env: str
    credentials_file: str = ""  # the token comes from this file, when named


class SecretFinder:
    """Finds any of a set of secret values inside a text, in any letter case, in linear time.

    Substring search against every token of a 10,000-store file cell by cell is
    quadratic; secrets are looked up by their length in a set instead.
    """

    def __init__(self, values: Iterable[str]) -> None:
        self._by_length: dict[int, set[str]] = {}
        for value in values:
            value = value.strip().lower()
            if len(value) >= _MIN_SECRET_MATCH:
                self._by_length.setdefault(len(value), set()).add(value)

    def found_in(self, text: str) -> bool:
        lowered = text.lower()
        for length, values in self._by_length.items():
            for start in range(len(lowered) - length + 1):
                if lowered[start : start + length] in values:
                    return True
        return False


def _cell_problem(column: str, value: str, secrets: SecretFinder) -> str | None:
    """Why a cell may hold a credential, in words that never repeat the cell."""
    if secrets.found_in(value):
        return "holds the value of one of the token variables"
    if column == "token_env":
        if _TOKEN_SHAPED.match(value) and not _ENV_LIKE_NAME.match(value):
            return "looks like an Access Token, not the name of an environment variable"
    elif column == "store_hash":
        if _TOKEN_SHAPED.match(value):
            return "looks like an Access Token or Client ID, not a store hash"
    elif _TOKEN_IN_TEXT.search(value):
        return "looks like an Access Token or Client ID"
    return None


def token_variable_problem(name: str, environ: Mapping[str, str]) -> str | None:
    """Why the variable `name` may not be sent as a store's token (never its value)."""
    if _DENIED_VARIABLE.match(name):
        return (f"{name} is a well-known secret, never a store's Access Token; put each "
                "store's token in a variable of its own, such as ACME_TOKEN")
    value = environ.get(name)
    if value is not None and value.strip() and not ACCESS_TOKEN_SHAPE.match(value.strip()):
        return (f"the value of {name} does not look like a BigCommerce Access Token "
                "(20 to 64 lowercase letters and digits); check that it holds that store's token")
    return None


def _read_text(path: str) -> str:
    try:
        raw = read_at_most(path, MAX_FILE_BYTES)
    except UnreadableFile as problem:
        raise StoresFileError(
            unreadable_message(path, problem, MAX_FILE_BYTES, "a CSV file", "split it up")
        ) from None
    try:
        return raw.decode("utf-8-sig")  # a spreadsheet's byte order mark is dropped
    except UnicodeDecodeError as error:
        raise StoresFileError(
            f"{path}: byte {error.start} is not valid UTF-8. Save the file as CSV UTF-8."
        ) from None


def _header(rows: list[tuple[int, list[str]]], source: str) -> tuple[int, list[str]]:
    if not rows:
        raise StoresFileError(f"{source}: the file is empty. {CSV_HELP}")
    header_line, header = rows[0]
    columns = [cell.lower() for cell in header]
    missing = [column for column in REQUIRED_COLUMNS if column not in columns]
    if missing:
        raise StoresFileError(
            f"{source}: line {header_line}: the header lacks {', '.join(missing)}. {CSV_HELP}"
        )
    if any(column != "token_env" and _CREDENTIAL_COLUMN.search(column) for column in columns):
        raise StoresFileError(
            f"{source}: line {header_line}: a column is named like a credential. Tokens, "
            "Client IDs and secrets never go in the file. " + CSV_HELP
        )
    if len(set(columns)) != len(columns):
        raise StoresFileError(f"{source}: line {header_line}: a column name appears twice.")
    return header_line, columns


def parse_stores(text: str, source: str, environ: Mapping[str, str]) -> list[StoreEntry]:
    """Validate the stores file; raise StoresFileError listing every problem, never a value.

    `environ` is read for the values of the token variables: to refuse a file that
    holds one of them, and a variable whose value is not an Access Token.
    """
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as error:
        raise StoresFileError(f"{source}: not a readable CSV file ({error}). {CSV_HELP}") from None
    numbered = [
        (number, [cell.strip() for cell in row])
        for number, row in enumerate(rows, start=1) if any(cell.strip() for cell in row)
    ]
    _, columns = _header(numbered, source)
    body = numbered[1:]
    if not body:
        raise StoresFileError(f"{source}: the header has no store rows under it.")
    if len(body) > MAX_STORES:
        raise StoresFileError(f"{source}: more than {MAX_STORES} stores; split the file.")
    token_column = columns.index("token_env")
    token_names = {row[token_column] for _, row in body if len(row) > token_column}
    secrets = SecretFinder(
        environ.get(name) or "" for name in {*token_names, *CREDENTIAL_VARIABLES}
        if _ENV_NAME.match(name)
    )
    problems: list[str] = []
    entries: list[StoreEntry] = []
    names: dict[str, int] = {}
    variable_problems: dict[str, str | None] = {}
    for number, row in body:
        where = f"line {number}"
        if len(row) != len(columns):
            problems.append(f"{where}: has {len(row)} cells; the header has {len(columns)}")
            continue
        cells = dict(zip(columns, row, strict=True))
        suspect = False
        for column, value in cells.items():
            problem = _cell_problem(column, value, secrets)
            if problem is not None:
                problems.append(f"{where}, column {column}: {problem}")
                suspect = True
        if suspect:
            continue
        name, raw_hash, token_env = (cells[column] for column in REQUIRED_COLUMNS)
        credentials_file = cells.get(CREDENTIALS_COLUMN, "")
        if credentials_file:
            try:
                credentials = read_credentials_file(credentials_file)
            except CredentialsFileError as error:
                problems.append(f"{where}, column {CREDENTIALS_COLUMN}: {error}")
                continue
            if not raw_hash and credentials.api_path is not None:
                raw_hash = credentials.api_path.reveal()
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
        if credentials_file and not token_env:
            entries.append(StoreEntry(number, name, store_hash, "", credentials_file))
            continue
        if not _ENV_NAME.match(token_env):
            problems.append(
                f"{where}, column token_env: not an environment variable name (letters, digits "
                "and _, not starting with a digit), such as ACME_TOKEN"
            )
            continue
        if token_env not in variable_problems:
            variable_problems[token_env] = token_variable_problem(token_env, environ)
        if variable_problems[token_env] is not None:
            problems.append(f"{where}, column token_env: {variable_problems[token_env]}")
            continue
        entries.append(StoreEntry(number, name, store_hash, token_env))
    if problems:
        shown = problems[:MAX_PROBLEMS_SHOWN]
        more = (f" (and {len(problems) - MAX_PROBLEMS_SHOWN} more)"
                if len(problems) > MAX_PROBLEMS_SHOWN else "")
        raise StoresFileError(f"{source}: " + "; ".join(shown) + more + ".")
    return entries


def load_stores(path: str, environ: Mapping[str, str]) -> list[StoreEntry]:
    """Read and validate the stores file at `path`."""
    return parse_stores(_read_text(path), path, environ)
