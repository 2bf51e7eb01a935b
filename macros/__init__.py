"""mkdocs-macros entry point: names the pages can use, nothing more.

Thin on purpose. The data comes from bc_scopes.model (the only loader) and the text
from bc_scopes.guide.render (pure, unit-tested). This module only knows where the files
are and which page is being rendered, so links are relative to that page.

The scopes file is read from the folder of mkdocs.yml, not from the installed
package, so a copy of the project with an edited scopes.yaml builds its own table.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

try:
    from mkdocs.exceptions import PluginError
except ImportError:  # Zensical runs these macros without MkDocs installed.

    class PluginError(RuntimeError):  # type: ignore[no-redef]
        """Stand-in so a bad scopes.yaml still stops a Zensical build with one line."""

from bc_scopes import exitcodes
from bc_scopes.guide import figures, render, scopes_json
from bc_scopes.levels import level_label
from bc_scopes.model import ScopeFileError, ScopeTable, load_scope_table
from bc_scopes.troubleshooting import PROBLEMS, problem

SCOPES_PAGE = "scopes.md"
TROUBLESHOOTING_PAGE = "troubleshooting.md"
VERIFY_PAGE = "verify.md"
SAVE_PAGE = "save-credentials.md"
SAVE_ANCHOR = "save"
EXIT_CODES_ANCHOR = "exit-codes"
DEMO_OUTPUT_SNIPPET = Path("snippets") / "demo-output.txt"
# The table define_env loaded, by project folder, for on_post_build (one parse per build).
_TABLES: dict[str, ScopeTable] = {}


def define_env(env: Any) -> None:
    """Register the guide's variables and macros (called once per build by the plugin)."""
    try:
        table: ScopeTable = load_scope_table(Path(env.project_dir) / "scopes.yaml")
    except ScopeFileError as error:
        # A PluginError makes mkdocs print the model's one-line message and stop, instead
        # of a traceback that buries it.
        raise PluginError(str(error)) from None
    _TABLES[str(env.project_dir)] = table
    docs_dir = Path(env.conf["docs_dir"])

    def current_page() -> str:
        # MkDocs pages carry `.file.src_uri`; Zensical's page object only has `.path`.
        # Supporting both keeps the Zensical readiness build green.
        page = env.page
        if page is None:
            return "index.md"
        page_file = getattr(page, "file", None)
        if page_file is not None:
            return str(page_file.src_uri)
        return str(getattr(page, "path", "index.md"))

    def link_to(page: str, fragment: str = "") -> str:
        return render.relative_doc_link(current_page(), page, fragment)

    def site_link(page: str, fragment: str = "") -> str:
        """A link for raw HTML (which mkdocs does not rewrite): the built page's address,
        relative to the page being rendered."""
        return render.relative_site_link(current_page(), page, fragment)

    env.variables["scope_count"] = len(table.rows)
    env.variables["leave_at_none_count"] = len(table.leave_at_none)

    @env.macro
    def scope_table() -> str:
        """The checklist of every row of the form; reasons link to the page's Sources list,
        and the last tick points to the save step."""
        return render.render_checklist(table, "#sources", site_link(SAVE_PAGE, SAVE_ANCHOR),
                                       "#source-d-accounts")

    @env.macro
    def count_sentence() -> str:
        """The one count: rows to change from None, rows to leave at None."""
        return render.render_count_sentence(table.all_rows)

    @env.macro
    def none_rows_list() -> str:
        """Links to every row that stays at None, from both lists."""
        rows = [row for row in table.all_rows if row.required == "none"]
        return render.render_row_links(rows, link_to(SCOPES_PAGE))

    @env.macro
    def problem_index() -> str:
        """A linked list of the checker's problems, for the top of the troubleshooting page."""
        return "\n".join(f"- {problem_link(entry.anchor)}" for entry in PROBLEMS)

    @env.macro
    def illustration(name: str, caption: str) -> str:
        """A drawn control-panel illustration (never a screenshot), with its caption."""
        drawings: dict[str, Callable[[], str]] = {
            "settings-menu": figures.settings_menu_svg,
            "create-account": figures.create_account_svg,
            "credentials": figures.credentials_popup_svg,
            "scope-form": lambda: figures.scope_form_svg(table.all_rows),
        }
        svg = drawings[name]()
        return (
            f'<figure class="bc-illustration" data-bc-figure="{name}">{svg}'
            f"<figcaption>Illustration: {render.html_text(caption)}</figcaption></figure>"
        )

    @env.macro
    def row_name(row_id: str) -> str:
        """A row's name from scopes.yaml, so prose never types it by hand."""
        return render.markdown_text(table.row(row_id).name)

    @env.macro
    def level_name(level: str) -> str:
        """A level as the control panel words it, e.g. level_name('none') -> 'None'."""
        return level_label(level)

    @env.macro
    def level_summary() -> str:
        return render.render_level_summary(table.rows, link_to(SCOPES_PAGE))

    @env.macro
    def confirm_by_eye_list() -> str:
        listing = render.render_confirm_by_eye(table.rows, link_to(SCOPES_PAGE))
        return listing or "The report names each such row and what to look at."

    @env.macro
    def changelog() -> str:
        return render.render_changelog(table, link_to(SCOPES_PAGE))

    @env.macro
    def troubleshooting_sections() -> str:
        return render.render_troubleshooting(PROBLEMS, link_to(VERIFY_PAGE, EXIT_CODES_ANCHOR))

    @env.macro
    def problem_link(anchor: str) -> str:
        entry = problem(anchor)
        return f"[{render.markdown_text(entry.title)}]({link_to(TROUBLESHOOTING_PAGE, anchor)})"

    @env.macro
    def exit_code_table() -> str:
        return render.render_exit_code_table(
            PROBLEMS, link_to(TROUBLESHOOTING_PAGE), exitcodes.MEANINGS
        )

    @env.macro
    def demo_output() -> str:
        """The checker's demo output, from the snippet a real `bc-scopes demo` run wrote."""
        text = (docs_dir / DEMO_OUTPUT_SNIPPET).read_text(encoding="utf-8")
        return render.render_code_block(text)


