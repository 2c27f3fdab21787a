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
        "The quiz or the guidance rules in quizzes/ are not written as the build expects: a field "
        "is missing or of the wrong kind, an id is used twice or is not like logo-in-profile, "
        "an outcome is not one of must-not, ask-first, tell, do, care, note, or a quiz question "
        "has no right answer (or two).",
    )
    GUIDANCE_CITATION = (
        "guidance-citation",
        "A quiz question or a rule cites a clause that does not exist in this version of the "
        "policy, or a rule cites nothing (every rule must name the clauses it applies).",
    )
    GUIDANCE_CONDITION = (
        "guidance-condition",
        "A rule's 'when' names a question or an answer that does not exist, or can never hold "
        "(for example it asks for two answers of a single-choice question at once).",
    )
    GUIDANCE_UNREAD = (
        "guidance-unread-question",
        "A question in a rules file whose answers no rule reads: asking it could change nothing.",
    )
    UNCOVERED_CLAUSE = (
        "notice",
        "(A notice: the build goes on.) A clause that no rule applies and no quiz question "
        "tests, and that the rules file does not list under not_covered: with a reason.",
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
