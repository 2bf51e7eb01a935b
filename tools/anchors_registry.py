"""The published-anchors registry: links support has handed out must keep working.

Support staff paste links such as `…/scopes/#scope-orders` into tickets and emails. The
registry (tests/published-anchors.txt) lists every such page-and-fragment. This module
answers one question about a built site: which registered anchors no longer exist? A row
that is renamed keeps its old anchor through `aliases`; a page that moves keeps its old
URL through a mkdocs-redirects stub, which is followed here, so both count as kept.

Pure apart from reading the built files. Uses only the standard library so the checker's
runtime needs nothing more.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from html.parser import HTMLParser
from pathlib import Path

_REFRESH_URL = re.compile(r"url\s*=\s*['\"]?(?P<url>[^'\";]+)", re.IGNORECASE)
MAX_REDIRECT_HOPS = 5


class _AnchorCollector(HTMLParser):
    """Collects every `id` (and legacy `<a name>`) and a meta-refresh target, if any."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.anchors: set[str] = set()
        self.refresh_url: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value for name, value in attrs if value is not None}
        if "id" in values:
            self.anchors.add(values["id"])
        if tag == "a" and "name" in values:
            self.anchors.add(values["name"])
        if tag == "meta" and values.get("http-equiv", "").lower() == "refresh":
            match = _REFRESH_URL.search(values.get("content", ""))
            if match:
                self.refresh_url = match["url"].strip()


def read_registry(text: str) -> list[str]:
    """Registry entries ("scopes/#scope-orders"), skipping blank lines and "# comments".

    An entry for the home page is written "#anchor" with no space, so only a "#" followed
    by a space (or a bare "#") starts a comment.
    """
    entries = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line == "#" or line.startswith("# "):
            continue
        entries.append(line)
    return entries


def split_entry(entry: str) -> tuple[str, str]:
    """("scopes/", "scope-orders") from "scopes/#scope-orders"; the page may be empty (home)."""
    page, _, fragment = entry.partition("#")
    return page.lstrip("/"), fragment


def page_file(site_dir: Path, page_url: str) -> Path:
    """The built file that serves a page URL relative to the site root."""
    clean = posixpath.normpath("/" + page_url).lstrip("/")
    if clean in ("", "."):
        return site_dir / "index.html"
    if page_url.endswith("/") or not posixpath.splitext(clean)[1]:
        return site_dir / clean / "index.html"
    return site_dir / clean


def _parse(file: Path) -> _AnchorCollector:
    collector = _AnchorCollector()
    collector.feed(file.read_text(encoding="utf-8", errors="replace"))
    collector.close()
    return collector


def anchors_on_page(site_dir: Path, page_url: str) -> set[str] | None:
    """Anchors a visitor to this page URL can land on, following redirect stubs.

    None when the page does not exist at all.
    """
    for _ in range(MAX_REDIRECT_HOPS):
        file = page_file(site_dir, page_url)
        if not file.is_file():
            return None
        page = _parse(file)
        if page.refresh_url is None or "://" in page.refresh_url:
            return page.anchors
        base = page_url if page_url.endswith("/") or not page_url else posixpath.dirname(page_url)
        target = page.refresh_url.split("#", 1)[0]
        page_url = posixpath.normpath(posixpath.join("/" + base, target)).lstrip("/")
        if target.endswith("/") and page_url and not page_url.endswith("/"):
            page_url += "/"
    return None


def missing_anchors(entries: Iterable[str], site_dir: Path) -> list[str]:
    """Registry entries whose page or fragment no longer exists in the built site."""
    cache: dict[str, set[str] | None] = {}
    missing = []
    for entry in entries:
        page_url, fragment = split_entry(entry)
        if page_url not in cache:
            cache[page_url] = anchors_on_page(site_dir, page_url)
        anchors = cache[page_url]
        if anchors is None or (fragment and fragment not in anchors):
            missing.append(entry)
    return missing

