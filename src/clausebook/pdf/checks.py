"""Check a PDF's tagging (PDF/UA-1) against the print HTML it was made from, without Java.

veraPDF cannot be installed on the build machine, so these checks read the
structure tree with pikepdf. They compare it with what was printed: the same
headings at the same levels, as many list items and table header cells, and
no content that is neither in the structure tree nor an artefact. The build
runs them on every PDF it makes and the accessibility statement reports what
they found; a test proves each can fail.
"""

from __future__ import annotations

import io
import itertools
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

import pikepdf
from pikepdf import Array, Dictionary, Name, Operator, Pdf

from clausebook.pdf.tags import parent_tree_pages, reachable_elements

#: What each check establishes, in the words the accessibility statement uses.
CHECKS: dict[str, str] = {
    "tagged": "the document is tagged: a structure tree holds its content",
    "pdfua": "it declares itself PDF/UA-1 (pdfuaid:part 1 in its XMP metadata)",
    "language": "its language is set (en-GB)",
    "title": "its title is set and shown in the window title instead of the file name",
    "headings": "its headings are tagged at their levels, in order, under one level-1 title, none skipped",
    "lists": "its lists are tagged as lists, every item with its body",
    "tables": "its tables are tagged with header cells",
    "links": "every link is tagged as a link and has a text alternative",
    "content": "every piece of text is in the structure tree or marked as an artefact",
    "artefacts": "the running footer and page numbers are marked as artefacts, so they are not read as text",
}

TEXT_OPERATORS = {Operator(op) for op in ("Tj", "TJ", "'", '"')}
HEADING = re.compile(r"^/H([1-6])$")


@dataclass(frozen=True)
class Finding:
    check: str
    message: str


@dataclass(frozen=True)
class Printed:
    """What the print HTML holds, to hold the PDF's structure to."""

    headings: tuple[int, ...]
    list_items: int
    table_headers: int
    lang: str

    @classmethod
    def from_html(cls, html: str) -> Printed:
        reader = _PrintedReader()
        reader.feed(html)
        return cls(tuple(reader.headings), reader.list_items, reader.table_headers, reader.lang)


class _PrintedReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.headings: list[int] = []
        self.list_items = 0
        self.table_headers = 0
        self.lang = ""
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "html":
            self.lang = dict(attrs).get("lang") or ""
        elif len(tag) == 2 and tag[0] == "h" and tag[1] in "123456":
            self.headings.append(int(tag[1]))
        elif tag == "li":
            self.list_items += 1
        elif tag == "th":
            self.table_headers += 1


def _elements(pdf: Pdf) -> list[Dictionary]:
    """The structure elements in document (reading) order."""
    root = pdf.Root.get("/StructTreeRoot")
    found: list[Dictionary] = []
    if root is None:
        return found
    seen: set[tuple[int, int]] = set()

    def walk(kid: Any) -> None:
        if isinstance(kid, Array):
            for item in kid:
                walk(item)
        elif isinstance(kid, Dictionary) and "/S" in kid:
            if kid.is_indirect:
                if kid.objgen in seen:
                    return
                seen.add(kid.objgen)
            found.append(kid)
            walk(kid.get("/K"))

    walk(root.get("/K"))
    return found


def _kind(element: Any) -> str:
    return str(element.get("/S"))


def _children(element: Dictionary) -> list[Dictionary]:
    kids = element.get("/K")
    items = list(kids) if isinstance(kids, Array) else [kids]
    return [kid for kid in items if isinstance(kid, Dictionary) and "/S" in kid]


def _descendants(element: Dictionary) -> list[Dictionary]:
    found = []
    stack = _children(element)
    while stack:
        kid = stack.pop()
        found.append(kid)
        stack.extend(_children(kid))
    return found


def check_pdf(data: bytes, printed: Printed) -> list[Finding]:
    """Every way the PDF's tagging falls short of PDF/UA-1 and of what was printed (empty: none found)."""
    with Pdf.open(io.BytesIO(data)) as pdf:
        findings = _catalog(pdf, printed)
        if any(f.check == "tagged" for f in findings):
            return findings
        elements = _elements(pdf)
        findings += _headings(elements, printed)
        findings += _lists(elements, printed)
        findings += _tables(elements, printed)
        findings += _links(pdf)
        findings += _content(pdf)
        return findings


def _catalog(pdf: Pdf, printed: Printed) -> list[Finding]:
    findings = []
    root = pdf.Root
    marked = root.MarkInfo.get("/Marked") if "/MarkInfo" in root else None
    tree = root.get("/StructTreeRoot")
    if not marked or tree is None or "/K" not in tree:
        findings.append(
            Finding("tagged", "the PDF is not tagged (no MarkInfo /Marked true or no structure tree)")
        )
    lang = str(root.get("/Lang", ""))
    if not lang or (printed.lang and lang != printed.lang):
        findings.append(
            Finding("language", f"the document language is {lang or 'not set'!r}, not {printed.lang!r}")
        )
    with pdf.open_metadata() as xmp:
        title = str(xmp.get("dc:title", ""))
        part = str(xmp.get("pdfuaid:part", ""))
    if part != "1":
        findings.append(Finding("pdfua", f"the XMP metadata gives pdfuaid:part {part or 'nothing'}, not 1"))
    preferences = root.get("/ViewerPreferences")
    if not title or preferences is None or not preferences.get("/DisplayDocTitle"):
        findings.append(Finding("title", "the title is missing or DisplayDocTitle is not set"))
    return findings


