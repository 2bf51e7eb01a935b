"""A committed, readable snapshot of the scope table, and the rules that guard it.

Why a snapshot: a one-word edit to `scopes.yaml` (Modify → Read-only) changes
what every merchant is told to grant. The snapshot makes such an edit show up
as its own line in review, and the tests refuse it until the snapshot is
regenerated *and* a dated changelog entry names each changed row, so a change
can never slip through unexplained.

The file is plain text, one line per row in table order, so `git diff` is the
review. Its header records which changelog entry documents the latest change
("documented-by") and what that change was ("change:" lines). Everything here
is pure: text and tables in, text and verdicts out. `tools/snapshot_cli.py`
(run as `scripts/update_snapshot.py`) does the file I/O.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from bc_scopes.levels import level_label
from bc_scopes.model import ScopeTable

SNAPSHOT_FILE_NAME = "scopes.snapshot.txt"
UPDATE_COMMAND = ".venv/bin/python scripts/update_snapshot.py"

REQUIRED_SECTION = "required rows"
NONE_SECTION = "rows to leave at None"
_SECTION_HEADERS = {
    REQUIRED_SECTION: "[required rows, in table order]",
    NONE_SECTION: "[rows to leave at None, in page order]",
}
_FIELD_SEPARATOR = " | "

_HEADER_COMMENT = f"""\
# Scope table snapshot. GENERATED: do not edit by hand; run `{UPDATE_COMMAND}`.
# One line per row, in table order: id | name | required level | scope string for each level.
# The tests compare this file with scopes.yaml. When it changes, the newest entry of the
# `changelog` in scopes.yaml must name every changed row ("change:" lines below).
"""

_DOCUMENTED_RE = re.compile(
    r"^documented-by: changelog entry (?P<number>\d+)"
    r"(?:, (?P<date>\d{4}-\d{2}-\d{2})| \(MISSING\b.*\))$"
)


class SnapshotFormatError(ValueError):
    """The snapshot file cannot be read. The message is one line naming the line number."""


@dataclass(frozen=True)
class SnapshotRow:
    """What the guide shows for one row: the facts a merchant acts on."""

    section: str
    id: str
    name: str
    required: str
    scopes: str

    def line(self) -> str:
        return _FIELD_SEPARATOR.join((self.id, self.name, self.required, self.scopes))

    @property
    def title(self) -> str:
        return f"{self.name} ({self.id})"


@dataclass(frozen=True)
class RowChange:
    """One change to one row, worded for the person reviewing it."""

    row_id: str
    description: str

    def line(self) -> str:
        return f"change: {self.row_id}{_FIELD_SEPARATOR}{self.description}"


@dataclass(frozen=True)
class Snapshot:
    """The parsed file: the rows, plus which changelog entry documents the latest change.

    `entry_number` counts changelog entries from the oldest (the first entry is 1),
    so it stays put when newer entries are added on top. `entry_date` is None while
    the entry the change needs has not been written yet.
    """

    entry_number: int
    entry_date: str | None
    changes: tuple[RowChange, ...]
    rows: tuple[SnapshotRow, ...]

    @property
    def awaiting_changelog(self) -> bool:
        return self.entry_date is None

    @property
    def changed_row_ids(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(change.row_id for change in self.changes))


def _scopes_text(levels: tuple[str, ...], scope_strings: dict[str, str]) -> str:
    shown = (level for level in levels if level in scope_strings)
    return "; ".join(f"{level_label(level)}: {scope_strings[level]}" for level in shown)


def rows_from_table(table: ScopeTable) -> tuple[SnapshotRow, ...]:
    """The rows as the guide renders them: required rows first, then the leave-at-None rows."""
    required = tuple(
        SnapshotRow(
            REQUIRED_SECTION,
            row.id,
            row.name,
            level_label(row.required),
            _scopes_text(row.levels, row.scope_strings),
        )
        for row in table.rows
    )
    leave_at_none = tuple(
        SnapshotRow(
            NONE_SECTION,
            row.id,
            row.name,
            level_label("none"),
            _scopes_text(row.levels, row.scope_strings),
        )
        for row in table.leave_at_none
    )
    return required + leave_at_none


def render_snapshot(snapshot: Snapshot) -> str:
    """The file's text. Stable: the same snapshot always gives the same bytes."""
    if snapshot.awaiting_changelog:
        documented = (
            f"documented-by: changelog entry {snapshot.entry_number} "
            "(MISSING: add it at the top of `changelog` in scopes.yaml)"
        )
    else:
        documented = (
            f"documented-by: changelog entry {snapshot.entry_number}, {snapshot.entry_date}"
        )
    lines = [_HEADER_COMMENT.rstrip("\n"), "", documented]
    lines += [change.line() for change in snapshot.changes]
    for section, header in _SECTION_HEADERS.items():
        lines += ["", header]
        lines += [row.line() for row in snapshot.rows if row.section == section]
    return "\n".join(lines) + "\n"


