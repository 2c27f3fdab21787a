"""Versions of a policy: what changed between two, which clause is which, which was in force when.

No Sphinx here: clauses come in as (number, text) pairs from a build's
``clauses.json``, so the one parse of the sources stays the only one.

A clause keeps an identity across versions, as Akoma Ntoso keeps a provision's
original id: the number it had when it first appeared. Renumbering moves the
number, not the identity, so the permanent "current version of 4.4" link can
say "4.4 is 4.5 since version 1.1".
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from clausebook.model import plain_text

SIMILAR = 0.6  # below this, a removed and an added clause are two clauses, not one amended
WORD = re.compile(r"\S+")


@dataclass(frozen=True)
class VersionClause:
    number: str
    text: str


@dataclass(frozen=True)
class Change:
    """One clause that differs between two versions."""

    kind: str  # "changed", "added", "removed" or "renumbered"
    old: str | None  # its number before (None when added)
    new: str | None  # its number after (None when removed)
    identity: str
    old_text: str = ""
    new_text: str = ""

    @property
    def number(self) -> str:
        """The number an editor knows it by: the new one, or the old one if removed."""
        return self.new or self.old or ""

    @property
    def renumbered(self) -> bool:
        return self.old is not None and self.new is not None and self.old != self.new


@dataclass(frozen=True)
class Comparison:
    changes: tuple[Change, ...]
    identities: Mapping[str, str] = field(default_factory=dict)  # new number -> identity


def normalise(text: str) -> str:
    """Whitespace never counts as a change."""
    return " ".join(plain_text(text).split())


def number_key(number: str) -> tuple[int, ...]:
    return tuple(int(part) for part in number.split(".") if part.isdigit())


def compare(
    old: Sequence[VersionClause],
    new: Sequence[VersionClause],
    old_identities: Mapping[str, str] | None = None,
    used_identities: set[str] | None = None,
    version: str = "",
) -> Comparison:
    """The clauses that changed from ``old`` to ``new``, and the identity of every new clause.

    Matching goes from surest to least sure: the same words (perhaps moved), then the
    same number, then similar words; what is left was removed or added.
    """
    old_identities = old_identities or {c.number: c.number for c in old}
    used = set(used_identities or ()) | set(old_identities.values())
    pairs: dict[str, str] = {}  # new number -> old number
    left_old = list(old)
    left_new = list(new)

    def pair(o: VersionClause, n: VersionClause) -> None:
        pairs[n.number] = o.number
        left_old.remove(o)
        left_new.remove(n)

    for n in list(left_new):  # the same words
        o = next((o for o in left_old if normalise(o.text) == normalise(n.text)), None)
        if o is not None:
            pair(o, n)
    for n in list(left_new):  # the same number, amended
        o = next((o for o in left_old if o.number == n.number), None)
        if o is not None:
            pair(o, n)
    scored = sorted(
        (
            (
                difflib.SequenceMatcher(None, normalise(o.text).split(), normalise(n.text).split()).ratio(),
                o,
                n,
            )
            for o in left_old
            for n in left_new
        ),
        key=lambda item: -item[0],
    )
    for ratio, o, n in scored:  # similar words, moved
        if ratio >= SIMILAR and o in left_old and n in left_new:
            pair(o, n)

    by_old = {c.number: c for c in old}
    identities: dict[str, str] = {}
    changes: list[Change] = []
    for n in new:
        if n.number in pairs:
            o = by_old[pairs[n.number]]
            identity = old_identities.get(o.number, o.number)
            identities[n.number] = identity
            same_words = normalise(o.text) == normalise(n.text)
            if same_words and o.number == n.number:
                continue
            kind = "renumbered" if same_words else "changed"
            changes.append(Change(kind, o.number, n.number, identity, o.text, n.text))
        else:
            identity = n.number if n.number not in used else f"{n.number}~{version or 'new'}"
            used.add(identity)
            identities[n.number] = identity
            changes.append(Change("added", None, n.number, identity, "", n.text))
    for o in left_old:
        changes.append(Change("removed", o.number, None, old_identities.get(o.number, o.number), o.text, ""))
    changes.sort(key=lambda c: number_key(c.number))
    return Comparison(tuple(changes), identities)


# A clause number in a clause's words: "4.4", "2.1.3" (a sentence's full stop after it is not part of it).
NUMBER_IN_TEXT = re.compile(r"(?<![\w.])(\d+(?:\.\d+)+)(?!\w)")


def only_references_moved(
    old_text: str, new_text: str, old_identities: Mapping[str, str], new_identities: Mapping[str, str]
) -> bool:
    """Whether the only words that differ are clause numbers, each naming the same clause as before:
    a reference that followed a renumbering says nothing new (found: it was released as a
    substantive change). Each number is read as one of this policy's clauses."""
    old_parts = NUMBER_IN_TEXT.split(normalise(old_text))
    new_parts = NUMBER_IN_TEXT.split(normalise(new_text))
    if len(old_parts) != len(new_parts):
        return False
    moved = False
    for index, (before, after) in enumerate(zip(old_parts, new_parts, strict=True)):
        if before == after:
            continue
        if index % 2 == 0:  # words, not a number
            return False
        identity = old_identities.get(before)
        if identity is None or new_identities.get(after) != identity:
            return False
        moved = True
    return moved


def redline(old: str, new: str) -> list[tuple[str, str]]:
    """Word by word: ("equal" | "delete" | "insert", text)."""
    a, b = normalise(old).split(), normalise(new).split()
    parts: list[tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag in ("equal", "delete", "replace") and i2 > i1:
            parts.append(("equal" if tag == "equal" else "delete", " ".join(a[i1:i2])))
        if tag in ("insert", "replace") and j2 > j1:
            parts.append(("insert", " ".join(b[j1:j2])))
    return parts


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


# The one definition of a version number, for the front matter and for make release alike: two
# numbers with a dot, neither with a leading zero (found: 01.1 and 1.1.1.1 were accepted, and
# 01.1 sorts as 1.1, a second number for one version).
VERSION = re.compile(r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$")


@dataclass(frozen=True)
class Period:
    version: str
    start: dt.date
    end: dt.date | None  # the day before the next version came in; None while in force


def periods(versions: Sequence[tuple[str, str]]) -> list[Period]:
    """When each version was in force, from (version, effective date) pairs."""
    ordered = sorted(((dt.date.fromisoformat(e), version_key(v), v) for v, e in versions))
    result = []
    for index, (start, _key, version) in enumerate(ordered):
        following = ordered[index + 1][0] if index + 1 < len(ordered) else None
        end = following - dt.timedelta(days=1) if following else None
        if end is None or end >= start:
            result.append(Period(version, start, end))
    return result


def in_force(versions: Sequence[tuple[str, str]], day: dt.date) -> str | None:
    """The version in force on ``day``, or None before the first came into force."""
    for period in periods(versions):
        if period.start <= day and (period.end is None or day <= period.end):
            return period.version
    return None
