"""A handbook of several policies: references that read like a policy, who refers to a clause,
the organisation's wording kept in conf.py, and a home page grouped by category.

Built from ``tests/roots/test-many`` (three policies that refer to each other, to a policy
declared in conf.py with an address and to one without).
"""

from __future__ import annotations

import json
import re
import subprocess
from dataclasses import fields
from html import unescape
from pathlib import Path

import pytest
from docutils import nodes
from sphinx.testing.util import SphinxTestApp

from pdfbytes import inflated


def read(app: SphinxTestApp, path: str) -> str:
    return (Path(app.outdir) / path).read_text(encoding="utf-8")


def text_of(app: SphinxTestApp, path: str) -> str:
    """The page's main text as read: inline tags join their words, blocks are apart."""
    html = read(app, path)
    html = html[html.index('role="main"') :]
    html = re.sub(r"</?(p|div|li|ul|h[1-6]|section|dd|dt)\b[^>]*>", " ", html)
    return " ".join(unescape(re.sub(r"<[^>]+>", "", html)).split())


def clause_html(html: str, anchor: str) -> str:
    start = html.index(f'<div class="cb-clause" id="{anchor}"')
    return html[start : html.index("</div></div>", start)]


@pytest.mark.sphinx("html", testroot="many", freshenv=True)
def test_a_reference_to_another_policy_reads_as_a_sentence(app: SphinxTestApp) -> None:
    app.build()
    assert app.warning.getvalue() == ""
    text = text_of(app, "social-media/02-use.html")
    assert "Staff do not post about pupils, as clause 1.2 of the Staff code of conduct says." in text
    # The link is the clause's permanent link, which follows it to the version in force.
    html = clause_html(read(app, "social-media/02-use.html"), "clause-2-2")
    assert 'href="../code-of-conduct/clause/1.2.html"' in html
    assert (Path(app.outdir) / "code-of-conduct" / "clause" / "1.2.html").is_file()


@pytest.mark.sphinx("html", testroot="many", freshenv=True)
def test_short_form_explicit_words_and_policy_names(app: SphinxTestApp) -> None:
    app.build()
    text = text_of(app, "code-of-conduct/01-standards.html")
    # {policy}`social-media` and {clause}`~social-media:2.2`: the sentence names the policy once.
    assert "The Social media policy, in its 2.2, says the same of posts;" in text
    assert "the whistleblowing rules say how to raise a concern, and 1.2 applies to volunteers too." in text
    assert "may lead to action under the Disciplinary policy and procedure." in text
    html = clause_html(read(app, "code-of-conduct/01-standards.html"), "clause-1-2")
    assert 'href="https://example.org/disciplinary"' in html
    assert 'href="../social-media/clause/2.1.html"' in html
    # A declared policy without an address is named, not linked.
    three = clause_html(read(app, "code-of-conduct/01-standards.html"), "clause-1-3")
    assert re.search(r'<span class="[^"]*cb-external-policy[^"]*">the whistleblowing rules</span>', three)
    assert 'href="../social-media/index.html"' in three
    # A same-policy reference links within the version.
    assert 'href="#clause-1-2"' in three


@pytest.mark.sphinx("html", testroot="many", freshenv=True)
def test_a_reference_is_inline_not_laid_out_like_a_clause(app: SphinxTestApp) -> None:
    app.build()
    html = clause_html(read(app, "code-of-conduct/01-standards.html"), "clause-1-3")
    spans = re.findall(r'<span class="([^"]*)">', html)
    assert spans and all("cb-clause-ref" in s.split() for s in spans)
    # The class that lays out a whole clause (a grid) never lands on a reference inside one.
    assert not any("cb-clause" in s.split() for s in spans)
    css = (Path(app.outdir) / "_static" / "clausebook.css").read_text(encoding="utf-8")
    assert re.search(r"(^|\n)\.cb-clause\s*\{", css) is None


