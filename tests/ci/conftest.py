"""Fixtures for the CI guard tests, on top of the shared ones in tests/conftest.py.

The guide itself is built once per session by the shared `built_site` fixture. LinkChecker,
run as root, drops its privileges to `nobody` before it reads anything, and pytest's
temporary folders are private (0700), so the link tests serve a world-readable copy.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from http.server import SimpleHTTPRequestHandler
from pathlib import Path

import pytest
from support.docs import run_strict_build

from tools.static_server import serve_directory as serve_static

BuildCopy = Callable[[Path, Path], Path]


def world_readable_tempdir(prefix: str) -> Path:
    """A fresh temporary folder that the `nobody` user can read (mkdtemp makes it 0700)."""
    path = Path(tempfile.mkdtemp(prefix=prefix))
    path.chmod(0o755)
    return path


def make_tree_world_readable(root: Path) -> None:
    for directory, _, files in os.walk(root):
        Path(directory).chmod(0o755)
        for name in files:
            (Path(directory) / name).chmod(0o644)


@pytest.fixture(scope="session")
def build_copy() -> BuildCopy:
    """Build a (modified) copy of the project with the real strict build; it must pass."""

    def build(project_dir: Path, site_dir: Path) -> Path:
        result = run_strict_build(project_dir, site_dir)
        if result.returncode != 0:
            pytest.fail(
                f"mkdocs build --strict failed in {project_dir} (rc {result.returncode}):\n"
                + (result.stdout + result.stderr)[-4000:],
                pytrace=False,
            )
        return site_dir

    return build


class _QuietHandler(SimpleHTTPRequestHandler):
    def end_headers(self) -> None:
        # LinkChecker waits 0.1-0.6 s between requests to one host unless the server
        # answers with a "LinkChecker" header; with it the crawl takes seconds, not a minute.
        self.send_header("LinkChecker", "allow-fast-crawl")
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib name
        pass


@contextlib.contextmanager
def serve_directory(directory: Path) -> Iterator[str]:
    """Serve a folder on 127.0.0.1 with the LinkChecker-friendly handler; yield its URL."""
    with serve_static(directory, _QuietHandler) as base_url:
        yield base_url


@pytest.fixture(scope="session")
def readable_site(built_site: Path) -> Iterator[Path]:
    """A world-readable copy of the session's strict build (for LinkChecker as `nobody`)."""
    root = world_readable_tempdir("bc-ci-site-")
    try:
        copy = root / "site"
        shutil.copytree(built_site, copy)
        make_tree_world_readable(copy)
        yield copy
    finally:
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def site_url(readable_site: Path) -> Iterator[str]:
    """Base URL of the built guide, served on loopback for the whole session."""
    with serve_directory(readable_site) as url:
        yield url
