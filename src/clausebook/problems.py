"""Every problem an editor can cause, and every notice the build gives, declared once.

No Sphinx here: the staging, the release commands and the Sphinx extension all
report through these kinds. The editors' guide lists them (``{clausebook-warnings}``),
so the list of what can go wrong never drifts from the code. A project may silence
one with ``suppress_warnings = ["clausebook.<value>"]``.
"""

from __future__ import annotations

from enum import Enum


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
        "match its section (clause 4.2 must be in section 4, after 4.1), or a sub-clause is not "
        "under its clause (4.2.1 must follow clause 4.2 or 4.2's other sub-clauses, before 4.3).",
    )
    CLAUSE_SYNTAX = (
        "clause-syntax",
        "A clause has no number, a number that is not like 4.2 or 4.2.1 (clauses go to three "
        "levels), no text, or a sub-clause written inside its clause instead of after it.",
    )
    UNKNOWN_CLAUSE = (
        "unknown-clause",
        "A reference such as {clause}`4.4` or {clause}`code-of-conduct:3.2` names a clause "
        "that does not exist in the policy (it was renumbered, removed, or its section file "
        "was deleted), or {policy}`name` names a policy the handbook neither holds nor "
        "declares in conf.py (clausebook_external_policies).",
    )
    OUTSIDE_POLICY = (
        "outside-policy",
        "A clause is written in a file that is not part of a policy's folder.",
    )
    POLICY_METADATA = (
        "policy-metadata",
        "The front matter of a policy's index.md is missing a field (title, version, "
        "effective date) or has a value of the wrong form (a date that is not YYYY-MM-DD, "
        "a category that is not a name).",
    )
    SOURCE = (
        "source",
        "A source file cannot be read: it is not saved as UTF-8, or a file in quizzes/ is not valid YAML.",
    )
    RELEASED_FILE = (
        "released-file",
        "A file of a released version (its sources or its guidance, in handbook/_versions/) was "
        "changed, deleted or added after its release.",
    )
    GUIDANCE_FILE = (
        "guidance-file",
        "A file in quizzes/ is named for a policy that has no folder in handbook/.",
    )
    SEALED_GUIDANCE = (
        "sealed-guidance",
        "A released version's guidance would now give a verdict it was not released with: this "
        "Clausebook reads guidance differently from the one that made the release. Use the "
        "Clausebook the handbook pins (make html installs it) and tell a developer; never edit a "
        "released version's record of verdicts.",
    )
    RENUMBERED_REFERENCE = (
        "renumbered-reference",
        "A reference such as {clause}`4.4` names a clause by a number it no longer has: "
        "the clause it meant was renumbered in a later release.",
    )
    RELEASE = (
        "release",
        "make release or make pins cannot do what was asked (an unknown policy, a version that is "
        "not after the last, a date that is not a date, nothing to release, an unknown item).",
    )
    TOOLING = (
        "tooling",
        "Something the build needs beside the sources is missing or wrong: the pinned packages "
        "(make html installs them), the fonts, or a setting in handbook/conf.py.",
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
    MATH = (
        "math",
        "A page holds mathematics (a {math} block or role). Sphinx would publish it with "
        "MathJax, a script from another site that every reader's browser would load: write it in "
        "words or plain characters instead.",
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
    OUTSIDE_TEMPLATE = (
        "outside-template",
        "A template in templates/ includes, extends or imports a file by an absolute path or one "
        "leading up out of the folder ('..'): templates may use only templates/, the package's "
        "templates and the theme's, so no file of the build machine is put into the pages.",
    )
    NOTICE = (
        "notice",
        "Not a problem: something the editor should know (changes not yet released, a review date "
        "passed, guidance held back after an amendment, a citation to move, a clause that no rule "
        "applies and no quiz question tests and that the rules file does not list under not_covered: "
        "with a reason). The build still succeeds.",
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

    REFERRING_CLAUSE = (
        "referring-clause",
        "Not a problem: a clause of another policy refers to a clause that a release (or the draft "
        "about to be released) changes, renumbers or removes. The notice gives the referring "
        "clause's file and line: check the reference still says what it should, and give the new "
        "number if the clause moved. It is given until the referring policy is released again.",
    )

    @property
    def is_notice(self) -> bool:
        return self in (ClausebookWarning.NOTICE, ClausebookWarning.REFERRING_CLAUSE)


NOTICE = ClausebookWarning.NOTICE.value
NOTICES = frozenset(kind.value for kind in ClausebookWarning if kind.is_notice)
