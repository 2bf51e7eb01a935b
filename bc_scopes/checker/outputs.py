"""Report files (--json, --junit-xml, GITHUB_STEP_SUMMARY), opened before the first request.

A path that cannot be written must stop the run with exit 2 before anything
is sent, not after every request went out. So each file is opened first, in
append mode (nothing is truncated if a later one fails), and rewritten once the
report exists. The step summary stays in append mode, as GitHub expects.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from bc_scopes.checker.inputs import InputError


def _open(path: str, flag: str) -> IO[str]:
    target = Path(path)
    if target.is_dir():
        raise InputError(f"{flag} {path} is a directory; give a file name")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        return target.open("a", encoding="utf-8")
    except OSError as error:
        raise InputError(f"{flag} {path}: cannot write there ({error.strerror})") from None


@dataclass
class OutputFiles:
    """Open handles for the report files a run was asked to write."""

    json: IO[str] | None = None
    junit: IO[str] | None = None
    step_summary: IO[str] | None = None
    _all: list[IO[str]] = field(default_factory=list)

    @classmethod
    def open(
        cls, json_path: str | None, junit_path: str | None, step_summary: str | None
    ) -> OutputFiles:
        """Open every requested file now; InputError (exit 2) names the first that fails."""
        files = cls()
        try:
            for attribute, path, flag in (
                ("json", json_path, "--json"),
                ("junit", junit_path, "--junit-xml"),
                ("step_summary", step_summary, "GITHUB_STEP_SUMMARY"),
            ):
                if path:
                    handle = _open(path, flag)
                    setattr(files, attribute, handle)
                    files._all.append(handle)
        except InputError:
            files.close()
            raise
        return files

    def write(
        self, json_text: str | None = None, junit_text: str | None = None,
        markdown: str | None = None,
    ) -> None:
        """Replace the JSON and JUnit files' content; append to the step summary."""
        for handle, text in ((self.json, json_text), (self.junit, junit_text)):
            if handle is not None and text is not None:
                handle.seek(0)
                handle.truncate()
                handle.write(text)
        if self.step_summary is not None and markdown is not None:
            self.step_summary.write(markdown)

    def close(self) -> None:
        for handle in self._all:
            handle.close()
        self._all.clear()


def open_stream(path: str, flag: str) -> IO[str]:
    """A file written as the run goes and read back at its end (check-many's --jsonl)."""
    handle = _open(path, flag)
    handle.close()
    return Path(path).open("w+", encoding="utf-8")
