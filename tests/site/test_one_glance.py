"""Issue 18 ("One glance"), in the built pages: search finds each row, troubleshooting
opens with its list, the verify page leads with the merchant's one-line command, and the
feedback widget is wired without any analytics service."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import quote

from bc_scopes.troubleshooting import PROBLEMS


def words(tag) -> str:
    return " ".join(tag.get_text(" ").split())


def search_docs(built_site: Path) -> list[dict[str, str]]:
    index = json.loads((built_site / "search" / "search_index.json").read_text("utf-8"))
    docs: list[dict[str, str]] = index["docs"]
    return docs


def test_every_row_is_its_own_search_entry_with_a_clean_snippet(built_site, table) -> None:
    docs = search_docs(built_site)
    by_location = {doc["location"]: doc for doc in docs}
    for row in table.all_rows:
        entry = by_location[f"{table.guide.scopes_page}#{row.anchor}"]
        assert entry["title"] == row.name.replace("&", "&amp;")
        assert entry["text"].startswith("<p>Set to "), entry
        assert row.reason.replace("&", "&amp;").replace("'", "&#x27;") in entry["text"]
        assert "Link to the" not in entry["text"] and "[source]" not in entry["text"]
    # The checklist is left out of its section's entry, so it is not one long snippet.
    section = by_location[f"{table.guide.scopes_page}#required-scopes"]
    assert table.row("orders").reason not in section["text"]
    # Each row's entry comes right after the page's own entries' first one, once.
    locations = [doc["location"] for doc in docs]
    assert len(locations) == len(set(locations))


def test_troubleshooting_opens_with_a_linked_list_of_its_problems(read_page) -> None:
    page = read_page("/troubleshooting/")
    article = page.select_one("article")
    headings = [h["id"] for h in article.select("h2[id]")]
    problems = [anchor for anchor in headings if anchor not in ("still-stuck", "sources")]
    first_heading = article.find("h2")
    listed = [a["href"].split("#")[1] for a in first_heading.find_all_previous("a", href=True)
              if a["href"].split("#")[0] in ("", "./") and "#" in a["href"]
              and a.find_parent("article") is article and a.find_parent("li") is not None]
    assert sorted(listed) == sorted(problems), "the list at the top misses some problems"
    assert {problem.anchor for problem in PROBLEMS} <= set(listed)


def test_status_names_sit_in_their_entries_for_search(read_page) -> None:
    page = read_page("/troubleshooting/")
    sections = {}
    for heading in page.select("article h2[id]"):
        text = []
        for sibling in heading.find_next_siblings():
            if sibling.name == "h2":
                break
            text.append(words(sibling))
        sections[heading["id"]] = " ".join(text)
    assert "401 Unauthorized" in sections["invalid-token"]
    assert "403 Forbidden" in sections["wrong-store-hash"]


def test_verify_page_leads_with_the_credentials_file_command(read_page) -> None:
    article = read_page("/verify/").select_one("article")
    first_code = article.select_one("pre code")
    lines = [line for line in first_code.get_text().splitlines() if line.strip()]
    assert lines[-1] == "bc-scopes check --credentials-file ~/Downloads/<file>.txt"
    # Before any section heading, and the sample report follows it.
    assert first_code.find_previous("h2") is None
    sample = article.select_one(".bc-sample-output")
    assert sample is not None and sample.find_previous("h2") is None
    assert "READY for DropStream" in sample.get_text()
    # No copy button on the page copies the abc123 placeholder as a ready-to-run command.
    for code in article.select("pre code"):
        for line in code.get_text().splitlines():
            if re.match(r"\s*(export |\$env:|bc-scopes |uvx )", line):
                assert "abc123" not in line, line


def test_feedback_is_shown_by_a_local_script_that_sends_nothing(built_site, page_paths,
                                                               read_page) -> None:
    for path in page_paths:
        page = read_page(path)
        form = page.select_one("form.md-feedback")
        assert form is not None, f"{path} has no feedback widget"
        script = page.select_one("script#__analytics")
        assert script is not None and "feedback.hidden = false" in script.get_text(), path
        assert not re.search(r"https?://|fetch\(|sendBeacon|XMLHttpRequest|gtag",
                             script.get_text()), path
        no = form.select_one('.md-feedback__note [data-md-value="0"] a')
        href = no["href"]
        assert href.startswith("https://github.com/dropstream/bc-api-credentials/issues/new?")
        # The title names the page, as the navigation does.
        name = words(page.select_one("nav.md-nav--primary .md-nav__link--active"))
        assert "title=%5BFeedback%5D+" + quote(name) in href, (path, href)