@pytest.mark.sphinx("html", testroot="many", freshenv=True)
def test_every_clause_lists_what_refers_to_it(app: SphinxTestApp) -> None:
    app.build()
    referred = clause_html(read(app, "code-of-conduct/01-standards.html"), "clause-1-2")
    text = " ".join(re.sub(r"<[^>]+>", "", referred[referred.index("cb-referred-by") :]).split())
    assert "Referred to by clause 1.3 and clause 2.2 of the Social media policy." in text
    assert 'href="../social-media/02-use.html#clause-2-2"' in referred
    assert 'href="#clause-1-3"' in referred
    one = clause_html(read(app, "code-of-conduct/01-standards.html"), "clause-1-1")
    assert "clause 1.2 of the Staff expenses policy" in one
    assert "cb-referred-by" not in clause_html(read(app, "expenses/01-claims.html"), "clause-1-1")


# Its own copy of the root: it edits the sources.
@pytest.mark.sphinx("html", testroot="many", srcdir="many-edited", freshenv=True)
def test_referred_to_by_follows_an_edit_elsewhere(app: SphinxTestApp) -> None:
    app.build()
    claims = Path(app.srcdir) / "expenses" / "01-claims.md"
    claims.write_text(claims.read_text(encoding="utf-8").replace("{clause}`code-of-conduct:1.1`", "the code"))
    app.build()
    # The code of conduct's page did not change, but what refers to its clause 1.1 did.
    assert "cb-referred-by" not in clause_html(read(app, "code-of-conduct/01-standards.html"), "clause-1-1")


@pytest.mark.sphinx("html", testroot="many", freshenv=True)
def test_the_organisations_note_is_the_handbooks_own(app: SphinxTestApp) -> None:
    app.build()
    # (In this plain root a policy's index shares its name with the stable page that replaces
    # it; the staged handbook's version pages are checked in test_many_policies_site.py.)
    notes = {
        policy: [
            n.astext()
            for n in app.env.get_doctree(f"{policy}/index").findall(nodes.paragraph)
            if "cb-added-note" in n["classes"]
        ]
        for policy in ("social-media", "code-of-conduct", "expenses")
    }
    assert notes == {
        "social-media": ["Dates recorded by the handbook (a test note)."],
        "code-of-conduct": [],
        "expenses": [],
    }
    pdf = Path(app.outdir) / "expenses" / "expenses-1.0.pdf"
    done = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True)
    assert "original document" not in done.stdout and "recorded by" not in done.stdout


@pytest.mark.sphinx("html", testroot="many", freshenv=True)
def test_home_page_groups_policies_by_category_with_their_dates(app: SphinxTestApp) -> None:
    app.build()
    html = read(app, "index.html")
    headings = re.findall(r'<h3 class="rubric">([^<]+)</h3>', html)
    assert headings == ["Conduct", "Finance"]
    text = text_of(app, "index.html")
    assert "Social media policy version 1.0, in force from 1 September 2024; next review 31 July 2026" in text
    assert "Staff code of conduct version 2.0, in force from 1 January 2025" in text
    assert text.index("Staff code of conduct") < text.index("Finance") < text.index("Staff expenses policy")
    assert "Staff expenses policy version 1.0, in force from 1 April 2024" in text


@pytest.mark.sphinx("html", testroot="many", freshenv=True)
def test_pdf_names_the_other_policy_and_links_to_nothing_local(app: SphinxTestApp) -> None:
    app.build()
    manifest = json.loads(read(app, "clausebook.json"))
    assert {p["id"] for p in manifest["policies"]} == {"social-media", "code-of-conduct", "expenses"}
    pdf = Path(app.outdir) / "social-media" / "social-media-1.0.pdf"
    done = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True)
    text = " ".join(done.stdout.split())
    assert "as clause 1.2 of the Staff code of conduct says" in text
    assert "Dates recorded by the handbook (a test note)." in text
    assert "Referred to by" not in text


@pytest.mark.sphinx(
    "html", testroot="many", freshenv=True, confoverrides={"clausebook_site_url": "https://intranet.example/"}
)
def test_pdf_links_another_policys_clause_online(app: SphinxTestApp) -> None:
    app.build()
    pdf = inflated((Path(app.outdir) / "social-media" / "social-media-1.0.pdf").read_bytes())
    assert b"/URI (https://intranet.example/code-of-conduct/clause/1.2.html)" in pdf


