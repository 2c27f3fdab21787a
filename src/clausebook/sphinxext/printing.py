"""The printable PDF of each policy version, from the same doctrees as the site.

Each version's sections are rendered by the HTML builder (permalinks off) into a
print template of our own (never the theme's pages: WeasyPrint on a themed page
is slow and prints the sidebar), with print CSS for paged media, then handed to
:mod:`clausebook.pdf.render`.
"""

from __future__ import annotations

import posixpath
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markupsafe import Markup
from sphinx.application import Sphinx
from sphinx.util import logging

from clausebook import __version__
from clausebook.interactive.rules import Rules, describe
from clausebook.pdf import render as pdf
from clausebook.sphinxext.domain import ClausebookDomain, detail_rows, details_note, format_date
from clausebook.sphinxext.entries import VersionEntry, entry_of_page, page_url, released, version_entries
from clausebook.sphinxext.fingerprints import code_stamp, doctree_stamp, fingerprint, fingerprints
from clausebook.sphinxext.guidance_pages import loaded
from clausebook.sphinxext.handbook import records
from clausebook.sphinxext.warnings_ import ClausebookWarning, warn

LOGGER = logging.getLogger(__name__)
PRINT_CSS = Path(__file__).resolve().parent.parent / "web" / "print" / "print.css"
LINK = re.compile(r'href="(?P<page>[\w.-]+\.html)?#(?P<anchor>[\w-]+)"')
HEADING_TAG = re.compile(r"<(/?)h([1-5])\b")
# docutils puts a section's extra ids on an empty span before its heading; WeasyPrint tags that
# span as an empty structure element. The heading carries the id instead.
EMPTY_TARGET = re.compile(r'<span id="(?P<id>[\w-]+)"></span>(?P<heading><h\d)(?![^>]*\bid=)')
# Another page of the site, such as another policy's clause (../code-of-conduct/clause/3.2.html).
PAGE_LINK = re.compile(r'href="(?P<page>(?:\.\./|[\w-]+/)[^":#]*\.html)"')


@dataclass(frozen=True)
class PrintSection:
    number: int | None
    title: str
    anchor: str
    html: str
    label: str  # the heading as the editor wrote it


def pdf_name(entry: VersionEntry, school: str = "") -> str:
    suffix = f"-{slug(school)}" if school else ""
    version = "draft" if entry.status == "draft" else entry.model.version
    return f"{entry.model.policy}-{version}{suffix}.pdf"


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def pdf_url(entry: VersionEntry) -> str:
    return posixpath.join(entry.folder, pdf_name(entry))


def _section_html(app: Sphinx, docname: str, entry: VersionEntry, site_url: str) -> str:
    doctree = app.env.get_and_resolve_doctree(docname, app.builder, tags=app.tags)
    # What the builder's write_doc sets before its translator visits a page.
    builder: Any = app.builder
    builder.current_docname = docname
    builder.secnumbers = app.env.toc_secnumbers.get(docname, {})
    builder.fignumbers = app.env.toc_fignumbers.get(docname, {})
    builder.imgpath = posixpath.relpath("_images", posixpath.dirname(docname) or ".")
    builder.dlpath = posixpath.relpath("_downloads", posixpath.dirname(docname) or ".")
    html = "".join(
        app.builder.render_partial(node)["fragment"]  # type: ignore[attr-defined]
        for node in doctree.children
    )
    pages = {posixpath.basename(page_url(app, s.page)) for s in entry.model.sections}
    own_page = page_url(app, docname)

    def link(match: re.Match[str]) -> str:
        page, anchor = match["page"], match["anchor"]
        if anchor.startswith("clause-") and page is None and site_url:
            # A clause's number links to its permanent link online: a printed copy traces to its version.
            return f'href="{site_url}{own_page}#{anchor}"'
        if page is None or page in pages:
            return f'href="#{anchor}"'  # within this document
        elsewhere = posixpath.normpath(posixpath.join(posixpath.dirname(own_page), page))
        return f'href="{site_url}{elsewhere}#{anchor}"'

    def page_link(match: re.Match[str]) -> str:
        # Online when the site's address is known; on paper a link to a local file leads nowhere.
        elsewhere = posixpath.normpath(posixpath.join(posixpath.dirname(own_page), match["page"]))
        return f'href="{site_url}{elsewhere}"' if site_url else ""

    return tagged_well(PAGE_LINK.sub(page_link, LINK.sub(link, html)))


