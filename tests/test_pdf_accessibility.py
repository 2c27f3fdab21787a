"""The PDF for screen readers (PDF/UA-1): its structure checked with pikepdf and poppler, and
proof that the checker fails a PDF with a heading left out of the structure or an untagged list."""

from __future__ import annotations

import io
import itertools
import json
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf
import pytest

from clausebook.pdf.checks import Printed, check_pdf
from conftest import run_build
from sitetext import words


@dataclass
class Element:
    kind: str
    text: list[str] = field(default_factory=list)
    children: list[Element] = field(default_factory=list)

    def all_text(self) -> str:
        return " ".join([*self.text, *(child.all_text() for child in self.children)])

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


def struct_tree(pdf: Path) -> Element:
    """`pdfinfo -struct-text`: poppler's reading of the structure tree, with each element's text."""
    out = subprocess.run(["pdfinfo", "-struct-text", str(pdf)], capture_output=True, text=True, check=True)
    root = Element("root")
    stack: list[tuple[int, Element]] = [(-1, root)]
    for line in out.stdout.splitlines():
        depth = (len(line) - len(line.lstrip(" "))) // 2
        item = line.strip()
        if not item:
            continue
        while stack[-1][0] >= depth:
            stack.pop()
        parent = stack[-1][1]
        if item.startswith('"'):
            parent.text.append(item.strip('"'))
        elif re.match(r"^[A-Z][A-Za-z0-9]*\b", item) and not item.startswith("Object "):
            element = Element(item.split()[0].rstrip(":"))
            parent.children.append(element)
            stack.append((depth, element))
    return root


def printed_for(built: Path, pdf: Path) -> Printed:
    """What was printed for this PDF: the print HTML kept beside the same PDF in the build's cache."""
    data = pdf.read_bytes()
    for cached in (built / "_build" / ".work" / "pdf-cache").glob("*.pdf"):
        if cached.read_bytes() == data:
            return Printed.from_html(cached.with_suffix(".html").read_text(encoding="utf-8"))
    raise AssertionError(f"no print HTML in the cache for {pdf.name}")


