"""Markdown pipe tables, as BigCommerce writes its OAuth scope tables.

Both sources use them: `api-accounts.mdx` (UI name, permission, parameter, description,
APIs) and the `description` of each spec's `X-Auth-Token` security scheme (UI name,
permission, parameter). Every row keeps its file line. A row whose cell count differs
from its header's is an error naming that line: a table the watch cannot read must stop
it (exit 2) rather than be half-read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .errors import UpstreamError

_SEPARATOR_CELL = re.compile(r"^:?-{1,}:?$")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")


@dataclass(frozen=True)
class TableRow:
    cells: tuple[str, ...]
    line: int


@dataclass(frozen=True)
class MarkdownTable:
    header: tuple[str, ...]
    line: int
    heading: str = ""
    rows: tuple[TableRow, ...] = field(default=())

    def column(self, *names: str) -> int | None:
        """Index of the first header cell equal (case-insensitively) to one of `names`."""
        wanted = {name.casefold() for name in names}
        for index, cell in enumerate(self.header):
            if cell.casefold() in wanted:
                return index
        return None


def split_cells(line: str) -> list[str]:
    """The cells of a pipe-table line; `\\|` is a literal pipe, not a separator."""
    text = line.strip()
    if text.startswith("|"):
        text = text[1:]
    if text.endswith("|") and not text.endswith("\\|"):
        text = text[:-1]
    cells = re.split(r"(?<!\\)\|", text)
    return [cell.replace("\\|", "|").strip() for cell in cells]


def _is_separator(line: str) -> bool:
    stripped = line.strip()
    if "|" not in stripped or "-" not in stripped:
        return False
    cells = split_cells(stripped)
    return bool(cells) and all(_SEPARATOR_CELL.match(cell.replace(" ", "")) for cell in cells)


def headings_and_tables(
    text: str, source: str, first_line: int = 1
) -> list[MarkdownTable]:
    """Every pipe table in `text`, with the heading it stands under.

    `first_line` is the file line of the text's first line, so that a table inside a
    YAML block scalar reports the line of the spec file, not of the scalar.
    """
    lines = text.split("\n")
    tables: list[MarkdownTable] = []
    heading = ""
    index = 0
    in_fence = False
    while index < len(lines):
        line = lines[index]
        stripped = line.strip()
        if stripped.startswith("```"):
            in_fence = not in_fence
            index += 1
            continue
        if in_fence:
            index += 1
            continue
        if match := _HEADING.match(stripped):
            heading = match.group(2)
            index += 1
            continue
        is_header = (
            stripped.startswith("|")
            and index + 1 < len(lines)
            and _is_separator(lines[index + 1])
        )
        if not is_header:
            index += 1
            continue
        header = tuple(split_cells(stripped))
        separator = split_cells(lines[index + 1])
        header_line = first_line + index
        if len(separator) != len(header):
            raise UpstreamError(
                source, header_line + 1,
                f"table separator has {len(separator)} cells; its header has {len(header)}",
            )
        rows: list[TableRow] = []
        index += 2
        while index < len(lines) and lines[index].strip().startswith("|"):
            cells = split_cells(lines[index])
            row_line = first_line + index
            if len(cells) != len(header):
                raise UpstreamError(
                    source, row_line,
                    f"table row has {len(cells)} cells; its header "
                    f"({' | '.join(header)}) has {len(header)}",
                )
            rows.append(TableRow(tuple(cells), row_line))
            index += 1
        tables.append(MarkdownTable(header, header_line, heading, tuple(rows)))
    return tables


def code_text(cell: str) -> str:
    """A cell's text without backticks and surrounding space (`` `x` `` -> `x`)."""
    return cell.replace("`", "").strip()
