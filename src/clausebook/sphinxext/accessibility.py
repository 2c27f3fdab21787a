"""The accessibility statement (GOV.UK's model), written from what the checks found.

It never claims more than the checks showed. The PDFs are checked here, at build
time, on every PDF the build publishes (:mod:`clausebook.pdf.checks`). The pages
cannot be checked by the build (that needs a browser): the browser tests
(``tests/browser/accessibility.test.mjs``, run by ``make test``) write what they
found, with a hash of every page they checked, to ``_build/accessibility-checks.json``.
The statement reports those results only when every page they name is, byte for
byte, the page this build published; otherwise it says the pages have not been
checked. The statement page itself is not hashed (it is what changes when the
results do), but it is one of the pages the browser tests check.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import posixpath
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx

from clausebook.pdf import render as pdf
from clausebook.pdf.checks import CHECKS
from clausebook.sphinxext.domain import format_date
from clausebook.sphinxext.entries import released, version_entries
from clausebook.sphinxext.printing import pdf_url
from clausebook.sphinxext.site import STATUS_WORDS
from clausebook.sphinxext.warnings_ import notice

STATEMENT = "accessibility"
RESULTS = "accessibility-checks.json"


@dataclass(frozen=True)
class PdfResult:
    title: str
    version: str
    status: str
    url: str
    findings: tuple[str, ...] | None  # None: it could not be checked


@dataclass(frozen=True)
class PageCheck:
    title: str
    claim: str  # what a reader can do, as shown by the check passing
    passed: bool
    failures: tuple[str, ...]


@dataclass(frozen=True)
class PageResults:
    checked: str
    tools: str
    kinds: tuple[str, ...]  # of the pages, and states of a page, checked on this site
    pages: int  # distinct pages of this site checked
    copy_kinds: tuple[str, ...]  # checked on a copy of the handbook with an amendment
    checks: tuple[PageCheck, ...]
    current: bool  # every page the checks name is the page this build published
    changed: tuple[str, ...]


def results_path(app: Sphinx) -> Path:
    """``_build/accessibility-checks.json`` beside the published site (never inside it)."""
    return Path(app.confdir).parent / "_build" / RESULTS


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def page_results(app: Sphinx) -> PageResults | None:
    try:
        data = json.loads(results_path(app).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    changed = []
    for page in data.get("pages", []):
        # A page checked on a copy of the handbook (with an amendment, for the "What changed"
        # and draft pages) is not a page of this site, and the statement is what the results change.
        if page.get("kind") == "statement" or page.get("copy"):
            continue
        path = Path(app.outdir) / page["url"].split("?")[0].split("#")[0]
        if not path.is_file() or sha256(path) != page.get("sha256"):
            changed.append(page["url"])
    return PageResults(
        checked=format_date(str(data["checked"])[:10]),
        tools=data.get("tools", ""),
        kinds=tuple(dict.fromkeys(p["kind"] for p in data.get("pages", []) if not p.get("copy"))),
        pages=len({p["url"] for p in data.get("pages", []) if not p.get("copy")}),
        copy_kinds=tuple(dict.fromkeys(p["kind"] for p in data.get("pages", []) if p.get("copy"))),
        checks=tuple(
            PageCheck(c["title"], c.get("claim", ""), bool(c["passed"]), tuple(c.get("failures", ())))
            for c in data["checks"]
        ),
        current=not changed and bool(data.get("pages")),
        changed=tuple(changed),
    )


def pdf_results(app: Sphinx) -> list[PdfResult]:
    cache = Path(app.doctreedir).parent / "pdf-cache"
    results = []
    for versions in version_entries(app).values():
        for entry in released(versions):
            url = pdf_url(entry)
            target = Path(app.outdir) / url
            findings = pdf.checked(target, cache) if target.is_file() else None
            results.append(
                PdfResult(
                    entry.model.title,
                    entry.model.version,
                    STATUS_WORDS[entry.status],
                    url,
                    None if findings is None else tuple(f"{CHECKS[f.check]}: {f.message}" for f in findings),
                )
            )
    return results


def write_statement(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html" or app.config.clausebook_pdf_dir:
        return
    config = app.config
    if not config.clausebook_accessibility_email:
        notice(
            "the accessibility statement gives no address for reporting a problem: set "
            "clausebook_accessibility_email in handbook/conf.py"
        )
    pdfs = pdf_results(app)
    pages = page_results(app)

    def rel(url: str) -> str:
        return posixpath.relpath(url, ".")

    context: dict[str, Any] = {
        "title": "Accessibility statement",
        "cb_site_title": config.html_title or config.project,
        "cb_organisation": config.clausebook_organisation,
        "cb_site_url": config.clausebook_site_url,
        "cb_email": config.clausebook_accessibility_email,
        "cb_phone": config.clausebook_accessibility_phone,
        "cb_reply_days": config.clausebook_accessibility_reply_days,
        "cb_pdfs": [{**p.__dict__, "url": rel(p.url)} for p in pdfs],
        "cb_pdf_checks": list(CHECKS.values()),
        "cb_pdfs_pass": all(p.findings == () for p in pdfs),
        "cb_pages": pages,
        "cb_built": format_date(config_date(app).isoformat()),
    }
    app.builder.handle_page(STATEMENT, context, "clausebook/accessibility.html")  # type: ignore[attr-defined]


def config_date(app: Sphinx) -> dt.date:
    today = app.config.clausebook_today
    return dt.date.fromisoformat(today) if today else dt.date.today()


def setup_accessibility(app: Sphinx) -> None:
    # After the PDFs (600) and after the pages got their policies (900): the statement reads both.
    app.connect("build-finished", write_statement, priority=920)
