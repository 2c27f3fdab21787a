"""The accessibility statement says what the checks found, and nothing about pages they did not see."""

from __future__ import annotations

import hashlib
import json
import re
from html import unescape
from pathlib import Path

import pytest
from sphinx.testing.util import SphinxTestApp

from clausebook.pdf.checks import CHECKS
from clausebook.sphinxext.accessibility import results_path

CHECKED_PAGES = [("home", "index.html"), ("section", "pay/01-scope.html"), ("section", "leave/01-leave.html")]


def statement(app: SphinxTestApp) -> str:
    """The statement's text from its heading on (the test project uses Sphinx's plain theme)."""
    html = (Path(app.outdir) / "accessibility.html").read_text(encoding="utf-8")
    body = html[html.index("<h1") :]
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", body)).split())


def write_results(app: SphinxTestApp, checks: list[dict]) -> None:
    """What tests/browser/accessibility.test.mjs writes after checking the pages."""
    out = Path(app.outdir)
    pages = [
        {"kind": kind, "url": url, "sha256": hashlib.sha256((out / url).read_bytes()).hexdigest()}
        for kind, url in CHECKED_PAGES
    ]
    path = results_path(app)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {"checked": "2026-11-30T21:00:00Z", "tools": "axe-core 4.14.1 in Chromium 140", "pages": pages}
    path.write_text(json.dumps({**data, "checks": checks}), encoding="utf-8")


@pytest.fixture
def results(app: SphinxTestApp):
    yield results_path(app)
    results_path(app).unlink(missing_ok=True)


@pytest.mark.sphinx("html", testroot="policy", freshenv=True)
def test_without_page_results_it_claims_nothing_about_the_pages(app: SphinxTestApp, results: Path) -> None:
    app.build()
    text = statement(app)
    assert "The pages of this site have not been checked automatically yet" in text
    assert "showed that you can" not in text and "found no failure" not in text
    assert "policies@test-trust.example" in text  # the contact from conf.py
    # Each policy's PDF, checked at build time, with every check the build ran.
    for title in ("Pay policy, version 2.0", "Leave policy"):
        assert re.search(rf"{title}[^)]*\) no problem found", text), title
    for check in CHECKS.values():
        assert check in text
    assert "Equality and Human Rights Commission" in text and "Equality Advisory and Support Service" in text
    assert 'http-equiv="Content-Security-Policy"' in (Path(app.outdir) / "accessibility.html").read_text(
        "utf-8"
    )


@pytest.mark.sphinx("html", testroot="policy", freshenv=True)
def test_it_lists_exactly_what_the_page_checks_found(app: SphinxTestApp, results: Path) -> None:
    app.build()
    write_results(
        app,
        [
            {"id": "axe", "title": "axe-core, every rule", "claim": "", "passed": True, "failures": []},
            {"id": "reflow", "title": "Reflow at 320 px", "claim": "read at 320 px", "passed": True},
            {
                "id": "targets",
                "title": "Targets of 24 px",
                "claim": "tap every control easily",
                "passed": False,
                "failures": ["pay/01-scope.html: a link 18 px high"],
            },
        ],
    )
    app.build()
    text = statement(app)
    assert "automatic checks ran on 3 pages of this site as it is published now (home, section)" in text
    assert "The checks described below showed that you can: read at 320 px" in text
    assert "tap every control easily" not in text  # a failed check's claim is not made
    assert "Targets of 24 px: failed" in text and "Reflow at 320 px: passed" in text
    assert "Targets of 24 px: pay/01-scope.html: a link 18 px high" in text  # under non-accessible content
    assert "found the failures listed below" in text and "fully compliant" in text


@pytest.mark.sphinx("html", testroot="policy", freshenv=True)
def test_a_page_changed_since_the_checks_voids_their_results(app: SphinxTestApp, results: Path) -> None:
    app.build()
    write_results(
        app, [{"id": "axe", "title": "axe-core", "claim": "use it", "passed": True, "failures": []}]
    )
    page = Path(app.outdir) / "pay" / "01-scope.html"
    page.write_text(page.read_text("utf-8") + "\n", encoding="utf-8")
    app.build()
    text = statement(app)
    assert "1 of the pages checked have changed since, so this statement makes no claim" in text
    assert "showed that you can" not in text and "axe-core: passed" not in text


@pytest.mark.sphinx("html", testroot="policy", freshenv=True)
def test_a_pdf_problem_is_named_as_non_accessible(app: SphinxTestApp, results: Path) -> None:
    app.build()
    pdf = Path(app.outdir) / "pay" / "pay-2.0.pdf"
    record = (
        Path(app.doctreedir).parent
        / "pdf-cache"
        / f"checked-{hashlib.sha256(pdf.read_bytes()).hexdigest()}.json"
    )
    assert record.is_file()  # the build checked it
    record.write_text(
        json.dumps([{"check": "lists", "message": "a list item is not inside a list"}]), "utf-8"
    )
    app.build()
    text = statement(app)
    assert re.search(r"Pay policy, version 2.0[^)]*\) 1 problem", text)
    assert f"The PDF of Pay policy, version 2.0: {CHECKS['lists']}: a list item is not inside a list" in text