def _headings(elements: list[Dictionary], printed: Printed) -> list[Finding]:
    levels = [int(m[1]) for e in elements if (m := HEADING.match(_kind(e)))]
    findings = []
    if levels[:1] != [1] or levels.count(1) != 1:
        findings.append(
            Finding("headings", f"the headings start {levels[:3]}: one level-1 title must come first")
        )
    for before, after in itertools.pairwise(levels):
        if after > before + 1:
            findings.append(Finding("headings", f"a level-{after} heading follows a level-{before} one"))
            break
    if tuple(levels) != printed.headings:
        findings.append(
            Finding(
                "headings",
                f"{len(levels)} headings are tagged where {len(printed.headings)} were printed "
                "(or at other levels): a heading is missing from the structure",
            )
        )
    return findings


def _lists(elements: list[Dictionary], printed: Printed) -> list[Finding]:
    findings = []
    items = 0
    for element in elements:
        kind = _kind(element)
        if kind == "/L":
            strays = [_kind(c) for c in _children(element) if _kind(c) not in ("/LI", "/L", "/Caption")]
            if strays:
                findings.append(Finding("lists", f"a list holds {', '.join(strays)} instead of list items"))
        elif kind == "/LI":
            items += 1
            kinds = [_kind(c) for c in _children(element)]
            if "/LBody" not in kinds or any(k not in ("/Lbl", "/LBody") for k in kinds):
                findings.append(Finding("lists", f"a list item holds {kinds}, not a label and a body"))
            parent = element.get("/P")
            if parent is None or _kind(parent) != "/L":
                findings.append(Finding("lists", "a list item is not inside a list"))
    if items < printed.list_items:
        findings.append(
            Finding("lists", f"{items} list items are tagged where {printed.list_items} were printed")
        )
    return findings


def _tables(elements: list[Dictionary], printed: Printed) -> list[Finding]:
    headers = [e for e in elements if _kind(e) == "/TH"]
    findings = []
    if len(headers) < printed.table_headers:
        findings.append(
            Finding(
                "tables",
                f"{len(headers)} table header cells are tagged where {printed.table_headers} were printed",
            )
        )
    for table in (e for e in elements if _kind(e) == "/Table"):
        if not any(_kind(e) == "/TH" for e in _descendants(table)):
            findings.append(Finding("tables", "a table has no header cells"))
    return findings


def _links(pdf: Pdf) -> list[Finding]:
    findings = []
    for number, page in enumerate(pdf.pages, start=1):
        for annotation in page.obj.get("/Annots", []):
            if annotation.get("/Subtype") != Name.Link:
                continue
            if not str(annotation.get("/Contents", "")).strip():
                findings.append(Finding("links", f"a link on page {number} has no text alternative"))
            if "/StructParent" not in annotation:
                findings.append(Finding("links", f"a link on page {number} is not in a Link element"))
    return findings


def _content(pdf: Pdf) -> list[Finding]:
    """Text outside marked content, or marked for no element in the tree; and the footers as artefacts."""
    reachable = reachable_elements(pdf)
    tagged: dict[int, set[int]] = {
        index: {m for m, e in enumerate(elements) if isinstance(e, Dictionary) and e.objgen in reachable}
        for index, elements in parent_tree_pages(pdf)
    }
    findings = []
    for index, page in enumerate(pdf.pages):
        stack: list[tuple[str, int | None]] = []
        untagged = outside = artefacts = 0
        for instruction in pikepdf.parse_content_stream(page):
            operands, operator = instruction.operands, instruction.operator
            if operator == Operator("BDC") or operator == Operator("BMC"):
                properties = operands[1] if len(operands) > 1 else None
                mcid = (
                    int(properties["/MCID"])
                    if isinstance(properties, Dictionary) and "/MCID" in properties
                    else None
                )
                stack.append((str(operands[0]), mcid))
            elif operator == Operator("EMC") and stack:
                stack.pop()
            elif operator in TEXT_OPERATORS:
                if any(tag == "/Artifact" for tag, _ in stack):
                    artefacts += 1  # text shown as an artefact: the running footer
                    continue
                mcids = [m for _, m in stack if m is not None]
                if not mcids:
                    untagged += 1
                elif mcids[-1] not in tagged.get(index, set()):
                    outside += 1
        if untagged:
            findings.append(Finding("content", f"page {index + 1} shows text that is not tagged"))
        if outside:
            findings.append(
                Finding(
                    "content", f"page {index + 1} shows text tagged for an element outside the structure tree"
                )
            )
        if index > 0 and not artefacts:
            findings.append(
                Finding(
                    "artefacts",
                    f"page {index + 1} shows no text as an artefact: its running footer is read as content",
                )
            )
    return findings
