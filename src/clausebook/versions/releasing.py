"""``make release``: publish the amended policy as a new frozen version.

It refuses, before writing anything: an unknown policy, a version that exists or
is not after the last, a date that is not a date or is before the last version's,
a release with no change, and sources with any problem. Then it compares the new
clauses with the last release's (both from the build's model file, so the sources
are parsed once, by the build) and freezes the sources, the guidance and every
reference resolved to the clause identity it means.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from pathlib import Path
from typing import Any

from clausebook.commands.build import Paths, build
from clausebook.interactive.record import RECORD_NAME, verdicts_record
from clausebook.interactive.views import Guidance
from clausebook.model import ModelVersion
from clausebook.modelfile import read_model
from clausebook.sources.staging import DRAFT
from clausebook.versions.comparison import VersionClause, compare, only_references_moved
from clausebook.versions.pins import moved_citation_notices
from clausebook.versions.releases import QUIZZES, ReleaseError, check_new_release, freeze


def model_clauses(version: ModelVersion) -> list[VersionClause]:
    """A built version's clauses, and its sections without clauses, from the build's model."""
    return [VersionClause(c.number, c.text) for c in version.clauses]


def recorded_references(version: ModelVersion, new_version: str) -> dict[str, dict[str, dict[str, str]]]:
    """page -> reference as written -> the clause identity it was resolved to (policy, identity, version).

    A reference within the policy was resolved in the working copy, which becomes ``new_version``.
    """
    found: dict[str, dict[str, dict[str, str]]] = {}
    for page, target, identity in version.references:
        # Found: "social-media:4.5" written in the social media policy itself was recorded as
        # meaning the last release's clause: a reference to its own policy is to this version.
        own = ":" not in target or identity.policy == version.folder.split("/")[0]
        found.setdefault(page, {})[target] = {
            "policy": identity.policy,
            "identity": identity.identity,
            "version": new_version if own else identity.version,
        }
    return found


def sealed_records(working: ModelVersion, policy: str) -> dict[str, str]:
    """The generated guidance files sealed with a release: the record of every verdict, made by
    the engine from the rules being released (so the sealed record is exactly what it says)."""
    if not working.guidance or not working.guidance.get("rules"):
        return {}
    rules = Guidance.from_bundle(working.guidance).rules
    assert rules is not None
    return {RECORD_NAME: verdicts_record(rules, f"quizzes/{policy}.rules.yaml")}


def live_record(root: Path, policy: str) -> Path:
    return root / QUIZZES / f"{policy}.{RECORD_NAME}"


def stale_record(root: Path, working: ModelVersion, policy: str) -> str | None:
    """Why the live record of verdicts is not the one this release would seal, or None.

    A release seals the record as the engine makes it from the rules released; a live record
    left behind (found: released without ``make tree-record``) kept every later build saying
    "changes not yet released", and each release after it sealed the same guidance again, so
    the editor never reviewed what staff are told. A policy with no record yet has nothing to
    review against: the release writes its first one (see :func:`release`)."""
    expected = sealed_records(working, policy).get(RECORD_NAME)
    live = live_record(root, policy)
    if expected is None or not live.is_file() or live.read_text(encoding="utf-8") == expected:
        return None
    return (
        f"{live.relative_to(root).as_posix()}:1: the record of every verdict is not what the guidance "
        "rules give now: run make tree-record and review the change first (git diff quizzes/ shows "
        "what staff would be told otherwise), then release"
    )


def change_label(change: dict[str, Any]) -> str:
    """ "4.2 -> 4.3" for a clause that moved (an editor knows it by the number it had), else its number."""
    old, new = change.get("old"), change.get("new")
    if old and new and old != new:
        return f"{old} -> {new}"
    return str(new or old)


def referring_clauses(told: list[str], policy: str) -> list[str]:
    """The build's notices of other policies' clauses that refer to ``policy``'s changed clauses,
    as "file:line: clause 2.1 of the Code of conduct refers to {clause}`social-media:4.4`"."""
    found = []
    for line in told:
        where, _, message = line.partition(": notice: ")
        # With its "~" as written (the notice quotes the reference as the editor wrote it).
        if message and re.search(rf"refers to \{{clause\}}`~?{re.escape(policy)}:", message):
            found.append(f"{where}: {message.split(', and ', 1)[0]}")
    return found


def release(
    root: Path, policy: str, version: str, effective: str, editorial: set[str], today: dt.date
) -> int:
    paths = Paths(root.resolve())
    try:
        done = check_new_release(paths.handbook, policy, version, effective)
    except ReleaseError as error:
        print(f"error: {error}. Nothing was released.", file=sys.stderr)
        return 1
    print(f"Checking the sources of {policy} before releasing version {version}...")
    told: list[str] = []
    if build(paths.root, publish_site=False, quiet=True, told=told) != 0:
        print("error: fix the problems above first. Nothing was released.", file=sys.stderr)
        return 1
    moved = [line.partition(": notice: ")[0] for line in moved_citation_notices(told, policy)]
    if moved:
        # Found: released anyway, the guidance quoted, under the old numbers, other clauses.
        print(
            f"error: the guidance cites {len(moved)} clause number(s) that now name other clauses "
            f"({', '.join(moved)}; each is told above): cite each clause by its number now. "
            "Nothing was released.",
            file=sys.stderr,
        )
        return 1
    folder = f"{policy}/{DRAFT}"  # a first version too: before its first release a policy is a draft
    model = read_model(paths.root)
    working = model.version(folder)
    if working is None:
        print(
            f"error: the build made no version of {policy} to release. Nothing was released.", file=sys.stderr
        )
        return 1
    stale = stale_record(paths.root, working, policy)
    if stale:
        print(f"error: {stale}. Nothing was released.", file=sys.stderr)
        return 1
    new = model_clauses(working)
    changes: list[dict[str, Any]] = []
    followed: set[str] = set()  # clauses whose only change is a reference's new number
    if done:
        last = done[-1]
        used = {identity for r in done for identity in r.identities.values()}
        released_last = model.version(f"{policy}/{last.version}")
        assert released_last is not None
        comparison = compare(model_clauses(released_last), new, last.identities, used, version)
        numbers = {c.number for c in comparison.changes}
        unknown = sorted(editorial - numbers)
        if unknown:
            print(
                f"error: EDITORIAL names {', '.join(unknown)}, which did not change "
                f"(changed: {', '.join(sorted(numbers)) or 'none'}). Nothing was released.",
                file=sys.stderr,
            )
            return 1
        identities = dict(comparison.identities)
        for c in comparison.changes:
            # A clause that only moved says nothing new: its number changed, not its words. Nor
            # does one whose only change is a reference given the new number of the clause it meant.
            follows = c.kind == "changed" and only_references_moved(
                c.old_text, c.new_text, last.identities, comparison.identities
            )
            nature = (
                "editorial" if c.number in editorial or c.kind == "renumbered" or follows else "substantive"
            )
            changes.append(
                {"kind": c.kind, "old": c.old, "new": c.new, "identity": c.identity, "nature": nature}
            )
            if follows:
                followed.add(c.number)
    else:
        identities = {c.number: c.number for c in new}
    sealed = sealed_records(working, policy)
    target = freeze(
        paths.handbook,
        policy,
        version,
        effective,
        identities,
        changes,
        done[-1].version if done else None,
        today,
        recorded_references(working, version),
        sealed,
    )
    live = live_record(paths.root, policy)
    if RECORD_NAME in sealed and not live.is_file():
        # Else the working copy would differ from the release for ever, and show as a draft.
        live.write_text(sealed[RECORD_NAME], encoding="utf-8")
        print(
            f"Wrote {live.relative_to(paths.root).as_posix()}, the record of every verdict as sealed: "
            "commit it"
        )
    print(f"Released {policy} {version}, in force from {effective}: {target.relative_to(paths.root)}")
    for change in changes:
        why = (
            " (only its references changed, to the moved clauses' new numbers)"
            if change["new"] in followed
            else ""
        )
        print(f"  {change['kind']:<10} {change_label(change):<12} {change['nature']}{why}")
    if done and not changes:
        print(
            "  No clause changed in what it says (headings, other text or the guidance did, or a reference "
            "was given the new number of the clause it means)."
        )
    referring = referring_clauses(told, policy)
    if referring:
        print("Clauses of other policies refer to clauses this release changes: check each (and give")
        print("the new number where a clause moved), then release that policy again:")
        for line in referring:
            print(f"  {line}")
    if working.guidance and (paths.root / "tools" / "released_views.py").is_file():
        # The tests compare what readers of each released version's guidance see with a committed
        # digest; make release builds and records it next, a direct run of this command does not.
        # (A policy without guidance has none: found in an editor trial, told to commit nothing.)
        print("Commit tests/fixtures/released-views/ with the release (make release writes it after the")
        print("build; on its own: make html, then .venv/bin/python tools/released_views.py)")
    else:
        print("Now run: make html")
    return 0
