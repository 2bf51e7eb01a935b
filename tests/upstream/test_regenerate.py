"""scripts/regenerate_fakestore_routes.py on the synthetic docs tree: it rebuilds the route
table with the kept corrections, counts what changed, and never overwrites the real one."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from support.docs import REPO_ROOT

from .world import World

SCRIPT = REPO_ROOT / "scripts" / "regenerate_fakestore_routes.py"
COMMITTED = REPO_ROOT / "bc_scopes" / "fakestore" / "routes.json"


def _regenerate(world: World, output: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), "--docs", str(world.docs), "--output", str(output),
         "--corrections", str(world.corrections), "--docs-commit", "1" * 40,
         "--docs-date", "2026-01-01T00:00:00+00:00", *extra],
        capture_output=True, text=True, timeout=60, check=False)


def test_it_rebuilds_the_route_table_with_the_kept_corrections(world: World) -> None:
    first = world.root / "first.json"
    result = _regenerate(world, first, "--compare-with", str(world.root / "routes.json"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"wrote 4 routes to {first}")
    table = json.loads(first.read_text(encoding="utf-8"))
    assert table["source"]["commit"] == "1" * 40
    assert table["corrections"] == ["themes: GET routes also accept store_themes_read_only"]
    routes = {f"{r['method']} {r['path']}": r for r in table["routes"]}
    assert routes["GET /v3/themes"]["scopes"] == ["store_themes_manage", "store_themes_read_only"]
    assert routes["GET /v3/themes"]["response"] == "list"
    assert routes["PUT /v3/carts/{cartId}"]["body"]["required"] == ["customer_id"]
    # The body rules build_fakestore_routes.py keeps are added on the way.
    assert routes["PUT /v3/carts/{cartId}"]["body"]["constraints"] == [
        {"field": "customer_id", "type": "integer"}]
    # The storefront spec (another server) is not a store API.
    assert len(routes) == 4

    world.edit(world.spec("carts.v3.yml"), "        | Carts | modify | `store_cart` |\n", "")
    second = world.root / "second.json"
    result = _regenerate(world, second, "--compare-with", str(first), "--check")
    assert result.returncode == 1
    assert "3 route(s) differ" in result.stdout
    assert "changed: PUT /v3/carts/{cartId}" in result.stdout


def test_it_refuses_to_overwrite_the_committed_table(world: World) -> None:
    before = COMMITTED.read_bytes()
    result = _regenerate(world, COMMITTED)
    assert result.returncode == 2 and "refusing to overwrite" in result.stderr
    assert COMMITTED.read_bytes() == before


def test_an_unreadable_checkout_exits_2(world: World) -> None:
    world.edit(world.spec("carts.v3.yml"), "paths:\n", "paths: [\n")
    result = _regenerate(world, world.root / "out.json")
    assert result.returncode == 2
    assert "reference/carts.v3.yml:" in result.stderr and "Traceback" not in result.stderr
