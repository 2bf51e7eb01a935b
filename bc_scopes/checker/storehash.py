"""Turn whatever a merchant pasted into a bare store hash, or say what is wrong.

People paste the whole API path from the credentials file, the
`store-abc123.mybigcommerce.com` control-panel domain, or a `{store_hash}`
placeholder left in a template. A wrong hash answers 403 "You don't have a
required scope", which looks like a scope problem, so the hash is checked
before any request. Error messages describe the problem without echoing the
value: a merchant may have pasted the Access Token into the wrong variable.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

STORE_HASH_PATTERN = re.compile(r"^[a-z0-9]+$")
# Store hashes seen in the wild are up to about 10 characters; Client IDs and Access
# Tokens are about 30. Anything longer than this is a credential pasted in the wrong
# place, and must never be printed or put into a URL.
MAX_STORE_HASH_LENGTH = 16
_API_PATH = re.compile(r"(?:^|/)stores/([^/?#]*)")
_CONTROL_PANEL_HOST = re.compile(r"^store-([^.]*)\.mybigcommerce\.com$")
_STORE_PREFIX = re.compile(r"^store-(.+)$")

WHERE_TO_FIND = (
    "copy the part between /stores/ and /v3/ of the API path in the credentials file"
)
# The example hash of the guide's commands (docs/verify.md). Run unchanged, it reaches
# no store of the user's: refuse it before anything is sent, with the one fix.
PLACEHOLDER_HASHES = frozenset({"abc123"})


class StoreHashError(ValueError):
    """The value cannot be a store hash; the message says why and how to fix it."""


def _host_and_path(value: str) -> tuple[str, str]:
    """Split a URL or a scheme-less 'host/path' into a lowercase host and a path."""
    with_scheme = value if "://" in value else "https://" + value
    try:
        parts = urlsplit(with_scheme)
    except ValueError:  # e.g. an unmatched "[" ("Invalid IPv6 URL")
        raise StoreHashError(
            f"that is neither a store hash nor a BigCommerce address; {WHERE_TO_FIND}"
        ) from None
    return (parts.hostname or "").lower(), parts.path


def normalise_store_hash(raw: str) -> str:
    """Return the bare store hash from a hash, an API path or a control-panel domain."""
    value = raw.strip()
    if not value:
        raise StoreHashError(f"the store hash is empty; {WHERE_TO_FIND}")
    if any(ord(char) < 32 or ord(char) == 127 for char in value):
        raise StoreHashError(
            f"the store hash contains a control character or line break; {WHERE_TO_FIND}"
        )
    if not value.isascii():
        raise StoreHashError(
            f"the store hash contains non-ASCII characters; a hash is only a-z and 0-9. "
            f"{WHERE_TO_FIND[0].upper()}{WHERE_TO_FIND[1:]}"
        )
    if "{" in value or "}" in value:
        raise StoreHashError(
            "the store hash still holds a {placeholder}; replace it, braces included, "
            "with your store's hash"
        )
    if any(char.isspace() for char in value):
        raise StoreHashError(f"the store hash contains a space; {WHERE_TO_FIND}")

    candidate = value
    api_path = _API_PATH.search(value)
    if api_path:
        candidate = api_path.group(1)
    elif "." in value or "://" in value:
        host, _path = _host_and_path(value)
        control_panel = _CONTROL_PANEL_HOST.match(host)
        if control_panel:
            candidate = control_panel.group(1)
        elif host == "api.bigcommerce.com":
            raise StoreHashError(
                f"the API address has no /stores/<hash>/ part; {WHERE_TO_FIND}"
            )
        else:
            raise StoreHashError(
                "that looks like a web address, not a store hash. A storefront domain does "
                f"not contain the hash; {WHERE_TO_FIND}"
            )
    else:
        prefixed = _STORE_PREFIX.match(value)
        if prefixed:
            candidate = prefixed.group(1)

    candidate = candidate.lower()
    if not candidate:
        raise StoreHashError(f"the store hash is empty; {WHERE_TO_FIND}")
    if len(candidate) > MAX_STORE_HASH_LENGTH:
        raise StoreHashError(
            f"the store hash is longer than {MAX_STORE_HASH_LENGTH} characters: that looks like "
            f"a Client ID or Access Token, not a Store Hash; {WHERE_TO_FIND}"
        )
    if "/" in candidate:
        raise StoreHashError(f"the store hash contains a slash; {WHERE_TO_FIND}")
    if not STORE_HASH_PATTERN.match(candidate):
        raise StoreHashError(
            f"the store hash may only hold the letters a-z and digits 0-9; {WHERE_TO_FIND}"
        )
    if candidate in PLACEHOLDER_HASHES:
        raise StoreHashError(
            f"'{candidate}' is the guide's example store hash; replace it with your own: "
            f"{WHERE_TO_FIND}"
        )
    return candidate
