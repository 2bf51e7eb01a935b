"""Collect and validate the checker's inputs before a single request is sent.

Values come from the environment, from files, or (the token only) from a
hidden prompt. There is deliberately no flag that takes a secret's value: a
flag ends up in shell history and in `ps` output. Every error is one line that
names the input and the fix, and never repeats a secret's value.
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from bc_scopes.checker.credentials_file import CredentialsFileError, read_credentials_file
from bc_scopes.checker.secrets import RedactedText, Secret, read_secret_text
from bc_scopes.checker.storehash import StoreHashError, normalise_store_hash
from bc_scopes.errors import BadInput

DEFAULT_API_URL = "https://api.bigcommerce.com"
ENV_STORE_HASH = "BIGCOMMERCE_STORE_HASH"
ENV_ACCESS_TOKEN = "BIGCOMMERCE_ACCESS_TOKEN"
ENV_CLIENT_ID = "BIGCOMMERCE_CLIENT_ID"
ENV_CLIENT_SECRET = "BIGCOMMERCE_CLIENT_SECRET"
ENV_API_URL = "BIGCOMMERCE_API_URL"
MAX_SECRET_FILE_BYTES = 4096
MAX_TOKEN_LENGTH = 512
_TOKEN_CHARS = re.compile(r"^[A-Za-z0-9._~+/=-]+$")
# host[:port] as every URL parser reads it alike: a DNS name or a bracketed IPv6
# address. A backslash or %-escape is read differently by urllib.parse (which
# validates) and urllib3 (which connects), so the token could go to another host.
_NETLOC = re.compile(r"^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?$")


class InputError(BadInput):
    """Input the checker cannot use. The message is one line and holds no secret."""


class HiddenValues(Mapping[str, str]):
    """A read-only view of the environment whose values never show in a repr.

    `os.environ` in a local variable prints every secret of the machine (CI tokens
    included) when a traceback is shown with locals (`pytest -l`); this view prints
    nothing, and each value it hands out is text with a redacted repr.
    """

    def __init__(self, source: Mapping[str, str]) -> None:
        self._source = source

    def __getitem__(self, name: str) -> str:
        return RedactedText(self._source[name])

    def __iter__(self) -> Iterator[str]:
        return iter(self._source)

    def __len__(self) -> int:
        return len(self._source)

    def __repr__(self) -> str:
        return "HiddenValues(...)"


@dataclass(frozen=True)
class CheckInputs:
    """Everything a check needs, validated. Secrets stay wrapped."""

    store_hash: str
    api_url: str
    access_token: Secret
    client_id: Secret | None = None
    client_secret: Secret | None = None

    def store_base_url(self) -> str:
        return f"{self.api_url}/stores/{self.store_hash}"


def is_loopback_host(host: str) -> bool:
    """True for localhost, 127.0.0.0/8 and ::1: the only hosts allowed over plain http."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def normalise_api_url(raw: str) -> str:
    """Validate the API base URL: https, or http on loopback only; no path, no credentials."""
    value = raw.strip().rstrip("/")
    source = f"{ENV_API_URL} / --api-url"
    if not value:
        raise InputError(f"{source} is empty; leave it unset to use {DEFAULT_API_URL}")
    if not value.isascii() or any(ord(char) < 33 for char in value):
        raise InputError(f"{source} contains spaces or unusual characters; use {DEFAULT_API_URL}")
    try:
        parts = urlsplit(value)
        host = parts.hostname or ""
        _ = parts.port
    except ValueError:
        raise InputError(f"{source} is not a valid URL; use {DEFAULT_API_URL}") from None
    if parts.scheme not in ("https", "http") or not host:
        raise InputError(
            f"{source} must start with https:// and name a host, like {DEFAULT_API_URL}"
        )
    if parts.username or parts.password or "@" in parts.netloc:
        raise InputError(f"{source} must not contain a user name or password")
    if not _NETLOC.match(parts.netloc):
        raise InputError(
            f"{source} has characters a host name never has (such as \\ or %); "
            f"use {DEFAULT_API_URL}"
        )
    if parts.query or parts.fragment:
        raise InputError(f"{source} must not contain ? or #; use {DEFAULT_API_URL}")
    if parts.path not in ("", "/"):
        raise InputError(
            f"{source} must be the API host only, like {DEFAULT_API_URL}; the store hash "
            f"goes in {ENV_STORE_HASH}"
        )
    if parts.scheme == "http" and not is_loopback_host(host):
        raise InputError(
            f"{source} uses plain http; the token would travel unencrypted. Use https "
            "(plain http is only allowed for 127.0.0.1 and localhost)"
        )
    return f"{parts.scheme}://{parts.netloc}"


def clean_secret(raw: str, label: str) -> Secret:
    """Strip pasted whitespace and refuse values that cannot be a credential."""
    value = RedactedText(raw.strip())  # a traceback with locals shows Secret('***')
    if not value:
        raise InputError(f"the {label} is empty; paste it from the credentials file")
    if any(char.isspace() for char in value):
        raise InputError(
            f"the {label} contains a space or line break in the middle; paste it again as one line"
        )
    if value[0] in "\"'" or value[-1] in "\"'":
        raise InputError(f"the {label} is wrapped in quotes; paste it without them")
    if len(value) > MAX_TOKEN_LENGTH:
        raise InputError(
            f"the {label} is longer than {MAX_TOKEN_LENGTH} characters; check the value"
        )
    if not value.isascii() or not _TOKEN_CHARS.match(value):
        raise InputError(
            f"the {label} contains characters a BigCommerce credential never has; paste it again"
        )
    return Secret(value)


