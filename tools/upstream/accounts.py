"""Read the control panel's scope rows from `docs/start/authentication/api-accounts.mdx`.

Its OAuth tables have five columns: UI name, permission, parameter (the scope string),
description and the APIs the row opens ("Endpoints" or "Resources"). Each row of each
such table becomes a `PanelEntry` with its line. A row that cannot be read (wrong cell
count, a parameter that is not one scope string, an empty UI name or permission) stops
the watch with the file and line.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from .errors import UpstreamError
from .tables import code_text, headings_and_tables

ACCOUNTS_FILE = "docs/start/authentication/api-accounts.mdx"
_SCOPE_STRING = re.compile(r"^[A-Za-z0-9_.:-]+$")
_LINK = re.compile(r"\[([^\]]*)\]\(([^)\s]*)\)")


@dataclass(frozen=True)
class PanelEntry:
    table: str
    ui_name: str
    permission: str
    parameter: str
    description: str
    apis: tuple[str, ...]
    line: int

    @property
    def where(self) -> str:
        return f"{ACCOUNTS_FILE}:{self.line}"

    @property
    def description_hash(self) -> str:
        return text_hash(self.description)

    @property
    def apis_hash(self) -> str:
        return text_hash("\n".join(self.apis))


def text_hash(text: str) -> str:
    """A short, whitespace-blind fingerprint: the baseline keeps facts, not BigCommerce's text."""
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()[:16]


def _apis(cell: str) -> tuple[str, ...]:
    links = _LINK.findall(cell)
    if links:
        return tuple(f"{text.strip()} <{target}>" for text, target in links)
    plain = re.sub(r"<br\s*/?>", "\n", cell)
    return tuple(part.strip() for part in plain.split("\n") if part.strip())


def parse_accounts(text: str, source: str = ACCOUNTS_FILE) -> list[PanelEntry]:
    entries: list[PanelEntry] = []
    for table in headings_and_tables(text, source):
        parameter = table.column("Parameter")
        ui_name = table.column("UI Name")
        if parameter is None or ui_name is None:
            continue
        permission = table.column("Permission")
        if permission is None:
            raise UpstreamError(source, table.line,
                                "scope table has UI Name and Parameter but no Permission column")
        description = table.column("Description")
        apis = table.column("Endpoints", "Resources", "APIs")
        for row in table.rows:
            value = code_text(row.cells[parameter])
            if not _SCOPE_STRING.match(value):
                raise UpstreamError(
                    source, row.line,
                    f"Parameter cell '{row.cells[parameter]}' is not one scope string")
            name = " ".join(row.cells[ui_name].split())
            level = code_text(row.cells[permission])
            if not name or not level:
                raise UpstreamError(source, row.line, "scope row without a UI name or permission")
            entries.append(PanelEntry(
                table=table.heading,
                ui_name=name,
                permission=level,
                parameter=value,
                description=row.cells[description] if description is not None else "",
                apis=_apis(row.cells[apis]) if apis is not None else (),
                line=row.line,
            ))
    if not entries:
        raise UpstreamError(
            source, None, "no OAuth scope table found (UI Name | Permission | Parameter)")
    return entries


def read_accounts(docs: Path) -> list[PanelEntry]:
    path = docs / ACCOUNTS_FILE
    problem = ""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        problem = f"file not found under {docs}: is this a bigcommerce/docs checkout?"
    except UnicodeDecodeError as error:
        problem = f"byte {error.start} is not valid UTF-8"
    except OSError as error:
        problem = f"cannot read the file ({error.strerror})"
    if problem:
        raise UpstreamError(ACCOUNTS_FILE, None, problem)
    return parse_accounts(text)