def _parse_row(line: str, section: str, line_number: int) -> SnapshotRow:
    # The id, level label and scope strings never contain " | "; the name might,
    # so it is whatever lies between the id and the last two fields.
    row_id, separator, rest = line.partition(_FIELD_SEPARATOR)
    fields = rest.rsplit(_FIELD_SEPARATOR, 2)
    if not separator or len(fields) != 3 or not row_id:
        raise SnapshotFormatError(
            f"{SNAPSHOT_FILE_NAME}: line {line_number}: expected 'id | name | level | scopes'; "
            f"regenerate the file with `{UPDATE_COMMAND}`."
        )
    name, required, scopes = fields
    return SnapshotRow(section, row_id, name, required, scopes)


def parse_snapshot(text: str) -> Snapshot:
    """Read the file's text back. Raises SnapshotFormatError naming the bad line."""
    section: str | None = None
    entry_number: int | None = None
    entry_date: str | None = None
    changes: list[RowChange] = []
    rows: list[SnapshotRow] = []
    headers = {header: name for name, header in _SECTION_HEADERS.items()}
    for line_number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        if line in headers:
            section = headers[line]
        elif section is not None:
            rows.append(_parse_row(line, section, line_number))
        elif match := _DOCUMENTED_RE.match(line):
            entry_number = int(match["number"])
            entry_date = match["date"]
        elif line.startswith("change: "):
            row_id, separator, description = line.removeprefix("change: ").partition(
                _FIELD_SEPARATOR
            )
            if not separator:
                raise SnapshotFormatError(
                    f"{SNAPSHOT_FILE_NAME}: line {line_number}: expected 'change: id | words'; "
                    f"regenerate the file with `{UPDATE_COMMAND}`."
                )
            changes.append(RowChange(row_id, description))
        else:
            raise SnapshotFormatError(
                f"{SNAPSHOT_FILE_NAME}: line {line_number}: unexpected text {line[:40]!r}; "
                f"regenerate the file with `{UPDATE_COMMAND}`."
            )
    if entry_number is None:
        raise SnapshotFormatError(
            f"{SNAPSHOT_FILE_NAME}: no 'documented-by:' line; regenerate the file with "
            f"`{UPDATE_COMMAND}`."
        )
    return Snapshot(entry_number, entry_date, tuple(changes), tuple(rows))


def _scope_string_changes(old: str, new: str) -> str:
    def as_dict(text: str) -> dict[str, str]:
        pairs = (part.split(": ", 1) for part in text.split("; ") if ": " in part)
        return {level: scope for level, scope in pairs}

    before, after = as_dict(old), as_dict(new)
    words = []
    for level in dict.fromkeys([*before, *after]):
        if level not in after:
            words.append(f"{level} {before[level]} removed")
        elif level not in before:
            words.append(f"{level} {after[level]} added")
        elif before[level] != after[level]:
            words.append(f"{level} {before[level]} → {after[level]}")
    if before and after and list(before) != list(after) and not words:
        words.append("levels reordered")
    return "; ".join(words) or f"{old} → {new}"


def _moved_ids(old_ids: list[str], new_ids: list[str]) -> set[str]:
    """Ids whose relative order changed: those outside the longest common run of order.

    Adding or removing a row shifts every row after it; that is not a move, so
    positions are compared through the matching blocks, not one by one.
    """
    matcher = difflib.SequenceMatcher(a=old_ids, b=new_ids, autojunk=False)
    blocks = matcher.get_matching_blocks()
    kept = {old_ids[block.a + offset] for block in blocks for offset in range(block.size)}
    return set(old_ids) - kept


def diff_rows(old: tuple[SnapshotRow, ...], new: tuple[SnapshotRow, ...]) -> list[RowChange]:
    """Every change between two snapshots, one line each, in the new table's order."""
    old_by_id = {row.id: row for row in old}
    new_by_id = {row.id: row for row in new}
    changes: list[RowChange] = []
    moved: set[str] = set()
    for section in _SECTION_HEADERS:
        common_old = [r.id for r in old if r.section == section and _same_section(r, new_by_id)]
        common_new = [r.id for r in new if r.section == section and _same_section(r, old_by_id)]
        moved |= _moved_ids(common_old, common_new)
    positions = {
        row.id: index
        for section in _SECTION_HEADERS
        for index, row in enumerate((r for r in new if r.section == section), start=1)
    }
    old_positions = {
        row.id: index
        for section in _SECTION_HEADERS
        for index, row in enumerate((r for r in old if r.section == section), start=1)
    }
    for row in new:
        before = old_by_id.get(row.id)
        if before is None:
            changes.append(
                RowChange(row.id, f"{row.title}: row added at position {positions[row.id]} "
                          f"of the {row.section}, required {row.required}")
            )
            continue
        if before.section != row.section:
            changes.append(
                RowChange(row.id, f"{row.title}: moved from the {before.section} "
                          f"to the {row.section}")
            )
        if before.name != row.name:
            changes.append(RowChange(row.id, f"{row.title}: name '{before.name}' → '{row.name}'"))
        if before.required != row.required:
            changes.append(
                RowChange(row.id, f"{row.title}: required {before.required} → {row.required}")
            )
        if before.scopes != row.scopes:
            changes.append(
                RowChange(
                    row.id,
                    f"{row.title}: scope strings changed: "
                    f"{_scope_string_changes(before.scopes, row.scopes)}",
                )
            )
        if row.id in moved:
            changes.append(
                RowChange(row.id, f"{row.title}: row moved from position "
                          f"{old_positions[row.id]} to {positions[row.id]} of the {row.section}")
            )
    for row in old:
        if row.id not in new_by_id:
            changes.append(RowChange(row.id, f"{row.title}: row removed from the {row.section}"))
    return changes


