"""The published site: the Trust's words, a working link to every clause, and the manifest contract."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import ORIGINAL, REPO
from sitetext import ORIGINAL_FOOTER, in_order, original_words, page_text, words


def test_the_original_text_is_kept_with_the_tests() -> None:
    """Found: make test failed in a fresh clone, reading the original text from beside the repository."""
    assert ORIGINAL.is_relative_to(REPO) and ORIGINAL.is_file()
    assert "Social media policy" in ORIGINAL.read_text(encoding="utf-8")


def manifest(site: Path) -> dict:
    return json.loads((site / "clausebook.json").read_text(encoding="utf-8"))


def policy(site: Path, policy_id: str = "social-media") -> dict:
    return next(p for p in manifest(site)["policies"] if p["id"] == policy_id)


def version_pages(site: Path, version: dict) -> list[Path]:
    """The version's pages in reading order: its index, then each section as the index links them."""
    index = site / version["url"]
    html = index.read_text(encoding="utf-8")
    main = html[html.index('role="main"') :]
    links = re.findall(r'class="reference internal" href="([^"#]+)"', main)
    return [index.parent / link for link in dict.fromkeys(links)]


def test_first_version_carries_the_originals_words_in_order(site: Path) -> None:
    first = policy(site)["versions"][0]
    rendered = []
    for page in version_pages(site, first):
        rendered += words(page_text(page)[0])
    share, missing = in_order(original_words(ORIGINAL), rendered)
    print(f"{share:.2%} of the original's words in order on the site; missing runs: {missing}")
    assert share >= 0.999, missing


def test_every_clause_of_the_original_is_in_clauses_json(site: Path) -> None:
    numbers = re.findall(
        r"^\s*(\d+\.\d+) ", ORIGINAL_FOOTER.sub("", ORIGINAL.read_text(encoding="utf-8")), re.MULTILINE
    )
    first = policy(site)["versions"][0]
    data = json.loads((site / first["clauses"]).read_text(encoding="utf-8"))
    assert [c["number"] for c in data["clauses"]] == numbers
    assert data["policy"] == "social-media" and data["version"] == first["version"]


def test_every_clause_url_lands_on_its_clause(site: Path) -> None:
    for entry in policy(site)["versions"]:
        data = json.loads((site / entry["clauses"]).read_text(encoding="utf-8"))
        for clause in data["clauses"]:
            page, fragment = clause["url"].split("#")
            text, ids = page_text(site / page)
            assert fragment in ids, clause["url"]
            assert clause["section"] == clause["number"].split(".")[0]
            first_words = " ".join(words(clause["text"])[:8])
            assert first_words in " ".join(words(text)), clause["number"]


def test_clause_link_is_accessible(site: Path) -> None:
    entry = policy(site)["versions"][0]
    data = json.loads((site / entry["clauses"]).read_text(encoding="utf-8"))
    for clause in data["clauses"]:
        page, fragment = clause["url"].split("#")
        html = (site / page).read_text(encoding="utf-8")
        link = re.search(rf'<a class="cb-clause-number" href="#{fragment}"[^>]*>', html)
        assert link, clause["number"]
        assert f'aria-label="Clause {clause["number"]}: link to this clause"' in link[0]


def test_unnumbered_section_keeps_its_own_permanent_link(site: Path) -> None:
    # Section 3 of the original is one paragraph with no clause number.
    entry = policy(site)["versions"][0]
    data = json.loads((site / entry["clauses"]).read_text(encoding="utf-8"))
    sections_with_clauses = {c["section"] for c in data["clauses"]}
    pages = version_pages(site, entry)
    for number, page in enumerate(pages, 1):
        _text, ids = page_text(page)
        assert f"section-{number}" in ids
        if str(number) not in sections_with_clauses:
            assert 'class="cb-clause"' not in page.read_text(encoding="utf-8")


def test_manifest_matches_the_contract(site: Path) -> None:
    data = manifest(site)
    assert re.fullmatch(r"clausebook \d+\.\d+\.\d+", data["generator"])
    for entry in data["policies"]:
        assert {"id", "title", "current", "url", "quiz", "tree", "pdf", "versions"} <= entry.keys()
        for version in entry["versions"]:
            # Each tool's title, added beside its page (fields are added, never renamed).
            assert {"quiz_title", "tree_title", "guidance_reading"} <= version.keys()
        assert not entry["url"].startswith(("/", "http"))
        assert (site / entry["url"]).is_file()
        efforts = [v["effective"] for v in entry["versions"]]
        assert efforts == sorted(efforts), "versions are oldest first"
        for version in entry["versions"]:
            assert {"version", "effective", "status", "url", "clauses", "pdf", "changes"} <= version.keys()
            assert version["status"] in {"current", "superseded", "future"}
            assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", version["effective"])
            for key in ("url", "clauses"):
                assert not version[key].startswith(("/", "http")) and (site / version[key]).is_file()
        current = [v for v in entry["versions"] if v["status"] == "current"]
        assert [v["version"] for v in current] == [entry["current"]]


def test_home_page_lists_the_policies(site: Path) -> None:
    html = (site / "index.html").read_text(encoding="utf-8")
    for entry in manifest(site)["policies"]:
        assert f'href="{entry["stable"]}"' in html and entry["title"] in html


@pytest.mark.parametrize("page", ["index.html", "search.html"])
def test_no_page_loads_anything_from_elsewhere(site: Path, page: str) -> None:
    html = (site / page).read_text(encoding="utf-8")
    assert not re.search(r'<(script|link|img)[^>]+(src|href)="(https?:)?//', html)
