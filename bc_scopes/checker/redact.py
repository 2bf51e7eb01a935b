"""One gate for every text that comes from the server: no secret, no escape, one line.

A hostile or buggy API can echo the Access Token back ("Auth failed for token
…"), and from a probe's detail it would reach stdout, the JSON, the JUnit XML,
the step summary and CI artifacts, where GitHub does not mask it. So every
server text passes `Redactor.clean` once, where the probe result is created:

- terminal controls (ESC, OSC 52 clipboard writes, line breaks) and invisible
  format characters (bidi overrides, zero-width) become '?' or a space;
- each secret, and every piece of 8 or more characters of it, forwards or
  reversed, in any letter case, becomes "[redacted]".
"""

from __future__ import annotations

import bisect
import unicodedata
from array import array
from collections.abc import Iterable

from bc_scopes.checker.secrets import Secret

PIECE = 8
MARK = "[redacted]"


def printable(text: str) -> str:
    """Control and format characters become a space (line breaks, tabs) or '?'."""
    return "".join(
        " " if char in "\t\n\r"
        else "?" if unicodedata.category(char) in ("Cc", "Cf")
        else char
        for char in text
    )


class Redactor:
    """Knows the run's secrets and cleans server text of them.

    check-many hands one Redactor every token of the run, thousands of them, so the
    pieces are kept compactly: a sorted array of 64-bit hashes (8 bytes a piece, not a
    string object each), searched by bisection. A hash that matches by chance only
    hides 8 harmless characters more.
    """

    def __init__(self, secrets: Iterable[Secret | None]) -> None:
        hashes: set[int] = set()
        for secret in secrets:
            if secret is None:
                continue
            value = secret.reveal().lower()
            for text in (value, value[::-1]):
                hashes.update(_key(text[i : i + PIECE]) for i in range(len(text) - PIECE + 1))
        self._pieces = array("Q", sorted(hashes))

    def __repr__(self) -> str:
        return "Redactor(...)"

    def _holds(self, piece: str) -> bool:
        key = _key(piece)
        index = bisect.bisect_left(self._pieces, key)
        return index < len(self._pieces) and self._pieces[index] == key

    def clean(self, text: str) -> str:
        """`text` as safe to keep anywhere: printable, and without any piece of a secret."""
        text = printable(text)
        if not self._pieces or len(text) < PIECE:
            return text
        lowered = text.lower()
        hidden = [False] * len(text)
        for start in range(len(text) - PIECE + 1):
            if self._holds(lowered[start : start + PIECE]):
                for index in range(start, start + PIECE):
                    hidden[index] = True
        if not any(hidden):
            return text
        out: list[str] = []
        for index, char in enumerate(text):
            if not hidden[index]:
                out.append(char)
            elif index == 0 or not hidden[index - 1]:
                out.append(MARK)
        return "".join(out)


def _key(piece: str) -> int:
    """A piece's 64-bit key: stable within the process, never the piece itself."""
    return hash(piece) & 0xFFFF_FFFF_FFFF_FFFF


NO_SECRETS = Redactor(())
