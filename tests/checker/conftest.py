"""Fixtures for the checker tests; the fake store and CLI runner are shared (tests/support)."""

from __future__ import annotations

import os

import pytest
from support.store import ENV_NAMES


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)
    assert not any(name in os.environ for name in ENV_NAMES)
