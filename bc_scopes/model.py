"""Load and validate `scopes.yaml`: the single loader for the docs and the checker.

Nothing else parses the YAML. Validation happens in two passes: the JSON Schema
(shape, enums, no unknown fields) and semantic rules the schema cannot express
(unique ids across rows and aliases, the required level must be one the row
offers). Every error names the file, the row and the field, because the person
reading it is editing that file.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from bc_scopes import probe_safety
from bc_scopes.errors import BadInput, one_line
from bc_scopes.files import UnreadableFile, read_at_most, unreadable_message

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_ROOT = PACKAGE_DIR.parent
SCOPES_FILE_NAME = "scopes.yaml"
SCHEMA_FILE_NAME = "scopes.schema.json"
MAX_FILE_BYTES = 512 * 1024
ROW_ANCHOR_PREFIX = "scope-"


class ScopeFileError(BadInput):
    """A scopes file that cannot be used. The message is one line, ready to print."""


@dataclass(frozen=True)
class Opener:
    """Another row's level whose scope also opens a probe's route ("row-id:level" in YAML)."""

    row_id: str
    level: str

    @classmethod
    def parse(cls, text: str) -> Opener:
        row_id, _, level = text.partition(":")
        return cls(row_id, level)

    def __str__(self) -> str:
        return f"{self.row_id}:{self.level}"


@dataclass(frozen=True)
class Probe:
    """One HTTP request whose answer proves (or disproves) a level of one row."""

    level: str
    method: str
    path: str
    body: Any = None
    ambiguous_grant: bool = False
    source: str = ""
    # Rows whose scope also opens the route. An ambiguous grant becomes
    # evidence once each of them is proven below that level.
    also_opened_by: tuple[Opener, ...] = ()
    # An unsettled question (its number on the calibration page) and the rows one of
    # BigCommerce's sources says may also open the route. Not evidence either way: a
    # grant while the token holds one of them gets a note in the report.
    open_question: int | None = None
    may_be_opened_by: tuple[Opener, ...] = ()


@dataclass(frozen=True)
class ScopeRow:
    """A row of the control panel's scope form.

    Rows of the main table carry a required level and probes; rows of the
    "leave at None" list have their lowest level as `required`. One type for both
    keeps every lookup, anchor and renderer the same for the two lists.
    """

    id: str
    name: str
    required: str
    levels: tuple[str, ...]
    scope_strings: dict[str, str]
    reason: str
    aliases: tuple[str, ...] = ()
    probes: tuple[Probe, ...] = ()
    confirm_by_eye: str = ""
    reason_source: str = ""
    # Holding more than `required` is a risk (it can take payments, act as a shopper):
    # the check fails on it even without --strict.
    excess_fails: bool = False

    @property
    def anchor(self) -> str:
        return ROW_ANCHOR_PREFIX + self.id

    @property
    def alias_anchors(self) -> tuple[str, ...]:
        return tuple(ROW_ANCHOR_PREFIX + alias for alias in self.aliases)

    def rank(self, level: str) -> int:
        """Position of a level in this row's order, lowest first."""
        return self.levels.index(level)

    @property
    def required_scope_string(self) -> str | None:
        return self.scope_strings.get(self.required)


@dataclass(frozen=True)
class ChangelogEntry:
    date: str
    rows: tuple[str, ...]
    summary: str


@dataclass(frozen=True)
class GuideLinks:
    site_url: str
    scopes_page: str
    troubleshooting_page: str
    calibration_page: str = "maintainers/calibrate/"

    def row_url(self, row_id: str) -> str:
        return f"{self.site_url}{self.scopes_page}#{ROW_ANCHOR_PREFIX}{row_id}"

    def troubleshooting_url(self, anchor: str) -> str:
        return f"{self.site_url}{self.troubleshooting_page}#{anchor}"

    def calibration_url(self) -> str:
        """Where the open questions about BigCommerce's sources are listed, by number."""
        return f"{self.site_url}{self.calibration_page}#open-questions"


