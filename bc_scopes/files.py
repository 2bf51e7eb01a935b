"""Reading a small file the user named, without ever reading more than a limit.

The scope table, a stores file and a credential file are all small. Reading at most
the limit plus one byte means /dev/zero or a huge file is refused at once, instead of
being read whole before a size check. Callers word the error for their own file.
"""

from __future__ import annotations

from pathlib import Path


class UnreadableFile(ValueError):
    """Why a file could not be used: `kind` is missing, folder, too-large or os-error."""

    def __init__(self, kind: str, detail: str = "") -> None:
        super().__init__(kind)
        self.kind, self.detail = kind, detail


def read_at_most(path: str | Path, limit: int) -> bytes:
    """The file's bytes, or UnreadableFile when it is absent, a folder, unreadable or too big."""
    try:
        with Path(path).open("rb") as handle:
            raw = handle.read(limit + 1)
    except FileNotFoundError:
        raise UnreadableFile("missing") from None
    except IsADirectoryError:
        raise UnreadableFile("folder") from None
    except OSError as error:
        raise UnreadableFile("os-error", error.strerror or str(error)) from None
    if len(raw) > limit:
        raise UnreadableFile("too-large")
    return raw


def unreadable_message(
    path: str | Path, problem: UnreadableFile, limit: int, expected: str, too_large_fix: str,
    label: str = "",
) -> str:
    """The one wording of "this file cannot be used", for every file the user names.

    `label` says which file it is ("Access Token" gives "the Access Token file PATH"),
    `expected` what it should be ("a CSV file"), `too_large_fix` what to do about a file
    past `limit` ("split it up").
    """
    where = f"the {label} file {path}" if label else f"{path}"
    size = f"{limit // 1024} KiB" if limit >= 1024 else f"{limit} bytes"
    return {
        "missing": f"{where}: file not found. Check the path.",
        "folder": f"{where}: is a folder, not {expected}.",
        "too-large": f"{where}: larger than {size}; {too_large_fix}.",
    }.get(problem.kind, f"{where}: cannot read the file ({problem.detail}).")
