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
import multiprocessing
import os
import shutil
import tempfile
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING, Any

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


class Printer:
    """Prints the PDFs of one build, in a process of its own when it was started early.

    Starting WeasyPrint (Pango through cffi, fontTools, pikepdf) and loading the four print faces
    takes a second or more, the same for a handbook of one policy as of forty: most of a small
    handbook's printing. :meth:`start`, called while Sphinx still reads and writes the pages,
    spends that second on another processor, so it is over by the time the first PDF is due.
    Not started (or where processes cannot be forked), it prints here, as before. Either way the
    PDFs of a build share one font configuration: WeasyPrint keeps the fonts of ``@font-face``
    rules in it, and each PDF given a configuration of its own decompressed the faces again.
    """

    def __init__(self) -> None:
        self._pool: ProcessPoolExecutor | None = None

    def start(self, fonts: Path) -> None:
        if self._pool is not None or "fork" not in multiprocessing.get_all_start_methods():
            return
        # Forked, not spawned: the process starts at once, with the build's own imports and path.
        self._pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork"))
        self._pool.submit(_warm_up, str(fonts))

    def print(self, html: str, path: Path, base_url: str | None) -> int:
        """Print ``html`` to ``path``; return its number of pages."""
        if self._pool is not None:
            try:
                return self._pool.submit(_print_here, html, str(path), base_url).result()
            except BrokenProcessPool:  # the process died (killed, out of memory): print here instead
                self.close()
        return _print_here(html, str(path), base_url)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None


_FONTS: list[object] = []  # this process's font configuration, made on first use


def _font_configuration() -> object:
    if not _FONTS:
        from weasyprint.text.fonts import FontConfiguration

        _FONTS.append(FontConfiguration())
    return _FONTS[0]


def _weasyprint() -> Any:
    quiet_weasyprint()
    try:
        import weasyprint
    except OSError as error:  # Pango and friends missing: the message names the library
        raise PdfError(
            f"WeasyPrint cannot start ({error}): install its system libraries with "
            "'apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b fontconfig' "
            "('make pdf' does it)"
        ) from None
    return weasyprint


def _warm_up(fonts: str) -> None:
    """Everything the first PDF would start: WeasyPrint, the tagging code and the print faces."""
    import clausebook.pdf.tags  # noqa: F401  (pikepdf)

    try:
        weasyprint = _weasyprint()
    except PdfError:
        return  # told when a PDF is printed
    sample = "".join(
        f"<p style='font-weight: {w}; font-style: {s}'>a</p>"
        for w in (400, 700)
        for s in ("normal", "italic")
    )
    # With a language, as PDF/UA requires of every document (without one WeasyPrint logs an error).
    html = (
        f"<html lang='en'><head><style>{font_faces(Path(fonts))} p {{ font-family: 'Source Sans 3' }}"
        f"</style></head><body>{sample}</body></html>"
    )
    weasyprint.HTML(string=html).render(font_config=_font_configuration()).write_pdf(pdf_variant=VARIANT)


def _print_here(html: str, path: str, base_url: str | None) -> int:
    document = _weasyprint().HTML(string=html, base_url=base_url).render(font_config=_font_configuration())
    _atomic_write(Path(path), tagged(document.write_pdf(pdf_variant=VARIANT), link_text(html)))
    # Kept beside the PDF: what was printed, for looking into a layout problem.
    Path(path).with_suffix(".html").write_text(html, encoding="utf-8")
    return len(document.pages)


def render(
    html: str, target: Path, cache: Path, base_url: str | None = None, printer: Printer | None = None
) -> Rendered:
    """Write the PDF of ``html`` to ``target``, reusing a cached PDF of the same HTML. The PDFs
    of one build share ``printer``."""
    cache.mkdir(parents=True, exist_ok=True)
    cached = cache / f"{content_hash(html)}.pdf"
    pages = None
    hit = cached.is_file()
    if not hit:
        pages = (printer or Printer()).print(html, cached, base_url)
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