@dataclass(frozen=True)
class ScopeTable:
    guide: GuideLinks
    rows: tuple[ScopeRow, ...]
    leave_at_none: tuple[ScopeRow, ...]
    changelog: tuple[ChangelogEntry, ...]
    source: str = field(default="scopes.yaml", compare=False)

    @property
    def all_rows(self) -> tuple[ScopeRow, ...]:
        """Both lists, main table first: what the control panel shows."""
        return self.rows + self.leave_at_none

    def row(self, row_id: str) -> ScopeRow:
        """The row with this id or alias, from either list."""
        for row in self.all_rows:
            if row.id == row_id or row_id in row.aliases:
                return row
        raise KeyError(f"no scope row with id or alias '{row_id}' in {self.source}")

    @property
    def version(self) -> str:
        """The table's version: the date of its newest changelog entry."""
        return max((entry.date for entry in self.changelog), default="unversioned")


_ALIAS_REFUSAL = "YAML anchors and aliases are not allowed; write each value out"

# libyaml's C parser is about ten times faster than the pure-Python one, and the docs
# build pays for this parse on every run. Fall back to Python where libyaml is missing.
# The one choice of safe loader: the upstream watch and the test harness use it too.
SAFE_LOADER: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _StrictLoader(SAFE_LOADER):  # type: ignore[misc]
    """Safe loader that keeps dates as text (anchors and aliases are refused beforehand).

    Dates stay strings so that the schema checks them as written.
    """


_StrictLoader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.copy().items()
}


def _refuse_anchors_and_aliases(text: str) -> None:
    """Reject any anchor or alias before the document is built.

    Aliases allow "billion laughs" expansion and make a row depend on another row's
    text, which a reviewer cannot see in a diff. Scanning parser events catches them
    before anything is expanded.
    """
    for event in yaml.parse(text, Loader=SAFE_LOADER):
        if isinstance(event, yaml.events.AliasEvent) or getattr(event, "anchor", None):
            mark: Any = event.start_mark  # libyaml's Mark and PyYAML's have the same fields
            raise yaml.composer.ComposerError(None, None, _ALIAS_REFUSAL, mark)


def _bundled(name: str) -> Path:
    """A data file: the repository's top-level copy in a clone, the packaged copy once installed.

    The top-level file is the single source; the build copies it into the package
    (see setup.py), so an installed command finds the same table.
    """
    top_level = REPO_ROOT / name
    if (REPO_ROOT / "pyproject.toml").is_file() and top_level.is_file():
        return top_level
    return PACKAGE_DIR / "data" / name


def default_scopes_file() -> Path:
    """Where `scopes.yaml` is when no --scopes-file is given."""
    return _bundled(SCOPES_FILE_NAME)


@lru_cache(maxsize=1)
def _schema() -> dict[str, Any]:
    path = _bundled(SCHEMA_FILE_NAME)
    try:
        schema: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return schema
    except OSError:
        raise ScopeFileError(f"{SCHEMA_FILE_NAME} not found; reinstall bc-scopes") from None


def parse_yaml_text(text: str, source: str) -> Any:
    """Parse YAML text with the strict loader, turning parser errors into one line."""
    try:
        _refuse_anchors_and_aliases(text)
        return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a safe loader subclass
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f" line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = one_line(error.problem or error.context or "invalid YAML")
        raise ScopeFileError(f"{source}:{where}: {problem}. Fix the YAML syntax there.") from None
    except yaml.reader.ReaderError as error:
        line = text.count("\n", 0, error.position) + 1
        raise ScopeFileError(
            f"{source}: line {line}: character U+{error.character:04X} is not allowed in YAML. "
            "Delete it (it is usually an invisible control character)."
        ) from None
    except yaml.YAMLError as error:
        raise ScopeFileError(f"{source}: invalid YAML ({one_line(str(error))}).") from None


# Characters no text in the file may hold, by Unicode category, and what to call them.
# Control characters (Cc) are escape sequences and line breaks: they could repaint a
# support agent's terminal. Format characters (Cf) are invisible: a bidi override makes
# "Themes\u202e enoN tes" read as "Themes set None"; zero-width spaces and joiners, word
# joiners and byte order marks make two equal-looking names differ.
_HIDDEN_CATEGORIES = {"Cc": "control character", "Cf": "invisible format character"}
_ASCII_CONTROL = re.compile("[\x00-\x1f\x7f]")  # category Cc within ASCII; ASCII has no Cf


