"""The illustration of the control panel's OAuth scopes section, drawn from scopes.yaml.

The seed article showed a screenshot; BigCommerce's screenshots may not be reused,
so the guide draws an illustration instead. Every row of the form appears in the
form's order with its drop-down showing the level to choose, so when a level changes
in scopes.yaml the figure changes with it. Colours come from CSS classes (see
guide.css), so the figure follows the light and dark schemes. Pure: rows in, SVG out.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from bc_scopes.levels import level_label
from bc_scopes.model import ScopeRow

WIDTH = 360
LINE = 16
ROW_GAP = 12
NAME_CHARS = 27  # longer names wrap onto a second line
SELECT_X = 228
SELECT_W = 120
HEADER = 44


def _name_lines(name: str) -> list[str]:
    if len(name) <= NAME_CHARS:
        return [name]
    words, lines, current = name.split(), [], ""
    for word in words:
        if current and len(current) + 1 + len(word) > NAME_CHARS:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    lines.append(current)
    return lines


def _text(x: float, y: float, text: str, css: str) -> str:
    return f'<text x="{x}" y="{y}" class="{css}">{html.escape(text)}</text>'


def scope_form_svg(rows: Sequence[ScopeRow]) -> str:
    """An accessible SVG of the OAuth scopes section, one drop-down per row."""
    parts: list[str] = []
    y = HEADER
    for row in rows:
        lines = _name_lines(row.name)
        height = max(len(lines) * LINE, 26) + ROW_GAP
        for index, line in enumerate(lines):
            parts.append(
                f'<text x="12" y="{y + 17 + index * LINE}" class="bc-fig-label" '
                f'data-row-id="{html.escape(row.id)}">{html.escape(line)}</text>'
            )
        level = level_label(row.required)
        css = "bc-fig-select bc-fig-none" if row.required == row.levels[0] else "bc-fig-select"
        parts.append(
            f'<g class="{css}" data-row-id="{html.escape(row.id)}" '
            f'data-level="{html.escape(row.required)}">'
            f'<rect x="{SELECT_X}" y="{y + 2}" width="{SELECT_W}" height="24" rx="4"/>'
            + _text(SELECT_X + 8, y + 19, level, "bc-fig-value")
            + f'<path d="M{SELECT_X + SELECT_W - 18} {y + 11} l5 6 l5 -6" class="bc-fig-caret"/>'
            "</g>"
        )
        y += height
    total = y + 8
    summary = "; ".join(f"{row.name}: {level_label(row.required)}" for row in rows)
    return "\n".join([
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {total}" '
        f'class="bc-scope-form" role="img" aria-labelledby="bc-scope-form-title '
        f'bc-scope-form-desc">',
        '<title id="bc-scope-form-title">Illustration of the OAuth scopes section of the '
        "Create API account form</title>",
        f'<desc id="bc-scope-form-desc">Each row with the level to choose in its drop-down '
        f"list, in the form's order. {html.escape(summary)}.</desc>",
        f'<rect x="1" y="1" width="{WIDTH - 2}" height="{total - 2}" rx="6" class="bc-fig-frame"/>',
        _text(12, 28, "OAuth scopes", "bc-fig-heading"),
        *parts,
        "</svg>",
    ])


def _figure(title: str, desc: str, key: str, height: int, body: list[str]) -> str:
    return "\n".join([
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="bc-{key}-title bc-{key}-desc">',
        f'<title id="bc-{key}-title">{html.escape(title)}</title>',
        f'<desc id="bc-{key}-desc">{html.escape(desc)}</desc>',
        f'<rect x="1" y="1" width="{WIDTH - 2}" height="{height - 2}" rx="6" '
        'class="bc-fig-frame"/>',
        *body,
        "</svg>",
    ])


def _field(y: int, label: str, value: str, accent: bool = False) -> list[str]:
    box = "bc-fig-accent" if accent else "bc-fig-box"
    return [
        _text(12, y, label, "bc-fig-label"),
        f'<rect x="12" y="{y + 6}" width="{WIDTH - 24}" height="26" rx="4" class="{box}"/>',
        _text(20, y + 24, value, "bc-fig-value"),
    ]


# The API path is drawn in a monospace font squeezed or stretched to exactly MONO_CHAR
# units per character (textLength), so the n-th character's position is known without
# measuring the font the reader's browser picks, and the Store Hash mark can sit on it.
API_PATH = "https://api.bigcommerce.com/stores/abcde/v3/"
STORE_HASH = "abcde"
MONO_CHAR = 7
PATH_X = 20


def _api_path_field(y: int, label: str, mark_hash: bool) -> list[str]:
    """A field holding the API path; with `mark_hash`, a box over exactly the Store Hash."""
    parts = [
        _text(12, y, label, "bc-fig-label"),
        f'<rect x="12" y="{y + 6}" width="{WIDTH - 24}" height="26" rx="4" class="bc-fig-box"/>',
    ]
    if mark_hash:
        start = API_PATH.index(f"/stores/{STORE_HASH}/") + len("/stores/")
        parts.append(
            f'<rect x="{PATH_X + start * MONO_CHAR}" y="{y + 10}" '
            f'width="{len(STORE_HASH) * MONO_CHAR}" height="18" rx="2" '
            'class="bc-fig-accent bc-fig-hash-mark"/>'
        )
    parts.append(
        f'<text x="{PATH_X}" y="{y + 24}" class="bc-fig-value bc-fig-mono" '
        f'textLength="{len(API_PATH) * MONO_CHAR}" lengthAdjust="spacingAndGlyphs">'
        f"{html.escape(API_PATH)}</text>"
    )
    return parts


def settings_menu_svg() -> str:
    """Settings, then Store-level API accounts in the left-hand menu."""
    items = ["Store profile", "General", "Store-level API accounts", "Apps", "Users"]
    body = [_text(12, 28, "Settings", "bc-fig-heading")]
    for index, item in enumerate(items):
        y = 48 + index * 32
        if item == "Store-level API accounts":
            body.append(f'<rect x="8" y="{y - 4}" width="{WIDTH - 16}" height="28" rx="4" '
                        'class="bc-fig-accent"/>')
        body.append(_text(20, y + 15, item, "bc-fig-label"))
    return _figure(
        "Illustration of the control panel's Settings menu",
        "The left-hand menu of the control panel, Settings open, with Store-level API accounts "
        "highlighted under it.", "settings-menu", 48 + len(items) * 32 + 8, body,
    )


def create_account_svg() -> str:
    """The Create API account form: name, token type, and the API path with the hash marked."""
    body = [_text(12, 28, "Create API account", "bc-fig-heading")]
    body += _field(52, "Token type", "V2/V3 API token")
    body += _field(104, "Name (at least 4 characters)", "DropStream")
    body += _api_path_field(156, "API path", mark_hash=True)
    body.append(_text(200, 214, f"Store Hash: {STORE_HASH}", "bc-fig-label"))
    return _figure(
        "Illustration of the Create API account form",
        "The form's Token type set to V2/V3 API token, a Name field, and the API path "
        f"{API_PATH} with the Store Hash {STORE_HASH} marked.",
        "create-account", 232, body,
    )


def credentials_popup_svg() -> str:
    """The pop-up shown once after Save, and the automatic .txt download."""
    body = [_text(12, 28, "BigCommerce API credentials", "bc-fig-heading")]
    body += _field(52, "Client ID", "••••••••••••••••")
    body += _field(104, "Client Secret", "••••••••••••••••")
    body += _field(156, "Access Token", "••••••••••••••••")
    body += _api_path_field(208, "API path", mark_hash=False)
    body.append(_text(12, 266, "A .txt file with these values downloads.", "bc-fig-label"))
    body.append('<rect x="268" y="278" width="80" height="28" rx="4" class="bc-fig-accent"/>')
    body.append(_text(290, 297, "Done", "bc-fig-value"))
    return _figure(
        "Illustration of the credentials pop-up",
        "After Save, a pop-up shows the Client ID, Client Secret and Access Token once, and the "
        f"API path {API_PATH}. A .txt file with these values downloads. The Done button closes "
        "the pop-up.",
        "credentials", 318, body,
    )
