"""The calibration kit, end to end against the fake store as a stand-in sandbox.

It records every probe and open question for a full-scope and an all-None token,
keeps no secret or store hash, meets the pass criteria, and its recording replays.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import yaml
from support.docs import REPO_ROOT
from support.store import STORE_HASH, all_scopes

from bc_scopes.probe_safety import GRAPHQL_PATH, graphql_read_problem, write_probe_problem
from tools.calibrate import OPEN_QUESTIONS
from tools.recordings import classifier_problems, fake_store_problems, load_recording

FULL = "calibrationfull000000000000001"
NONE = "calibrationnone000000000000002"


def calibrate_script():
    script = REPO_ROOT / "scripts" / "calibrate.py"
    spec = importlib.util.spec_from_file_location("calibrate", script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_calibration(store, table, tmp_path: Path, label: str) -> tuple[int, Path]:
    """The kit's script, as a maintainer runs it, with the full and the no-scope token."""
    full_set, none_set = tmp_path / "full.yaml", tmp_path / "none.yaml"
    full_set.write_text(yaml.safe_dump(sorted(all_scopes(table))))
    none_set.write_text("[]\n")
    code = calibrate_script().main(
        ["--store-hash", STORE_HASH, "--api-url", store.url, "--label", label,
         "--output-dir", str(tmp_path / "out"),
         "--token", f"full=CAL_FULL:{full_set}", "--token", f"none=CAL_NONE:{none_set}"],
        environ={"CAL_FULL": FULL, "CAL_NONE": NONE},
    )
    [path] = (tmp_path / "out").glob(f"*-{label}.yaml")
    return code, path


def test_a_calibration_run_records_everything_and_replays(store, table, tmp_path, capsys):
    store.grant(FULL, all_scopes(table))
    store.grant(NONE, set())
    code, path = run_calibration(store, table, tmp_path, "fake-store-stand-in")
    assert code == 0, capsys.readouterr().err
    text = path.read_text()
    assert FULL[:12] not in text and NONE[:12] not in text and STORE_HASH not in text
    recording = load_recording(path)
    asked = {(a.method, a.path) for a in recording.answers}
    assert {(q.method, q.path) for q in OPEN_QUESTIONS} <= asked
    assert {(p.method, p.path) for row in table.all_rows for p in row.probes} <= asked
    assert classifier_problems(recording) == []
    assert fake_store_problems(recording, all_scopes(table)) == []


def test_a_token_variable_that_is_not_set_is_refused_with_exit_2(tmp_path: Path, capsys):
    (tmp_path / "none.yaml").write_text("[]\n")
    code = calibrate_script().main(
        ["--store-hash", STORE_HASH, "--token", f"none=CAL_MISSING:{tmp_path / 'none.yaml'}"],
        environ={},
    )
    assert code == 2 and "CAL_MISSING" in capsys.readouterr().err


def test_the_calibration_page_lists_every_open_question_in_rank_order():
    """docs/maintainers/calibrate.md numbers the questions as the kit ranks them; the
    checker's report links there by number (open question 1 is the payment tokens one)."""
    page = (REPO_ROOT / "docs" / "maintainers" / "calibrate.md").read_text(encoding="utf-8")
    section = page.split("## Open questions", 1)[1].split("\n## ", 1)[0]
    listed = re.findall(r"^\| (\d+) \| `([a-z0-9-]+)`", section, flags=re.MULTILINE)
    assert [(int(n), name) for n, name in listed] == [
        (number, q.name) for number, q in enumerate(OPEN_QUESTIONS, start=1)
    ]
    assert OPEN_QUESTIONS[0].name == "payment-token-get-methods"
    stakes = [(not q.fails_a_correct_token, -q.verdicts_at_stake) for q in OPEN_QUESTIONS]
    assert stakes == sorted(stakes)


# A search that changes nothing whatever its body (pickup_options.v3.yml:30); errata.md.
READS_SENT_AS_POST = {"pickup-options-search"}


def test_every_write_the_kit_sends_is_proven_to_fail_like_a_probe():
    """The kit sends to a real sandbox store: its writes meet the rule the model holds every
    write probe to (bc_scopes/probe_safety.py), and its GraphQL request is a read."""
    for question in OPEN_QUESTIONS:
        if question.method == "GET" or question.name in READS_SENT_AS_POST:
            continue
        if question.path == GRAPHQL_PATH:
            assert graphql_read_problem(question.method, question.body) is None
            continue
        problem = write_probe_problem(question.method, question.path, question.body)
        assert problem is None, (question.name, problem)


def test_a_recording_keeps_no_store_hash_personal_data_or_token_in_any_form(
    store, table, tmp_path, capsys,
):
    """A server's error text may echo anything: the scan of the written file finds none of it."""
    import base64
    import urllib.parse

    from bc_scopes.fakestore.faults import Fault, FaultKind

    store.grant(FULL, all_scopes(table))
    store.grant(NONE, set())
    dashed = "-".join(FULL[i:i + 5] for i in range(0, len(FULL), 5))
    encoded = {
        "dashes": dashed, "base64": base64.b64encode(FULL.encode()).decode(),
        "hex": FULL.encode().hex(), "url": urllib.parse.quote(FULL + "/"),
        "spaced": " ".join(FULL), "upper": FULL.upper(),
    }
    personal = {"e-mail": "jane.doe@example.com", "name": "Jane Doe",
                "phone": "+1 555 010 9999", "address": "https://shop.example/account/42"}
    titles = [f"Store {STORE_HASH} refused {value}" for value in encoded.values()]
    titles += [f"Customer \"{personal['name']}\" <{personal['e-mail']}> {personal['phone']} "
               f"see {personal['address']}"]
    for number, title in enumerate(titles):
        store.add_fault(Fault(FaultKind.STATUS, status=404, title=title, times=1,
                              path=r"^/v[23]/" if number else None))
    code, path = run_calibration(store, table, tmp_path, "hostile-titles")
    text = path.read_text()
    assert code in (0, 1), capsys.readouterr().err
    assert "withheld" in text  # the titles were there to be withheld
    assert STORE_HASH not in text
    flat = "".join(char for char in text.lower() if char.isalnum())
    for form, value in encoded.items():
        squeezed = "".join(char for char in value.lower() if char.isalnum())
        assert squeezed[:12] not in flat, f"the token, {form}, reached the recording"
    for kind, value in personal.items():
        assert value not in text, f"personal data ({kind}) reached the recording"