def tagged_well(html: str) -> str:
    """A section's HTML as the PDF's structure needs it: its headings one level down (the
    document's title is the one level-1 heading) and no empty elements before them."""
    html = HEADING_TAG.sub(lambda m: f"<{m[1]}h{int(m[2]) + 1}", html)
    return EMPTY_TARGET.sub(lambda m: f'{m["heading"]} id="{m["id"]}"', html)


def css_string(text: str) -> Markup:
    """``text`` inside a CSS string in a ``<style>`` block: anything but letters, digits and spaces
    is a CSS escape, so no quote ends the string and no ``</style>`` ends the block."""
    return Markup("".join(c if c.isalnum() or c == " " else f"\\{ord(c):x} " for c in text))


def print_html(app: Sphinx, entry: VersionEntry, school: str, fonts: Path) -> str:
    config = app.config
    site_url = config.clausebook_site_url
    if site_url and not site_url.endswith("/"):
        site_url += "/"
    permalinks = config.html_permalinks
    config.html_permalinks = False  # a pilcrow in every heading would end up in every bookmark
    try:
        sections = [
            PrintSection(
                s.number,
                s.title,
                f"section-{s.number}",
                Markup(_section_html(app, s.page, entry, site_url)),
                s.label,
            )
            for s in entry.model.sections
        ]
    finally:
        config.html_permalinks = permalinks
    domain: ClausebookDomain = app.env.domains["cb"]  # type: ignore[assignment]
    record = records(app).policy(entry.index)
    meta = record.details() if record is not None else {}
    quiz, rules = loaded(domain, entry.index)
    citable = domain.citable(entry.index)
    footer = f"{entry.model.title} · Version {entry.model.version}" + (f" · {school}" if school else "")
    if entry.status == "draft":
        footer += " · DRAFT, NOT IN FORCE"  # on every page: a printed draft is never taken for the policy
    context = {
        "organisation": config.clausebook_organisation,
        "school": school,
        "title": entry.model.title,
        "version": entry.model.version,
        "effective": format_date(entry.model.effective),
        "details": detail_rows(meta, entry.status == "draft"),
        "status": entry.status,
        "site_url": site_url,
        "details_note": details_note(config, entry.model.policy),
        "online": f"{site_url}{page_url(app, entry.index)}" if site_url else "",
        "sections": sections,
        "quiz": quiz,
        # The guidance rules as a checklist (the print-rules.html partial).
        "paper": paper_checklist(rules) if rules else None,
        "tree_title": rules.title if rules else "",
        "no_rule": rules.no_rule if rules else None,
        "citable": citable,
        # Style sheets, not HTML (the package's own); the footer is a CSS string of the editors' words.
        "css": Markup(PRINT_CSS.read_text(encoding="utf-8")),
        "fonts": Markup(pdf.font_faces(fonts)),
        "footer": css_string(footer),
        "generator": f"clausebook {__version__}",
    }
    return app.builder.templates.render("clausebook/print.html", context)  # type: ignore[attr-defined]


def paper_checklist(rules: Rules) -> list[dict[str, Any]]:
    """The rules by outcome, strongest first, each with when it applies, for the PDF."""
    groups = []
    for outcome, heading in rules.outcomes.items():
        items = [(describe(rules, rule.when), rule) for rule in rules.rules if rule.outcome == outcome]
        if items:
            groups.append({"heading": heading, "entries": items})
    return groups


def failed_already(app: Sphinx) -> bool:
    """A build where warnings are errors (``make html``, ``sphinx-build -W``) that found a problem
    publishes nothing, so it prints nothing: each PDF took seconds of every refused build, and
    the editor fixes the problems listed first (a PDF's own problems come in the next build)."""
    return bool(getattr(app, "_fail_on_warnings", False) and getattr(app, "_warncount", 0))


def printer(app: Sphinx) -> pdf.Printer:
    """The build's printer (one font configuration, perhaps a process of its own)."""
    found = getattr(app, "_clausebook_printer", None)
    if found is None:
        found = pdf.Printer()
        app._clausebook_printer = found  # type: ignore[attr-defined]
    return found


