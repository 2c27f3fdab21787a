"""The printable PDF: the Trust's words in order, A4, fonts embedded, footer, outline, contents, metadata."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from conftest import ORIGINAL, run_build
from pdfbytes import inflated
from sitetext import in_order, original_words, words

FOOTER_LINE = re.compile(r"^(Page \d+ of \d+|.* · Version [\w.]+.*)$")


@pytest.fixture(scope="module")
def policy_pdf(site: Path) -> Path:
    manifest = json.loads((site / "clausebook.json").read_text(encoding="utf-8"))
    policy = next(p for p in manifest["policies"] if p["id"] == "social-media")
    first = policy["versions"][0]
    assert policy["pdf"] and first["pdf"] and (site / first["pdf"]).is_file()
    return site / first["pdf"]


def run(*command: str) -> str:
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def page_count(pdf: Path) -> int:
    return int(re.search(r"^Pages:\s+(\d+)", run("pdfinfo", str(pdf)), re.M)[1])


def page_text(pdf: Path, page: int) -> str:
    return run("pdftotext", "-layout", "-f", str(page), "-l", str(page), str(pdf), "-")


def body_text(pdf: Path) -> str:
    """The PDF's text without its running footers."""
    lines = run("pdftotext", str(pdf), "-").splitlines()
    return "\n".join(line for line in lines if not FOOTER_LINE.match(line.strip()))


def test_pdf_carries_the_originals_words_in_order(policy_pdf: Path) -> None:
    share, missing = in_order(original_words(ORIGINAL), words(body_text(policy_pdf)))
    print(f"{share:.2%} of the original's words in order in the PDF; missing runs: {missing}")
    assert share >= 0.999, missing


def test_text_copies_with_ligatures_and_quotes_intact(policy_pdf: Path) -> None:
    text = body_text(policy_pdf)
    assert "\ufb01" not in text and "\ufb02" not in text  # no ligature glyphs in place of letters
    assert "confidential" in text and "employee’s" in text and "Trust’s" in text


def test_a4_pages_and_every_font_embedded(policy_pdf: Path) -> None:
    info = run("pdfinfo", str(policy_pdf))
    assert re.search(r"Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)", info)
    fonts = run("pdffonts", str(policy_pdf)).splitlines()[2:]
    assert fonts, "the PDF lists its fonts"
    for line in fonts:
        name, emb = line.split()[0], line.split()[-5]
        assert emb == "yes", f"{name} is not embedded"
        assert "Source-Sans" in name, f"{name} is not the print font shipped with the npm package"


def test_every_pdf_of_one_build_embeds_the_print_font(site: Path) -> None:
    # The PDFs of a build share one font configuration: each, not only the first, carries the faces.
    pdfs = sorted(site.rglob("*.pdf"))
    assert len(pdfs) > 1, pdfs
    for pdf in pdfs:
        fonts = [line.split() for line in run("pdffonts", str(pdf)).splitlines()[2:]]
        assert fonts and all(font[-5] == "yes" and "Source-Sans" in font[0] for font in fonts), (pdf, fonts)
        # Its bold and its regular face, as set by the print style sheet.
        assert len({font[0].split("+")[-1] for font in fonts}) >= 2, (pdf, fonts)


def test_metadata(policy_pdf: Path) -> None:
    info = run("pdfinfo", str(policy_pdf))
    assert re.search(r"^Title:\s+Social media policy$", info, re.M)
    assert re.search(r"^Author:\s+Agora Learning Partnership$", info, re.M)
    assert re.search(r"^Subject:\s+.*version 1\.0", info, re.M)
    assert b"/Lang (en-GB)" in inflated(policy_pdf.read_bytes())


def test_running_footer_on_every_page_after_the_cover(policy_pdf: Path) -> None:
    total = page_count(policy_pdf)
    assert "Page 1 of" not in page_text(policy_pdf, 1)
    for page in range(2, total + 1):
        text = page_text(policy_pdf, page)
        assert f"Page {page} of {total}" in text, f"page {page}"
        assert "Social media policy · Version 1.0" in text, f"page {page}"


