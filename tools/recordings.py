"""Recordings of real BigCommerce answers, and replaying them against our model of BigCommerce.

A recording (calibration/*.yaml) says which token (a named scope set) sent which
request and what came back. Replaying it asks two questions of every answer:

- does the fake store make the same decision (refused for a missing scope, or not)?
- does the classifier read the recorded answer the same way?

Where the real store's exact status depended on its data (an order 1 that did not
exist), the answer says so in `data_dependent`, and only the decision is compared.
Repository-only: the calibration kit and the tests use it; the wheel does not ship it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
import yaml

from bc_scopes.checker.client import Answer
from bc_scopes.checker.evidence import Outcome
from bc_scopes.checker.probes import classify
from bc_scopes.fakestore.responses import SCOPE_TITLE
from bc_scopes.fakestore.server import FakeStore

REPLAY_STORE_HASH = "replay1"


@dataclass(frozen=True)
class RecordedAnswer:
    token: str
    method: str
    path: str
    status: int
    body: Any = None
    title: str = ""
    scope_denied: bool = False
    status_2xx: bool = False
    data_dependent: str = ""
    # What the answer proved: denied (a missing scope), granted (past the scope check),
    # or failed (proves nothing). Recordings name it only where it is not plain.
    proves: str = ""
    # A GraphQL answer's shape, never its data: "data", "scope-error" or "other-error".
    graphql: str = ""
    where: str = ""  # a pointer into the source, for messages

    def payload(self) -> dict[str, Any]:
        """A stand-in body with what the recording kept (the title, or a GraphQL shape)."""
        if self.graphql == "data":
            return {"data": {"store": {"translations": {"edges": []}}}}
        if self.graphql:
            message = SCOPE_TITLE if self.graphql == "scope-error" else "error"
            return {"data": None, "errors": [{"message": message}]}
        return {"title": self.title or (SCOPE_TITLE if self.scope_denied else "")}

    @property
    def expected_outcome(self) -> Outcome:
        if self.proves:
            return Outcome(self.proves)
        return Outcome.DENIED if self.scope_denied else Outcome.GRANTED


@dataclass
class Recording:
    path: Path
    tokens: dict[str, dict[str, Any]]
    answers: list[RecordedAnswer]
    meta: dict[str, Any] = field(default_factory=dict)

    def scopes_of(self, token: str, universe: Iterable[str]) -> set[str]:
        """The token's scope set; `all` means every scope known, minus `except` and `unknown`."""
        entry = self.tokens[token]
        if entry.get("scopes") == "all":
            left_out = set(entry.get("except", [])) | set(entry.get("unknown", []))
            return set(universe) - left_out
        return set(entry.get("scopes", []))


def load_recording(path: Path) -> Recording:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    answers = []
    for index, entry in enumerate(document["answers"]):
        answers.append(
            RecordedAnswer(
                token=entry["token"],
                method=entry["method"],
                path=entry["path"],
                status=int(entry["status"]),
                body=entry.get("body"),
                title=entry.get("title", ""),
                scope_denied=bool(entry.get("scope_denied", False)),
                status_2xx=bool(entry.get("status_2xx", False)),
                data_dependent=entry.get("data_dependent", ""),
                proves=entry.get("proves", ""),
                graphql=entry.get("graphql", ""),
                where=f"{path.name} answer {index + 1}"
                + (f" (snap line {entry['snap']})" if "snap" in entry else ""),
            )
        )
    meta = {key: value for key, value in document.items() if key not in ("tokens", "answers")}
    return Recording(path, document["tokens"], answers, meta)


def classifier_problems(recording: Recording) -> list[str]:
    """Recorded answers the classifier would read differently from what they proved."""
    problems = []
    for answer in recording.answers:
        outcome = classify(
            Answer(answer.method, answer.path, answer.status, answer.payload())
        ).outcome
        expected = answer.expected_outcome
        if outcome is not expected:
            problems.append(
                f"{answer.where}: {answer.method} {answer.path} {answer.status} is read as "
                f"{outcome.value}, but the recording shows {expected.value}"
            )
    return problems


def fake_store_problems(recording: Recording, universe: Iterable[str]) -> list[str]:
    """Recorded answers the fake store decides differently (scope refusal or not, and status)."""
    universe = set(universe)
    problems = []
    with FakeStore(store_hash=REPLAY_STORE_HASH) as store:
        for name in recording.tokens:
            store.grant(f"replay-token-{name}", recording.scopes_of(name, universe))
        session = requests.Session()
        session.trust_env = False
        for answer in recording.answers:
            body = {} if answer.body is None else answer.body
            data = None if answer.method == "GET" else json.dumps(body).encode()
            response = session.request(
                answer.method, f"{store.url}/stores/{REPLAY_STORE_HASH}{answer.path}",
                headers={"X-Auth-Token": f"replay-token-{answer.token}",
                         "Content-Type": "application/json"},
                data=data, timeout=10, allow_redirects=False,
            )
            denied = response.status_code == 403 and _title(response) == SCOPE_TITLE
            label = f"{answer.where}: {answer.method} {answer.path} ({answer.token})"
            if denied != answer.scope_denied:
                problems.append(
                    f"{label}: the fake store {'refuses' if denied else 'allows'} it, the real "
                    f"store {'refused' if answer.scope_denied else 'allowed'} it"
                )
            elif not answer.data_dependent and not _same_status(answer, response.status_code):
                problems.append(f"{label}: the fake store answers {response.status_code}, "
                                f"the real store answered {answer.status}")
        session.close()
    return problems


def _same_status(answer: RecordedAnswer, status: int) -> bool:
    if answer.status_2xx:
        return 200 <= status < 300
    return status == answer.status


def _title(response: requests.Response) -> str:
    try:
        payload = response.json()
    except ValueError:
        return ""
    return str(payload.get("title", "")) if isinstance(payload, dict) else ""
