"""Reading a built site's text the way a reader sees it (for tests, not for the build)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

WORD = re.compile(r"[\w’'/]+(?:[-.][\w’']+)*")
SKIPPED_TAGS = {"script", "style", "nav", "head"}
VOID = {"br", "img", "hr", "input", "meta", "link"}


class MainText(HTMLParser):
    """The text of a page's main article, skipping what the handbook adds (marked cb-added)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0  # inside <article role="main">
        self.skip = 0
        self.ids: set[str] = set()
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids.add(str(attributes["id"]))
        if tag == "article" and attributes.get("role") == "main":
            self.depth = 1
        elif self.depth:
            self.depth += tag not in VOID
        classes = (attributes.get("class") or "").split()
        skipped = tag in SKIPPED_TAGS or "cb-policy-details-box" in classes or "headerlink" in classes
        if (self.skip or skipped) and tag not in VOID:
            self.skip += 1

    def handle_endtag(self, tag: str) -> None:
        if self.skip:
            self.skip -= 1
        if self.depth:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth and not self.skip:
            self.parts.append(data)


def page_text(path: Path) -> tuple[str, set[str]]:
    parser = MainText()
    parser.feed(path.read_text(encoding="utf-8"))
    return " ".join(parser.parts), parser.ids


def words(text: str) -> list[str]:
    return WORD.findall(text.replace("’", "'"))


ORIGINAL_FOOTER = re.compile(r"^\s*AGORA LEARNING PARTNERSHIP \| Social media policy\s+\d+\s*$", re.MULTILINE)


def original_words(original: Path) -> list[str]:
    """The original's words, without the page footers the PDF extraction left in."""
    return words(ORIGINAL_FOOTER.sub(" ", original.read_text(encoding="utf-8")))


def in_order(expected: list[str], found: list[str]) -> tuple[float, list[str]]:
    """The share of ``expected`` found in order in ``found``, and the runs of words that were not."""
    import difflib

    matcher = difflib.SequenceMatcher(a=expected, b=found, autojunk=False)
    matched = sum(block.size for block in matcher.get_matching_blocks())
    missing = [
        " ".join(expected[i1:i2])
        for tag, i1, i2, _, _ in matcher.get_opcodes()
        if tag in ("delete", "replace")
    ]
    return matched / len(expected), missing
