"""Canary credentials and the leak search: the one definition every secrets test uses.

A leak is any 8-character slice of a canary in any output, so a secret cut,
wrapped or partly redacted is still caught.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping

# Distinct and recognisable, new for every session. Each passes the checker's
# local shape checks, so it really travels to the fake store and back.
CANARY_TOKEN = "cnryTOKEN" + secrets.token_hex(12)
CANARY_CLIENT_ID = "cnryclientid" + secrets.token_hex(10)
CANARY_CLIENT_SECRET = "cnrySECRET" + secrets.token_hex(16)
CANARIES = {
    "access token": CANARY_TOKEN,
    "client id": CANARY_CLIENT_ID,
    "client secret": CANARY_CLIENT_SECRET,
}
LEAK_WINDOW = 8  # any 8 characters of a canary in a row count as a leak


def leaked_pieces(text: str, canary: str, window: int = LEAK_WINDOW) -> list[str]:
    """Every `window`-character slice of `canary`, forwards or reversed, in any letter case,
    found in `text` (empty: no leak)."""
    lowered = text.lower()
    pieces = set()
    for form in (canary.lower(), canary.lower()[::-1]):
        pieces |= {form[i : i + window] for i in range(len(form) - window + 1)}
    return sorted(piece for piece in pieces if piece in lowered)


def leaks_in(channels: Mapping[str, str]) -> list[str]:
    """'<canary> in <channel>' for each leak; the leaked text itself is never repeated."""
    found = []
    for channel, text in channels.items():
        for label, canary in CANARIES.items():
            pieces = leaked_pieces(text, canary)
            if pieces:
                found.append(f"{label} in {channel} ({len(pieces)} slice(s))")
    return found
