"""Read `reference/*.yml` (BigCommerce's OpenAPI specs) into route facts.

For every operation of every spec served from `api.bigcommerce.com/stores/{store_hash}`:
method, path, the scopes that open it, whether it needs none, the request body's kind
and required fields, and whether a GET answers a list or an object. Only facts are kept.

Where the scopes come from, first match wins:

1. `security: []` on the operation: no scope (unless a correction calls it a slip);
2. the operation's own text: "Requires at least one of the following scopes" (exactly
   those), "Required Scopes" (`Level` `UI name`, looked up in the file's table),
   "The `modify` X OAuth scope is a requirement", or an OAuth table of its own;
3. the file's OAuth table, in `components.securitySchemes.X-Auth-Token.description`.

A table is read by method: a GET may be opened by every scope string it lists; any other
method only by the strings whose permission is not read-only, because read-only scopes
allow GET and HEAD requests only (api-accounts.mdx, "OAuth scopes").

The kept corrections (`upstream/corrections.yaml`, section `routes`) are applied on the
way: table fixes before the routes are read, route fixes after. Each action that changes
nothing is returned as unused, so a correction that BigCommerce made unnecessary is seen.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .corrections import ACTION_KINDS, Action, Corrections, RouteCorrection
from .errors import UpstreamError
from .tables import code_text, headings_and_tables
from .yamlfile import LineStr, line_of, load_yaml_file

REFERENCE_DIR = "reference"
METHODS = ("get", "put", "post", "delete", "patch", "head")
_SERVER = re.compile(r"^https://api\.bigcommerce\.com/stores/\{store_hash\}(/v\d+)/?$")
_ANY_OF = re.compile(r"Requires at least one of the following scopes", re.IGNORECASE)
_REQUIRED_SCOPES = re.compile(r"\*\*Required Scopes\*\*", re.IGNORECASE)
_REQUIREMENT = re.compile(r"The `([^`]+)` (.+?) OAuth scope is a requirement", re.IGNORECASE)
_BULLET = re.compile(r"^\s*[*-]\s+(.*)$")
_BODY_TYPES = ("application/json", "multipart/form-data", "application/x-www-form-urlencoded")


@dataclass(frozen=True)
class ScopeRowFact:
    """One row of a spec's OAuth table: UI name, permission, scope string."""

    ui_name: str
    permission: str
    parameter: str
    line: int

    @property
    def read_only(self) -> bool:
        return is_read_only(self.permission)


def is_read_only(permission: str) -> bool:
    """`read-only`, and the prose some tables use ("read `transactions`"), but not
    "read and modify"."""
    words = permission.strip().casefold()
    return words.startswith("read") and not any(
        verb in words for verb in ("modify", "write", "manage", "create"))


