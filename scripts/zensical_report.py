"""Compare the guide built by MkDocs with the same mkdocs.yml built by Zensical; print Markdown.

    python scripts/zensical_report.py --mkdocs-site build/mkdocs --zensical-site site \
        --zensical-log build/zensical.log --zensical-exit-code 0 >> "$GITHUB_STEP_SUMMARY"

Why: Material for MkDocs reaches end of life in May 2027 and Zensical is its successor. The
non-blocking job in .github/workflows/zensical.yml runs this so the move is planned from
facts: which pages and which anchors (the scope rows' above all) a Zensical build would
keep, lose or add, and whether it loads anything from other hosts.

Exit codes: 0 report written (whatever it says); 2 the MkDocs site folder is missing.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
SCOPE_ANCHOR_PREFIX = "scope-"
MAX_LISTED = 15
# Material's own hashed bundles (bundle.ab12cd34.min.js): each generator ships its own.
THEME_BUNDLE = re.compile(r"\.[0-9a-f]{8}\.min\.(js|css)$")


class _PageFacts(HTMLParser):
    """Ids, the <title>, and references to other hosts in one HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.title = ""
        self.external: set[str] = set()
        self.local_assets: set[str] = set()
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value for name, value in attrs if value is not None}
        if "id" in values:
            self.ids.add(values["id"])
        if tag == "title":
            self._in_title = True
        # Only what the browser fetches by itself counts: stylesheets, scripts, images, fonts.
        loads = (tag == "link" and values.get("rel", "").lower() in ("stylesheet", "preload",
                                                                     "icon", "preconnect")
                 ) or tag in ("script", "img", "iframe")
        url = values.get("href") or values.get("src") or ""
        if loads and re.match(r"^(https?:)?//", url):
            self.external.add(url)
        elif loads and url and not url.startswith("data:") and not THEME_BUNDLE.search(url):
            self.local_assets.add(url.rsplit("/", 1)[-1].split("?", 1)[0])

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data


@dataclass
class SiteFacts:
    pages: dict[str, _PageFacts] = field(default_factory=dict)
    other_files: set[str] = field(default_factory=set)


def read_site(site_dir: Path) -> SiteFacts:
    facts = SiteFacts()
    for path in sorted(site_dir.rglob("*")):
        if not path.is_file():
            continue
        relative = path.relative_to(site_dir).as_posix()
        if path.suffix == ".html":
            page = _PageFacts()
            page.feed(path.read_text(encoding="utf-8", errors="replace"))
            facts.pages[relative] = page
        else:
            facts.other_files.add(relative)
    return facts


@dataclass
class Comparison:
    only_mkdocs_pages: list[str]
    only_zensical_pages: list[str]
    lost_anchors: dict[str, list[str]]
    new_anchors: dict[str, list[str]]
    scope_anchors_mkdocs: int
    scope_anchors_lost: list[str]
    changed_titles: dict[str, tuple[str, str]]
    external_zensical: list[str]
    assets_not_loaded: list[str]
    search_index: tuple[bool, bool]


def compare(mkdocs: SiteFacts, zensical: SiteFacts) -> Comparison:
    common = sorted(set(mkdocs.pages) & set(zensical.pages))
    lost, new, titles = {}, {}, {}
    scope_total, scope_lost = 0, []
    for page in common:
        before, after = mkdocs.pages[page].ids, zensical.pages[page].ids
        if before - after:
            lost[page] = sorted(before - after)
        if after - before:
            new[page] = sorted(after - before)
        scopes = {anchor for anchor in before if anchor.startswith(SCOPE_ANCHOR_PREFIX)}
        scope_total += len(scopes)
        scope_lost += [f"{page}#{anchor}" for anchor in sorted(scopes - after)]
        title_before = mkdocs.pages[page].title.strip()
        title_after = zensical.pages[page].title.strip()
        if title_before != title_after:
            titles[page] = (title_before, title_after)
    for page in sorted(set(mkdocs.pages) - set(zensical.pages)):
        scopes = sorted(a for a in mkdocs.pages[page].ids if a.startswith(SCOPE_ANCHOR_PREFIX))
        scope_total += len(scopes)
        scope_lost += [f"{page}#{anchor}" for anchor in scopes]
    external = sorted({url for page in zensical.pages.values() for url in page.external})
    assets_before = {asset for page in mkdocs.pages.values() for asset in page.local_assets}
    assets_after = {asset for page in zensical.pages.values() for asset in page.local_assets}
    return Comparison(
        only_mkdocs_pages=sorted(set(mkdocs.pages) - set(zensical.pages)),
        only_zensical_pages=sorted(set(zensical.pages) - set(mkdocs.pages)),
        lost_anchors=lost,
        new_anchors=new,
        scope_anchors_mkdocs=scope_total,
        scope_anchors_lost=scope_lost,
        changed_titles=titles,
        external_zensical=external,
        assets_not_loaded=sorted(assets_before - assets_after),
        search_index=("search/search_index.json" in mkdocs.other_files,
                      "search.json" in zensical.other_files),
    )


