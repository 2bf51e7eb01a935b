"""The fake store's route table: which scopes open which route, and what a body needs.

The facts come from `routes.json`, extracted from BigCommerce's published API
reference by `scripts/build_fakestore_routes.py`, never from `scopes.yaml`.
That independence is the point: a probe in `scopes.yaml` aimed at the wrong
route, or at a route another scope also opens, disagrees with this table and
fails a test.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

ROUTES_FILE = Path(__file__).with_name("routes.json")
_PARAMETER = re.compile(r"^\{[^}]+\}$")


@dataclass(frozen=True)
class BodyRule:
    """What the reference says a request body must look like."""

    kind: str  # object | array | multipart | any
    required_body: bool
    required: tuple[str, ...] = ()
    item_kind: str = "any"
    item_required: tuple[str, ...] = ()
    # Each entry is a set of field groups; a body must hold every field of at
    # least one group of each set ("items" or "tax_adjustment_amount").
    alternatives: tuple[tuple[tuple[str, ...], ...], ...] = ()
    # Field rules: {"field": "a.b" or "[].x" or "items[].x", and one of "enum", "minimum",
    # "type", "min_items", "min_length", "exists", "read_only"}. A body that breaks one is
    # refused; a read-only field is refused whenever it is present.
    constraints: tuple[dict[str, Any], ...] = ()
    # Exact bodies a real store was recorded refusing here: {"body", "status", "source"}.
    recorded_refusals: tuple[dict[str, Any], ...] = ()

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> BodyRule:
        return cls(
            kind=data.get("kind", "any"),
            required_body=bool(data.get("required_body")),
            required=tuple(data.get("required", [])),
            item_kind=data.get("item_kind", "any"),
            item_required=tuple(data.get("item_required", [])),
            alternatives=tuple(
                tuple(tuple(group) for group in groups) for groups in data.get("alternatives", [])
            ),
            constraints=tuple(data.get("constraints", [])),
            recorded_refusals=tuple(data.get("recorded_refusals", [])),
        )


@dataclass(frozen=True)
class Route:
    """One operation of the REST API."""

    method: str
    path: str
    scopes: frozenset[str]
    no_scope: bool
    body: BodyRule | None
    response: str | None  # "list", "object" or None

    @cached_property
    def segments(self) -> tuple[str, ...]:
        return tuple(self.path.strip("/").split("/"))

    @cached_property
    def literal_segments(self) -> tuple[str | None, ...]:
        """Each segment as written, or None for a {placeholder}: matching a path then
        compares strings only (the table has hundreds of routes and every request of every
        fake-store test looks one up)."""
        return tuple(None if _PARAMETER.match(part) else part for part in self.segments)

    @property
    def version(self) -> str:
        return self.segments[0]

    def parameters(self, path: str) -> dict[str, str]:
        """Values of the {placeholders} of this route in a concrete path."""
        values = {}
        pairs = zip(self.segments, self.literal_segments, path.strip("/").split("/"), strict=True)
        for template, literal, actual in pairs:
            if literal is None:
                values[template[1:-1]] = actual
        return values

    def opened_by(self, scopes: frozenset[str] | set[str]) -> bool:
        """True when a token holding `scopes` passes this route's scope check."""
        return self.no_scope or bool(self.scopes & set(scopes))


def _matches(template: tuple[str | None, ...], actual: list[str]) -> bool:
    pairs = zip(template, actual, strict=True)
    return all(part is None or part == value for part, value in pairs)


class RouteTable:
    """Look up the route a concrete path and method belong to."""

    def __init__(self, routes: list[Route], source: dict[str, Any] | None = None) -> None:
        self.routes = routes
        self.source = source or {}
        # A path can only fit a template with as many segments.
        self._by_length: dict[int, list[Route]] = {}
        for route in routes:
            self._by_length.setdefault(len(route.segments), []).append(route)

    @classmethod
    def from_file(cls, path: Path = ROUTES_FILE) -> RouteTable:
        document = json.loads(path.read_text(encoding="utf-8"))
        routes = [
            Route(
                method=entry["method"],
                path=entry["path"],
                scopes=frozenset(entry["scopes"]),
                no_scope=bool(entry["no_scope"]),
                body=BodyRule.from_json(entry["body"]) if entry.get("body") else None,
                response=entry.get("response"),
            )
            for entry in document["routes"]
        ]
        return cls(routes, document.get("source"))

    def candidates(self, path: str) -> list[Route]:
        """Every route whose template fits the path, most literal segments first.

        `/v3/channels/currency-assignments` must win over `/v3/channels/{channel_id}`.
        """
        actual = path.strip("/").split("/")
        fitting = [route for route in self._by_length.get(len(actual), [])
                   if _matches(route.literal_segments, actual)]
        return sorted(fitting, key=lambda route: [part is None for part in route.literal_segments])

    def match(self, method: str, path: str) -> Route | None:
        for route in self.candidates(path):
            if route.method == method:
                return route
        return None

    def path_exists(self, path: str) -> bool:
        return bool(self.candidates(path))

    def all_scopes(self) -> frozenset[str]:
        return frozenset(scope for route in self.routes for scope in route.scopes)


@lru_cache(maxsize=1)
def default_route_table() -> RouteTable:
    """The table shipped with the package (loaded once per process)."""
    return RouteTable.from_file()


def values_at(body: Any, field: str) -> list[Any]:
    """Every value at a field path of a rule ("a.b", "[].x", "items[].x"); absent fields give
    none. The fake store checks bodies with it and the model proves probes with it."""
    values = [body]
    for part in field.replace("[]", ".[]").strip(".").split("."):
        found: list[Any] = []
        for value in values:
            if part == "[]":
                found.extend(value if isinstance(value, list) else [])
            elif isinstance(value, dict) and part in value:
                found.append(value[part])
        values = found
    return values
