"""Clauses of other policies that refer to a clause a release changes, renumbers or removes.

Told to the editor (a notice, with the file and line of each referring clause) by every build:
while the change is a draft (so ``make release``, which builds first, lists them) and after it
is released, until each referring policy has been released again (its release records what its
references then meant).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx

from clausebook.sphinxext.domain import ClausebookDomain, Meant, as_typed, format_date
from clausebook.sphinxext.entries import VersionEntry, released, version_entries
from clausebook.sphinxext.history import clauses_of, previous_of
from clausebook.sphinxext.warnings_ import ClausebookWarning, notice
from clausebook.versions.comparison import Change, compare, version_key


def _domain(app: Sphinx) -> ClausebookDomain:
    return app.env.domains["cb"]  # type: ignore[return-value]


def newest(versions: list[VersionEntry]) -> VersionEntry | None:
    """The version an editor works on: the draft, or else the last release."""
    draft = next((v for v in versions if v.status == "draft"), None)
    done = released(versions)
    return draft or (done[-1] if done else None)


def amendments(
    app: Sphinx, versions: list[VersionEntry]
) -> Iterator[tuple[VersionEntry, VersionEntry, list[Change]]]:
    """The last release and the draft of one policy, each with the version it amends and what it
    changes from it."""
    done = released(versions)
    candidates = [v for v in versions if v.status == "draft"]
    if done:
        candidates.insert(0, done[-1])
    for entry in candidates:
        before = previous_of(app, entry)
        if before is None:
            continue
        changes = compare(clauses_of(app, before), clauses_of(app, entry)).changes
        yield entry, before, [c for c in changes if c.old is not None and c.kind != "added"]


def what_happened(change: Change) -> str:
    if change.kind == "removed":
        return f"removes clause {change.old}"
    if change.kind == "renumbered":
        return f"renumbers clause {change.old} to {change.new}"
    if change.renumbered:
        return f"changes clause {change.old} and renumbers it to {change.new}"
    return f"changes clause {change.old}"


def _knows(meant: Meant, entry: VersionEntry) -> bool:
    """Whether a reference that means ``meant`` was written knowing the version ``entry``: it names
    that version's clause, or a later release's (released since, or written against today's numbers)."""
    if meant.index == entry.index:
        return True
    return entry.status != "draft" and version_key(meant.version) >= version_key(entry.model.version)


def notify_referring_clauses(app: Sphinx, env: Any) -> None:
    domain = _domain(app)
    handbook = Path(app.confdir)
    entries = version_entries(app)
    for policy, versions in entries.items():
        for entry, before, changes in amendments(app, versions):
            if not changes:
                continue
            by_old = {c.old: c for c in changes}
            what = "the draft" if entry.status == "draft" else f"version {entry.model.version}"
            for other, other_versions in entries.items():
                referrer = newest(other_versions) if other != policy else None
                if referrer is None:
                    continue
                for docname in (referrer.index, *(s.page for s in referrer.model.sections)):
                    page = docname.removeprefix(referrer.folder + "/")
                    for meaning in domain.reference_meanings(docname):
                        written, in_clause, line, words = meaning.reference
                        meant = meaning.meant
                        cited, _, number = written.removeprefix("~").rpartition(":")
                        if cited != policy:
                            continue
                        if meaning.as_released or meaning.rewritten:
                            # Compared by the clause meant, not by the number (found: following
                            # "give the new number" was told again, as the number another clause
                            # had before).
                            if meant is None or _knows(meant, entry):
                                continue
                            if referrer.status == "draft" and domain.renumbered_to(docname, meaning):
                                continue  # the draft's own error says what to write (one message)
                            change = by_old.get(domain.number_of(before.index, meant.identity) or "")
                        else:
                            # New since its policy's last release, or in a policy never released:
                            # no release says which numbering it was written against, so it is
                            # compared by its number, and told until its policy is released
                            # (found: taken as written against today's numbers, it switched to
                            # another clause when a release renumbered, and nothing was said).
                            # One that names no clause now is refused as such: no notice besides.
                            change = by_old.get(number) if meant is not None else None
                        if change is None:
                            continue
                        where = f"clause {in_clause}" if in_clause else "this page"
                        # Found: the next edit to the referring policy turned this notice into an
                        # error (its draft must cite the number now), and nothing had said it would.
                        renumbered = change.new is not None and change.new != change.old
                        later = (
                            f"; this is a notice while the {referrer.model.title} is as released, and "
                            "becomes an error that stops the build when you next change it"
                            if entry.status == "current" and referrer.status != "draft" and renumbered
                            else ""
                        )
                        # Found: a new number is refused until it is in force (references
                        # cite the version in force), so the advice says when it can be given.
                        when = (
                            ", once that draft is released and in force"
                            if entry.status == "draft"
                            else f", once version {entry.model.version} is in force on "
                            f"{format_date(entry.model.effective)}"
                            if entry.status == "future"
                            else ""
                        )
                        notice(
                            f"{where} of the {referrer.model.title} refers to {as_typed(written, words)}, "
                            "and "
                            f"{what} of the {entry.model.title} {what_happened(change)}: check that the "
                            f"reference still says what it should (and give the new number if it moved{when})"
                            f"{later}",
                            f"{handbook / other / page}.md:{line}",
                            ClausebookWarning.REFERRING_CLAUSE,
                        )


def setup_referring(app: Sphinx) -> None:
    # After every read, even of nothing: Sphinx checks consistency only when a page was
    # read again, and these tell the editor of problems that stay until they are fixed.
    app.connect("env-updated", notify_referring_clauses, priority=900)
