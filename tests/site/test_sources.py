"""Every statement that is not in the seed article cites its source, on every page.

The seed is DropStream's article "BigCommerce - Get Your API Credentials"; its facts need
no citation. Everything else the guide states about BigCommerce or DropStream's wizard
comes from a page listed in a "Sources" section at the foot of the page that states it,
and the sentence links there (`#source-…`).

FACTS lists those statements, each as a pattern on the text of one block: a paragraph, a
list item, a table cell or an admonition, with the sources that back it. Wherever a
block states one, that block must link to one of those sources (`#source-…`), and the
anchor must exist on the same page. A heading or an admonition
title is covered by the admonition or section text that follows it, so headings are not
checked and an admonition title may rely on its admonition's body.

A pattern that no longer matches anything would check nothing, so each must match at
least one block somewhere in the guide.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from bs4 import BeautifulSoup, Tag

KB = "source-kb-accounts"  # BigCommerce Help Center, "Store API Accounts"
DOCS = "source-d-accounts"  # BigCommerce developer docs, "API Accounts & OAuth Scopes"
PR1405 = "source-pr1405"  # BigCommerce docs pull request 1405: scopes can't be changed
DROPSTREAM = "source-ds-enable"  # DropStream help centre, "BigCommerce - Enable API Access"
STORE_INFO = "source-store-info"  # store_information.v2.yml:49, the store- control-panel host

# name -> (pattern on a block's text, case-insensitive; the sources that may back it).
# Keep each pattern specific to the fact, so that it does not catch ordinary words ("a
# link that shows the secret once").
FACTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "credentials are shown only once": (
        r"\bshown\s+(?:only\s+)?once\b|\bonly\s+once\b|\bonce\s+only\b"
        r"|\bshow\w*\s+(?:this|the|them|it)\b[^.]{0,20}\bagain\b",
        (KB,),
    ),
    "a text file is downloaded": (r"\.txt\b|\bdownloads?\s+a\s+text\s+file\b", (KB,)),
    # UNCERTAIN in the reference, so the pages say "BigCommerce's documentation says…".
    "scopes cannot be changed later": (
        r"\b(?:cannot|can't|can not)\s+(?:be\s+)?(?:change|changed|edit|edited)\b[^.]{0,60}"
        r"\bscopes?\b"
        r"|\bscopes?\b[^.]{0,120}\b(?:cannot|can't|can not)\s+(?:be\s+)?"
        r"(?:change|changed|edit|edited)\b"
        r"|\bscopes?\b[^.]{0,40}\b(?:are|is|stay)\s+fixed\b",
        (DOCS, PR1405),
    ),
    "the 50-account limit": (r"\b50\b[^.]{0,40}\baccounts?\b|\bfifty\b", (KB,)),
    "the name has at least four characters": (r"\b(?:4|four)[- ]characters?\b", (KB,)),
    "only the owner or high-risk users create accounts": (r"\bhigh-risk\b", (KB,)),
    "deleting an account deletes its webhooks": (r"\bwebhooks?\b", (DOCS,)),
    "access tokens do not expire": (
        r"\b(?:does not|doesn't|do not|don't|never)\s+expire\b",
        (DOCS,),
    ),
    "deleting the account switches off its token": (
        r"\bswitch\w*\s+off\b[^.]{0,40}\bAccess Token\b"
        r"|\bAccess Token\b[^.]{0,20}\bstops working\b",
        (DOCS,),
    ),
    "the Client ID is not the account's name": (
        r"\bnot the (?:API )?account's name\b|\bnot the Client ID\b"
        r"|\bname\b[^.]{0,40}\b(?:only )?a label\b",
        (DOCS,),
    ),
    "the Client Secret signs JWTs": (r"\bJWTs?\b", (DOCS,)),
    "a higher level also works": (
        r"\bhigher level (?:still |also )?works\b|\bModify level\b",
        (DOCS,),
    ),
    "the Stencil-CLI token type is for themes": (r"\bStencil\b", (KB,)),
    "the hash in the store's address": (
        r"\bpart after [`\"]?store-|\bnot [`\"]?store-\w", (KB, STORE_INFO)
    ),
    # DropStream's connection article.
    "the store owner signs in once": (
        r"\bsign(?:s|ed)?[- ]in\b[^.]{0,60}\bstore owner\b"
        r"|\bstore owner\b[^.]{0,60}\bsign(?:s|ed)?[- ]?in\b",
        (DROPSTREAM,),
    ),
    "the wizard asks only for the Store Hash": (
        r"\bonly\b[^.]{0,40}\bStore Hash\b|\bStore Hash\b[^.]{0,20}\bonly\b",
        (DROPSTREAM,),
    ),
    "the wizard has four steps": (r"\bfour steps\b", (DROPSTREAM,)),
    "the Order Import Status": (
        r"\bOrder Import Status\b|\bAwaiting Fulfillment\b",
        (DROPSTREAM,),
    ),
    "the approval uses OAuth": (r"\buses OAuth\b", (DROPSTREAM,)),
}
COMPILED = {name: re.compile(pattern, re.IGNORECASE) for name, (pattern, _) in FACTS.items()}

BLOCK_TAGS = ("p", "li", "td", "th", "dd", "dt", "figcaption", "blockquote")
# A block may lean on the container that holds it: an admonition title on its body.
CONTAINER_CLASSES = ("admonition", "details")
# The generated scope tables (table[data-bc-table]) point each reason at the page's whole
# Sources list, with the row's own source in the link's title (bc_scopes.guide.render):
# `#sources` counts there.


def _blocks(article: Tag) -> Iterator[Tag]:
    for block in article.find_all(BLOCK_TAGS):
        if block.find_parent(["pre", "code"]) or block.find_parent(id=re.compile("^source-")):
            continue
        if str(block.get("id", "")).startswith("source-"):
            continue  # an entry of the Sources list names the fact it is the source of
        yield block


def _text(block: Tag) -> str:
    return " ".join(block.get_text(" ").split())


def _container(block: Tag) -> Tag | None:
    """The admonition or details box that holds the block, if any."""
    for parent in block.parents:
        if parent.name == "details" or set(parent.get("class") or ()) & set(CONTAINER_CLASSES):
            return parent
    return None


def _cites(block: Tag, sources: tuple[str, ...], anchors: set[str]) -> bool:
    """True if the block links to one of `sources`, and that anchor exists on this page.

    A reason in a generated scope table links to the whole list (`#sources`) instead.
    """
    in_table = block.find_parent("table", attrs={"data-bc-table": True}) is not None
    for link in block.find_all("a", href=True):
        fragment = link["href"][1:] if link["href"].startswith("#") else None
        if fragment is None or fragment not in anchors:
            continue
        if fragment in sources or (in_table and fragment == "sources"):
            return True
    return False


def uncited_statements(page: BeautifulSoup) -> list[str]:
    """'fact: text' for each block of the page that states a listed fact without its source."""
    article = page.select_one("article")
    if article is None:
        return []
    anchors = {tag["id"] for tag in page.find_all(id=True)}
    problems = []
    for block in _blocks(article):
        text = _text(block)
        container = _container(block)
        for name, pattern in COMPILED.items():
            if not pattern.search(text):
                continue
            sources = FACTS[name][1]
            if _cites(block, sources, anchors):
                continue
            if container is not None and _cites(container, sources, anchors):
                continue
            problems.append(f"{name} (cite {' or '.join(sources)}): {text[:160]}")
    return problems


def test_every_non_seed_fact_links_to_a_source_on_its_page(read_page, page_paths) -> None:
    failures = []
    for path in page_paths:
        failures += [f"{path}  {problem}" for problem in uncited_statements(read_page(path))]
    assert not failures, (
        "these blocks state a fact that is not in the seed without linking to a "
        "#source-… anchor on the same page:\n" + "\n".join(failures)
    )


def test_every_fact_pattern_still_finds_its_fact(read_page, page_paths) -> None:
    found: set[str] = set()
    for path in page_paths:
        article = read_page(path).select_one("article")
        if article is None:
            continue
        for block in _blocks(article):
            text = _text(block)
            found |= {name for name, pattern in COMPILED.items() if pattern.search(text)}
    assert not set(FACTS) - found, f"patterns that match nothing: {sorted(set(FACTS) - found)}"


def test_source_links_land_on_a_sources_list_entry(read_page, page_paths) -> None:
    """Each `#source-…` link points at an entry of the page's Sources list, with an address."""
    for path in page_paths:
        page = read_page(path)
        for link in page.select('article a[href^="#source-"]'):
            target = page.find(id=link["href"][1:])
            assert target is not None, f"{path}: {link['href']} has no target"
            assert target.name == "li", f"{path}: {link['href']} is not a Sources entry"
            heading = target.find_previous(["h2", "h3"])
            assert heading is not None and heading.get("id") == "sources", (
                f"{path}: {link['href']} is not under the page's Sources heading"
            )
            addresses = [a["href"] for a in target.find_all("a", href=True)]
            assert any(href.startswith("https://") for href in addresses), (
                f"{path}: the source {link['href']} gives no address"
            )


