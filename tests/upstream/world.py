"""A small, synthetic world for the upstream watch: a docs checkout and the project's files.

The docs tree has the shapes of bigcommerce/docs (api-accounts.mdx's five-column scope
tables, OpenAPI specs with an OAuth table in the X-Auth-Token scheme's description) but
none of its text. The scope table is three rows of the real scopes.yaml (Carts, Themes,
Customers login) plus one "leave at None" row, so the model validates it as it is. The
route table holds the probes' routes and one route no probe uses.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from support.docs import dump_document, real_document

from tools.upstream.watch import main

KEPT_ROWS = ("carts", "themes", "customers-login")
KEPT_NONE_ROWS = ("store-translations",)

ACCOUNTS = """\
---
title: Synthetic API accounts
---

# API accounts

Some words before the tables.

| Column | Meaning |
|:--|:--|
| a | not a scope table |

## OAuth scopes

### Store resource scopes

| UI Name | Permission | Parameter | Description | Resources |
|:--------|:-----------|:----------|:------------|:----------|
| Carts | modify | `store_cart` | Synthetic: change carts | [Carts API](/carts) |
| Carts | read-only | `store_cart_read_only` | Synthetic: see carts | [Carts API](/carts) |
| Customers Login | modify | `store_v2_customers_login` | Sign in | [Login](/login) |
| Store Translations | read-only | `store_translations_read_only` | See text | [Translations](/t) |
| Store Translations | modify | `store_translations` | Edit text | [Translations](/t) |
| Themes | modify | `store_themes_manage` | Synthetic: change themes | [Themes API](/themes) |
| Themes | read-only | `store_themes_read_only` | Synthetic: see themes | [Themes API](/themes) |

### Account resource scopes

| UI Name | Permission | Parameter | Description | Resources |
|:--------|:-----------|:----------|:------------|:----------|
| Account Things | read-only | `account_things_read` | Account | [A](/a) |
"""

CARTS_SPEC = """\
openapi: '3.0.3'
info:
  title: Synthetic carts
  version: '1'
servers:
  - url: 'https://api.bigcommerce.com/stores/{store_hash}/v3'
security:
  - X-Auth-Token: []
paths:
  '/carts/{cartId}':
    get:
      operationId: getCart
      description: Synthetic read.
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  data:
                    type: object
    put:
      operationId: updateCart
      description: Synthetic write.
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [customer_id]
              properties:
                customer_id:
                  type: integer
      responses:
        '200':
          description: ok
    delete:
      operationId: deleteCart
      responses:
        '204':
          description: gone
components:
  securitySchemes:
    X-Auth-Token:
      name: X-Auth-Token
      type: apiKey
      in: header
      description: |-
        ### OAuth scopes

        | UI Name | Permission | Parameter |
        |:--------|:-----------|:----------|
        | Carts | modify | `store_cart` |
        | Carts | read-only | `store_cart_read_only` |

        ### Authentication header

        Synthetic words.
"""

THEMES_SPEC = """\
openapi: '3.0.0'
info:
  title: Synthetic themes
  version: '1'
servers:
  - url: 'https://api.bigcommerce.com/stores/{store_hash}/v3'
paths:
  '/themes':
    get:
      operationId: getThemes
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  data:
                    type: array
                    items:
                      type: object
components:
  securitySchemes:
    X-Auth-Token:
      name: X-Auth-Token
      type: apiKey
      in: header
      description: |-
        ### OAuth scopes

        | UI Name | Permission | Parameter |
        |:--------|:-----------|:----------|
        | Themes | modify | `store_themes_manage` |
"""

# A storefront spec (another server): the watch must skip it.
STOREFRONT_SPEC = """\
openapi: '3.0.1'
info: {title: Synthetic storefront, version: '1'}
servers:
  - url: 'https://{store_domain}/api/storefront'
paths:
  '/carts':
    get:
      responses:
        '200': {description: ok}
"""

CORRECTIONS = """\
control_panel:
  - id: account-table
    kind: ignore_table
    table: Account resource scopes
    reason: Synthetic - account-level scopes are not on the store form.
    source: docs/start/authentication/api-accounts.mdx:31
  - id: login-level
    kind: level
    parameter: store_v2_customers_login
    docs: modify
    ours: login
    reason: Synthetic - the control panel says Login.
    source: docs/start/authentication/api-accounts.mdx:21
