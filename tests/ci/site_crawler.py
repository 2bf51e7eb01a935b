"""A small crawler for the built guide: every internal link and #fragment, same page included.

LinkChecker (see test_links.py) checks pages, assets and cross-page anchors, but it skips
links that are only a fragment ("#scope-orders" on the scopes page itself): exactly the
row link icons support copies. This crawler fetches each page over HTTP and resolves every
internal href, fragment included, against the ids of the page it points to.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

import requests
from bs4 import BeautifulSoup

LINK_ATTRIBUTES = (("a", "href"), ("link", "href"), ("script", "src"), ("img", "src"),
                   ("source", "src"))


@dataclass(frozen=True)
class Link:
    source_page: str
    href: str
    target: str
    fragment: str


@dataclass(frozen=True)
class Fetched:
    status: int
    ids: frozenset[str] | None  # None when the target is not an HTML page


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
    def __init__(self, timeout: float) -> None:
        self.session = requests.Session()
        self.session.trust_env = False  # loopback only: ignore any proxy in the environment
        self.timeout = timeout
        self.cache: dict[str, tuple[Fetched, BeautifulSoup | None]] = {}

    def get(self, url: str) -> tuple[Fetched, BeautifulSoup | None]:
        if url not in self.cache:
            response = self.session.get(url, timeout=self.timeout)
            soup = None
            if response.status_code == 200 and "html" in response.headers.get("Content-Type", ""):
                soup = BeautifulSoup(response.text, "html.parser")
            ids = None
            if soup is not None:
                ids = frozenset(tag["id"] for tag in soup.find_all(id=True)) | frozenset(
                    tag["name"] for tag in soup.find_all("a", attrs={"name": True}))
            self.cache[url] = (Fetched(response.status_code, ids), soup)
        return self.cache[url]


def _links_on(page_url: str, soup: BeautifulSoup, base_url: str) -> list[Link]:
    links = []
    host = urlsplit(base_url).netloc
    for tag_name, attribute in LINK_ATTRIBUTES:
        for tag in soup.find_all(tag_name, attrs={attribute: True}):
            absolute = urljoin(page_url, tag[attribute])
            if urlsplit(absolute).netloc != host or urlsplit(absolute).scheme not in ("http",
                                                                                       "https"):
                continue  # other hosts, data: and mailto: are out of scope
            target, fragment = urldefrag(absolute)
            links.append(Link(page_url, tag[attribute], target, unquote(fragment)))
    return links


def crawl(base_url: str, timeout: float = 10.0) -> CrawlResult:
    """Visit every HTML page reachable from base_url and resolve every internal link on them."""
    fetcher = _Fetcher(timeout)
    result = CrawlResult()
    queue, queued = deque([base_url]), {base_url}
    while queue:
        page_url = queue.popleft()
        fetched, soup = fetcher.get(page_url)
        if soup is None:
            continue
        result.pages.add(page_url)
        for link in _links_on(page_url, soup, base_url):
            result.links.append(link)
            if link.target not in queued:
                queued.add(link.target)
                queue.append(link.target)  # non-HTML targets are fetched once, not parsed
    for link in result.links:
        fetched, _ = fetcher.get(link.target)
        where = f"{link.source_page}: {link.href}"
        if fetched.status != 200:
            result.broken.append(f"{where} -> HTTP {fetched.status}")
        elif link.fragment and (fetched.ids is None or link.fragment not in fetched.ids):
            result.broken.append(f"{where} -> no element with id '{link.fragment}'")
    result.broken = sorted(set(result.broken))
    return result