def _control_character(value: str) -> str | None:
    """Return the first control or invisible format character in a text, if any.

    Names and reasons reach terminals (the checker's table) and web pages; an escape
    sequence in them could repaint a support agent's terminal, and a bidi override or
    a zero-width character could make the text read as something it is not.
    """
    if value.isascii():  # most text: only the C0 controls and DEL can be hidden there
        found = _ASCII_CONTROL.search(value)
        return found.group() if found else None
    for character in value:
        if unicodedata.category(character) in _HIDDEN_CATEGORIES:
            return character
    return None


def _hidden_characters(value: Any, path: str = "") -> tuple[str, str] | None:
    """The first (field path, character) of a control or format character in any string.

    Walks mappings (keys and values) and lists, so a probe's `source` reports as
    'probes.0.source' and a string inside its body as 'probes.1.body.title'.
    """
    if isinstance(value, str):
        bad = _control_character(value)
        return (path, bad) if bad is not None else None
    if isinstance(value, dict):
        items: list[tuple[str, Any]] = []
        for key, item in value.items():
            items += [(path, key), (f"{path}.{key}" if path else str(key), item)]
        for where, item in items:
            found = _hidden_characters(item, where)
            if found is not None:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = _hidden_characters(item, f"{path}.{index}" if path else str(index))
            if found is not None:
                return found
    return None


def _refuse_hidden_characters(value: Any, source: str, owner: str) -> None:
    """Raise on the first control or format character in any text of an entry.

    Every string is checked, not a list of fields: name, reason, confirm_by_eye and
    summary, a probe's `source` and the strings of its `body`, the guide's links, and
    any text field added to the schema later.
    """
    found = _hidden_characters(value)
    if found is None:
        return
    text_field, bad = found
    kind = _HIDDEN_CATEGORIES[unicodedata.category(bad)]
    where = f"{owner}, field '{text_field}'" if text_field else owner
    raise ScopeFileError(
        f"{source}: {where}: contains the {kind} U+{ord(bad):04X}. "
        "Remove it; names and texts must be plain text."
    )


def _describe_location(document: Any, path: list[Any]) -> str:
    """Turn a JSON path such as ['scopes', 3, 'required'] into 'row 4 (orders), field required'."""
    if not path:
        return "top level"
    section = path[0]
    if (
        section in ("scopes", "leave_at_none", "changelog")
        and len(path) > 1
        and isinstance(path[1], int)
    ):
        index = path[1]
        label = {
            "scopes": "row",
            "leave_at_none": "leave-at-None row",
            "changelog": "changelog entry",
        }[section]
        row_id = ""
        try:
            entry = document[section][index]
            if isinstance(entry, dict) and isinstance(entry.get("id"), str):
                row_id = f" ({entry['id']})"
        except (IndexError, KeyError, TypeError):
            pass
        rest = ".".join(str(part) for part in path[2:])
        where = f"{label} {index + 1}{row_id}"
        return f"{where}, field '{rest}'" if rest else where
    return "field '" + ".".join(str(part) for part in path) + "'"


def validate_document(document: Any, source: str) -> None:
    """Check a parsed document against the JSON Schema; raise on the first error."""
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator(_schema())
    errors = sorted(
        validator.iter_errors(document), key=lambda e: (list(e.absolute_path), e.message)
    )
    if not errors:
        return
    error = errors[0]
    location = _describe_location(document, list(error.absolute_path))
    message = error.message
    if len(message) > 160:
        message = message[:157] + "..."
    more = f" (and {len(errors) - 1} more problems)" if len(errors) > 1 else ""
    raise ScopeFileError(f"{source}: {location}: {message}{more}. See scopes.schema.json.")


def _above_none(levels: list[str]) -> list[str]:
    return [level for level in levels if level != "none"]


