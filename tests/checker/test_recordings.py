"""Every committed recording of real BigCommerce answers, replayed.

For each recorded request, the fake store must make the same decision (refused
for a missing scope, or not) and the classifier must read the recorded answer
the same way. A disagreement names the recording and the request.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from support.docs import REPO_ROOT
from support.store import all_scopes

from bc_scopes.devtools.recordings import classifier_problems, fake_store_problems, load_recording

RECORDINGS = sorted((REPO_ROOT / "calibration").glob("*.yaml"))


def test_there_are_recordings_to_replay() -> None:
    assert RECORDINGS, "calibration/ holds no recording"
    assert sum(len(load_recording(path).answers) for path in RECORDINGS) >= 50


@pytest.mark.parametrize("path", RECORDINGS, ids=lambda path: path.name)
def test_the_classifier_reads_every_recorded_answer_as_it_was(path: Path) -> None:
    assert classifier_problems(load_recording(path)) == []


@pytest.mark.parametrize("path", RECORDINGS, ids=lambda path: path.name)
def test_the_fake_store_decides_every_recorded_request_as_the_real_store_did(
    path: Path, table
) -> None:
    assert fake_store_problems(load_recording(path), all_scopes(table)) == []
