"""Carry the facts the fake store needs from BigCommerce's published reference.

Run by hand, once, when the reference extract changes:

    .venv/bin/python scripts/build_fakestore_routes.py [path/to/bigcommerce-routes.json]

It reads the route extract of BigCommerce's OpenAPI files (default:
../shared/reference/bigcommerce-routes.json, which CI does not have) and
writes bc_scopes/fakestore/routes.json: for each operation the method, path,
the scopes that open it, whether it needs no scope, the body's kind and
required fields, and the kind of answer. Only facts are kept, not the specs.

It never reads scopes.yaml: the fake store must not learn the route→scope map
from the file it is meant to check.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from tools.project import REPO_ROOT

DEFAULT_SOURCE = REPO_ROOT.parent / "shared" / "reference" / "bigcommerce-routes.json"
TARGET = REPO_ROOT / "bc_scopes" / "fakestore" / "routes.json"


# Field rules the route extract leaves out, read from the same reference files. The fake
# store needs them to refuse a probe body for a second, independent reason, so that one
# relaxed rule on BigCommerce's side (a field that stops being required) is modelled too.
# Field paths: "a.b" for nested objects, "[]" for each item of an array.
BODY_CONSTRAINTS: dict[tuple[str, str], list[dict[str, Any]]] = {
    ("POST", "/v3/content/scripts"): [  # scripts.v3.yml:942-944, 961-963, 980-983
        {"field": "location", "enum": ["head", "footer"]},
        {"field": "kind", "enum": ["src", "script_tag"]},
        {"field": "channel_id", "minimum": 1},
    ],
    ("POST", "/v3/payments/access_tokens"): [  # access-tokens_payments.v3.yml:353-362
        {"field": "order.id", "minimum": 1},
        {"field": "order.is_recurring", "type": "boolean"},
    ],
    ("POST", "/v3/orders/{order_id}/payment_actions/refund_quotes"): [  # orders.v3.yml:2641-2660
        {"field": "items[].item_type", "enum": ["PRODUCT", "GIFT_WRAPPING"]},
    ],
    ("PUT", "/v3/pickup/methods"): [  # pickup_methods.v3.yml:211, 222-229, 285-288
        {"field": "[].id", "exists": True},
        {"field": "[].location_id", "type": "integer"},
    ],
    ("PUT", "/v2/orders/{order_id}"): [  # orders.v2.oas2.yml:4865-4867, 4737-4740
        {"field": "status_id", "type": "integer"},
        {"field": "default_currency_code", "read_only": True},
    ],
    ("PUT", "/v3/carts/{cartId}"): [  # carts.v3.yml:1653-1654
        {"field": "customer_id", "type": "integer"},
    ],
    ("PUT", "/v3/inventory/locations/{location_id}/metafields/{metafield_id}"): [
        # locations.v3.yml:1311-1325
        {"field": "permission_set",
         "enum": ["app_only", "read", "write", "read_and_sf_access", "write_and_sf_access"]},
    ],
    ("PUT", "/v3/orders/pickups"): [
        # pickup.v3.yml:329-357: id (:332-335), pickup_id (:337-340), collected_at (:349-350)
        {"field": "[].pickup_id", "minimum": 1},
        {"field": "[].pickup_id", "exists": True},
        {"field": "[].id", "minimum": 1},
        {"field": "[].collected_at", "type": "string"},
    ],
    ("POST", "/v3/storefront/api-token"): [  # storefront_tokens.v3.yml:262-272, 293-300, 321-323
        {"field": "expires_at", "minimum": 0},
        {"field": "channel_id", "minimum": 1},
        {"field": "allowed_cors_origins", "min_items": 1},
    ],
    ("POST", "/v3/storefront/api-token-customer-impersonation"): [  # same file, :262-272, :321-323
        {"field": "expires_at", "minimum": 0},
        {"field": "channel_id", "minimum": 1},
    ],
    # Rules that hold for a partial update of a record that exists: a field the route
    # never writes (v2 answers "The field 'id' cannot be written to", shipping.v2.yml:2073,
    # orders.v2.oas2.yml:999), or a value of the wrong type, enum or range (v3 validates).
    ("PUT", "/v2/blog/posts/{id}"): [
        # store_content.v2.yml:944-948 (id READ-ONLY; the PUT schema blogPost_Base_Post,
        # :1233-1295, has no id); :1265-1269 (tags is an array of strings)
        {"field": "id", "read_only": True},
        {"field": "tags", "type": "array"},
    ],
    ("PUT", "/v2/shipping/zones/{id}"): [
        # shipping.v2.yml:497-498 and :511-515 (id read-only); :519-525 (type enum)
        {"field": "id", "read_only": True},
        {"field": "type", "enum": ["zip", "country", "state", "global"]},
    ],
    ("PUT", "/v3/wishlists/{wishlist_id}"): [
        # wishlists.v3.yml:656-658 (is_public boolean), :662-664 (items array)
        {"field": "is_public", "type": "boolean"},
        {"field": "items", "type": "array"},
    ],
    ("PUT", "/v3/catalog/brands/{brand_id}"): [
        # catalog/brands_catalog.v3.yml:635-638 (id read-only), :639-642 (name at least
        # one character), :654-657 (meta_keywords array)
        {"field": "id", "read_only": True},
        {"field": "name", "min_length": 1},
        {"field": "meta_keywords", "type": "array"},
    ],
    ("PUT", "/v3/inventory/locations"): [
        # locations.v3.yml:1040-1051 (each item names an existing location by id),
        # :1069-1074 (type_id PHYSICAL or VIRTUAL), :1076-1077 (enabled boolean)
        {"field": "[].id", "exists": True},
        {"field": "[].type_id", "enum": ["PHYSICAL", "VIRTUAL"]},
        {"field": "[].enabled", "type": "boolean"},
    ],
    ("PUT", "/v3/sites/{site_id}/routes/{route_id}"): [
        # sites.v3.yml:835-851 (type enum), :859-860 (route string)
        {"field": "type", "enum": ["product", "brand", "category", "page", "blog", "home",
                                   "cart", "checkout", "search", "account", "login",
                                   "returns", "static"]},
        {"field": "route", "type": "string"},
    ],
    ("PUT", "/v3/channels/{channel_id}/currency-assignments"): [
        # channels.v3.yml:3176-3177 (enabled_currencies array), :3182-3183 (default_currency
        # string), through CurrencyRequiredWithoutChannelId (:3279-3289)
        {"field": "enabled_currencies", "type": "array"},
        {"field": "default_currency", "type": "string"},
    ],
    ("PUT", "/v3/inventory/locations/{location_id}/items"): [
        # inventory.v3.yml:493-497 (settings is an array)
        {"field": "settings", "type": "array"},
    ],
    # Routes only the calibration kit writes to (tools/calibrate.py).
    ("PUT", "/v3/orders/{order_id}/metafields/{metafield_id}"): [
        # orders.v3.yml:3207-3211 (MetafieldPut, all of MetafieldBase_Post :3121):
        # permission_set enum (:3127-3144), key at least one character (:3152-3156)
        {"field": "permission_set",
         "enum": ["app_only", "read", "write", "read_and_sf_access", "write_and_sf_access"]},
        {"field": "key", "min_length": 1},
    ],
    ("PUT", "/v3/customers/{customerId}/metafields/{metafieldId}"): [
        # customers.v3.yml:4967 (MetafieldBase_Put): permission_set enum (:4973-4990), key
        # at least one character (:4998-5002)
        {"field": "permission_set",
         "enum": ["app_only", "read", "write", "read_and_sf_access", "write_and_sf_access"]},
        {"field": "key", "min_length": 1},
    ],
    ("POST", "/v3/customers"): [
        # customers.v3.yml:3456-3463 (customer_Post: email is text of at least 3 characters)
        {"field": "[].email", "type": "string"},
    ],
}

# Exact bodies a real store was recorded refusing on a route (status, where recorded).
# A recorded refusal is evidence of its own, beside the reference's schema.
RECORDED_REFUSALS: dict[tuple[str, str], list[dict[str, Any]]] = {
    ("POST", "/v3/payments/access_tokens"): [
        {"body": {}, "status": 422,
         "source": "Space48 bigcommerce-token-validator index.test.ts.snap:81 (422 with the "
                   "scope), :248 (403 without it); calibration/2023-01-19-space48-token-"
                   "validator.yaml"},
    ],
}


# Where a real store was recorded refusing a body the reference allows, the recorded
# behaviour wins (calibration/2023-01-19-space48-token-validator.yaml).
RECORDED_BODY_RULES: dict[tuple[str, str], dict[str, Any]] = {
    # carts.v3.yml:1475-1500 requires nothing, but POST /v3/carts {} was answered 422
    # (Space48 index.test.ts.snap:117): a cart needs something to hold.
    ("POST", "/v3/carts"): {
        "alternatives": [[["line_items"], ["custom_items"], ["gift_certificates"]]],
    },
}


def _body_facts(body: dict[str, Any] | None) -> dict[str, Any] | None:
    if not body:
        return None
    kind = body.get("type") or "any"
    facts: dict[str, Any] = {
        "kind": kind,
        "required_body": bool(body.get("required_body")),
        "required": sorted(body.get("required") or []),
    }
    items = body.get("items")
    if kind == "array" and isinstance(items, dict):
        facts["item_kind"] = items.get("type") or "any"
        facts["item_required"] = sorted(items.get("required") or [])
    alternatives = body.get("alternatives")
    if alternatives:
        facts["alternatives"] = alternatives
    return facts


def _with_constraints(
    facts: dict[str, Any] | None, key: tuple[str, str]
) -> dict[str, Any] | None:
    if facts is not None and key in BODY_CONSTRAINTS:
        facts["constraints"] = BODY_CONSTRAINTS[key]
    if facts is not None and key in RECORDED_BODY_RULES:
        facts.update(RECORDED_BODY_RULES[key])
    if facts is not None and key in RECORDED_REFUSALS:
        facts["recorded_refusals"] = RECORDED_REFUSALS[key]
    return facts


def build(source: Path) -> dict[str, Any]:
    document = json.loads(source.read_text(encoding="utf-8"))
    routes = []
    for route in document["routes"]:
        routes.append(
            {
                "method": route["method"],
                "path": route["path"],
                "scopes": sorted(route["scopes"]),
                "no_scope": bool(route["no_scope"]),
                "body": _with_constraints(
                    _body_facts(route.get("body")), (route["method"], route["path"])
                ),
                "response": route.get("response"),
            }
        )
    routes.sort(key=lambda entry: (entry["path"], entry["method"]))
    return {
        "about": (
            "Facts extracted from BigCommerce's public API reference (bigcommerce/docs, "
            "reference/*.yml) for the loopback fake store. Generated by "
            "scripts/build_fakestore_routes.py; do not edit by hand."
        ),
        "source": {
            "repo": document["source"]["repo"],
            "commit": document["source"]["commit"],
            "date": document["source"]["date"],
        },
        "corrections": document.get("fixes", []),
        "routes": routes,
    }


def render(data: dict[str, Any]) -> str:
    """JSON with one route per line: small, and a changed route is a one-line diff."""
    head = {key: value for key, value in data.items() if key != "routes"}
    lines = [json.dumps(head, indent=1)[:-2] + ",", ' "routes": [']
    rows = [json.dumps(route, separators=(",", ":")) for route in data["routes"]]
    lines.append(",\n".join("  " + row for row in rows))
    lines.append(" ]")
    lines.append("}")
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    source = Path(argv[1]) if len(argv) > 1 else DEFAULT_SOURCE
    if not source.is_file():
        print(f"build_fakestore_routes: {source} not found", file=sys.stderr)
        return 2
    data = build(source)
    TARGET.write_text(render(data), encoding="utf-8")
    print(f"wrote {len(data['routes'])} routes to {TARGET.relative_to(REPO_ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
