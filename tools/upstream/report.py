"""The watch's report: differences grouped by impact, as text, Markdown and JSON.

Pure renderers. The Markdown is the body of the `upstream-scope-change` issue, so it
says what was compared (docs commit, baseline commit) and where to read how to act.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from .compare import HIGH, HIGH_KINDS, LOW, LOW_KINDS, Difference

EXIT_OK = 0
EXIT_HIGH = 1
EXIT_UNREADABLE = 2
GUIDE_PAGE = "docs/maintainers/upstream-watch.md"
_KIND_TITLES = {
    "new-row": "New control-panel rows",
    "new-level": "New levels on known rows",
    "row-renamed": "Rows renamed",
    "level-renamed": "Levels renamed",
    "level-removed": "Levels removed",
    "scope-string-changed": "Scope strings changed",
    "probe-route-changed": "Probe routes that need other scopes",
    "probe-route-gone": "Probe routes that are gone",
    "description-changed": "Descriptions changed",
    "apis-changed": "APIs listed for a row changed",
    "route-changed": "Other routes that need other scopes",
    "route-gone": "Other routes gone from the docs",
    "route-added": "New routes in the docs",
    "docs-disagree": "Spec tables that disagree with api-accounts.mdx",
    "disagreement-changed": "Recorded disagreements that changed",
    "stale-correction": "Corrections that may be unnecessary now",
}


@dataclass
class WatchReport:
    docs: str
    docs_commit: str | None
    baseline_commit: str | None
    differences: list[Difference] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def high(self) -> list[Difference]:
        return [d for d in self.differences if d.impact == HIGH]

    @property
    def low(self) -> list[Difference]:
        return [d for d in self.differences if d.impact == LOW]

    @property
    def exit_code(self) -> int:
        return EXIT_HIGH if self.high else EXIT_OK

    def by_kind(self) -> dict[str, int]:
        counted = Counter(d.kind for d in self.differences)
        return {kind: counted[kind] for kind in HIGH_KINDS + LOW_KINDS if counted[kind]}


def _line(difference: Difference) -> str:
    where = f" ({difference.where})" if difference.where else ""
    return f"{difference.message}{where}"


def render_text(report: WatchReport) -> str:
    lines = [
        f"Upstream watch: {len(report.high)} high-impact, {len(report.low)} low-impact "
        f"difference(s) in {report.seconds:.1f} s",
        f"  docs: {report.docs} at {report.docs_commit or 'unknown commit'}; baseline: "
        f"{report.baseline_commit or 'none'}",
    ]
    for note in report.notes:
        lines.append(f"  note: {note}")
    for impact, group in (("HIGH", report.high), ("low", report.low)):
        for difference in group:
            lines.append(f"{impact} {difference.kind}: {_line(difference)}")
    if report.exit_code == EXIT_OK:
        lines.append("No high-impact difference.")
    return "\n".join(lines) + "\n"


_MARKDOWN_SPECIALS = "\\`*_[](){}#+!|~>"
_ZERO_WIDTH = "\u200b"


def _md_escape(text: str) -> str:
    """Text from BigCommerce's docs as inert Markdown in the issue the watch opens.

    No link, image, HTML, mention or autolinked URL may survive: every Markdown
    special is escaped, `<` becomes an entity, and a zero-width space breaks `@name`,
    `://` and `www.` so GitHub neither notifies anyone nor links anywhere.
    """
    escaped = "".join("\\" + char if char in _MARKDOWN_SPECIALS else char
                      for char in text.replace("&", "&amp;").replace("<", "&lt;"))
    escaped = re.sub(r"@(?=\w)", "@" + _ZERO_WIDTH, escaped)
    escaped = escaped.replace("://", ":" + _ZERO_WIDTH + "//")
    return re.sub(r"(?i)\bwww\.", lambda m: m.group(0)[:3] + _ZERO_WIDTH + ".", escaped)


def _md_code(text: str) -> str:
    """`text` as an inline code span that no backtick in it can close."""
    return "`" + text.replace("`", "\u02cb").replace("://", ":" + _ZERO_WIDTH + "//") + "`"


def render_markdown(report: WatchReport) -> str:
    out = [
        "# BigCommerce's docs changed what the scope guide relies on"
        if report.high else "# Upstream watch: no high-impact difference",
        "",
        f"Compared `bigcommerce/docs` at {_md_code(report.docs_commit or 'unknown commit')} "
        f"with `scopes.yaml`, the fake store's route table and `upstream/corrections.yaml` "
        f"(baseline: {_md_code(report.baseline_commit or 'none')}).",
        "",
        f"**{len(report.high)} high-impact** and **{len(report.low)} low-impact** "
        f"difference(s). How to act on each kind: `{GUIDE_PAGE}`.",
        "",
    ]
    for note in report.notes:
        out += [f"> {_md_escape(note)}", ""]
    for title, impact in (("High impact", HIGH), ("Low impact", LOW)):
        group = [d for d in report.differences if d.impact == impact]
        if not group:
            continue
        out += [f"## {title}", ""]
        for kind in HIGH_KINDS + LOW_KINDS:
            items = [d for d in group if d.kind == kind]
            if not items:
                continue
            out += [f"### {_KIND_TITLES.get(kind, kind)} ({len(items)})", ""]
            for difference in items:
                where = f" — {_md_code(difference.where)}" if difference.where else ""
                out.append(f"- {_md_escape(difference.message)}{where}")
            out.append("")
    return "\n".join(out).rstrip() + "\n"


def render_json(report: WatchReport) -> str:
    document: dict[str, Any] = {
        "exit_code": report.exit_code,
        "docs": {"path": report.docs, "commit": report.docs_commit},
        "baseline_commit": report.baseline_commit,
        "seconds": round(report.seconds, 3),
        "counts": {"high": len(report.high), "low": len(report.low),
                   "by_kind": report.by_kind(), **report.counts},
        "notes": report.notes,
        "differences": [d.as_dict() for d in report.differences],
    }
    return json.dumps(document, indent=1, ensure_ascii=False) + "\n"
