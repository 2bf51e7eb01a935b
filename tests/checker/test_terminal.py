"""The report on a real 80 x 24 terminal (a pty): the verdict first, and one screen when ready."""

from __future__ import annotations

import fcntl
import math
import os
import pty
import struct
import subprocess
import sys
import termios

import pytest
from support.store import STORE_HASH, required_scopes, with_level

from bc_scopes.fakestore.server import FakeStore
from bc_scopes.model import ScopeTable

COLUMNS, ROWS = 80, 24


def on_a_terminal(args: list[str], env: dict[str, str]) -> list[str]:
    """Run bc-scopes with its stdout on an 80 x 24 pty; the lines it printed."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, 0, 0))
    clean = {key: value for key, value in os.environ.items()
             if not key.startswith("BIGCOMMERCE_") and key not in ("COLUMNS", "LINES")}
    process = subprocess.Popen(
        [sys.executable, "-m", "bc_scopes.checker.cli", *args], stdin=subprocess.DEVNULL,
        stdout=follower, stderr=subprocess.DEVNULL, env={**clean, **env},
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the pty closes when the process exits
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait(timeout=120)
    os.close(leader)
    return b"".join(chunks).decode("utf-8").replace("\r\n", "\n").splitlines()


def screen_rows(lines: list[str]) -> int:
    """How many terminal rows the lines take, a long URL folding onto the next rows."""
    return sum(max(1, math.ceil(len(line) / COLUMNS)) for line in lines)


@pytest.mark.skipif(sys.platform == "win32", reason="a POSIX pty")
def test_a_ready_token_fits_one_screen_and_says_so_first() -> None:
    lines = on_a_terminal(["demo"], {})
    assert lines[0].startswith("READY for DropStream")
    assert screen_rows(lines) <= ROWS, "\n".join(lines)


@pytest.mark.skipif(sys.platform == "win32", reason="a POSIX pty")
def test_a_token_missing_orders_names_orders_first_and_last(
    fake_store_server: FakeStore, table: ScopeTable,
) -> None:
    token = "noordersterminal0000000000000017"
    fake_store_server.grant(token, with_level(table, required_scopes(table), "orders", "none"))
    lines = on_a_terminal(["check"], {
        "BIGCOMMERCE_STORE_HASH": STORE_HASH, "BIGCOMMERCE_API_URL": fake_store_server.url,
        "BIGCOMMERCE_ACCESS_TOKEN": token,
    })
    assert "Orders" in " ".join(lines[:3]), lines[:3]
    assert "Orders" in " ".join(lines[-3:]), lines[-3:]
    assert all(len(line) <= COLUMNS or line.split()[-1].startswith("http") for line in lines)