@pytest.mark.sphinx("html", testroot="many", freshenv=True)
def test_pdf_without_the_sites_address_has_no_link_to_a_local_file(app: SphinxTestApp) -> None:
    app.build()
    pdf = inflated((Path(app.outdir) / "social-media" / "social-media-1.0.pdf").read_bytes())
    assert b"clause/1.2.html" not in pdf and b"file:" not in pdf


@pytest.mark.sphinx("html", testroot="many", freshenv=True)
def test_the_search_index_names_each_clause_with_its_words_as_read(app: SphinxTestApp) -> None:
    app.build()
    script = read(app, "_static/clausebook-clauses.js")
    data = json.loads(script.removeprefix("window.clausebookClauses = ").rstrip().removesuffix(";"))
    by_id = {p["id"]: p for p in data["policies"]}
    assert set(by_id) == {"social-media", "code-of-conduct", "expenses"}
    clause = next(c for c in by_id["social-media"]["clauses"] if c["number"] == "2.2")
    assert clause["section"] == "Use"
    assert clause["url"] == "social-media/02-use.html#clause-2-2"
    assert "as clause 1.2 of the Staff code of conduct says" in clause["text"]
    three = next(c for c in by_id["code-of-conduct"]["clauses"] if c["number"] == "1.3")
    assert "in its 2.2, says" in three["text"]
    # The search page loads it and the search script as files: nothing inline for the CSP to allow.
    search = read(app, "search.html")
    assert re.search(r'<script defer="defer" src="_static/clausebook-clauses\.js[^"]*">', search)
    assert re.search(r'<script defer="defer" src="_static/clausebook-search\.js[^"]*">', search)


QUIZ = """policy: expenses
title: "Expenses: check your understanding"
intro: Choose one answer.
questions:
  - id: when
    prompt: When are claims made?
    choices:
      - label: Within a month
        correct: true
      - label: At the end of the year
    cites: ["1.1"]
    explanation: Claims are made within a month.
"""


# Its own copy of the root: it edits the sources.
@pytest.mark.sphinx("html", testroot="many", srcdir="many-quiz", freshenv=True)
def test_a_quiz_is_picked_up_when_it_appears_and_dropped_when_it_goes(app: SphinxTestApp) -> None:
    app.build()
    quiz = Path(app.srcdir) / "expenses" / "quiz.yaml"
    section = "expenses/01-claims.html"
    assert "quiz.html" not in read(app, section)
    quiz.write_text(QUIZ, encoding="utf-8")
    app.build()  # no policy file changed
    # Only the notice that the new quiz is not pinned yet: nothing wrong.
    assert all("clausebook.notice" in line for line in app.warning.getvalue().splitlines() if line)
    assert (Path(app.outdir) / "expenses" / "quiz.html").is_file()
    # The section page, whose source did not change either, links to the new tool.
    assert 'href="quiz.html"' in read(app, section)
    quiz.unlink()
    app.build()
    assert 'href="quiz.html"' not in read(app, section)
    manifest = json.loads(read(app, "clausebook.json"))
    assert next(p for p in manifest["policies"] if p["id"] == "expenses")["quiz"] is None


# Its own copy of the root: it edits the sources.
@pytest.mark.sphinx("html", testroot="many", srcdir="many-refused", freshenv=True)
def test_a_reference_that_leads_nowhere_is_refused_with_file_and_line(app: SphinxTestApp) -> None:
    claims = Path(app.srcdir) / "expenses" / "01-claims.md"
    claims.write_text(
        claims.read_text(encoding="utf-8")
        + "\n:::{clause} 1.3\nSee {clause}`code-of-conduct:9.9`, {clause}`payroll:2.1`"
        " and {policy}`payroll`.\n:::\n",
        encoding="utf-8",
    )
    app.build()
    warnings = app.warning.getvalue()
    line = len(claims.read_text(encoding="utf-8").splitlines()) - 1
    assert f"01-claims.md:{line}" in warnings
    assert (
        "{clause}`code-of-conduct:9.9` cites a clause that does not exist in the Staff code of conduct"
        in warnings
    )
    assert "{clause}`payroll:2.1`: no policy is called 'payroll'" in warnings
    assert "{policy}`payroll`: no policy is called 'payroll'" in warnings
    assert "clausebook_external_policies" in warnings


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ({"disciplinary": "Disciplinary policy"}, "must have a title"),
        ({"disciplinary": {"url": "https://example.org"}}, "has no title"),
        ({"disciplinary": {"title": "Disciplinary", "link": "x"}}, "only title and url"),
        (["disciplinary"], "must list the policies by folder name"),
    ],
)
def test_a_wrong_external_policy_setting_says_how_to_write_it(value: object, says: str) -> None:
    from sphinx.errors import ConfigError

    from clausebook.sphinxext.config import ClausebookConfig

    check = next(f for f in fields(ClausebookConfig) if f.name == "external_policies").metadata["check"]
    with pytest.raises(ConfigError, match=says):
        check("clausebook_external_policies", value)