def _listing(items: list[str]) -> str:
    shown = ", ".join(f"`{item}`" for item in items[:MAX_LISTED])
    more = f" and {len(items) - MAX_LISTED} more" if len(items) > MAX_LISTED else ""
    return shown + more


def last_error_line(log: str) -> str:
    """The line of a failed build's log that says what broke (tracebacks end with it)."""
    lines = [ANSI_ESCAPE.sub("", line).strip() for line in log.splitlines()]
    errors = [line for line in lines if re.match(r"^[A-Za-z_.]*(Error|Exception)\b", line)
              or line.lower().startswith(("error", "warning"))]
    return (errors or [line for line in lines if line] or ["(no output)"])[-1]


def render_report(comparison: Comparison | None, exit_code: int, log: str,
                  version: str) -> str:
    lines = [f"## Zensical readiness ({version})", ""]
    if comparison is None:
        lines += [
            f"**The Zensical build failed** (exit code {exit_code}). Last error:",
            "",
            f"```text\n{last_error_line(log)}\n```",
            "",
            "Nothing to compare. This job is non-blocking; the MkDocs build is the one "
            "that publishes.",
        ]
        return "\n".join(lines) + "\n"
    warnings = [ANSI_ESCAPE.sub("", line).strip() for line in log.splitlines()
                if "warning" in line.lower()]
    c = comparison
    lines += [
        "| check | result |",
        "| --- | --- |",
        f"| build | passed{f', {len(warnings)} warnings' if warnings else ', no warnings'} |",
        f"| pages only in the MkDocs build | {_listing(c.only_mkdocs_pages) or 'none'} |",
        f"| pages only in the Zensical build | {_listing(c.only_zensical_pages) or 'none'} |",
        f"| scope-row anchors kept | {c.scope_anchors_mkdocs - len(c.scope_anchors_lost)} of "
        f"{c.scope_anchors_mkdocs}"
        f"{'; lost: ' + _listing(c.scope_anchors_lost) if c.scope_anchors_lost else ''} |",
        f"| pages with other anchors lost | {len(c.lost_anchors)} |",
        f"| pages with new anchors | {len(c.new_anchors)} |",
        f"| page titles that differ | {len(c.changed_titles)} |",
        f"| resources loaded from other hosts | {_listing(c.external_zensical) or 'none'} |",
        f"| project scripts and styles not loaded | {_listing(c.assets_not_loaded) or 'none'} |",
        f"| search index | MkDocs `search/search_index.json`: "
        f"{'yes' if c.search_index[0] else 'no'}; Zensical `search.json`: "
        f"{'yes' if c.search_index[1] else 'no'} |",
    ]
    if c.lost_anchors:
        lines += ["", "### Anchors in the MkDocs build that the Zensical build lacks", ""]
        lines += [f"- `{page}`: {_listing(ids)}" for page, ids in c.lost_anchors.items()]
    if c.new_anchors:
        lines += ["", "### Anchors only in the Zensical build", ""]
        lines += [f"- `{page}`: {_listing(ids)}" for page, ids in c.new_anchors.items()]
    if c.changed_titles:
        lines += ["", "### Titles", ""]
        lines += [f"- `{page}`: MkDocs “{a}”, Zensical “{b}”"
                  for page, (a, b) in c.changed_titles.items()]
    if warnings:
        lines += ["", "### Zensical warnings", "", "```text", *warnings[:MAX_LISTED], "```"]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mkdocs-site", type=Path, required=True)
    parser.add_argument("--zensical-site", type=Path, required=True)
    parser.add_argument("--zensical-log", type=Path, help="the output of `zensical build`")
    parser.add_argument("--zensical-exit-code", type=int, default=0)
    parser.add_argument("--zensical-version", default="Zensical")
    args = parser.parse_args(argv)
    if not (args.mkdocs_site / "index.html").is_file():
        print(f"zensical_report: {args.mkdocs_site} has no index.html; build with mkdocs first",
              file=sys.stderr)
        return 2
    log = ""
    if args.zensical_log and args.zensical_log.is_file():
        log = args.zensical_log.read_text(encoding="utf-8", errors="replace")
    comparison = None
    built = (args.zensical_site / "index.html").is_file()
    if args.zensical_exit_code == 0 and built:
        comparison = compare(read_site(args.mkdocs_site), read_site(args.zensical_site))
    elif args.zensical_exit_code == 0:
        log += f"\nerror: the build exited 0 but wrote no {args.zensical_site}/index.html"
    sys.stdout.write(render_report(comparison, args.zensical_exit_code, log,
                                   args.zensical_version))
    return 0


if __name__ == "__main__":
    sys.exit(main())