@pytest.fixture(scope="module")
def manifest(site: Path) -> dict:
    return json.loads((site / "clausebook.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def pdfs(site: Path, manifest: dict) -> list[tuple[dict, Path]]:
    found = [(v, site / v["pdf"]) for p in manifest["policies"] for v in p["versions"] if v.get("pdf")]
    assert found
    return found


@pytest.fixture(scope="module")
def policy_pdf(pdfs: list[tuple[dict, Path]]) -> Path:
    return pdfs[0][1]


def test_every_pdf_passes_the_structure_checks(built_handbook: Path, pdfs: list[tuple[dict, Path]]) -> None:
    for _version, pdf in pdfs:
        assert check_pdf(pdf.read_bytes(), printed_for(built_handbook, pdf)) == [], pdf.name


def test_a_schools_edition_passes_them_too(built_handbook: Path) -> None:
    result = run_build(built_handbook, "pdf", "--school", "Agora Secondary Academy")
    assert result.returncode == 0, result.stderr
    pdf = built_handbook / "_build" / "pdf" / "social-media-1.0-agora-secondary-academy.pdf"
    assert check_pdf(pdf.read_bytes(), printed_for(built_handbook, pdf)) == []


def test_catalog_says_tagged_language_title_and_pdfua(policy_pdf: Path) -> None:
    info = subprocess.run(["pdfinfo", str(policy_pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Tagged:\s+yes$", info, re.M)
    with pikepdf.open(policy_pdf) as pdf:
        assert str(pdf.Root.Lang) == "en-GB"
        assert bool(pdf.Root.ViewerPreferences.DisplayDocTitle) is True
        with pdf.open_metadata() as xmp:
            assert xmp["pdfuaid:part"] == "1"
            assert xmp["dc:title"] == "Social media policy"


def test_headings_title_then_sections_none_skipped(policy_pdf: Path, site: Path, pdfs: list) -> None:
    version = pdfs[0][0]
    sections = json.loads((site / version["clauses"]).read_text(encoding="utf-8"))["sections"]
    headings = [
        (e.kind, e.all_text()) for e in struct_tree(policy_pdf).walk() if re.fullmatch(r"H\d", e.kind)
    ]
    assert headings[0] == ("H1", "Social media policy")
    titles = [text for kind, text in headings if kind == "H2"]
    for section in sections:
        assert f"{section['number']}. {section['title']}" in titles
    levels = [int(kind[1]) for kind, _ in headings]
    assert all(b <= a + 1 for a, b in itertools.pairwise(levels)), levels


def test_each_clause_number_and_its_words_in_one_element_in_order(policy_pdf: Path, site: Path, pdfs) -> None:
    clauses = json.loads((site / pdfs[0][0]["clauses"]).read_text(encoding="utf-8"))["clauses"]
    divs = [
        e
        for e in struct_tree(policy_pdf).walk()
        if e.kind == "Div" and e.children and e.children[0].kind == "Link"
    ]
    found = [(div.children[0].all_text().strip(), words(div.all_text())) for div in divs]
    numbered = [(number, text) for number, text in found if re.fullmatch(r"\d+\.\d+", number)]
    assert [number for number, _ in numbered] == [c["number"] for c in clauses]
    for clause, (_number, text) in zip(clauses, numbered, strict=True):
        assert text[1:] == words(clause["text"]), clause["number"]


def test_bullets_of_a_clause_are_a_list_of_items(policy_pdf: Path, site: Path, pdfs) -> None:
    clauses = json.loads((site / pdfs[0][0]["clauses"]).read_text(encoding="utf-8"))["clauses"]
    tree = struct_tree(policy_pdf)
    lists = [e for e in tree.walk() if e.kind == "L"]
    # A clause whose text runs on past its first sentence into bullets: its list is tagged L > LI > LBody.
    listed = [el for el in lists if el.children and all(c.kind == "LI" for c in el.children)]
    bodies = {" ".join(words(li.all_text())) for el in listed for li in el.children}
    two_one = next(c for c in clauses if c["number"] == "2.1")
    assert any(body and body in " ".join(words(two_one["text"])) for body in bodies)
    for el in listed:
        for item in el.children:
            assert [c.kind for c in item.children][-1] == "LBody"


def test_footers_and_page_numbers_are_artefacts_not_text(policy_pdf: Path) -> None:
    text = struct_tree(policy_pdf).all_text()
    assert "Page 2 of" not in text and "· Version" not in text
    plain = subprocess.run(["pdftotext", str(policy_pdf), "-"], capture_output=True, text=True, check=True)
    assert "Page 2 of" in plain.stdout  # still printed on the page


def test_links_are_link_elements_with_alternative_text(policy_pdf: Path) -> None:
    with pikepdf.open(policy_pdf) as pdf:
        links = [a for page in pdf.pages for a in page.obj.get("/Annots", []) if a.Subtype == "/Link"]
        assert links
        assert all(str(a.Contents).strip() and "/StructParent" in a for a in links)
        # The words of the link, not its bare target ("clause-1-1").
        bare = [str(a.Contents) for a in links if re.fullmatch(r"[\w]+(-[\w]+)+", str(a.Contents))]
        assert bare == []
    assert any(e.kind == "Link" for e in struct_tree(policy_pdf).walk())


# The checker can fail: the same PDF broken in the two ways the issue names.


def broken(pdf: Path, change) -> bytes:
    with pikepdf.open(pdf) as document:
        change(document)
        out = io.BytesIO()
        document.save(out)
        return out.getvalue()


def elements(document: pikepdf.Pdf, kind: str) -> list[pikepdf.Dictionary]:
    found = []
    stack = [document.Root.StructTreeRoot.K]
    while stack:
        kid = stack.pop()
        if isinstance(kid, pikepdf.Array):
            stack.extend(kid)
        elif isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            if kind == kid.S:
                found.append(kid)
            stack.append(kid.get("/K"))
    return found


def test_checker_fails_a_heading_left_out_of_the_structure(built_handbook: Path, policy_pdf: Path) -> None:
    printed = printed_for(built_handbook, policy_pdf)

    def retag(document: pikepdf.Pdf) -> None:
        elements(document, pikepdf.Name.H2)[3].S = pikepdf.Name.P  # a section's heading read as a paragraph

    def detach(document: pikepdf.Pdf) -> None:
        heading = elements(document, pikepdf.Name.H2)[3]
        siblings = heading.P.K
        siblings.remove(next(k for k in siblings if k.objgen == heading.objgen))

    for change in (retag, detach):
        found = check_pdf(broken(policy_pdf, change), printed)
        assert "headings" in {f.check for f in found}, change.__name__
    assert {f.check for f in check_pdf(broken(policy_pdf, detach), printed)} >= {"headings", "content"}


def test_checker_fails_an_untagged_list(built_handbook: Path, policy_pdf: Path) -> None:
    printed = printed_for(built_handbook, policy_pdf)

    def as_paragraphs(document: pikepdf.Pdf) -> None:
        for kind in (pikepdf.Name.L, pikepdf.Name.LI, pikepdf.Name.LBody):
            for element in elements(document, kind):
                element.S = pikepdf.Name.P if kind != pikepdf.Name.LBody else pikepdf.Name.Span

    def item_without_body(document: pikepdf.Pdf) -> None:
        for element in elements(document, pikepdf.Name.LBody)[:1]:
            element.S = pikepdf.Name.P

    assert "lists" in {f.check for f in check_pdf(broken(policy_pdf, as_paragraphs), printed)}
    assert "lists" in {f.check for f in check_pdf(broken(policy_pdf, item_without_body), printed)}


def test_checker_fails_an_untagged_pdf_and_footers_read_as_text(
    built_handbook: Path, policy_pdf: Path
) -> None:
    printed = printed_for(built_handbook, policy_pdf)

    def untag(document: pikepdf.Pdf) -> None:
        del document.Root.StructTreeRoot
        del document.Root.MarkInfo

    def footers_as_text(document: pikepdf.Pdf) -> None:
        page = document.pages[2]
        instructions = pikepdf.parse_content_stream(page)
        for i, instruction in enumerate(instructions):
            if instruction.operator == pikepdf.Operator("BDC") and instruction.operands[0] == "/Artifact":
                instructions[i] = pikepdf.ContentStreamInstruction(
                    [pikepdf.Name.Span], pikepdf.Operator("BMC")
                )
        page.obj.Contents = document.make_stream(pikepdf.unparse_content_stream(instructions))

    assert [f.check for f in check_pdf(broken(policy_pdf, untag), printed)][:1] == ["tagged"]
    assert {"content", "artefacts"} <= {
        f.check for f in check_pdf(broken(policy_pdf, footers_as_text), printed)
    }


def test_every_version_is_tagged_alike(handbook: Path) -> None:
    """A released amendment: the superseded and the current version's PDFs both pass."""
    from test_releases import amend, release

    amend(handbook, "4.4")
    assert release(handbook, "1.1", "2025-01-01").returncode == 0
    assert run_build(handbook).returncode == 0
    site = handbook / "_build" / "html"
    policy = next(p for p in json.loads((site / "clausebook.json").read_text("utf-8"))["policies"])
    versions = [v for v in policy["versions"] if v["pdf"]]
    assert [v["status"] for v in versions] == ["superseded", "current"]
    for version in versions:
        pdf = site / version["pdf"]
        assert check_pdf(pdf.read_bytes(), printed_for(handbook, pdf)) == [], version["version"]
    statement = (site / "accessibility.html").read_text("utf-8")
    assert statement.count("no problem found") == 2  # each version's PDF, as the build checked it
