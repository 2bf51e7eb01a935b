"""The guide's one link checker: every internal link, asset and #fragment, over HTTP on loopback.

Why this one: it was measured against LinkChecker (with its AnchorCheck plugin) and the
row-anchor test of tests/site on the same broken site (tests/ci/test_links.py). It finds
everything either of them found, same-page fragments included (LinkChecker skips those,
and they are exactly the row link icons support copies), in about a tenth of
LinkChecker's time on the guide.

It fetches each page as a static host would serve it and resolves, against the ids of the
page it points to:
- the links and assets of HTML (`href`, `src`, `srcset`, `data`, a refresh's `url=`);
- `url(...)` and `@import` in stylesheets, in `<style>` elements and in `style` attributes.
Links to other hosts, `data:` and `mailto:` are out of scope: tests touch only loopback.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

import requests
from bs4 import BeautifulSoup, Tag

# (tag, attribute) pairs whose value is one address.
URL_ATTRIBUTES = (
    ("a", "href"), ("link", "href"), ("area", "href"),
    ("script", "src"), ("img", "src"), ("source", "src"), ("iframe", "src"), ("embed", "src"),
    ("video", "src"), ("video", "poster"), ("audio", "src"), ("track", "src"),
    ("object", "data"),
)
SRCSET_TAGS = ("img", "source")
CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)|@import\s+(['"])([^'"]+)\3""")
REFRESH_URL = re.compile(r"url\s*=\s*['\"]?([^'\"]+)", re.IGNORECASE)


@dataclass(frozen=True)
class Link:
    source_page: str  # the page or stylesheet the address was found in
    href: str  # the address as written
    target: str  # absolute, without the fragment
    fragment: str  # decoded; "" when none


@dataclass(frozen=True)
class Fetched:
    status: int
    ids: frozenset[str] | None  # None when the target is not an HTML page
    css: str | None  # the text of a stylesheet, else None


@dataclass
class CrawlResult:
    pages: set[str] = field(default_factory=set)
    links: list[Link] = field(default_factory=list)
    broken: list[str] = field(default_factory=list)

    @property
    def checked_urls(self) -> set[str]:
        return {f"{link.target}#{link.fragment}" if link.fragment else link.target
                for link in self.links}


class _Fetcher:
    """GETs each address once; parses HTML pages and keeps stylesheets' text."""

    def __init__(self, timeout: float) -> None:
        self.session = requests.Session()
        self.session.trust_env = False  # loopback only: ignore any proxy in the environment
        self.timeout = timeout
        self.cache: dict[str, tuple[Fetched, BeautifulSoup | None]] = {}

    def get(self, url: str) -> tuple[Fetched, BeautifulSoup | None]:
        if url not in self.cache:
            response = self.session.get(url, timeout=self.timeout)
            kind = response.headers.get("Content-Type", "")
            ok = response.status_code == 200
            soup = BeautifulSoup(response.text, "html.parser") if ok and "html" in kind else None
            ids = None
            if soup is not None:
                ids = frozenset(str(tag["id"]) for tag in soup.find_all(id=True)) | frozenset(
                    str(tag["name"]) for tag in soup.find_all("a", attrs={"name": True}))
            css = response.text if ok and "css" in kind else None
            self.cache[url] = (Fetched(response.status_code, ids, css), soup)
        return self.cache[url]


def css_addresses(text: str) -> list[str]:
    """Every `url(...)` and `@import "..."` address in CSS text."""
    return [match[1] or match[3] for match in CSS_URL.findall(text)]


def html_addresses(soup: BeautifulSoup) -> list[str]:
    """Every address an HTML page links to or loads, in the order found."""
    found: list[str] = []
    for tag_name, attribute in URL_ATTRIBUTES:
        found += [str(tag[attribute]) for tag in soup.find_all(tag_name, attrs={attribute: True})]
    for tag in soup.find_all(list(SRCSET_TAGS), attrs={"srcset": True}):
        found += [part.split()[0] for part in str(tag["srcset"]).split(",") if part.strip()]
    for tag in soup.find_all("meta", attrs={"http-equiv": re.compile("^refresh$", re.I)}):
        refresh = REFRESH_URL.search(str(tag.get("content", "")))
        if refresh:
            found.append(refresh.group(1).strip())
    for style in soup.find_all("style"):
        found += css_addresses(style.get_text())
    for tag in soup.find_all(style=True):
        if isinstance(tag, Tag):
            found += css_addresses(str(tag["style"]))
    return found


def _links(source: str, addresses: list[str], host: str) -> list[Link]:
    links = []
    for address in addresses:
        absolute = urljoin(source, address)
        parts = urlsplit(absolute)
        if parts.netloc != host or parts.scheme not in ("http", "https"):
            continue  # other hosts, data: and mailto: are out of scope
        target, fragment = urldefrag(absolute)
        links.append(Link(source, address, target, unquote(fragment)))
    return links


def crawl(base_url: str, timeout: float = 10.0) -> CrawlResult:
    """Visit every page and stylesheet reachable from base_url; resolve every address on them."""
    fetcher = _Fetcher(timeout)
    host = urlsplit(base_url).netloc
    result = CrawlResult()
    queue, queued = deque([base_url]), {base_url}
    while queue:
        url = queue.popleft()
        fetched, soup = fetcher.get(url)
        if soup is not None:
            result.pages.add(url)
            found = _links(url, html_addresses(soup), host)
        elif fetched.css is not None:
            found = _links(url, css_addresses(fetched.css), host)
        else:
            continue
        for link in found:
            result.links.append(link)
            if link.target not in queued:
                queued.add(link.target)
                queue.append(link.target)  # other files are fetched once, not parsed
    for link in result.links:
        fetched, _ = fetcher.get(link.target)
        where = f"{link.source_page}: {link.href}"
        if fetched.status != 200:
            result.broken.append(f"{where} -> HTTP {fetched.status}")
        elif link.fragment and (fetched.ids is None or link.fragment not in fetched.ids):
            result.broken.append(f"{where} -> no element with id '{link.fragment}'")
    result.broken = sorted(set(result.broken))
    return result
