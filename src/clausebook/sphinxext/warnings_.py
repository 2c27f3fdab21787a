"""Every problem the build can report to an editor, declared once.

The editors' guide lists this enum (``{clausebook-warnings}``), so the list of
what can go wrong never drifts from the code. Each warning is emitted through
:func:`warn`, with ``type="clausebook"`` and the member's value as subtype, so a
project may silence one with ``suppress_warnings = ["clausebook.<subtype>"]``.
"""

from __future__ import annotations

from enum import Enum

from sphinx.util import logging

LOGGER = logging.getLogger("clausebook")


class ClausebookWarning(Enum):
    """A kind of mistake in the handbook's sources."""

    def __new__(cls, value: str, help_text: str) -> ClausebookWarning:
        member = object.__new__(cls)
        member._value_ = value
        member.help_text = help_text  # type: ignore[attr-defined]
        return member

    NUMBERING = (
        "numbering",
        "A section or clause number is missing, repeated, out of order, or does not "
        "match its section (clause 4.2 must be in section 4, after 4.1).",
    )
    CLAUSE_SYNTAX = (
        "clause-syntax",
        "A clause has no number, a number that is not like 4.2, or no text.",
    )
    UNKNOWN_CLAUSE = (
        "unknown-clause",
        "A reference such as {clause}`4.4` names a clause that does not exist in the "
        "policy (it was renumbered, removed, or its section file was deleted).",
    )
    OUTSIDE_POLICY = (
        "outside-policy",
        "A clause is written in a file that is not part of a policy's folder.",
    )
    POLICY_METADATA = (
        "policy-metadata",
        "The front matter of a policy's index.md is missing a field (title, version, "
        "effective date) or has a value of the wrong form.",
    )
    SOURCE = (
        "source",
        "A source file cannot be read: it is not saved as UTF-8, or a file in quizzes/ is not valid YAML.",
    )
    GUIDANCE = (
        "guidance",
        "The quiz or the decision tree in quizzes/ is inconsistent: it cites a clause "
        "that does not exist, has a question that cannot be reached, or a path that "
        "never ends.",
    )
    RAW_HTML = (
        "raw-html",
        "A page holds HTML (a tag such as <b> or <script>, an HTML comment, or a {raw} or "
        "{eval-rst} block), or inserts a file ({include}, {literalinclude}). Editors write Markdown: "
        "HTML could run code in every reader's browser, so the site never publishes it.",
    )
    OUTSIDE_IMAGE = (
        "outside-image",
        "An image is on another site (its address starts with https:// or //). Every reader's "
        "browser would ask that site for it, telling it who reads the policy: save the image in "
        "the handbook instead.",
    )
    UNSAFE_LINK = (
        "unsafe-link",
        "A link starts with javascript:, vbscript: or data:, so following it would run code. "
        "Links to other sites (https://...) are allowed.",
    )
    HIDDEN_CHARACTER = (
        "hidden-character",
        "The text holds a character you cannot see: one that changes the direction of the text "
        "(U+202A-U+202E, U+2066-U+2069) or takes no space (U+200B-U+200D, U+2060, U+FEFF). The "
        "page would read differently from the source, or search would not find the word. The "
        "message gives the line, the column and the character's name. (Text is also stored in "
        "Unicode's composed form, NFC, so an accented letter is always the same letter.)",
    )
    OUTSIDE_HANDBOOK = (
        "outside-handbook",
        "A file or folder in handbook/, quizzes/ or templates/ is a symbolic link to somewhere "
        "outside the handbook. The site publishes only the handbook's own files: copy the file in "
        "instead of linking to it.",
    )


def notice(message: str, location: str | tuple[str, int | None] | None = None) -> None:
    """Tell the editor something that does not stop the build (a review date passed, changes
    not yet released, guidance held back after an amendment)."""
    LOGGER.warning(message, type="clausebook", subtype=NOTICE, location=location)


NOTICE = "notice"


def warn(
    kind: ClausebookWarning,
    message: str,
    location: str | tuple[str, int | None] | None = None,
) -> None:
    """Report a problem to the editor; the build fails on any warning."""
    LOGGER.warning(message, type="clausebook", subtype=kind.value, location=location)
