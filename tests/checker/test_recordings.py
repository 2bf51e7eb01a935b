"""Every committed recording of real BigCommerce answers, replayed.

For each recorded request, the fake store must make the same decision (refused
for a missing scope, or not) and the classifier must read the recorded answer
the same way. A disagreement names the recording and the request.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import requests
from support.docs import REPO_ROOT
from support.store import STORE_HASH, all_scopes

from bc_scopes.fakestore.responses import SCOPE_TITLE
from tools.recordings import classifier_problems, fake_store_problems, load_recording

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


def test_the_fake_store_can_answer_from_a_recording(store, table) -> None:
    recording = load_recording(RECORDINGS[0])
    token = "recordedtoken000000000000000001"
    store.grant(token, set())
    store.answer_from(token, [
        (a.method, a.path, a.status, SCOPE_TITLE if a.scope_denied else a.title)
        for a in recording.answers if a.token == "all-but-customers-modify"
    ])
    session = requests.Session()
    base = f"{store.url}/stores/{STORE_HASH}"
    headers = {"X-Auth-Token": token}
    # Recorded: the real answer, although the model would refuse this token every scope.
    assert session.get(f"{base}/v3/catalog/products", headers=headers).status_code == 200
    assert session.get(f"{base}/v3/carts/1", headers=headers).status_code == 404
    denied = session.post(f"{base}/v3/customers", headers=headers, data=b"{}")
    assert denied.status_code == 403 and denied.json()["title"] == SCOPE_TITLE
    # Not recorded: the model answers.
    assert session.get(f"{base}/v3/wishlists", headers=headers).status_code == 403
    session.close()