def outline(pdf: Path) -> list[tuple[str, int]]:
    xml = run("pdftohtml", "-xml", "-i", "-stdout", str(pdf))
    return [(title, int(page)) for page, title in re.findall(r'<item page="(\d+)">([^<]+)</item>', xml)]


def test_outline_names_each_section_and_contents_page_numbers_match(policy_pdf: Path, site: Path) -> None:
    clauses = json.loads((site / "social-media" / "1.0" / "clauses.json").read_text(encoding="utf-8"))
    sections = {c["section"] for c in clauses["clauses"]} | {"3"}
    bookmarks = outline(policy_pdf)
    contents = page_text(policy_pdf, 2)
    for number in sorted(sections, key=int):
        title, start = next((t, p) for t, p in bookmarks if t.startswith(f"{number}. "))
        # The section's heading is on the page the outline says, and the contents say so too.
        assert title in " ".join(page_text(policy_pdf, start).split()), title
        listed = re.search(rf"^\s*{re.escape(title)}\s*\.*\s*(\d+)\s*$", contents, re.M)
        assert listed and int(listed[1]) == start, (
            f"contents give {listed and listed[1]} for {title}, not {start}"
        )


def test_no_ink_outside_the_page_margins(policy_pdf: Path, tmp_path: Path) -> None:
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(policy_pdf), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) == page_count(policy_pdf)
    for png in pages:
        image = Image.open(png).convert("L")
        width, height = image.size
        edge = round(30 * 8 / 25.4)  # an 8 mm strip round the page must stay blank
        for box in (
            (0, 0, width, edge),
            (0, height - edge, width, height),
            (0, 0, edge, height),
            (width - edge, 0, width, height),
        ):
            darkest = image.crop(box).getextrema()[0]
            assert darkest > 200, f"{png.name}: text or a line reaches the page edge near {box}"


def test_schools_edition_names_the_school(built_handbook: Path) -> None:
    result = run_build(built_handbook, "pdf", "--school", "Agora Primary Academy")
    assert result.returncode == 0, result.stderr
    pdf = built_handbook / "_build" / "pdf" / "social-media-1.0-agora-primary-academy.pdf"
    assert "Agora Primary Academy" in page_text(pdf, 1)
    assert "Agora Primary Academy" in page_text(pdf, 3)  # the footer


def test_unknown_school_is_refused(built_handbook: Path) -> None:
    result = run_build(built_handbook, "pdf", "--school", "Nowhere High")
    assert result.returncode != 0 and "not one of the schools" in result.stderr


def test_no_heading_is_left_alone_at_the_foot_of_a_page(policy_pdf: Path, site: Path) -> None:
    clauses = json.loads((site / "social-media" / "1.0" / "clauses.json").read_text(encoding="utf-8"))
    headings = {f"{s['number']}. {s['title']}" for s in clauses["sections"]} | {"Answers", "Verdicts"}
    for page in range(2, page_count(policy_pdf) + 1):
        lines = [line.strip() for line in page_text(policy_pdf, page).splitlines() if line.strip()]
        body = [line for line in lines if not FOOTER_LINE.match(line) and "Page " not in line]
        assert body and body[-1] not in headings, f"page {page} ends with the heading {body[-1]!r}"


def test_pdf_prints_every_guidance_rule_as_a_checklist(policy_pdf: Path, site: Path) -> None:
    bundle = json.loads((policy_pdf.parent / "guidance.json").read_text(encoding="utf-8"))
    text = " ".join(body_text(policy_pdf).split())
    appendix = text[text.rindex(bundle["rules"]["title"]) :]
    for rule in bundle["rules"]["rules"]:
        assert f"{rule['title']}." in appendix, rule["id"]
    assert appendix.count("If ") >= len(bundle["rules"]["rules"])
    assert bundle["rules"]["no_rule"]["title"] in appendix
