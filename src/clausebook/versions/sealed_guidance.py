"""A released version's guidance keeps the verdicts it was released with.

Its rules are sealed as data, but the engine that reads them is code, and a change to what
the engine tells a reader would change the verdicts of every sealed version. So a release
seals the record of every verdict, as the engine gave it then, and the engine edition it was
read with; this reads each sealed version again, with its edition, and compares.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

from clausebook.interactive.record import RECORD_NAME, verdicts_record
from clausebook.interactive.views import Guidance
from clausebook.modelfile import read_model
from clausebook.versions.releases import GUIDANCE, versions_folder


@dataclass(frozen=True)
class ChangedVerdict:
    """A sealed verdict the engine no longer gives."""

    record: Path  # the sealed record of every verdict
    line: int
    sealed: str  # the line as released ("" if the engine gives a verdict the record lacks)
    now: str  # the line as the engine gives it now ("" if it no longer gives it)

    @property
    def message(self) -> str:
        return (
            f"this released version's guidance would change. Released: {self.sealed or '(nothing)'!r}; "
            f"now: {self.now or '(nothing)'!r}. A change to what the engine says must be a new edition "
            "(clausebook.interactive.rules.EDITIONS)"
        )

    def __str__(self) -> str:
        return f"{self.record}:{self.line}: {self.message}"


def sealed_records(root: Path) -> list[tuple[Path, str]]:
    """Each released version's sealed record, with the record the engine gives it now."""
    found = []
    for policy in read_model(root).policies:
        for version in policy.versions:
            record = versions_folder(root / "handbook", policy.id) / version.version / GUIDANCE / RECORD_NAME
            if version.status == "draft" or not record.is_file() or not version.guidance:
                continue
            rules = Guidance.from_bundle(version.guidance).rules
            if rules is not None:
                found.append((record, verdicts_record(rules, f"quizzes/{policy.id}.rules.yaml")))
    return found


SHOWN = 3  # the differences a refusal quotes: the rest is counted (found: 328 errors for one change)


def summary(changed: list[ChangedVerdict]) -> str:
    """One refusal for a version whose verdicts changed: how many lines, the first few quoted."""
    quoted = "; ".join(
        f"line {c.line}: released {_short(c.sealed)}, now {_short(c.now)}" for c in changed[:SHOWN]
    )
    more = f"; and {len(changed) - SHOWN} more" if len(changed) > SHOWN else ""
    lines = "line differs" if len(changed) == 1 else "lines differ"
    return (
        f"this released version's guidance would change: {len(changed)} {lines} from its sealed "
        f"record of verdicts ({quoted}{more}). The engine's code (src/clausebook/interactive/) now "
        "tells a reader otherwise: a change to what the engine says must be a new edition "
        "(clausebook.interactive.rules.EDITIONS), never a change to an old one"
    )


def _short(line: str, most: int = 120) -> str:
    if not line:
        return "(nothing)"
    return repr(line if len(line) <= most else line[: most - 1] + "…")


def changed_verdicts(root: Path) -> list[ChangedVerdict]:
    return [
        change
        for record, now in sealed_records(root)
        for change in differences(record.relative_to(root), record.read_text(encoding="utf-8"), now)
    ]


def differences(record: Path, sealed_text: str, now: str) -> list[ChangedVerdict]:
    """Each line of a sealed record the engine now gives otherwise, at the sealed line."""
    sealed, given = sealed_text.splitlines(), now.splitlines()
    changed = []
    matcher = difflib.SequenceMatcher(a=sealed, b=given, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        old, new = sealed[i1:i2], given[j1:j2]
        for k in range(max(len(old), len(new))):
            changed.append(
                ChangedVerdict(
                    record,
                    i1 + min(k, len(old)) + 1,
                    old[k] if k < len(old) else "",
                    new[k] if k < len(new) else "",
                )
            )
    return changed
