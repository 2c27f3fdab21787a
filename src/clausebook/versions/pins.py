"""Pins: the words each guidance item was written against, so an amendment can hold it back.

``quizzes/<policy>.pins.json`` maps each item (``quiz:<id>``, ``rule:<id>``) to the
clauses it cites, each with the fingerprints of the words it has been confirmed
against. A fingerprint, not the words: clause text is never copied into quizzes/.
When a version's clause has words no pin lists, the item is held back from that
version until an editor checks it and runs ``make pins``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from clausebook.versions.comparison import normalise

Pins = dict[str, dict[str, list[str]]]


def fingerprint(text: str) -> str:
    return hashlib.sha256(normalise(text).encode("utf-8")).hexdigest()[:16]


def pins_path(quizzes: Path, policy: str) -> Path:
    return quizzes / f"{policy}.pins.json"


def load(path: Path) -> Pins:
    data = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    return {key: value for key, value in data.items() if not key.startswith("_")}


def cited(item: Mapping[str, Any]) -> list[str]:
    """The clause numbers an item cites, where written right: the loader refuses the rest by line
    (a bare 1.1 is a number, and 1.10 would read as 1.1)."""
    value = item.get("cites")
    if isinstance(value, str):
        return [value]
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def items(quiz: Mapping[str, Any] | None, rules: Mapping[str, Any] | None) -> list[tuple[str, list[str]]]:
    """Every pinnable item of the guidance data: (key, the clause numbers it cites)."""
    found = []
    for question in (quiz or {}).get("questions", []) or []:
        if isinstance(question, Mapping) and question.get("id"):
            found.append((f"quiz:{question['id']}", cited(question)))
    for rule in (rules or {}).get("rules", []) or []:
        if isinstance(rule, Mapping) and rule.get("id"):
            found.append((f"rule:{rule['id']}", cited(rule)))
    return found


def _confirmed(pinned: Mapping[str, list[str]]) -> set[str]:
    return {f for prints in pinned.values() for f in prints}


def changed_since_pinned(key: str, cites: Iterable[str], texts: Mapping[str, str], pins: Pins) -> list[str]:
    """The cited clauses whose words in this version were never confirmed for this item.

    Words confirmed under another number count: a clause that was renumbered, and cited
    by its new number, is the clause the item was checked against.
    """
    pinned = pins.get(key)
    if pinned is None:
        return []  # not pinned yet: nothing to compare with (the build says so)
    confirmed = _confirmed(pinned)
    return [n for n in cites if n in texts and fingerprint(texts[n]) not in confirmed]


def moved_citations(key: str, cites: Iterable[str], texts: Mapping[str, str], pins: Pins) -> dict[str, str]:
    """Cited number -> the number its confirmed words have now, for clauses that were renumbered
    (a renumbering is not a change of words: the citation moves, nothing needs re-checking)."""
    pinned = pins.get(key) or {}
    moved = {}
    for number in cites:
        prints = set(pinned.get(number, []))
        if not prints or (number in texts and fingerprint(texts[number]) in prints):
            continue
        now = next((other for other, text in texts.items() if fingerprint(text) in prints), None)
        if now is not None and now != number:
            moved[number] = now
    return moved


def confirm(
    pins: Pins, found: Iterable[tuple[str, list[str]]], texts: Mapping[str, str], only: set[str]
) -> list[str]:
    """Record the current words for unpinned items and for the items in ``only``; return those updated."""
    updated = []
    for key, cites in found:
        if key in pins and key not in only:
            continue
        record = pins.setdefault(key, {})
        for number in cites:
            if number in texts:
                prints = record.setdefault(number, [])
                if fingerprint(texts[number]) not in prints:
                    prints.append(fingerprint(texts[number]))
        updated.append(key)
    return updated


def drop_stale(pins: Pins, found: Iterable[tuple[str, list[str]]], texts: Mapping[str, str]) -> list[str]:
    """Drop the pins nothing needs any more, and say which: those of items that are gone, and of
    clauses an item no longer cites (found: 'break-time' kept a 6.4 pin after it stopped citing
    6.4, so the pins claimed a check the item no longer rests on).

    A pin under a number the item no longer cites stays while its words are those of a clause
    the item does cite: that clause was renumbered, and the pin is what confirms it.
    """
    cites = {key: set(numbers) for key, numbers in found}
    dropped = []
    for key in sorted(pins):
        if key not in cites:
            del pins[key]
            dropped.append(f"{key} (no such item now)")
            continue
        current = {fingerprint(texts[n]) for n in cites[key] if n in texts}
        for number in [n for n in pins[key] if n not in cites[key]]:
            if not current & set(pins[key][number]):
                del pins[key][number]
                dropped.append(f"{key}: {number} (no longer cited)")
    return dropped


def save(path: Path, pins: Pins) -> None:
    header = {
        "_note": "Written by 'make pins' (Clausebook): "
        "the clause words each guidance item was checked against."
    }
    path.write_text(json.dumps({**header, **dict(sorted(pins.items()))}, indent=1) + "\n", encoding="utf-8")


def moved_citation_notices(told: list[str], policy: str) -> list[str]:
    """The build's notices that ``policy``'s guidance cites a clause by a number that now names
    another clause, or none ("quizzes/social-media.rules.yaml:972: notice: citation moved: ...").
    A release and a pinning refuse while there are any."""
    return [
        line
        for line in told
        if line.startswith(f"quizzes/{policy}.") and ": notice: citation moved: " in line
    ]
