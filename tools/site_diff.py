"""Compare two builds of the guide file by file, ignoring only the `generator` meta tag.

Why: MkDocs 1.6.1 is MkDocs's last release and ProperDocs is its drop-in continuation. The
non-blocking job in .github/workflows/properdocs.yml builds the guide with both and runs
this, so a move is decided on one fact: the two sites are the same, byte for byte, except
for the tag each generator signs its pages with. Any other difference is listed by file
with its first differing line, because "the HTML differs" alone helps no one.
"""

from __future__ import annotations

import difflib
import gzip
import re
from dataclasses import dataclass, field
from pathlib import Path

# `<meta name="generator" content="mkdocs-1.6.1, mkdocs-material-9.8.2">`, attributes in
# either order: the one thing the two generators are expected to write differently.
GENERATOR_META = re.compile(
    r"<meta\s+(?:name=\"generator\"\s+content=\"[^\"]*\"|content=\"[^\"]*\"\s+name=\"generator\")"
    r"\s*/?>"
)
MAX_LISTED = 20


@dataclass
class SiteDiff:
    """What differs between two site folders (relative paths, sorted)."""

    only_first: list[str] = field(default_factory=list)
    only_second: list[str] = field(default_factory=list)
    differing: dict[str, str] = field(default_factory=dict)  # path -> first differing line
    compared: int = 0

    @property
    def identical(self) -> bool:
        return not (self.only_first or self.only_second or self.differing)


def _files(site: Path) -> set[str]:
    return {path.relative_to(site).as_posix() for path in site.rglob("*") if path.is_file()}


def comparable_bytes(path: Path) -> bytes:
    """The file as compared: HTML without its generator tag, gzip files decompressed
    (a gzip header carries a timestamp, which says nothing about the content)."""
    data = path.read_bytes()
    if path.suffix == ".gz":
        return gzip.decompress(data)
    if path.suffix == ".html":
        return GENERATOR_META.sub("", data.decode("utf-8")).encode("utf-8")
    return data


def _first_difference(first: bytes, second: bytes) -> str:
    a = first.decode("utf-8", "replace").splitlines()
    b = second.decode("utf-8", "replace").splitlines()
    for line in difflib.unified_diff(a, b, lineterm="", n=0):
        if line.startswith(("-", "+")) and not line.startswith(("---", "+++")):
            return line[:200]
    return "(binary or whitespace difference)"


def compare_sites(first: Path, second: Path) -> SiteDiff:
    files_first, files_second = _files(first), _files(second)
    diff = SiteDiff(only_first=sorted(files_first - files_second),
                    only_second=sorted(files_second - files_first))
    for relative in sorted(files_first & files_second):
        diff.compared += 1
        a, b = comparable_bytes(first / relative), comparable_bytes(second / relative)
        if a != b:
            diff.differing[relative] = _first_difference(a, b)
    return diff


def render_markdown(diff: SiteDiff, first_name: str, second_name: str) -> str:
    """The job summary: one verdict line, then the differences, if any."""
    lines = [f"## {second_name} against {first_name}", ""]
    if diff.identical:
        lines.append(f"**Identical**: {diff.compared} files compared; only the `generator` "
                     "meta tag was ignored.")
        return "\n".join(lines) + "\n"
    lines.append(f"**Different**: {len(diff.differing)} of {diff.compared} shared files differ "
                 "(the `generator` meta tag ignored).")
    for title, paths in ((f"Only in the {first_name} build", diff.only_first),
                         (f"Only in the {second_name} build", diff.only_second)):
        if paths:
            lines += ["", f"### {title}", "", *[f"- `{p}`" for p in paths[:MAX_LISTED]]]
    if diff.differing:
        lines += ["", "### Files that differ (first differing line)", ""]
        lines += [f"- `{path}`: `{line}`"
                  for path, line in list(diff.differing.items())[:MAX_LISTED]]
    more = len(diff.differing) + len(diff.only_first) + len(diff.only_second) - MAX_LISTED
    if more > 0:
        lines += ["", f"(at most {MAX_LISTED} listed per section)"]
    return "\n".join(lines) + "\n"
