"""The project's own upstream files: the kept corrections and the baseline."""

from __future__ import annotations

import json

from support.docs import REPO_ROOT

from bc_scopes.model import load_scope_table
from tools.upstream.baseline import load_baseline
from tools.upstream.corrections import load_corrections

CORRECTIONS = REPO_ROOT / "upstream" / "corrections.yaml"
BASELINE = REPO_ROOT / "upstream" / "baseline.json"
ROUTES = REPO_ROOT / "bc_scopes" / "fakestore" / "routes.json"


def test_every_route_correction_of_the_route_table_is_kept_in_order() -> None:
    """routes.json's "corrections" are exactly the kept ones, so a regeneration keeps them."""
    corrections = load_corrections(CORRECTIONS)
    routes = json.loads(ROUTES.read_text(encoding="utf-8"))
    assert corrections.summaries == routes["corrections"]


def test_every_correction_says_why_and_where() -> None:
    corrections = load_corrections(CORRECTIONS)
    entries = [*corrections.control_panel, *corrections.routes, *corrections.spec_tables,
               *corrections.disagreements]
    assert len(entries) >= 25
    for entry in entries:
        assert len(entry.reason) > 20, entry.id
        assert ":" in entry.source or entry.source.startswith("https://"), entry.id


def test_the_corrections_name_real_rows_and_scope_strings() -> None:
    table = load_scope_table()
    strings = {s for row in table.all_rows for s in row.scope_strings.values()}
    corrections = load_corrections(CORRECTIONS)
    for entry in corrections.control_panel:
        if entry.kind in ("name", "level", "documented_elsewhere"):
            assert entry.parameter in strings, entry.id
        if entry.kind == "name":
            assert entry.ours in {row.name for row in table.all_rows}, entry.id
        if entry.kind == "level":
            row = next(r for r in table.all_rows if entry.parameter in r.scope_strings.values())
            assert row.scope_strings.get(entry.ours) == entry.parameter, entry.id


def test_the_baseline_records_the_docs_commit_it_compared() -> None:
    baseline = load_baseline(BASELINE, "upstream/baseline.json")
    assert baseline is not None
    assert len(baseline["docs"]["commit"]) == 40
    assert "store_cart" in baseline["control_panel"]
    for facts in baseline["control_panel"].values():
        assert len(facts["description"]) == 16, "a fingerprint, never the docs' text"