def _check_semantics(document: dict[str, Any], source: str) -> None:
    _refuse_hidden_characters(document["guide"], source, "section 'guide'")
    seen: dict[str, str] = {}

    def claim(identifier: str, owner: str) -> None:
        if identifier in seen:
            raise ScopeFileError(
                f"{source}: {owner}: id '{identifier}' is already used by {seen[identifier]}; "
                "ids and aliases must be unique."
            )
        seen[identifier] = owner

    for section, label in (
        ("scopes", "row"),
        ("leave_at_none", "leave-at-None row"),
        ("changelog", "changelog entry"),
    ):
        for index, entry in enumerate(document[section]):
            owner = f"{label} {index + 1}" + (f" ({entry['id']})" if "id" in entry else "")
            _refuse_hidden_characters(entry, source, owner)
            if section == "changelog":
                continue
            claim(entry["id"], owner)
            for alias in entry.get("aliases", []):
                claim(alias, f"{owner}, field 'aliases'")
            levels = entry["levels"]
            for level in entry["scope_strings"]:
                if level not in levels or level == "none":
                    raise ScopeFileError(
                        f"{source}: {owner}, field 'scope_strings': level '{level}' is not one of "
                        f"the row's levels above None ({', '.join(_above_none(levels))})."
                    )
            if section == "scopes" and entry["required"] not in levels:
                raise ScopeFileError(
                    f"{source}: {owner}, field 'required': '{entry['required']}' is not "
                    f"offered by this row; its levels are {', '.join(levels)}."
                )
            if section in ("scopes", "leave_at_none"):
                for probe_index, probe in enumerate(entry.get("probes", [])):
                    where = f"{owner}, field 'probes.{probe_index}'"
                    if probe["level"] not in levels or probe["level"] == levels[0]:
                        raise ScopeFileError(
                            f"{source}: {where}: level '{probe['level']}' must be one of the row's "
                            "levels above its lowest."
                        )
                    openers = probe.get("also_opened_by", []) + probe.get(
                        "open_question", {}
                    ).get("may_be_opened_by", [])
                    for opener in openers:
                        _check_opener(document, opener, source, where)
                    if probe["path"] == probe_safety.GRAPHQL_PATH:
                        _check_graphql_probe(probe, source, where)
                        continue
                    if probe["method"] == "GET" and "body" in probe:
                        raise ScopeFileError(f"{source}: {where}: a GET probe cannot have a body.")
                    if probe["method"] != "GET" and "body" not in probe:
                        raise ScopeFileError(
                            f"{source}: {where}: a write probe needs a body that cannot succeed."
                        )
                    _check_write_probe(probe, source, where)


def _check_write_probe(probe: dict[str, Any], source: str, where: str) -> None:
    """A write probe must be proven to fail before anything is sent (probe_safety.py)."""
    if probe["method"] == "GET":
        return
    problem = probe_safety.write_probe_problem(probe["method"], probe["path"], probe["body"])
    if problem:
        raise ScopeFileError(
            f"{source}: {where} ({probe['method']} {probe['path']}): {problem}."
        )


def _check_graphql_probe(probe: dict[str, Any], source: str, where: str) -> None:
    """A GraphQL probe is a fixed read-only query: never a mutation or subscription."""
    problem = probe_safety.graphql_read_problem(probe["method"], probe.get("body"))
    if problem:
        raise ScopeFileError(f"{source}: {where} (GraphQL): {problem}.")


def _refuse_non_json(document: Any, source: str) -> None:
    """Every value must be plain JSON: a probe body is sent as JSON, mid-run."""
    found = probe_safety.non_json_value(document)
    if found:
        where, problem = found
        raise ScopeFileError(
            f"{source}: {_describe_location(document, list(where))}: {problem}. Write plain "
            "values (text, numbers, true/false, lists and mappings with text keys)."
        )


