"""The Sphinx extension on a small test project (tests/roots/test-policy), with Sphinx's own fixtures."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from sphinx.testing.util import SphinxTestApp

from clausebook.sphinxext.domain import as_typed
from pdfbytes import inflated


def read(app: SphinxTestApp, page: str) -> str:
    return (Path(app.outdir) / page).read_text(encoding="utf-8")


def clauses(app: SphinxTestApp, folder: str) -> list[dict[str, str]]:
    return json.loads(read(app, f"{folder}/clauses.json"))["clauses"]


@pytest.mark.sphinx("html", testroot="policy", freshenv=True)
def test_clauses_are_collected_in_document_order(app: SphinxTestApp) -> None:
    app.build()
    assert app.warning.getvalue() == ""
    found = clauses(app, "pay")
    assert [c["number"] for c in found] == ["1.1", "1.2", "2.1"]
    assert found[1]["url"] == "pay/01-scope.html#clause-1-2"
    assert found[1]["text"].splitlines()[1:] == ["at the normal rate", "on the next pay day"]


@pytest.mark.sphinx("html", testroot="policy", freshenv=True)
def test_clause_role_links_and_shows_the_number(app: SphinxTestApp) -> None:
    app.build()
    html = read(app, "pay/01-scope.html")
    assert 'href="02-rules.html#clause-2-1"' in html
    assert re.search(r'<span class="[^"]*cb-clause-ref[^"]*">2.1</span>', html)
    assert re.search(
        r'<span class="[^"]*cb-clause-ref[^"]*">the scope</span>', read(app, "pay/02-rules.html")
    )


@pytest.mark.sphinx("html", testroot="policy", freshenv=True)
def test_cross_policy_reference(app: SphinxTestApp) -> None:
    app.build()
    # To another policy: its clause's permanent link, which follows the clause to the version in force.
    assert 'href="../pay/clause/1.1.html"' in read(app, "leave/01-leave.html")
    assert 'href="leave/clause/1.2.html"' in read(app, "index.html")


@pytest.mark.sphinx("html", testroot="policy", freshenv=True)
def test_manifest_lists_each_policy_with_its_status(app: SphinxTestApp) -> None:
    app.build()
    manifest = json.loads(read(app, "clausebook.json"))
    by_id = {p["id"]: p for p in manifest["policies"]}
    assert set(by_id) == {"pay", "leave"}
    assert by_id["pay"]["current"] == "2.0"
    assert by_id["pay"]["versions"][0]["clauses"] == "pay/clauses.json"
    assert by_id["leave"]["title"] == "Leave policy"


@pytest.mark.sphinx(
    "html", testroot="policy", freshenv=True, confoverrides={"clausebook_today": "2024-03-01"}
)
def test_a_version_not_yet_in_force_is_future(app: SphinxTestApp) -> None:
    app.build()
    leave = next(p for p in json.loads(read(app, "clausebook.json"))["policies"] if p["id"] == "leave")
    assert leave["current"] is None
    assert leave["versions"][0]["status"] == "future"
    assert "comes into force on 1 June 2024" in read(app, "leave/index.html")
    # Until a policy is in force, references to it cite the version to come.
    assert app.warning.getvalue() == ""


@pytest.mark.sphinx("html", testroot="policy", freshenv=True, parallel=2)
def test_parallel_build_collects_the_same_clauses(app: SphinxTestApp) -> None:
    app.build()
    assert app.warning.getvalue() == ""
    assert [c["number"] for c in clauses(app, "pay")] == ["1.1", "1.2", "2.1"]
    assert [c["number"] for c in clauses(app, "leave")] == ["1.1", "1.2"]


@pytest.mark.sphinx("html", testroot="policy", freshenv=True)
def test_incremental_build_sees_a_removed_clause(app: SphinxTestApp) -> None:
    app.build()
    rules = Path(app.srcdir) / "pay" / "02-rules.md"
    rules.write_text("# 2. Rules\n\nNo clauses any more.\n", encoding="utf-8")
    app.build()
    # 01-scope.md did not change but cites 2.1, which is gone: the build must say so.
    warnings = app.warning.getvalue()
    assert "01-scope.md" in warnings and "{clause}`2.1`" in warnings
    assert [c["number"] for c in clauses(app, "pay")] == ["1.1", "1.2"]


@pytest.mark.sphinx(
    "html",
    testroot="policy",
    freshenv=True,
    confoverrides={"clausebook_site_url": "https://intranet.example/policies"},
)
def test_pdf_clause_numbers_link_to_the_site_when_its_address_is_known(app: SphinxTestApp) -> None:
    app.build()
    pdf = inflated((Path(app.outdir) / "pay" / "pay-2.0.pdf").read_bytes())
    assert b"/URI (https://intranet.example/policies/pay/01-scope.html#clause-1-2)" in pdf


@pytest.mark.sphinx("html", testroot="policy", freshenv=True)
def test_pdf_without_a_site_address_links_nowhere_outside(app: SphinxTestApp) -> None:
    app.build()
    assert b"/URI (http" not in inflated((Path(app.outdir) / "pay" / "pay-2.0.pdf").read_bytes())


@pytest.mark.parametrize(
    ("target", "words", "typed"),
    [
        ("4.4", "", "{clause}`4.4`"),
        ("~social-media:4.4", "", "{clause}`~social-media:4.4`"),
        ("social-media:4.4", "the rule on posts", "{clause}`the rule on posts <social-media:4.4>`"),
        # Found: quoted between single backticks, advice that does not parse.
        ("4.4", "the `pw` rule", "{clause}``the `pw` rule <4.4>``"),
    ],
)
def test_a_reference_is_quoted_as_it_can_be_typed(target: str, words: str, typed: str) -> None:
    assert as_typed(target, words) == typed