@dataclass(frozen=True)
class SpecRoute:
    method: str
    path: str
    scopes: tuple[str, ...]
    no_scope: bool
    scope_source: str
    spec: str
    line: int
    operation_id: str = ""
    body: dict[str, Any] | None = None
    response: str | None = None

    @property
    def key(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def where(self) -> str:
        return f"{self.spec}:{self.line}"


@dataclass
class ReferenceFacts:
    routes: list[SpecRoute] = field(default_factory=list)
    specs: list[str] = field(default_factory=list)
    # Every OAuth table row a spec states (file level and operation level), after the
    # table corrections: the rows the control-panel cross-check reads.
    table_rows: dict[str, list[ScopeRowFact]] = field(default_factory=dict)
    file_tables: dict[str, list[ScopeRowFact]] = field(default_factory=dict)
    unused: list[tuple[RouteCorrection, Action, str]] = field(default_factory=list)

    def route_map(self) -> dict[str, SpecRoute]:
        return {route.key: route for route in self.routes}


# --- tables -------------------------------------------------------------------------------


def scope_tables(text: Any, spec: str) -> list[list[ScopeRowFact]]:
    """The OAuth tables (UI name | permission | parameter) in a description."""
    if not isinstance(text, str):
        return []
    first = text.first_text_line if isinstance(text, LineStr) else 0
    tables = []
    for table in headings_and_tables(text, spec, first or 1):
        parameter = table.column("Parameter")
        permission = table.column("Permission")
        if parameter is None:
            continue
        if permission is None:
            raise UpstreamError(spec, table.line or None,
                                "OAuth table has a Parameter column but no Permission column")
        ui_name = table.column("UI Name", "Name")
        rows = []
        for row in table.rows:
            rows.append(ScopeRowFact(
                ui_name=code_text(row.cells[ui_name]) if ui_name is not None else "",
                permission=code_text(row.cells[permission]),
                parameter=code_text(row.cells[parameter]),
                line=row.line if first else 0,
            ))
        tables.append(rows)
    return tables


def _fix_rows(
    rows: list[ScopeRowFact], spec: str, corrections: Corrections, used: set[int]
) -> list[ScopeRowFact]:
    fixed = rows
    for _entry, action in corrections.actions("rename_scopes"):
        if action.spec != spec:
            continue
        out = []
        for row in fixed:
            for rename in action.renames:
                permission_ok = (not rename.permission
                                 or row.permission.casefold() == rename.permission.casefold())
                if row.parameter == rename.old and permission_ok:
                    row = replace(row, parameter=rename.new)
                    used.add(id(action))
                    break
            out.append(row)
        fixed = out
    return fixed


def _replacement_table(spec: str, corrections: Corrections, used: set[int],
                       original: list[ScopeRowFact]) -> list[ScopeRowFact] | None:
    for _entry, action in corrections.actions("replace_table"):
        if action.spec == spec:
            line = original[0].line if original else 0
            rows = [ScopeRowFact(row.ui_name, row.permission, row.parameter, line)
                    for row in action.rows]
            if [(r.ui_name, r.permission, r.parameter) for r in original] != [
                    (r.ui_name, r.permission, r.parameter) for r in action.rows]:
                used.add(id(action))
            return rows
    return None


# --- scopes of an operation ---------------------------------------------------------------


def _by_method(rows: Iterable[ScopeRowFact], method: str, read_only_writes: bool) -> list[str]:
    """The scope strings of a table that open an operation of this method."""
    rows = list(rows)
    if method in ("GET", "HEAD"):
        return [row.parameter for row in rows]
    writes = [row.parameter for row in rows if not row.read_only]
    if writes or not read_only_writes:
        return writes
    # A correction says: this write is opened by the read-only rows the table lists
    # (and their modify counterparts), not by nothing.
    opened = []
    for row in rows:
        opened.append(row.parameter)
        if row.parameter.endswith("_read_only"):
            opened.append(row.parameter.removesuffix("_read_only"))
    return opened


def _bullets_after(text: str, marker: re.Match[str]) -> list[str]:
    items: list[str] = []
    for line in text[marker.end():].split("\n")[1:]:
        if not line.strip():
            if items:
                break
            continue
        bullet = _BULLET.match(line)
        if not bullet:
            break
        items.append(bullet.group(1))
    return items


def _lookup(rows: list[ScopeRowFact], permission: str, ui_name: str) -> list[str]:
    name = " ".join(ui_name.split()).casefold()
    level = permission.strip().casefold()
    found = [row.parameter for row in rows
             if " ".join(row.ui_name.split()).casefold() == name
             and (row.permission.casefold() == level
                  or (level in {"modify", "manage", "write"} and not row.read_only))]
    return found


def _operation_scopes(
    operation: dict[str, Any], method: str, spec: str, file_rows: list[ScopeRowFact] | None,
    corrections: Corrections, used: set[int], read_only_writes: bool,
    table_rows: list[ScopeRowFact],
) -> tuple[list[str], str]:
    """The scopes an operation's own text names, and what they came from ("" if none)."""
    text = operation.get("description")
    if not isinstance(text, str):
        return [], ""
    if marker := _ANY_OF.search(text):
        listed = [code_text(item) for item in _bullets_after(text, marker)]
        return [scope for scope in listed if scope], "operation-any-of"
    if marker := _REQUIRED_SCOPES.search(text):
        scopes: list[str] = []
        for item in _bullets_after(text, marker):
            parts = re.findall(r"`([^`]+)`", item)
            if len(parts) >= 2:
                scopes += _lookup(file_rows or [], parts[0], parts[1])
        return scopes, "operation-required-scopes"
    if match := _REQUIREMENT.search(text):
        return _lookup(file_rows or [], match.group(1), match.group(2)), "operation-modify-only"
    tables = scope_tables(text, spec)
    if tables:
        rows = _fix_rows([row for table in tables for row in table], spec, corrections, used)
        table_rows.extend(rows)
        return _by_method(rows, method, read_only_writes), "operation-table"
    return [], ""


# --- request bodies and answers -------------------------------------------------------------


class _Specs:
    """$ref resolution inside one spec file."""

    def __init__(self, document: dict[str, Any], spec: str) -> None:
        self.document = document
        self.spec = spec

    def resolve(self, value: Any, depth: int = 0) -> Any:
        while isinstance(value, dict) and "$ref" in value and depth < 50:
            ref = value["$ref"]
            if not isinstance(ref, str) or not ref.startswith("#/"):
                return {}
            target: Any = self.document
            for part in ref[2:].split("/"):
                part = part.replace("~1", "/").replace("~0", "~")
                if not isinstance(target, dict) or part not in target:
                    raise UpstreamError(self.spec, line_of(value) or None,
                                        f"$ref '{ref}' points at nothing")
                target = target[part]
            value = target
            depth += 1
        return value


def _kind(schema: dict[str, Any]) -> str | None:
    kind = schema.get("type")
    if isinstance(kind, str):
        return kind
    if "properties" in schema:
        return "object"
    return None


def _shape(specs: _Specs, schema: Any, depth: int = 0) -> dict[str, Any]:
    """type, required, alternatives and items of a schema (allOf merged, oneOf/anyOf kept)."""
    schema = specs.resolve(schema)
    if not isinstance(schema, dict) or depth > 20:
        return {"type": None, "required": [], "alternatives": []}
    kind = _kind(schema)
    required = [name for name in schema.get("required") or [] if isinstance(name, str)]
    alternatives: list[list[list[str]]] = []
    items: dict[str, Any] | None = None
    for part in schema.get("allOf") or []:
        sub = _shape(specs, part, depth + 1)
        kind = kind or sub["type"]
        required += sub["required"]
        alternatives += sub["alternatives"]
        items = items or sub.get("items")
    options = (schema.get("oneOf") or []) + (schema.get("anyOf") or [])
    if options:
        shapes = [_shape(specs, option, depth + 1) for option in options]
        alternatives.append([sorted(set(sub["required"])) for sub in shapes])
        kinds = {sub["type"] for sub in shapes}
        if kind is None:
            kind = kinds.pop() if len(kinds) == 1 else "any"
    if kind == "array" and items is None:
        items = _shape(specs, schema.get("items") or {}, depth + 1)
    shape: dict[str, Any] = {"type": kind, "required": sorted(set(required)),
                             "alternatives": alternatives}
    if kind == "array" and items is not None:
        shape["items"] = items
    return shape


def _body(specs: _Specs, operation: dict[str, Any]) -> dict[str, Any] | None:
    request = specs.resolve(operation.get("requestBody"))
    if not isinstance(request, dict):
        return None
    content = request.get("content") or {}
    if not isinstance(content, dict):
        return None
    content_type = next((kind for kind in _BODY_TYPES if kind in content), None)
    if content_type is None:
        return None
    media = content[content_type] or {}
    shape = _shape(specs, media.get("schema") if isinstance(media, dict) else {})
    kind = "multipart" if content_type != "application/json" else (shape["type"] or "any")
    body: dict[str, Any] = {
        "content_type": content_type,
        "required_body": bool(request.get("required")),
        "type": kind,
        "required": shape["required"],
    }
    if kind == "array" and "items" in shape:
        items = shape["items"]
        body["items"] = {"type": items["type"] or "any", "required": items["required"]}
        if items["alternatives"]:
            body["items"]["alternatives"] = items["alternatives"]
    if shape["alternatives"] and kind != "multipart":
        body["alternatives"] = shape["alternatives"]
    return body


def _is_list(specs: _Specs, schema: Any, depth: int = 0) -> bool:
    schema = specs.resolve(schema)
    if not isinstance(schema, dict) or depth > 10:
        return False
    if schema.get("type") == "array":
        return True
    data = (schema.get("properties") or {}).get("data")
    if data is not None:
        data = specs.resolve(data)
        if isinstance(data, dict) and (data.get("type") == "array" or any(
                _is_list(specs, part, depth + 1) for part in data.get("allOf") or [])):
            return True
    return any(_is_list(specs, part, depth + 1)
               for part in (schema.get("allOf") or []) + (schema.get("oneOf") or []))


def _response(specs: _Specs, operation: dict[str, Any], method: str) -> str | None:
    if method != "GET":
        return None
    responses = operation.get("responses") or {}
    if not isinstance(responses, dict):
        return "object"
    codes = sorted(str(code) for code in responses if str(code).startswith("2"))
    if not codes:
        return "object"
    answer = specs.resolve(responses.get(codes[0]) or responses.get(int(codes[0])))
    content = answer.get("content") if isinstance(answer, dict) else None
    if not isinstance(content, dict):
        return "object"
    for media in content.values():
        if isinstance(media, dict) and _is_list(specs, media.get("schema")):
            return "list"
    return "object"


# --- reading a checkout -----------------------------------------------------------------------


def spec_files(docs: Path) -> list[Path]:
    folder = docs / REFERENCE_DIR
    if not folder.is_dir():
        raise UpstreamError(str(folder), None,
                            "folder not found: is this a bigcommerce/docs checkout?")
    return sorted(
        path for path in folder.rglob("*")
        if path.suffix in (".yml", ".yaml") and path.is_file() and not path.name.startswith(".")
    )


def _base_path(document: dict[str, Any]) -> str | None:
    servers = document.get("servers")
    if not isinstance(servers, list) or not servers or not isinstance(servers[0], dict):
        return None
    match = _SERVER.match(str(servers[0].get("url", "")).strip())
    return match.group(1) if match else None


def _file_table(document: dict[str, Any], spec: str) -> list[ScopeRowFact] | None:
    """The OAuth table of the X-Auth-Token security scheme: the whole file's scopes."""
    schemes = (document.get("components") or {}).get("securitySchemes") or {}
    if not isinstance(schemes, dict):
        return None
    for name, scheme in schemes.items():
        if not isinstance(scheme, dict):
            continue
        if name == "X-Auth-Token" or scheme.get("name") == "X-Auth-Token":
            tables = scope_tables(scheme.get("description"), spec)
            return [row for table in tables for row in table] if tables else None
    return None


def _apply_route_actions(
    route: SpecRoute, corrections: Corrections, used: set[int]
) -> SpecRoute:
    for _entry, action in corrections.actions(
            "drop_scopes", "add_scopes", "set_scopes", "no_scope", "body_required"):
        if not action.select.matches(route.spec, route.method, route.path):
            continue
        scopes = set(route.scopes)
        if action.kind == "drop_scopes":
            scopes -= set(action.scopes)
        elif action.kind == "add_scopes":
            scopes |= set(action.scopes)
        elif action.kind == "set_scopes":
            scopes = set(action.scopes)
        changed = tuple(sorted(scopes)) != route.scopes
        if action.kind == "no_scope":
            changed = not route.no_scope or bool(route.scopes)
            route = replace(route, scopes=(), no_scope=True)
        elif action.kind == "body_required":
            body = dict(route.body or {})
            required = sorted(set(body.get("required") or []) | set(action.required))
            changed = route.body is not None and required != sorted(body.get("required") or [])
            if changed:
                body["required"] = required
                route = replace(route, body=body)
        elif changed:
            route = replace(route, scopes=tuple(sorted(scopes)))
        if changed:
            used.add(id(action))
    return route


def read_reference(docs: Path, corrections: Corrections) -> ReferenceFacts:
    """Every store-API route of a docs checkout, with the kept corrections applied."""
    facts = ReferenceFacts()
    used: set[int] = set()
    for path in spec_files(docs):
        spec = path.relative_to(docs).as_posix()
        try:
            _read_spec(path, spec, facts, corrections, used)
        except UpstreamError:
            raise
        except (AttributeError, TypeError, ValueError, KeyError, IndexError,
                RecursionError) as error:
            # A spec whose shape the reader did not expect: name it, never a traceback.
            raise UpstreamError(spec, None, f"unexpected structure ({type(error).__name__}: "
                                f"{error})") from None
    facts.routes.sort(key=lambda route: (route.path, route.method))
    for entry, action in corrections.actions(*ACTION_KINDS):
        if id(action) not in used:
            facts.unused.append((entry, action, _unused_reason(action)))
    return facts


def _read_spec(
    path: Path, spec: str, facts: ReferenceFacts, corrections: Corrections, used: set[int]
) -> None:
    document = load_yaml_file(path, spec)
    if not isinstance(document, dict) or "paths" not in document:
        return
    base = _base_path(document)
    if base is None:
        return
    facts.specs.append(spec)
    specs = _Specs(document, spec)
    file_rows = _file_table(document, spec)
    if file_rows is not None:
        replacement = _replacement_table(spec, corrections, used, file_rows)
        file_rows = replacement if replacement is not None else _fix_rows(
            file_rows, spec, corrections, used)
        facts.file_tables[spec] = file_rows
    rows_seen = list(file_rows or [])
    paths = document.get("paths") or {}
    if not isinstance(paths, dict):
        raise UpstreamError(spec, line_of(paths) or None, "`paths` is not a mapping")
    for raw_path, item in paths.items():
        if not isinstance(item, dict):
            continue
        for method_key, operation in item.items():
            if method_key not in METHODS or not isinstance(operation, dict):
                continue
            method = method_key.upper()
            route_path = base + str(raw_path)
            line = line_of(method_key, line_of(operation))
            read_only_action = next(
                (action for _entry, action in corrections.actions("read_only_rows_open_writes")
                 if action.select.matches(spec, method, route_path)), None)
            read_only_writes = read_only_action is not None
            empty_security = operation.get("security") == []
            if empty_security:
                for _entry, action in corrections.actions("ignore_empty_security"):
                    if action.select.matches(spec, method, route_path):
                        empty_security = False
                        used.add(id(action))
            scopes: list[str] = []
            if empty_security:
                source, no_scope = "operation-security-none", True
            else:
                scopes, source = _operation_scopes(
                    operation, method, spec, file_rows, corrections, used,
                    read_only_writes, rows_seen)
                no_scope = False
                if not source:
                    if file_rows is None:
                        scopes, source = [], "none-stated"
                    else:
                        scopes = _by_method(file_rows, method, read_only_writes)
                        source = "file-table"
            if read_only_action is not None and source in ("file-table", "operation-table") \
                    and scopes and method not in ("GET", "HEAD") \
                    and not _by_method(file_rows or [], method, False):
                used.add(id(read_only_action))
            route = SpecRoute(
                method=method, path=route_path, scopes=tuple(sorted(set(scopes))),
                no_scope=no_scope, scope_source=source, spec=spec, line=line,
                operation_id=str(operation.get("operationId") or ""),
                body=_body(specs, operation), response=_response(specs, operation, method),
            )
            facts.routes.append(_apply_route_actions(route, corrections, used))
    facts.table_rows[spec] = rows_seen


def _unused_reason(action: Action) -> str:
    if action.kind in ("rename_scopes", "replace_table"):
        return f"{action.spec} no longer states what this {action.kind} corrects"
    return "no route it selects needs it any more"


def route_document(facts: ReferenceFacts, corrections: Corrections,
                   source: dict[str, Any]) -> dict[str, Any]:
    """The route extract's shape (as `scripts/build_fakestore_routes.py` reads it)."""
    return {
        "generated_by": "scripts/regenerate_fakestore_routes.py",
        "source": {**source, "files": list(facts.specs)},
        "fixes": corrections.summaries,
        "routes": [
            {
                "method": route.method,
                "path": route.path,
                "scopes": list(route.scopes),
                "no_scope": route.no_scope,
                "scope_source": route.scope_source,
                "spec": route.spec,
                "operation_id": route.operation_id,
                "body": route.body,
                "response": route.response,
            }
            for route in facts.routes
        ],
    }


__all__ = ["ReferenceFacts", "ScopeRowFact", "SpecRoute", "read_reference",
           "route_document", "scope_tables", "spec_files"]
