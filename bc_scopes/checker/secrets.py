"""A wrapper that keeps credentials out of every output channel.

pytest prints fixture values, test arguments and (with `-l`) local variables
when something fails, and CI keeps those logs. A plain `str` holding the Access
Token would end up there sooner or later. `Secret` has a redacted repr and str,
refuses to be pickled or formatted into text, and hands its value out only via
`reveal()`, which the HTTP client calls at the last moment to build a header.
"""

from __future__ import annotations

import hmac
import re
from typing import NoReturn

from bc_scopes.errors import BadInput
from bc_scopes.files import UnreadableFile, read_at_most, unreadable_message

REDACTED = "Secret('***')"


class RedactedText(str):
    """A str that sends its real characters but never shows them in a repr."""

    __slots__ = ()

    def __repr__(self) -> str:
        return REDACTED


class Secret:
    """A credential value that never shows itself by accident."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        if not isinstance(value, str):
            raise TypeError("Secret holds text only")
        self._value = value

    def reveal(self) -> str:
        """The real value. Call it only where the value leaves for BigCommerce."""
        return self._value

    def header_value(self) -> str:
        """The value for an HTTP header: real text whose repr stays redacted.

        The headers dict sits in the client's frame while a request is made; a
        traceback shown with locals (`pytest -l`) would print it otherwise.
        """
        return RedactedText(self._value)

    def __repr__(self) -> str:
        return REDACTED

    __str__ = __repr__

    def __format__(self, format_spec: str) -> str:
        return REDACTED

    def __bool__(self) -> bool:
        return bool(self._value)

    def __len__(self) -> int:
        return len(self._value)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Secret):
            return NotImplemented
        return hmac.compare_digest(self._value.encode(), other._value.encode())

    def __hash__(self) -> int:
        return hash(("Secret", len(self._value)))

    def __reduce__(self) -> NoReturn:
        raise TypeError("a Secret cannot be pickled; it would be written out in clear")


# Observed store-level Client IDs are 31 characters of [a-z0-9] (see the
# research notes, §3.4). BigCommerce publishes no format, so the check is loose.
_CLIENT_ID_SHAPE = re.compile(r"^[a-z0-9]{20,64}$")
_CLIENT_SECRET_SHAPE = re.compile(r"^[A-Za-z0-9._~+/=-]{16,256}$")


def describe_client_credential(label: str, value: Secret | None, shape: re.Pattern[str]) -> str:
    """One line on what can be said locally about a Client ID or Secret."""
    if value is None:
        return f"{label}: not given."
    looks = "has a plausible shape" if shape.match(value.reveal()) else "has an unusual shape"
    return f"{label}: present, {looks}."


def describe_client_credentials(
    client_id: Secret | None, client_secret: Secret | None
) -> list[str]:
    """What the checker can say about the two values it cannot verify remotely."""
    return [
        describe_client_credential("Client ID", client_id, _CLIENT_ID_SHAPE),
        describe_client_credential("Client Secret", client_secret, _CLIENT_SECRET_SHAPE),
        "BigCommerce documents no way to verify the Client ID and Client Secret through the "
        "REST API: only the Access Token is sent to BigCommerce, and it is checked below.",
    ]


def read_secret_text(
    path: str, limit: int, label: str, too_large_fix: str, error: type[BadInput],
) -> RedactedText:
    """A small file of secrets as text that never shows in a traceback, or `error` (one line).

    Read under `limit`, decoded as UTF-8 (a byte order mark dropped). No readable copy of
    the bytes stays in this frame's locals.
    """
    try:
        raw = read_at_most(path, limit)
    except UnreadableFile as problem:
        raise error(unreadable_message(path, problem, limit, "a file", too_large_fix, label)
                    ) from None
    try:
        return RedactedText(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise error(f"the {label} file {path} is not UTF-8 text") from None
    finally:
        raw = b""