def test_sources_entries_are_cited(read_page, page_paths) -> None:
    """A Sources entry that nothing on its page links to is dead weight, or a lost citation."""
    for path in page_paths:
        page = read_page(path)
        cited = {link["href"][1:] for link in page.select('article a[href^="#source-"]')}
        listed = {item["id"] for item in page.select('article li[id^="source-"]')}
        assert listed <= cited, f"{path}: listed but never cited: {sorted(listed - cited)}"


SCOPES_PAGE_SOURCES = {
    "source-d-accounts": "developer.bigcommerce.com/docs/start/authentication/api-accounts",
    "source-store-logs": "reference/store_logs.v3.yml",
    "source-ds-enable": "support.getdropstream.com/hc/en-us/articles/360016106514",
}


def test_scopes_page_lists_the_sources_of_its_table(read_page) -> None:
    page = read_page("/scopes/")
    assert page.find(id="sources") is not None
    for anchor, address in SCOPES_PAGE_SOURCES.items():
        entry = page.find(id=anchor)
        assert entry is not None, f"the scopes page's Sources list has no {anchor}"
        assert any(address in a["href"] for a in entry.find_all("a", href=True)), anchor


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<p>BigCommerce shows them only once.</p>", 1),
        ('<p>BigCommerce shows them only once (<a href="#source-kb-accounts">x</a>).</p>', 0),
        # a source that does not back this fact, or one missing from the page, is no citation
        ('<p>BigCommerce shows them only once (<a href="#source-d-accounts">x</a>).</p>', 1),
        ('<p>Only once (<a href="#source-pr1405">x</a>).</p>', 1),
        (
            '<div class="admonition"><p class="admonition-title">Scopes cannot be changed</p>'
            '<p>Really (<a href="#source-d-accounts">x</a>).</p></div>',
            0,
        ),
        ("<p>A link that shows the secret once and then expires.</p>", 0),
        ('<p>Four characters long and only once (<a href="#source-kb-accounts">x</a>).</p>', 0),
        ('<p>Webhooks go, and it is shown only once (<a href="#source-kb-accounts">x</a>).</p>', 1),
    ],
)
def test_the_check_itself(html: str, expected: int) -> None:
    page = BeautifulSoup(
        f'<html><body><article>{html}<h2 id="sources">Sources</h2><ul>'
        '<li id="source-kb-accounts">KB, <a href="https://example.com/kb">x</a></li>'
        '<li id="source-d-accounts">Docs, <a href="https://example.com/docs">x</a></li>'
        "</ul></article></body></html>",
        "html.parser",
    )
    assert len(uncited_statements(page)) == expected
