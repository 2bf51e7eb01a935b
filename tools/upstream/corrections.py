"""`upstream/corrections.yaml`: the project's deliberate corrections where the docs disagree.

Each entry says what the project reads differently from the docs, why, and where the
evidence is (`source`: file:line). Four sections:

- `control_panel`: how `api-accounts.mdx`'s scope tables are read against `scopes.yaml`
  (a table that is not the store form, a row the store form does not show, a name or a
  level word the control panel spells differently, a row documented only in a spec);
- `routes`: how the `reference/*.yml` OAuth tables are read into the fake store's route
  table. Each entry carries the `summary` line that `routes.json` lists under
  "corrections", and the `actions` that the route reader applies;
- `spec_tables`: a spec's OAuth table row that disagrees with `api-accounts.mdx` and is
  accepted as it is;
- `disagreements`: places where the two sources map a route to different rows and the
  project keeps the spec reading in the route table, handling the doubt in `scopes.yaml`
  (an ambiguous grant, another probe). The watch checks that the spec reading it
  recorded still holds.

The loader validates the shape and names `file:line` for every problem.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import UpstreamError
from .yamlfile import line_of, load_yaml_file

ROUTE_KEY = re.compile(r"^(GET|PUT|POST|DELETE|PATCH|HEAD) (/\S*)$")

PANEL_KINDS = {"ignore_table", "not_on_store_form", "name", "level", "documented_elsewhere"}
ACTION_KINDS = {
    "rename_scopes", "replace_table", "drop_scopes", "add_scopes", "set_scopes", "no_scope",
    "ignore_empty_security", "read_only_rows_open_writes", "body_required",
}
# Actions that change the tables a spec file states, before any route is read.
TABLE_ACTIONS = {"rename_scopes", "replace_table"}


@dataclass(frozen=True)
class Select:
    """Which routes an action applies to. Every given criterion must hold."""

    spec: str = ""
    routes: tuple[str, ...] = ()
    paths: tuple[str, ...] = ()
    not_paths: tuple[str, ...] = ()
    methods: tuple[str, ...] = ()

    def matches(self, spec: str, method: str, path: str) -> bool:
        if self.spec and spec != self.spec:
            return False
        if self.routes and f"{method} {path}" not in self.routes:
            return False
        if self.paths and not any(fnmatch.fnmatchcase(path, glob) for glob in self.paths):
            return False
        if any(fnmatch.fnmatchcase(path, glob) for glob in self.not_paths):
            return False
        return not (self.methods and method not in self.methods)


@dataclass(frozen=True)
class Rename:
    old: str
    new: str
    permission: str = ""  # only rows at this permission ("" = any)


@dataclass(frozen=True)
class TableRowFact:
    ui_name: str
    permission: str
    parameter: str


@dataclass(frozen=True)
class Action:
    kind: str
    line: int
    spec: str = ""
    select: Select = field(default_factory=Select)
    scopes: tuple[str, ...] = ()
    renames: tuple[Rename, ...] = ()
    rows: tuple[TableRowFact, ...] = ()
    required: tuple[str, ...] = ()


@dataclass(frozen=True)
class RouteCorrection:
    id: str
    summary: str
    reason: str
    source: str
    actions: tuple[Action, ...]
    line: int


@dataclass(frozen=True)
class PanelCorrection:
    id: str
    kind: str
    reason: str
    source: str
    line: int
    table: str = ""
    parameter: str = ""
    docs: str = ""
    ours: str = ""
    spec: str = ""


@dataclass(frozen=True)
class SpecTableCorrection:
    id: str
    spec: str
    parameters: tuple[str, ...]
    reason: str
    source: str
    line: int


@dataclass(frozen=True)
class Disagreement:
    id: str
    routes: tuple[str, ...]
    spec_reading: tuple[str, ...]
    reason: str
    source: str
    line: int


@dataclass(frozen=True)
class Corrections:
    control_panel: tuple[PanelCorrection, ...] = ()
    routes: tuple[RouteCorrection, ...] = ()
    spec_tables: tuple[SpecTableCorrection, ...] = ()
    disagreements: tuple[Disagreement, ...] = ()
    source: str = "upstream/corrections.yaml"

    def panel(self, kind: str) -> list[PanelCorrection]:
        return [entry for entry in self.control_panel if entry.kind == kind]

    def actions(self, *kinds: str) -> list[tuple[RouteCorrection, Action]]:
        return [
            (entry, action)
            for entry in self.routes
            for action in entry.actions
            if action.kind in kinds
        ]

    @property
    def summaries(self) -> list[str]:
        """The lines `routes.json` lists under "corrections", in file order."""
        return [entry.summary for entry in self.routes if entry.summary]


class _Reader:
    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, where: Any, problem: str, default_line: int | None = None) -> UpstreamError:
        line = line_of(where) or default_line
        return UpstreamError(self.source, line, problem)

    def mapping(self, value: Any, what: str, line: int) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(value, f"{what} must be a mapping", line)
        return value

    def entries(self, document: dict[str, Any], key: str) -> list[dict[str, Any]]:
        value = document.get(key) or []
        if not isinstance(value, list):
            raise self.fail(value, f"`{key}` must be a list", line_of(document, 1))
        return [self.mapping(item, f"each entry of `{key}`", line_of(document, 1))
                for item in value]

    def text(self, entry: dict[str, Any], key: str, *, required: bool = True) -> str:
        value = entry.get(key, "")
        if value is None:
            value = ""
        if not isinstance(value, str):
            raise self.fail(entry, f"`{key}` must be text")
        if required and not value.strip():
            raise self.fail(entry, f"`{key}` is missing: every correction needs one")
        return value.strip()

    def texts(self, entry: dict[str, Any], key: str, *, required: bool = False) -> tuple[str, ...]:
        value = entry.get(key) or []
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise self.fail(entry, f"`{key}` must be a list of text")
        if required and not value:
            raise self.fail(entry, f"`{key}` is missing or empty")
        return tuple(str(item).strip() for item in value)

    def unknown_keys(self, entry: dict[str, Any], allowed: set[str]) -> None:
        extra = sorted(str(key) for key in entry if key not in allowed)
        if extra:
            raise self.fail(entry, f"unknown field(s) {', '.join(extra)}")


def _select(reader: _Reader, action: dict[str, Any]) -> Select:
    raw = action.get("select")
    if raw is None:
        raise reader.fail(action, f"action `{action.get('kind')}` needs a `select`")
    value = reader.mapping(raw, "`select`", line_of(action))
    reader.unknown_keys(value, {"spec", "routes", "paths", "not_paths", "methods"})
    select = Select(
        spec=reader.text(value, "spec", required=False),
        routes=reader.texts(value, "routes"),
        paths=reader.texts(value, "paths"),
        not_paths=reader.texts(value, "not_paths"),
        methods=tuple(method.upper() for method in reader.texts(value, "methods")),
    )
    if not (select.spec or select.routes or select.paths):
        raise reader.fail(value, "`select` needs at least one of spec, routes, paths",
                          line_of(action))
    for route in select.routes:
        if not ROUTE_KEY.match(route):
            raise reader.fail(value, f"route '{route}' is not 'METHOD /path'", line_of(action))
    return select


def _action(reader: _Reader, raw: dict[str, Any]) -> Action:
    kind = reader.text(raw, "kind")
    if kind not in ACTION_KINDS:
        raise reader.fail(raw, f"unknown action kind '{kind}' (one of {sorted(ACTION_KINDS)})")
    line = line_of(raw)
    if kind == "rename_scopes":
        reader.unknown_keys(raw, {"kind", "spec", "rename"})
        renames = []
        for item in raw.get("rename") or []:
            item = reader.mapping(item, "each `rename`", line)
            reader.unknown_keys(item, {"from", "to", "permission"})
            renames.append(Rename(reader.text(item, "from"), reader.text(item, "to"),
                                  reader.text(item, "permission", required=False)))
        if not renames:
            raise reader.fail(raw, "`rename` is missing or empty")
        return Action(kind, line, spec=reader.text(raw, "spec"), renames=tuple(renames))
    if kind == "replace_table":
        reader.unknown_keys(raw, {"kind", "spec", "rows"})
        rows = []
        for item in raw.get("rows") or []:
            item = reader.mapping(item, "each of `rows`", line)
            reader.unknown_keys(item, {"ui_name", "permission", "parameter"})
            rows.append(TableRowFact(reader.text(item, "ui_name"),
                                     reader.text(item, "permission"),
                                     reader.text(item, "parameter")))
        if not rows:
            raise reader.fail(raw, "`rows` is missing or empty")
        return Action(kind, line, spec=reader.text(raw, "spec"), rows=tuple(rows))
    if kind in {"drop_scopes", "add_scopes", "set_scopes"}:
        reader.unknown_keys(raw, {"kind", "select", "scopes"})
        return Action(kind, line, select=_select(reader, raw),
                      scopes=reader.texts(raw, "scopes", required=True))
    if kind == "body_required":
        reader.unknown_keys(raw, {"kind", "select", "required"})
        return Action(kind, line, select=_select(reader, raw),
                      required=reader.texts(raw, "required", required=True))
    reader.unknown_keys(raw, {"kind", "select"})
    return Action(kind, line, select=_select(reader, raw))


_COMMON = {"id", "reason", "source"}


def parse_corrections(document: Any, source: str) -> Corrections:
    reader = _Reader(source)
    if document is None:
        return Corrections(source=source)
    document = reader.mapping(document, "the corrections file", 1)
    reader.unknown_keys(document, {"control_panel", "routes", "spec_tables", "disagreements"})
    seen: set[str] = set()

    def common(entry: dict[str, Any]) -> tuple[str, str, str]:
        ident = reader.text(entry, "id")
        if ident in seen:
            raise reader.fail(entry, f"id '{ident}' is used twice")
        seen.add(ident)
        return ident, reader.text(entry, "reason"), reader.text(entry, "source")

    panel = []
    for entry in reader.entries(document, "control_panel"):
        ident, reason, where = common(entry)
        kind = reader.text(entry, "kind")
        if kind not in PANEL_KINDS:
            raise reader.fail(entry, f"unknown kind '{kind}' (one of {sorted(PANEL_KINDS)})")
        needs = {
            "ignore_table": {"table"},
            "not_on_store_form": {"parameter"},
            "name": {"parameter", "docs", "ours"},
            "level": {"parameter", "docs", "ours"},
            "documented_elsewhere": {"parameter", "spec"},
        }[kind]
        reader.unknown_keys(entry, _COMMON | {"kind"} | needs)
        values = {key: reader.text(entry, key) for key in needs}
        panel.append(PanelCorrection(ident, kind, reason, where, line_of(entry), **values))

    routes = []
    for entry in reader.entries(document, "routes"):
        ident, reason, where = common(entry)
        reader.unknown_keys(entry, _COMMON | {"summary", "actions"})
        raw_actions = entry.get("actions")
        if not isinstance(raw_actions, list) or not raw_actions:
            raise reader.fail(entry, "`actions` must be a non-empty list")
        actions = tuple(
            _action(reader, reader.mapping(item, "each action", line_of(entry)))
            for item in raw_actions
        )
        routes.append(RouteCorrection(ident, reader.text(entry, "summary", required=False),
                                      reason, where, actions, line_of(entry)))

    tables = []
    for entry in reader.entries(document, "spec_tables"):
        ident, reason, where = common(entry)
        reader.unknown_keys(entry, _COMMON | {"spec", "parameters"})
        tables.append(SpecTableCorrection(ident, reader.text(entry, "spec"),
                                          reader.texts(entry, "parameters", required=True),
                                          reason, where, line_of(entry)))

    disagreements = []
    for entry in reader.entries(document, "disagreements"):
        ident, reason, where = common(entry)
        reader.unknown_keys(entry, _COMMON | {"routes", "spec_reading"})
        keys = reader.texts(entry, "routes", required=True)
        for key in keys:
            if not ROUTE_KEY.match(key):
                raise reader.fail(entry, f"route '{key}' is not 'METHOD /path'")
        disagreements.append(Disagreement(ident, keys,
                                          tuple(sorted(reader.texts(entry, "spec_reading"))),
                                          reason, where, line_of(entry)))
    return Corrections(tuple(panel), tuple(routes), tuple(tables), tuple(disagreements), source)


def load_corrections(path: Path, source: str | None = None) -> Corrections:
    name = source or str(path)
    if not path.is_file():
        raise UpstreamError(name, None, "file not found")
    return parse_corrections(load_yaml_file(path, name), name)
