"""The one error the upstream watch raises on purpose: a source it cannot read or parse."""

from __future__ import annotations


class UpstreamError(Exception):
    """A docs checkout, corrections file or baseline that cannot be used.

    The message names the file and, where known, the line, in `file:line: problem` form,
    so a maintainer can open the spot. The command prints it and exits 2; never a traceback.
    """

    def __init__(self, source: str, line: int | None, problem: str) -> None:
        self.source = source
        self.line = line
        self.problem = " ".join(problem.split())
        where = f"{source}:{line}" if line is not None else source
        super().__init__(f"{where}: {self.problem}")
