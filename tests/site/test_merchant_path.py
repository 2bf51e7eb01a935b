"""The merchant's path, as the seed article frames it, and the 3PL's side of the hand-off.

- The scopes page keeps the seed's "minimum" framing: higher levels work, they only grant
  more than DropStream needs (the checker's `excess`), except the rows that must stay None.
- A merchant whose 3PL sets DropStream up shares the credentials, as the seed says; the
  guide no longer tells them to send only the Store Hash. DropStream's connection article,
  which asks only for the Store Hash and the owner's sign-in, is mentioned in one neutral,
  sourced sentence per page.
- The Client ID is an identifier, not the API account's name.
- Fulfilment providers have a page with a message to copy and the owner's sign-in.
- Troubleshooting covers the control panel too, not only the checker.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlsplit

from bs4 import BeautifulSoup, Tag

from bc_scopes.troubleshooting import PROBLEMS

# Pages that speak to a merchant whose 3PL sets DropStream up.
HAND_OFF_PAGES = ("/", "/save-credentials/", "/next-step/", "/fulfilment-providers/")
ONLY_THE_HASH = re.compile(
    r"\bonly\b[^.]{0,60}\bStore Hash\b|\bStore Hash\b[^.]{0,20}\bonly\b", re.IGNORECASE
)
MERCHANT_PROBLEMS = {
    "cant-see-api-accounts": r"high-risk",
    "closed-the-pop-up": r"\.txt\b",
    "account-limit": r"\b50\b",
    "name-too-short": r"\bfour characters\b",
    "delete-old-account-last": r"\bwebhooks\b",
}


def words(tag: Tag) -> str:
    return " ".join(tag.get_text(" ").split())


def sentences(tag: Tag) -> list[str]:
    return [part for part in re.split(r"(?<=[.!?])\s+", words(tag)) if part]


def section(page: BeautifulSoup, anchor: str) -> str:
    """The text of a heading's section: the heading and everything up to the next h2
    (for the h1, the introduction)."""
    heading = page.find(id=anchor)
    assert heading is not None and heading.name in ("h1", "h2", "h3"), f"no section #{anchor}"
    parts = [words(heading)]
    for sibling in heading.find_next_siblings():
        if sibling.name == "h2":
            break
        if isinstance(sibling, Tag):
            parts.append(words(sibling))
    return " ".join(parts)


def test_scopes_page_keeps_the_seeds_minimum_framing(read_page) -> None:
    intro = section(read_page("/scopes/"), "why-these-levels")
    assert re.search(r"\bminimum\b", intro), "the seed's 'minimum scopes' framing is gone"
    assert re.search(r"\bset exactly these levels\b", intro)
    assert re.search(r"\bhigher level still works\b", intro)
    assert "more than DropStream needs" in intro
    assert "excess" in intro
    assert "Must stay None" in intro, "the exception, rows that must stay None, is not named"


def test_index_opens_with_the_fork_and_a_3pl_merchant_shares_the_credentials(
        read_page) -> None:
    page = read_page("/")
    article = page.select_one("article")
    first_h2 = article.find("h2")
    assert first_h2["id"] == "which-path", "the home page does not open with the two paths"
    paths = {block["data-bc-path"]: block for block in article.select("[data-bc-path]")}
    assert list(paths) == ["3pl", "own"]
    assert words(paths["3pl"].find("h3")).startswith("Your fulfilment provider set up DropStream")
    assert words(paths["own"].find("h3")).startswith("You run DropStream yourself")
    with_3pl = words(paths["3pl"])
    assert "Share the credentials with your 3PL" in with_3pl and "all four values" in with_3pl
    assert paths["3pl"].select_one('a[href$="save-credentials/#share-with-3pl"]') is not None
    assert not re.search(r"only if your 3PL asks|send the other three", with_3pl, re.IGNORECASE)
    # Each path lists its steps and says where it ends; only its own ending differs.
    for name, ending in (("3pl", "save-credentials/#share-with-3pl"), ("own", "next-step/")):
        steps = [a["href"] for a in paths[name].select("ol > li > a:first-child")]
        assert steps[:4] == ["store-hash/", "create-account/", "scopes/",
                             "save-credentials/#save"], (name, steps)
        assert steps[-1] == ending, (name, steps)
        assert "Where it ends:" in words(paths[name])
    assert "Enable API Access" in words(paths["own"])
    assert "store owner" in words(paths["own"])


def test_only_the_hash_is_never_the_advice(read_page) -> None:
    """Where a page says that only the Store Hash is needed, it is DropStream's article
    saying so, in one sentence with its source, not the guide's advice."""
    for path in HAND_OFF_PAGES:
        article = read_page(path).select_one("article")
        found = []
        for block in article.find_all(["p", "li"]):
            if block.find(["p", "li"]):
                continue  # judged by its innermost blocks
            for sentence in sentences(block):
                if ONLY_THE_HASH.search(sentence):
                    found.append(sentence)
                    assert "DropStream" in sentence and "article" in sentence, (path, sentence)
                    assert block.select_one('a[href="#source-ds-enable"]'), (path, sentence)
        assert len(found) <= 1, f"{path} says 'only the Store Hash' more than once: {found}"
    for path in ("/next-step/", "/save-credentials/"):
        text = words(read_page(path).select_one("article"))
        assert not re.search(r"send them your Store Hash", text, re.IGNORECASE), path