def _same_section(row: SnapshotRow, others: dict[str, SnapshotRow]) -> bool:
    other = others.get(row.id)
    return other is not None and other.section == row.section


def plan_update(table: ScopeTable, old: Snapshot | None) -> tuple[Snapshot, list[RowChange]]:
    """The snapshot the update command writes, and the changes it found against the old one.

    The rule it keeps: a change to the rows must be explained by a changelog
    entry added for it. An entry that existed before the change cannot explain
    it, so a change found while the newest entry is the one the old snapshot was
    documented by asks for the next entry number, recorded as missing until
    someone writes it. Pending changes carry over until an entry covers them.
    """
    rows = rows_from_table(table)
    entry_count = len(table.changelog)
    if old is None:
        # First snapshot: nothing to compare with, the newest entry is the baseline.
        return Snapshot(entry_count, table.changelog[0].date, (), rows), []
    found = diff_rows(old.rows, rows)
    if old.awaiting_changelog:
        changes = old.changes + tuple(found)
        target = max(old.entry_number, entry_count)
    elif not found:
        changes = old.changes if entry_count <= old.entry_number else ()
        target = max(old.entry_number, entry_count)
    elif entry_count > old.entry_number:
        changes, target = tuple(found), entry_count
    else:
        changes, target = tuple(found), old.entry_number + 1
    date = table.changelog[entry_count - target].date if target <= entry_count else None
    return Snapshot(target, date, changes, rows), found


def stale_rows(table: ScopeTable, snapshot: Snapshot) -> list[RowChange]:
    """How scopes.yaml differs from the committed snapshot (empty when it is current)."""
    return diff_rows(snapshot.rows, rows_from_table(table))


def changelog_problems(table: ScopeTable, snapshot: Snapshot) -> list[str]:
    """Why the snapshot's latest change is not yet explained by the changelog (empty if it is)."""
    entry_count = len(table.changelog)
    newest = table.changelog[0]
    if snapshot.entry_number > entry_count:
        if snapshot.awaiting_changelog:
            ids = ", ".join(snapshot.changed_row_ids)
            listed = "; ".join(change.description for change in snapshot.changes)
            return [
                f"Changelog entry missing: the snapshot records a change that no changelog entry "
                f"explains yet ({listed}). Add an entry at the top of `changelog` in scopes.yaml "
                f"with today's date, `rows: [{ids}]` and a summary of why, then run "
                f"`{UPDATE_COMMAND}`."
            ]
        return [
            f"scopes.yaml has {entry_count} changelog entries, but the snapshot was documented by "
            f"entry {snapshot.entry_number}: changelog entries must never be removed. Restore them."
        ]
    if (
        snapshot.entry_number < entry_count
        or snapshot.awaiting_changelog
        or snapshot.entry_date != newest.date
    ):
        return [
            f"The newest changelog entry ({newest.date}) is not the one the snapshot records; "
            f"run `{UPDATE_COMMAND}` to record it."
        ]
    unnamed = [change for change in snapshot.changes if change.row_id not in newest.rows]
    if unnamed:
        ids = ", ".join(dict.fromkeys(change.row_id for change in unnamed))
        listed = "; ".join(change.description for change in unnamed)
        return [
            f"The newest changelog entry ({newest.date}) does not name every changed row: "
            f"add {ids} to its `rows` ({listed})."
        ]
    return []


def stale_snapshot_message(changes: list[RowChange]) -> str:
    """The failure a contributor sees after editing scopes.yaml: what changed, what to run."""
    listed = "\n".join(f"  - {change.description}" for change in changes)
    return (
        f"{SNAPSHOT_FILE_NAME} does not match scopes.yaml. Changed rows:\n{listed}\n"
        f"If the change is intended, run `{UPDATE_COMMAND}` and add an entry at the top of "
        "`changelog` in scopes.yaml (date, rows, summary) that names each changed row."
    )


def guard_problems(table: ScopeTable, snapshot: Snapshot) -> list[str]:
    """Everything that stops the suite: a stale snapshot first, then the changelog rule."""
    changes = stale_rows(table, snapshot)
    if changes:
        return [stale_snapshot_message(changes)]
    return changelog_problems(table, snapshot)