routes:
  - id: themes-read-only
    summary: "themes: GET routes also accept store_themes_read_only"
    reason: Synthetic - the themes spec lists only the manage string.
    source: reference/themes.v3.yml:28
    actions:
      - kind: add_scopes
        select: {spec: reference/themes.v3.yml, methods: [GET]}
        scopes: [store_themes_read_only]
"""


def _route(method: str, path: str, scopes: list[str], body: Any = None,
           response: str | None = None) -> dict[str, Any]:
    return {"method": method, "path": path, "scopes": scopes, "no_scope": False,
            "body": body, "response": response}


ROUTES = {
    "about": "synthetic",
    "source": {"repo": "bigcommerce/docs", "commit": "0" * 40, "date": "2026-01-01"},
    "corrections": [],
    "routes": [
        _route("DELETE", "/v3/carts/{cartId}", ["store_cart"]),
        _route("GET", "/v3/carts/{cartId}", ["store_cart", "store_cart_read_only"],
               response="object"),
        _route("PUT", "/v3/carts/{cartId}", ["store_cart"],
               body={"kind": "object", "required_body": True, "required": ["customer_id"]}),
        _route("GET", "/v3/themes", ["store_themes_manage", "store_themes_read_only"],
               response="list"),
    ],
}


@dataclass
class World:
    root: Path

    @property
    def docs(self) -> Path:
        return self.root / "bcdocs"

    @property
    def accounts(self) -> Path:
        return self.docs / "docs" / "start" / "authentication" / "api-accounts.mdx"

    def spec(self, name: str) -> Path:
        return self.docs / "reference" / name

    @property
    def corrections(self) -> Path:
        return self.root / "corrections.yaml"

    @property
    def baseline(self) -> Path:
        return self.root / "baseline.json"

    def edit(self, path: Path, old: str, new: str) -> None:
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {path.name}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    @staticmethod
    def line(path: Path, text: str) -> int:
        """The 1-based line of the first line of `path` that contains `text`."""
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if text in line:
                return number
        raise AssertionError(f"{text!r} not in {path.name}")

    def args(self, *extra: str) -> list[str]:
        return [
            "--docs", str(self.docs), "--scopes", str(self.root / "scopes.yaml"),
            "--routes", str(self.root / "routes.json"), "--corrections", str(self.corrections),
            "--baseline", str(self.baseline), "--docs-commit", "1" * 40, *extra,
        ]

    def run(self, *extra: str) -> tuple[int, dict[str, Any]]:
        """Run the watch; return its exit code and its JSON report (empty on exit 2)."""
        report = self.root / "report.json"
        report.unlink(missing_ok=True)
        code = main(self.args("--json", str(report), *extra))
        data = json.loads(report.read_text(encoding="utf-8")) if report.exists() else {}
        return code, data


def scopes_document() -> dict[str, Any]:
    document = real_document()
    document["scopes"] = [row for row in document["scopes"] if row["id"] in KEPT_ROWS]
    document["leave_at_none"] = [
        row for row in document["leave_at_none"] if row["id"] in KEPT_NONE_ROWS]
    for entry in document["changelog"]:
        entry["rows"] = [row for row in entry["rows"] if row in KEPT_ROWS + KEPT_NONE_ROWS]
    return document


def make_world(root: Path) -> World:
    world = World(root)
    world.accounts.parent.mkdir(parents=True)
    world.accounts.write_text(ACCOUNTS, encoding="utf-8")
    (world.docs / "reference").mkdir()
    world.spec("carts.v3.yml").write_text(CARTS_SPEC, encoding="utf-8")
    world.spec("themes.v3.yml").write_text(THEMES_SPEC, encoding="utf-8")
    world.spec("carts.sf.yml").write_text(STOREFRONT_SPEC, encoding="utf-8")
    world.corrections.write_text(CORRECTIONS, encoding="utf-8")
    (root / "scopes.yaml").write_text(dump_document(scopes_document()), encoding="utf-8")
    (root / "routes.json").write_text(json.dumps(ROUTES, indent=1), encoding="utf-8")
    return world


def kinds(report: dict[str, Any], impact: str | None = None) -> list[str]:
    return [d["kind"] for d in report.get("differences", [])
            if impact is None or d["impact"] == impact]