def test_the_client_id_is_an_identifier_not_the_accounts_name(read_page) -> None:
    table = read_page("/").find(id="four-values").find_next("table")
    rows = {words(tr.find("td")): tr.find_all("td") for tr in table.select("tbody tr")}
    client_id = words(rows["Client ID"][1])
    assert "identifier" in client_id
    assert not re.search(r"\bthe name of (?:your|the) API account\b", client_id)
    for path in ("/", "/create-account/"):
        text = words(read_page(path).select_one("article"))
        assert "name of your API account" not in text, path


def test_fulfilment_providers_page_has_a_message_to_copy(read_page, table) -> None:
    page = read_page("/fulfilment-providers/")
    block = page.find(id="message-template").find_next("div", class_="highlight")
    assert block is not None, "the message template is not a code block"
    title = block.select_one(".filename")
    assert title is not None and words(title), "the message has no title"
    assert "no-copy" not in (block.get("class") or [])
    config = json.loads(page.select_one("script#__config").get_text())
    assert "content.code.copy" in config["features"], "Material's copy button is switched off"
    message = block.select_one("pre code").get_text()
    links = re.findall(r"https://\S+", message)
    base = table.guide.site_url
    for step in ("store-hash/", "create-account/", "scopes/", "save-credentials/"):
        assert base + step in links, f"the message does not link {base + step}"
    for link in links:
        assert link.startswith(base), f"the message links outside the guide: {link}"
        target = urlsplit(link)
        path = "/" + target.path.removeprefix(urlsplit(base).path)
        linked = read_page(path)
        if target.fragment:
            assert linked.find(id=target.fragment) is not None, link
    assert "{{" not in message and "{%" not in message


def test_fulfilment_providers_page_covers_the_hand_off(read_page) -> None:
    page = read_page("/fulfilment-providers/")
    asked = section(page, "what-to-ask")
    for value in ("Store Hash", "Client ID", "Client Secret", "Access Token"):
        assert value in asked, f"'What to ask' does not name the {value}"
    received = section(page, "receive-safely")
    assert "password manager" in received and "one-time secret link" in received
    sign_in = section(page, "owner-sign-in")
    assert "store owner" in sign_in and "Authorize" in sign_in and "once" in sign_in
    assert page.select_one('#owner-sign-in ~ p a[href="#source-ds-enable"]') is not None


def test_merchant_troubleshooting_entries_exist_with_sources(read_page) -> None:
    page = read_page("/troubleshooting/")
    for anchor, fact in MERCHANT_PROBLEMS.items():
        text = section(page, anchor)
        assert re.search(fact, text), f"#{anchor} does not say {fact!r}"
        heading = page.find(id=anchor)
        cited = [
            a
            for p in heading.find_next_siblings("p", limit=4)
            for a in p.select('a[href^="#source-"]')
        ]
        assert cited, f"#{anchor} cites no source"
    headings = [h["id"] for h in page.select("article h2[id]")]
    first_checker = headings.index(PROBLEMS[0].anchor)
    assert all(headings.index(anchor) < first_checker for anchor in MERCHANT_PROBLEMS), (
        "the control-panel problems come first, in the order a merchant meets them"
    )


def test_status_codes_sit_next_to_their_entries(read_page) -> None:
    """A search for 401 or 403 has to land on the matching entry."""
    page = read_page("/troubleshooting/")
    assert "401" in words(page.find(id="invalid-token"))
    assert "403" in words(page.find(id="wrong-store-hash"))
    assert "401" in section(page, "invalid-token")
    assert "403" in section(page, "wrong-store-hash")


def test_the_guide_links_the_new_pages(read_page) -> None:
    index = read_page("/")
    assert index.select_one('article a[href$="fulfilment-providers/"]') is not None
    for path in ("/store-hash/", "/create-account/"):
        assert read_page(path).select_one('a[href$="troubleshooting/#cant-see-api-accounts"]'), path


def test_footer_next_follows_each_path_where_they_part(read_page) -> None:
    """Where the two paths part (the save page, and the optional check after it), the
    footer offers one Next link per path instead of the navigation's next page."""
    for path, to_3pl in (("/save-credentials/", "#share-with-3pl"),
                         ("/verify/", "../save-credentials/#share-with-3pl")):
        links = read_page(path).select(".md-footer a.md-footer__link--next")
        targets = {words(link.select_one(".md-footer__direction")): link["href"]
                   for link in links}
        assert targets == {
            "Next, if your 3PL set up DropStream": to_3pl,
            "Next, if you run DropStream yourself": "../next-step/",
        }, (path, targets)
    # The save page itself links the DropStream step, in its text.
    assert read_page("/save-credentials/").select_one('article a[href="../next-step/"]')
    # Elsewhere the footer is Material's own single Next link.
    assert len(read_page("/scopes/").select(".md-footer a.md-footer__link--next")) == 1


def test_checking_comes_before_handing_over_in_the_nav(built_site: Path) -> None:
    """The issue's navigation order: verify the credentials, then hand them over."""
    page = BeautifulSoup((built_site / "index.html").read_text(encoding="utf-8"), "html.parser")
    order = [a["href"].strip("./") for a in page.select("nav.md-nav--primary a.md-nav__link[href]")]
    position = {href: order.index(href) for href in order if href}
    assert position["save-credentials"] < position["verify"]
    assert position["verify"] < position["next-step"]
    assert position["verify"] < position["fulfilment-providers"]
