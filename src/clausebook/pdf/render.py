"""Print HTML to PDF with WeasyPrint (CSS paged media). Knows nothing of how clauses are parsed.

A PDF is rendered once per distinct print HTML: the content hash of the HTML (and
of WeasyPrint's version) names a cached PDF, so a build with many frozen versions
only renders what changed. A PDF is written to a temporary name and moved into
place, so a reader never gets half a file.
"""

from __future__ import annotations

import filecmp
import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from clausebook.pdf.checks import Finding

FONT_PACKAGE = Path("@fontsource") / "source-sans-3" / "files"
# Tagged for screen readers, by WeasyPrint's own PDF/UA support, and finished by pdf_tags.
VARIANT = "pdf/ua-1"
TAGGING = f"{VARIANT}, margin boxes as artefacts, links described"


class PdfError(RuntimeError):
    """The PDF could not be made; the message says what to install or fix."""


@dataclass(frozen=True)
class Rendered:
    path: Path
    pages: int | None  # None when taken from the cache
    cached: bool


def find_fonts(start: Path) -> Path:
    """The folder of the print font's files, from the pinned npm package (the same on every machine)."""
    for folder in (start, *start.parents, Path.cwd()):
        candidate = folder / "node_modules" / FONT_PACKAGE
        if candidate.is_dir():
            return candidate
    raise PdfError("the print font is not installed: run 'npm ci' in the repository ('make html' does it)")


def font_faces(fonts: Path, family: str = "Source Sans 3") -> str:
    """@font-face rules for the regular, italic, bold and bold italic faces."""
    rules = []
    for weight in (400, 700):
        for style in ("normal", "italic"):
            file = fonts / f"source-sans-3-latin-{weight}-{style}.woff2"
            rules.append(
                f'@font-face {{ font-family: "{family}"; font-weight: {weight}; font-style: {style}; '
                f'src: url("{file.as_uri()}") format("woff2"); }}'
            )
    return "\n".join(rules)


def quiet_weasyprint() -> None:
    """WeasyPrint logs every CSS property it skips; the build reports only what an editor must fix."""
    import logging

    for name in ("weasyprint", "weasyprint.progress", "fontTools", "pikepdf"):
        logging.getLogger(name).setLevel(logging.ERROR)


def weasyprint_version() -> str:
    # From the installed package's record, not ``weasyprint.__version__``: importing WeasyPrint
    # (Pango, fontTools) takes a second or two, which a PDF taken from the cache never needs.
    from importlib.metadata import version

    return version("weasyprint")


def content_hash(html: str) -> str:
    return hashlib.sha256(f"weasyprint {weasyprint_version()} {TAGGING}\n{html}".encode()).hexdigest()


class Fonts:
    """One WeasyPrint font configuration for every PDF of a build.

    WeasyPrint keeps the fonts of ``@font-face`` rules in its font configuration; given none,
    each PDF made its own, loading the system's fonts again and decompressing the four print
    faces again (about half a second of every PDF, the same work each time).
    """

    def __init__(self) -> None:
        self._configuration: object | None = None

    def configuration(self) -> object:
        if self._configuration is None:
            from weasyprint.text.fonts import FontConfiguration

            self._configuration = FontConfiguration()
        return self._configuration


def render(
    html: str, target: Path, cache: Path, base_url: str | None = None, fonts: Fonts | None = None
) -> Rendered:
    """Write the PDF of ``html`` to ``target``, reusing a cached PDF of the same HTML. The PDFs
    of one build share ``fonts``."""
    cache.mkdir(parents=True, exist_ok=True)
    cached = cache / f"{content_hash(html)}.pdf"
    pages = None
    hit = cached.is_file()
    if not hit:
        quiet_weasyprint()
        try:
            from weasyprint import HTML
        except OSError as error:  # Pango and friends missing: the message names the library
            raise PdfError(
                f"WeasyPrint cannot start ({error}): install its system libraries with "
                "'apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b fontconfig' "
                "('make pdf' does it)"
            ) from None
        document = HTML(string=html, base_url=base_url).render(font_config=(fonts or Fonts()).configuration())
        pages = len(document.pages)
        _atomic_write(cached, tagged(document.write_pdf(pdf_variant=VARIANT), link_text(html)))
        # Kept beside the PDF: what was printed, for looking into a layout problem.
        cached.with_suffix(".html").write_text(html, encoding="utf-8")
    if hit and target.is_file() and filecmp.cmp(cached, target, shallow=False):
        return Rendered(target, pages, hit)  # the same PDF is there already: not written again
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=target.parent, suffix=".tmp", delete=False) as tmp:
        shutil.copyfile(cached, tmp.name)
    os.chmod(tmp.name, 0o644)
    os.replace(tmp.name, target)
    return Rendered(target, pages, hit)


def tagged(data: bytes | None, links: dict[str, str]) -> bytes | None:
    from clausebook.pdf.tags import finish_tagging

    return None if data is None else finish_tagging(data, links)


class _LinkText(HTMLParser):
    """Each link target's words: the first link's aria-label, or its text."""

    def __init__(self) -> None:
        super().__init__()
        self.found: dict[str, str] = {}
        self._open: list[tuple[str, str | None, list[str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        href = attributes.get("href")
        if tag == "a" and href:
            self._open.append((href[1:] if href.startswith("#") else href, attributes.get("aria-label"), []))

    def handle_data(self, data: str) -> None:
        for _target, _label, words in self._open:
            words.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._open:
            target, label, words = self._open.pop()
            text = label or " ".join("".join(words).split())
            if text:
                self.found.setdefault(target, text)


def link_text(html: str) -> dict[str, str]:
    reader = _LinkText()
    reader.feed(html)
    return reader.found


def _atomic_write(path: Path, data: bytes | None) -> None:
    if data is None:
        raise PdfError(f"WeasyPrint wrote no PDF for {path.name}")
    with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".tmp", delete=False) as tmp:
        tmp.write(data)
    os.replace(tmp.name, path)


def checked(target: Path, cache: Path) -> list[Finding] | None:
    """What the structure checks find in a PDF made by :func:`render` (None: its print HTML is
    no longer in the cache, so it cannot be checked). Results are kept by the PDF's own hash."""
    from clausebook.pdf.checks import Finding, Printed, check_pdf

    data = target.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    record = cache / f"checked-{digest}.json"
    try:
        return [Finding(**item) for item in json.loads(record.read_text(encoding="utf-8"))]
    except (OSError, ValueError, TypeError):
        pass
    for made in sorted(cache.glob("*.pdf")):
        html = made.with_suffix(".html")
        if html.is_file() and made.stat().st_size == len(data) and made.read_bytes() == data:
            findings = check_pdf(data, Printed.from_html(html.read_text(encoding="utf-8")))
            _atomic_write(record, json.dumps([f.__dict__ for f in findings]).encode())
            return findings
    return None
