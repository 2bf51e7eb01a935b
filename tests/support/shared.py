"""Work done once per test session, shared by every pytest-xdist worker.

A session-scoped fixture runs once per *worker*: with four workers, a strict docs
build or a fault scenario ran up to four times. Here the first worker to need a
thing makes it, under a file lock, in a folder of the whole session (the parent of
the workers' own temporary folders); the others wait for the lock and reuse it.

Without xdist, or without POSIX file locks (Windows), each process makes its own.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

try:
    import fcntl
except ImportError:  # Windows: no shared folder, each worker makes its own
    fcntl = None  # type: ignore[assignment]


def session_folder(factory: pytest.TempPathFactory) -> Path:
    """A folder every worker of this session sees; private to this process otherwise."""
    base = factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER") and fcntl is not None:
        # pytest-of-USER/pytest-N/popen-gwK: pytest-N is this session's, shared by workers.
        shared = base.parent / "shared"
    else:
        shared = base / "shared"
    shared.mkdir(parents=True, exist_ok=True)
    return shared


@contextlib.contextmanager
def locked(lock_file: Path) -> Iterator[None]:
    """Hold an exclusive lock on `lock_file` (between processes) for the block."""
    with lock_file.open("w") as handle:
        if fcntl is not None:
            fcntl.flock(handle, fcntl.LOCK_EX)  # released when the file closes
        yield


def made_once(factory: pytest.TempPathFactory, name: str, make: Callable[[Path], None]) -> Path:
    """The folder `name`, filled by `make(folder)` once per session.

    If `make` raises, nothing is marked done: the next worker to ask tries again
    and fails the same way, in its own test.
    """
    shared = session_folder(factory)
    folder = shared / name
    with locked(shared / f"{name}.lock"):
        done = shared / f"{name}.done"
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
            make(folder)
            done.touch()
    return folder