def start_printer(app: Sphinx, env: Any, docnames: list[str]) -> None:
    """A build that reads a document will most likely print a PDF: start the printer now, so
    that WeasyPrint is ready on another processor by the time the pages are written."""
    # Not beside Sphinx's own parallel processes, which it forks after this event.
    if not docnames or app.builder.format != "html" or app.parallel > 1 or failed_already(app):
        return
    try:
        fonts = pdf.find_fonts(Path(app.confdir))
    except pdf.PdfError:
        return  # said when the PDFs are due
    printer(app).start(fonts)


def write_pdfs(app: Sphinx, exception: Exception | None) -> None:
    try:
        _write_pdfs(app, exception)
    finally:
        printer(app).close()


def _write_pdfs(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    school = app.config.clausebook_school
    if school and school not in app.config.clausebook_schools:
        known = ", ".join(app.config.clausebook_schools) or "none are listed"
        warn(
            ClausebookWarning.SOURCE,
            f"'{school}' is not one of the schools in handbook/conf.py (clausebook_schools: {known}): "
            "use a school's name exactly as listed there",
        )
        return
    # A draft is printed too, marked as not in force on its cover and on every page, so that
    # a new policy can be reviewed on paper before its first release.
    entries = [entry for versions in version_entries(app).values() for entry in versions]
    if not entries:
        return
    try:
        fonts = pdf.find_fonts(Path(app.confdir))
    except pdf.PdfError as error:
        warn(ClausebookWarning.TOOLING, str(error))
        return
    if failed_already(app):
        return
    out_dir = Path(app.config.clausebook_pdf_dir) if app.config.clausebook_pdf_dir else None
    cache = Path(app.doctreedir).parent / "pdf-cache"
    record = fingerprints(app)
    stamp = code_stamp(app)
    printing = printer(app)
    read = records(app)
    for entry in entries:
        started = time.perf_counter()
        name = pdf_name(entry, school)
        target = out_dir / name if out_dir else Path(app.outdir) / entry.folder / name
        # Printed from the version's doctrees, its guidance and its status: if none changed, done.
        docs = [entry.index, *(s.page for s in entry.model.sections)]
        guidance = {kind: file.data for kind, file in read.guidance(entry.index).items()}
        key = fingerprint(stamp, doctree_stamp(app, docs), guidance, entry.status, str(fonts))
        if record.unchanged(f"pdf:{target}", key, target):
            continue
        html = print_html(app, entry, school, fonts)
        try:
            rendered = pdf.render(
                html, target, cache, base_url=str(Path(app.outdir) / entry.folder), printer=printing
            )
        except pdf.PdfError as error:
            warn(ClausebookWarning.TOOLING, str(error))
            return
        seconds = time.perf_counter() - started
        what = printed_name(app, entry)
        if rendered.cached:
            LOGGER.info(f"PDF of {what}: unchanged, kept ({seconds:.2f} s)")
        else:
            LOGGER.info(f"PDF of {what}: {rendered.pages} pages in {seconds:.2f} s")


def printed_name(app: Sphinx, entry: VersionEntry) -> str:
    """The version a PDF prints, as the build names it: a draft is never named as the release."""
    title = f"{entry.model.title} {entry.model.version}"
    if entry.status != "draft":
        return title
    if released(version_entries(app).get(entry.model.policy, [])):
        return f"{entry.model.title}, draft of changes to {entry.model.version}"
    return f"{title}, draft (not released yet)"


def page_context(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """The PDF link of the page's policy version (a draft's is marked as not in force), for the templates."""
    # A policy's landing page shows the version in force, and so its PDF and tools.
    entry = entry_of_page(app, pagename) or context.get("cb_current")
    context["cb_pdf"] = None
    if entry is not None:
        context["cb_pdf"] = posixpath.relpath(pdf_url(entry), posixpath.dirname(pagename) or ".")


def setup_printing(app: Sphinx) -> None:
    app.connect("env-before-read-docs", start_printer)
    app.connect("build-finished", write_pdfs, priority=600)
    app.connect("html-page-context", page_context, priority=400)
