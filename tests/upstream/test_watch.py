"""The upstream watch on small synthetic docs trees: what it reports, at which impact, and
its exit codes (0 nothing that matters, 1 high impact, 2 unreadable with file:line)."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest
from support.docs import REPO_ROOT

from .world import World, kinds


def _high(report: dict[str, Any]) -> list[dict[str, str]]:
    return [d for d in report["differences"] if d["impact"] == "high"]


def test_the_synthetic_world_matches(world: World) -> None:
    code, report = world.run()
    assert (code, report["differences"]) == (0, [])
    assert report["counts"]["probe_routes"] == 3


def test_a_new_row_in_the_scope_table_is_reported_high_by_name(world: World) -> None:
    world.edit(world.accounts, "| Themes | modify |",
               "| Gift Wrapping | modify | `store_gift_wrapping` | Synthetic | [W](/w) |\n"
               "| Themes | modify |")
    code, report = world.run()
    assert code == 1
    [new] = _high(report)
    assert new["kind"] == "new-row"
    assert "Gift Wrapping" in new["message"] and "store_gift_wrapping" in new["message"]
    line = world.line(world.accounts, "Gift Wrapping")
    assert new["where"] == f"docs/start/authentication/api-accounts.mdx:{line}"


def test_a_renamed_level_is_reported_high(world: World) -> None:
    world.edit(world.accounts, "| Carts | read-only |", "| Carts | view-only |")
    code, report = world.run()
    assert code == 1
    [renamed] = _high(report)
    assert renamed["kind"] == "level-renamed" and renamed["row"] == "carts"
    assert "Read-only" in renamed["message"] and "view-only" in renamed["message"]


def test_a_removed_level_and_a_changed_scope_string_are_reported_high(world: World) -> None:
    world.edit(world.accounts, "`store_cart` |", "`store_cart_v4` |")
    world.edit(world.accounts, "| Store Translations | read-only | `store_translations_read_only`"
               " | See text | [Translations](/t) |\n", "")
    code, report = world.run()
    assert code == 1
    by_kind = {d["kind"]: d for d in _high(report)}
    assert set(by_kind) == {"scope-string-changed", "level-removed"}
    assert "store_cart_v4" in by_kind["scope-string-changed"]["message"]
    assert by_kind["level-removed"]["row"] == "store-translations"


def test_a_renamed_row_is_reported_high(world: World) -> None:
    world.edit(world.accounts, "| Themes | read-only |", "| Storefront Themes | read-only |")
    code, report = world.run()
    assert code == 1
    assert [(d["kind"], d["row"]) for d in _high(report)] == [("row-renamed", "themes")]


def test_a_probe_route_that_needs_another_scope_names_the_probe_and_the_row(world: World) -> None:
    world.edit(world.spec("carts.v3.yml"), "      description: Synthetic read.",
               "      description: |-\n        Synthetic read.\n\n"
               "        Requires at least one of the following scopes:\n"
               "        * `store_cart_read_only`\n        * `store_checkout_read_only`")
    code, report = world.run()
    assert code == 1
    [changed] = _high(report)
    assert changed["kind"] == "probe-route-changed"
    assert changed["row"] == "carts"
    assert changed["probe"] == "GET /v3/carts/00000000-0000-0000-0000-000000000000"
    assert "'Carts'" in changed["message"]
    assert "added: store_checkout_read_only" in changed["message"]
    assert "removed: store_cart" in changed["message"]
    spec = world.spec("carts.v3.yml")
    assert changed["where"] == f"reference/carts.v3.yml:{world.line(spec, '    get:')}"


def test_a_probe_route_that_is_gone_is_reported_high(world: World) -> None:
    world.edit(world.spec("themes.v3.yml"), "  '/themes':", "  '/themes/v2':")
    code, report = world.run()
    assert code == 1
    assert [(d["kind"], d["row"], d["probe"]) for d in _high(report)] == [
        ("probe-route-gone", "themes", "GET /v3/themes")]
    assert "route-added" in kinds(report, "low")


def test_a_route_no_probe_uses_is_low(world: World) -> None:
    world.edit(world.spec("carts.v3.yml"), "    delete:\n      operationId: deleteCart\n",
               "    delete:\n      operationId: deleteCart\n      security: []\n")
    code, report = world.run()
    assert code == 0
    assert kinds(report) == ["route-changed"]
    assert "no scope" in report["differences"][0]["message"]


def test_a_changed_description_is_reported_low(world: World) -> None:
    assert world.run("--update-baseline")[0] == 0
    assert world.baseline.is_file()
    assert "Synthetic" not in world.baseline.read_text(encoding="utf-8"), "fingerprints only"
    world.edit(world.accounts, "Synthetic: see carts", "Synthetic: see and count carts")
    code, report = world.run()
    assert code == 0
    [changed] = report["differences"]
    assert (changed["impact"], changed["kind"]) == ("low", "description-changed")
    assert "store_cart_read_only" in changed["message"]
    assert report["baseline_commit"] == "1" * 40


def test_a_corrected_disagreement_is_not_reported(world: World) -> None:
    # Kept: the themes spec lists only the manage string; the correction adds read-only,
    # and api-accounts.mdx says "modify" where the control panel says Login.
    assert world.run()[1]["differences"] == []
    # Without the corrections both disagreements come back, at high impact.
    world.corrections.write_text("{}\n", encoding="utf-8")
    code, report = world.run()
    assert code == 1
    found = {(d["kind"], d["row"]) for d in _high(report)}
    assert ("probe-route-changed", "themes") in found
    assert ("level-renamed", "customers-login") in found
    assert ("new-row", "") in found  # the account-level table is no longer ignored


def test_a_correction_the_docs_no_longer_need_is_low(world: World) -> None:
    world.edit(world.spec("themes.v3.yml"), "        | Themes | modify | `store_themes_manage` |",
               "        | Themes | modify | `store_themes_manage` |\n"
               "        | Themes | read-only | `store_themes_read_only` |")
    code, report = world.run()
    assert code == 0
    assert kinds(report) == ["stale-correction"]


def test_a_spec_table_that_disagrees_with_api_accounts_is_low(world: World) -> None:
    world.edit(world.spec("carts.v3.yml"), "        | Carts | read-only | `store_cart_read_only` |",
               "        | Carts | read-only | `store_cart_read_only` |\n"
               "        | Cart Extras | read-only | `store_cart_extras_read_only` |")
    code, report = world.run()
    assert code == 1  # the probe route gains a scope: high
    low = [d for d in report["differences"] if d["kind"] == "docs-disagree"]
    assert len(low) == 1 and "store_cart_extras_read_only" in low[0]["message"]


def test_a_malformed_scope_table_exits_2_naming_the_file_and_line(
        world: World, capsys: pytest.CaptureFixture[str]) -> None:
    row = "| Carts | read-only | `store_cart_read_only` |"
    world.edit(world.accounts, f"{row} Synthetic: see carts |", row)
    code, report = world.run()
    assert (code, report) == (2, {})
    error = capsys.readouterr().err
    line = world.line(world.accounts, "| Carts | read-only |")
    assert f"docs/start/authentication/api-accounts.mdx:{line}: table row has 4 cells" in error
    assert "Traceback" not in error


def test_a_malformed_spec_table_exits_2_naming_the_file_and_line(
        world: World, capsys: pytest.CaptureFixture[str]) -> None:
    world.edit(world.spec("carts.v3.yml"), "        | Carts | modify | `store_cart` |",
               "        | Carts | modify |")
    assert world.run()[0] == 2
    line = world.line(world.spec("carts.v3.yml"), "| Carts | modify |")
    assert f"reference/carts.v3.yml:{line}: table row has 2 cells" in capsys.readouterr().err


def test_broken_yaml_exits_2_naming_the_file_and_line(
        world: World, capsys: pytest.CaptureFixture[str]) -> None:
    world.edit(world.spec("themes.v3.yml"), "paths:\n", "paths:\n  - [unclosed\n")
    assert world.run()[0] == 2
    error = capsys.readouterr().err
    assert "reference/themes.v3.yml:" in error and "invalid YAML" in error


def test_a_missing_checkout_exits_2(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    world.accounts.unlink()
    assert world.run()[0] == 2
    assert "api-accounts.mdx: file not found" in capsys.readouterr().err


def test_a_broken_corrections_file_exits_2_naming_the_line(
        world: World, capsys: pytest.CaptureFixture[str]) -> None:
    world.edit(world.corrections, "kind: add_scopes", "kind: add_scopez")
    assert world.run()[0] == 2
    assert "corrections.yaml:" in capsys.readouterr().err


def test_the_markdown_report_groups_by_impact(world: World) -> None:
    world.edit(world.accounts, "| Carts | read-only |", "| Carts | view-only |")
    world.edit(world.spec("carts.v3.yml"), "    delete:\n      operationId: deleteCart\n",
               "    delete:\n      operationId: deleteCart\n      security: []\n")
    markdown = world.root / "issue.md"
    assert world.run("--markdown", str(markdown))[0] == 1
    text = markdown.read_text(encoding="utf-8")
    assert text.index("## High impact") < text.index("### Levels renamed (1)") < text.index(
        "## Low impact") < text.index("### Other routes that need other scopes (1)")
    assert "1" * 40 in text and "docs/maintainers/upstream-watch.md" in text


def test_the_command_runs_as_a_script(world: World) -> None:
    world.edit(world.accounts, "| Carts | read-only |", "| Carts | view-only |")
    result = subprocess.run(
        [sys.executable, str(REPO_ROOT / "scripts" / "upstream_watch.py"), *world.args()],
        capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 1, result.stderr
    assert result.stdout.startswith("Upstream watch: 1 high-impact")
    assert "HIGH level-renamed" in result.stdout


HOSTILE_DOC_TEXT = (
    "See [the fix](https://evil.example/x) and ![pixel](https://evil.example/p.png), "
    "ping @octocat, visit www.evil.example or https://evil.example/y, "
    "<img src=x onerror=alert(1)> `code` | table & more"
)


def test_the_issue_quotes_bigcommerces_text_inertly() -> None:
    """No link, image, HTML, mention or autolinked address from the docs reaches the issue."""
    import re

    import markdown as python_markdown

    from tools.upstream.compare import HIGH, Difference
    from tools.upstream.report import WatchReport, render_markdown

    report = WatchReport(
        docs="docs", docs_commit="abc`def", baseline_commit=None,
        differences=[Difference(HIGH, "row-renamed", "orders", HOSTILE_DOC_TEXT,
                                where="reference/x.yml`](https://evil.example)")],
        notes=[HOSTILE_DOC_TEXT],
    )
    text = render_markdown(report)
    html = python_markdown.markdown(text)
    assert "<a " not in html and "<img" not in html and "onerror" not in html.replace(
        "onerror=alert", "")
    assert not re.search(r"@\w", text), "a mention would notify someone"
    assert "://" not in text and not re.search(r"(?i)\bwww\.", text)
    assert "evil" in text  # the words are still there, only inert