def on_post_build(env: Any) -> None:
    """Publish the table as data: `scopes.json` next to the pages, from the same table.

    Its schema, `scopes-json.schema.json`, is a static file in docs/ and is copied
    like any other; the integrators page says what the file holds.
    """
    table = _TABLES.get(str(env.project_dir))
    if table is None:  # define_env failed, and already stopped the build
        return
    target = Path(env.conf["site_dir"]) / scopes_json.FILE_NAME
    document = scopes_json.table_document(table)
    target.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    _add_row_search_entries(Path(env.conf["site_dir"]), table)


def _add_row_search_entries(site_dir: Path, table: ScopeTable) -> None:
    """Give every row its own entry in Material's search index, with a clean snippet.

    The checklist is excluded from the page's own entry (`data-search-exclude`), so a
    search for a row's name lands on the row itself. The search plugin writes the index
    before this hook runs (it comes first in mkdocs.yml).
    """
    index_file = site_dir / "search" / "search_index.json"
    if not index_file.is_file():  # search switched off, or another builder (Zensical)
        return
    index = json.loads(index_file.read_text(encoding="utf-8"))
    entries = render.search_entries(table, table.guide.scopes_page)
    known = {entry["location"] for entry in entries}
    docs = [doc for doc in index["docs"] if doc.get("location") not in known]
    page_at = next((i for i, doc in enumerate(docs)
                    if doc.get("location") == table.guide.scopes_page), len(docs) - 1)
    index["docs"] = docs[:page_at + 1] + entries + docs[page_at + 1:]
    index_file.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")),
                          encoding="utf-8")