DECLARED = {
    "disciplinary": {"title": "Disciplinary policy and procedure"},
    "code-of-conduct": {"title": "Code of conduct for employees"},
}


@pytest.mark.sphinx(
    "html",
    testroot="many",
    srcdir="many-declared",
    freshenv=True,
    confoverrides={"clausebook_external_policies": DECLARED},
)
def test_a_policy_both_held_and_declared_is_listed_once(app: SphinxTestApp) -> None:
    """Editor trial 4: "the handbook holds or declares code-of-conduct, ..., code-of-conduct, ..."."""
    claims = Path(app.srcdir) / "expenses" / "01-claims.md"
    claims.write_text(
        claims.read_text(encoding="utf-8") + "\n:::{clause} 1.3\nSee {policy}`payroll`.\n:::\n",
        encoding="utf-8",
    )
    app.build()
    warnings = app.warning.getvalue()
    listed = re.search(r"the handbook holds or declares (.*?)\. Use", warnings)
    assert listed is not None, warnings
    names = listed[1].split(", ")
    assert names.count("code-of-conduct") == 1 and "disciplinary" in names and "social-media" in names
    # Not in conf.py (an override): no line to give, so the notice names the file and no line.
    status = app.status.getvalue()
    assert f"{Path(app.confdir) / 'conf.py'}: the handbook now holds the policy 'code-of-conduct'" in status
    assert "conf.py.rst" not in status + warnings


# A fourth policy, written into this test's copy of the root: its only reference is to the social
# media policy, so it cites that policy and nothing else (the pages of test-many that cite the
# social media policy also name a policy's title, which makes them depend on every policy).
VISITORS_INDEX = """---
policy:
  version: "1.0"
  effective: 2024-01-01
  category: Safeguarding
---
# Visitors policy

```{toctree}
01-visits
```
"""
VISITORS_SECTION = """# 1. Visits

:::{clause} 1.1
Visitors' photographs of pupils are covered by {clause}`social-media:2.1`.
:::
"""


# Its own copy of the root: it edits the sources.
@pytest.mark.sphinx("html", testroot="many", srcdir="many-cites", freshenv=True)
def test_an_edit_reads_again_the_pages_citing_its_policy_and_not_those_citing_another(
    app: SphinxTestApp,
) -> None:
    source = Path(app.srcdir)
    (source / "visitors").mkdir()
    (source / "visitors" / "index.md").write_text(VISITORS_INDEX, encoding="utf-8")
    (source / "visitors" / "01-visits.md").write_text(VISITORS_SECTION, encoding="utf-8")
    app.build()
    assert app.warning.getvalue() == ""
    read_again: list[str] = []
    app.connect("env-before-read-docs", lambda _app, _env, docnames: read_again.extend(docnames))
    use = source / "social-media" / "02-use.md"
    use.write_text(use.read_text(encoding="utf-8").replace(":::{clause} 2.1\n", ":::{clause} 2.1\nAmended. "))

    app.build()

    assert app.warning.getvalue() == ""
    assert "social-media/02-use" in read_again, read_again
    # The visitors' page cites the social media policy: the link it shows may have moved.
    assert "visitors/01-visits" in read_again, read_again
    # The expenses page cites only the code of conduct, which did not change.
    assert "expenses/01-claims" not in read_again, read_again
    assert "Amended." in text_of(app, "social-media/02-use.html")
