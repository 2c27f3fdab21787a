"""What an editor types is words, never code: the checks made at the one parse.

Nothing written in a source may run in a reader's browser or make it ask another
site for anything. So, for every Markdown page (policies, the home page, the
editors' guide):

- raw HTML (inline, as a block, in ``{raw}`` or ``{eval-rst}``) is refused: MyST
  turns it into ``raw`` nodes, which are checked in the doctree with their line;
- files are never inserted from elsewhere (``{include}``, ``{literalinclude}``,
  ``:file:`` and ``:url:`` options): docutils' own switches are turned off;
- images must be files of the handbook (an image from another site would be a
  request from every reader's browser); links to other sites stay allowed, but a
  link that runs code (``javascript:``, ``vbscript:``, ``data:``) is refused;
- mathematics is refused: Sphinx would publish it with MathJax, a script from another site;
- text that reads differently from the source (direction controls, invisible
  characters) is refused with its line, column and the character's name, and the
  text is normalised to NFC, so the same words are the same letters everywhere.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx

from clausebook.sources.confinement import is_inside, source_roots, static_exclusions
from clausebook.sphinxext.warnings_ import ClausebookWarning, warn

# Direction controls: embeddings and overrides (U+202A-U+202E), isolates (U+2066-U+2069).
BIDI_CONTROLS = frozenset({*map(chr, range(0x202A, 0x202F)), *map(chr, range(0x2066, 0x206A))})
# Characters that take no space: a word holding one looks whole but is not found by search.
ZERO_WIDTH = frozenset({"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"})
HIDDEN = BIDI_CONTROLS | ZERO_WIDTH
HIDDEN_PATTERN = re.compile("[" + "".join(sorted(HIDDEN)) + "]")

# A scheme at the start of a URL, after what browsers ignore there (spaces and controls).
SCHEME = re.compile(r"^[\x00-\x20]*([a-zA-Z][a-zA-Z0-9+.\-]*):")
RUNS_CODE = frozenset({"javascript", "vbscript", "data"})


@dataclass(frozen=True)
class HiddenCharacter:
    """A character an editor cannot see, where it is in the source."""

    line: int
    column: int
    character: str

    @property
    def name(self) -> str:
        return unicodedata.name(self.character, f"U+{ord(self.character):04X}")

    def message(self) -> str:
        kind = (
            "changes the direction of the text after it, so the page reads differently from the source"
            if self.character in BIDI_CONTROLS
            else "is invisible, so a word holding it looks whole but is not found by search"
        )
        return (
            f"column {self.column}: the character {self.name} (U+{ord(self.character):04X}) {kind}: "
            "delete it (it was probably pasted in with the text; retype the words around it)"
        )


def hidden_characters(text: str) -> list[HiddenCharacter]:
    """Every direction control and zero-width character in ``text`` (a byte order mark at the very
    start is how some editors save UTF-8, not text, and is allowed)."""
    found = []
    for match in HIDDEN_PATTERN.finditer(text):
        if match.start() == 0 and match[0] == "\ufeff":
            continue
        line_start = text.rfind("\n", 0, match.start()) + 1
        line = text.count("\n", 0, match.start()) + 1
        found.append(HiddenCharacter(line, match.start() - line_start + 1, match[0]))
    return found


def scheme_of(uri: str) -> str | None:
    match = SCHEME.match(uri)
    return match[1].lower() if match else None


def is_other_origin(uri: str) -> bool:
    """Whether loading ``uri`` would ask something of another site (or of no site at all)."""
    stripped = uri.strip()
    return stripped.startswith("//") or scheme_of(stripped) is not None


RAW_ADVICE = (
    "write Markdown instead: **bold**, *italic*, [words](https://address) for a link, "
    "a list with '-', a table with '|'; a note for editors only is a line starting with '%'"
)


def _location(node: nodes.Node, docname: str) -> tuple[str, int | None] | str:
    source = node.get("source") if isinstance(node, nodes.Element) else None
    line = node.line
    parent = node.parent
    while (line is None or source is None) and parent is not None:  # MyST leaves some inline nodes bare
        line = line if line is not None else parent.line
        source = source or parent.get("source")
        parent = parent.parent
    if source and line:
        return f"{source}:{line}"
    return (docname, line)


def check_doctree(app: Sphinx, doctree: nodes.document) -> None:
    """Refuse, with its line, anything in a page that a browser would run or fetch; take it out of
    the page too, so that nothing of it is written even by a build told to go on."""
    docname = app.env.docname
    reported: set[tuple[ClausebookWarning, str]] = set()

    def refuse(kind: ClausebookWarning, message: str, node: nodes.Node) -> None:
        location = _location(node, docname)
        if (kind, str(location)) not in reported:  # '<b>' and '</b>' are one mistake
            reported.add((kind, str(location)))
            warn(kind, message, location)

    for raw in list(doctree.findall(nodes.raw)):
        refuse(
            ClausebookWarning.RAW_HTML,
            f"this is HTML (or a {{raw}} block), which the site does not publish: {RAW_ADVICE}",
            raw,
        )
        raw.parent.remove(raw)
    for meta in list(doctree.findall(nodes.meta)):
        refuse(
            ClausebookWarning.RAW_HTML,
            "this sets an HTML meta tag (html_meta in the front matter, or {meta}), which the site "
            "does not publish: delete it (the build writes every page's meta tags itself)",
            meta,
        )
        meta.parent.remove(meta)
    for math in [*doctree.findall(nodes.math), *doctree.findall(nodes.math_block)]:
        # Sphinx would publish MathJax from another site for a page with math: every reader's
        # browser asking it (the site's policy blocks it, so the math never showed either).
        refuse(
            ClausebookWarning.MATH,
            "this is mathematics (a {math} block or role), which the site does not publish: it would load a "
            "script from another site in every reader's browser. Write it in words or plain "
            "characters instead, like 'no more than 3 hours (3 h) a week'",
            math,
        )
        math.parent.remove(math)
    for image in list(doctree.findall(nodes.image)):
        uri = image.get("uri", "")
        if is_other_origin(uri):
            refuse(
                ClausebookWarning.OUTSIDE_IMAGE,
                f"this image is on another site ({uri}): every reader's browser would ask that site for "
                "it. Save the image in the handbook's folder (for example handbook/_static/) and "
                "write its file name instead",
                image,
            )
            image.parent.remove(image)
    roots = source_roots(Path(app.confdir).parent)
    for node in [*doctree.findall(nodes.image), *doctree.findall(addnodes.download_reference)]:
        target = node.get("uri") if isinstance(node, nodes.image) else node.get("reftarget")
        if not target or is_other_origin(target):
            continue
        _, full = app.env.relfn2path(target, docname)
        if not is_inside(Path(full), roots):
            refuse(
                ClausebookWarning.OUTSIDE_HANDBOOK,
                f"this file ({target}) is outside the handbook, and the site publishes only the "
                "handbook's own files: copy it into the handbook (for example handbook/_static/) "
                "and write its name from there",
                node,
            )
            node.parent.remove(node)
    for element in list(doctree.findall(nodes.Element)):
        for attribute in ("refuri", "uri"):
            value = element.get(attribute)
            if isinstance(value, str) and scheme_of(value) in RUNS_CODE:
                refuse(
                    ClausebookWarning.UNSAFE_LINK,
                    f"this link would run code or hold a page of its own ({value[:40]}): link to an "
                    "address starting with https:// or to a page of the handbook",
                    element,
                )
                element[attribute] = ""


def check_source(app: Sphinx, docname: str, source: list[str]) -> None:
    """Refuse characters that hide or reorder text; give every later step NFC text."""
    path = app.env.doc2path(docname)
    for hidden in hidden_characters(source[0]):
        warn(ClausebookWarning.HIDDEN_CHARACTER, hidden.message(), f"{path}:{hidden.line}")
    source[0] = unicodedata.normalize("NFC", source[0])


def no_file_insertion(app: Sphinx, env: Any, docnames: list[str]) -> None:
    # docutils' own switches: {include}, {literalinclude}, {raw}, and the :file:/:url: options of
    # {csv-table} refuse to run (with their line), so no file from anywhere is copied into a page.
    env.settings["file_insertion_enabled"] = False
    env.settings["raw_enabled"] = False


# docutils' own words for what these switches refuse ('"raw" directive disabled.', 'Directive
# "include" disabled.', 'File insertion disabled', 'File and URL access deactivated'), with what
# to do instead.
NOT_INSERTED = (
    "the site publishes only what is written in the handbook's own pages: write the words here "
    "instead of inserting a file or HTML"
)
DOCUTILS_REFUSES = ("directive disabled.", '" disabled.', "insertion disabled", "access deactivated")
HINTS = tuple((words, NOT_INSERTED) for words in DOCUTILS_REFUSES)


def no_outside_static_files(app: Sphinx, config: Any) -> None:
    # The links themselves are reported by the staging step (clausebook.sources.confinement), with the
    # editor's path; here they are only kept out of the static files Sphinx copies.
    root = Path(app.confdir).parent
    config.exclude_patterns = [
        *config.exclude_patterns,
        *static_exclusions(Path(app.confdir), list(config.html_static_path), root),
    ]


def setup_safety(app: Sphinx) -> None:
    app.connect("config-inited", no_outside_static_files)
    app.connect("env-before-read-docs", no_file_insertion)
    app.connect("source-read", check_source)
    app.connect("doctree-read", check_doctree, priority=100)