def read_secret_file(path: str, label: str) -> Secret:
    """Read a credential from a file (one value, surrounding whitespace ignored)."""
    text = read_secret_text(path, MAX_SECRET_FILE_BYTES, label, "it should hold the value only",
                            InputError)
    return clean_secret(text, f"{label} (from {path})")


def _optional_secret(
    env: Mapping[str, str], variable: str, file_path: str | None, label: str
) -> Secret | None:
    if file_path:
        return read_secret_file(file_path, label)
    raw = env.get(variable)
    if raw is None or not raw.strip():
        return None
    return clean_secret(raw, f"{label} ({variable})")


def resolve_inputs(
    env: Mapping[str, str] | None = None,
    *,
    store_hash: str | None = None,
    api_url: str | None = None,
    access_token_file: str | None = None,
    client_id_file: str | None = None,
    client_secret_file: str | None = None,
    prompt: Callable[[], str] | None = None,
    credentials_file: str | None = None,
) -> CheckInputs:
    """Build validated inputs. Flags win over the environment; `prompt` asks for a missing token.

    A `credentials_file` (the .txt BigCommerce downloads) counts as flags: its values win
    over the environment, and the one-value flags win over it.
    """
    environment = HiddenValues(os.environ if env is None else env)
    if credentials_file:
        environment = _with_credentials_file(environment, credentials_file)

    raw_hash = store_hash if store_hash is not None else environment.get(ENV_STORE_HASH)
    if raw_hash is None or not raw_hash.strip():
        raise InputError(
            f"no store hash: set {ENV_STORE_HASH} or pass --store-hash (the part between "
            "/stores/ and /v3/ of the API path)"
        )
    try:
        hash_value = normalise_store_hash(raw_hash)
    except StoreHashError as error:
        raise InputError(str(error)) from None

    raw_url = api_url if api_url is not None else environment.get(ENV_API_URL)
    url_value = normalise_api_url(raw_url) if raw_url is not None else DEFAULT_API_URL

    if access_token_file:
        token = read_secret_file(access_token_file, "access token")
    elif environment.get(ENV_ACCESS_TOKEN, "").strip():
        token = clean_secret(environment[ENV_ACCESS_TOKEN], f"access token ({ENV_ACCESS_TOKEN})")
    elif prompt is not None:
        token = clean_secret(prompt(), "access token")
    else:
        raise InputError(
            f"no access token: set {ENV_ACCESS_TOKEN} or pass --access-token-file FILE"
        )

    client_id = _optional_secret(environment, ENV_CLIENT_ID, client_id_file, "Client ID")
    client_secret = _optional_secret(
        environment, ENV_CLIENT_SECRET, client_secret_file, "Client Secret"
    )

    for other, label in ((client_id, "Client ID"), (client_secret, "Client Secret")):
        if other is not None and other == token:
            raise InputError(
                f"the access token and the {label} hold the same value; the Access Token is a "
                "separate line in the credentials file"
            )
    # The hash is lowercased on the way in, so compare lowercased: a token with capitals
    # pasted as the hash must not be printed as "store <token>" or put in a URL.
    if any(
        other is not None and hash_value == other.reveal().lower()
        for other in (token, client_id, client_secret)
    ):
        raise InputError(
            f"{ENV_STORE_HASH} holds one of the credentials instead of the store hash; "
            "the hash is the part between /stores/ and /v3/ of the API path"
        )
    return CheckInputs(
        store_hash=hash_value,
        api_url=url_value,
        access_token=token,
        client_id=client_id,
        client_secret=client_secret,
    )


def _with_credentials_file(environment: HiddenValues, path: str) -> HiddenValues:
    """The environment with the credentials file's values laid over it."""
    try:
        found = read_credentials_file(path)
    except CredentialsFileError as error:
        raise InputError(str(error)) from None
    overrides: dict[str, str] = {}
    for variable, value, label in (
        (ENV_ACCESS_TOKEN, found.access_token, "access token"),
        (ENV_CLIENT_ID, found.client_id, "Client ID"),
        (ENV_CLIENT_SECRET, found.client_secret, "Client Secret"),
    ):
        if value is not None:  # checked here so an error names the file, not a variable
            cleaned = clean_secret(value.reveal(), f"{label} (from {path})")
            overrides[variable] = RedactedText(cleaned.reveal())
    if found.api_path is not None:
        overrides[ENV_STORE_HASH] = RedactedText(found.api_path.reveal())
    return HiddenValues({**environment, **overrides})  # a HiddenValues shows no value


def token_warnings(token: Secret) -> list[str]:
    """Local hints about a token that is probably of the wrong kind (never fatal)."""
    value = token.reveal()
    if value.startswith("eyJ"):
        return [
            "The access token looks like a JWT (it starts with eyJ): that is a Storefront API "
            "token, not a store-level API account's Access Token."
        ]
    return []
