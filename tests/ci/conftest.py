"""Fixtures for the CI guard tests, on top of the shared ones in tests/conftest.py.

The guide itself is built once per session by the shared `built_site` fixture; the link
test serves it on loopback as it is.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from http.server import SimpleHTTPRequestHandler
from pathlib import Path

import pytest
from support.docs import run_strict_build

from tools.static_server import serve_directory as serve_static

BuildCopy = Callable[[Path, Path], Path]


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
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib name
        pass


@contextlib.contextmanager
def serve_directory(directory: Path) -> Iterator[str]:
    """Serve a folder on 127.0.0.1, without a log line per request; yield its URL."""
    with serve_static(directory, _QuietHandler) as base_url:
        yield base_url


@pytest.fixture(scope="session")
def site_url(built_site: Path) -> Iterator[str]:
    """Base URL of the built guide, served on loopback for the whole session."""
    with serve_directory(built_site) as url:
        yield url