def _check_opener(document: dict[str, Any], text: str, source: str, where: str) -> None:
    """An opener must name a row of either list and one of that row's levels above None."""
    opener = Opener.parse(text)
    rows = {entry["id"]: entry for entry in document["scopes"] + document["leave_at_none"]}
    for entry in document["scopes"] + document["leave_at_none"]:
        for alias in entry.get("aliases", []):
            rows.setdefault(alias, entry)
    other = rows.get(opener.row_id)
    if other is None:
        raise ScopeFileError(
            f"{source}: {where}, field 'also_opened_by': '{text}' names no row; use an id of "
            "scopes or leave_at_none."
        )
    if opener.level not in other["levels"] or opener.level == other["levels"][0]:
        raise ScopeFileError(
            f"{source}: {where}, field 'also_opened_by': '{text}': '{opener.level}' is not a "
            f"level of {opener.row_id} above its lowest ({', '.join(other['levels'][1:])})."
        )


def _probes(entry: dict[str, Any]) -> tuple[Probe, ...]:
    probes = []
    for probe in entry.get("probes", []):
        fields = {key: value for key, value in probe.items()
                  if key not in ("open_question", "also_opened_by")}
        question = probe.get("open_question") or {}
        probes.append(Probe(
            **fields,
            also_opened_by=tuple(Opener.parse(text) for text in probe.get("also_opened_by", ())),
            open_question=question.get("number"),
            may_be_opened_by=tuple(
                Opener.parse(text) for text in question.get("may_be_opened_by", ())
            ),
        ))
    return tuple(probes)


def _row(entry: dict[str, Any], required: str) -> ScopeRow:
    """One row of either list of the validated document."""
    return ScopeRow(
        id=entry["id"],
        name=entry["name"],
        required=required,
        levels=tuple(entry["levels"]),
        scope_strings=dict(entry["scope_strings"]),
        reason=entry["reason"],
        aliases=tuple(entry.get("aliases", [])),
        probes=_probes(entry),
        confirm_by_eye=entry.get("confirm_by_eye", ""),
        reason_source=entry["reason_source"],
        excess_fails=entry.get("excess_fails", False),
    )


def _build(document: dict[str, Any], source: str) -> ScopeTable:
    guide = GuideLinks(**document["guide"])
    rows = tuple(_row(entry, entry["required"]) for entry in document["scopes"])
    # Rows to leave at None are required at their lowest level.
    none_rows = tuple(_row(entry, entry["levels"][0]) for entry in document["leave_at_none"])
    changelog = tuple(
        ChangelogEntry(date=entry["date"], rows=tuple(entry["rows"]), summary=entry["summary"])
        for entry in document["changelog"]
    )
    return ScopeTable(
        guide=guide, rows=rows, leave_at_none=none_rows, changelog=changelog, source=source
    )


def parse_scope_table(text: str, source: str = "scopes.yaml") -> ScopeTable:
    """Validate YAML text and return the table. Pure: no file access.

    The same text gives the same table, so each text is validated once per process
    (about 40 ms): the pytest plugin, a batch of stores and a test process read one file
    many times. A refused text is never remembered; it is refused again each time."""
    return _parse_scope_table(text, source)


@lru_cache(maxsize=8)
def _parse_scope_table(text: str, source: str) -> ScopeTable:
    if len(text.encode("utf-8", errors="replace")) > MAX_FILE_BYTES:
        raise ScopeFileError(unreadable_message(
            source, UnreadableFile("too-large"), MAX_FILE_BYTES, "a scope table",
            "a scope table is never this big",
        ))
    document = parse_yaml_text(text, source)
    _refuse_non_json(document, source)
    validate_document(document, source)
    _check_semantics(document, source)
    return _build(document, source)


def load_scope_table(path: str | Path | None = None) -> ScopeTable:
    """Read and validate a scopes file (the repository's `scopes.yaml` by default)."""
    file_path = Path(path) if path is not None else default_scopes_file()
    source = file_path.name if path is None else str(file_path)
    try:
        raw = read_at_most(file_path, MAX_FILE_BYTES)
    except UnreadableFile as problem:
        raise ScopeFileError(unreadable_message(
            source, problem, MAX_FILE_BYTES, "a scope table", "a scope table is never this big"
        )) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ScopeFileError(
            f"{source}: byte {error.start} is not valid UTF-8. Save the file as UTF-8."
        ) from None
    return parse_scope_table(text, source)
