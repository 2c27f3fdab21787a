"""What a reader of a released version sees, as one digest committed beside the tests.

The sealed record of verdicts (verdicts.md) names only each verdict's rules, their outcomes and
cites, and walks each 'select all that apply' answer alone: an engine change to what a page
shows (a citation dropped, a quiz scored otherwise, ticks that no longer combine) passes it.
So every view the engine returns for a released version is rendered here from its sealed bundle:
each step of every walked interview, a fixed sample of interviews with several ticks, and the
quiz result for each single choice, for all answers right and for none. Their digest is
committed per version (tests/fixtures/released-views/<policy>-<version>.sha256) and the tests
compare it: the engine is code, and code that changes a released version's guidance must be a
new edition (clausebook.interactive.rules.EDITIONS) that keeps the old behaviour for old ones.
"""

from __future__ import annotations

import functools
import hashlib
import json
import random
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from clausebook.interactive.interview import Interview, valid
from clausebook.interactive.rules import Question, Rules
from clausebook.interactive.views import Guidance
from clausebook.modelfile import read_model

FOLDER = Path("tests") / "fixtures" / "released-views"
SAMPLED = 300  # interviews with several ticks: enough to meet every pair of ticks often
ADVICE = (
    "A released version's guidance would change: its readers would see other verdicts, citations "
    "or quiz results than the ones it was released with. If the change is meant for new versions "
    "only, make it a new engine edition (clausebook.interactive.rules EDITIONS) and keep the old "
    "behaviour for older editions"
)


def _several(rng: random.Random, question: Question) -> frozenset[str]:
    ordinary = [a.id for a in question.answers if not a.exclusive]
    if len(ordinary) < 2:
        return frozenset([rng.choice([a.id for a in question.answers])])
    return frozenset(rng.sample(ordinary, rng.randint(2, len(ordinary))))


def walked_interviews(rules: Rules) -> Iterator[Interview]:
    """Every finished interview with one tick at each question (not the record's own walk:
    how the record walks may change without changing what a reader sees)."""
    pending = [Interview.parse(rules, "")]
    while pending:
        interview = pending.pop()
        if (question := interview.pending) is None:
            yield interview
            continue
        pending.extend(interview.then(frozenset([answer.id])) for answer in question.answers)


def sampled_interviews(rules: Rules, seed: str, count: int = SAMPLED) -> Iterator[Interview]:
    """``count`` finished interviews, the same every run for one seed, ticking several answers
    wherever a question allows it (the record walks each tick alone)."""
    rng = random.Random(seed)  # a str seed is hashed with SHA-512: the same on every Python
    for _ in range(count):
        interview = Interview.parse(rules, "")
        while (question := interview.pending) is not None:
            if question.many:
                chosen = _several(rng, question)
            else:
                chosen = frozenset([rng.choice(question.answers).id])
            assert valid(question, chosen)
            interview = interview.then(chosen)
        yield interview


def _steps(interview: Interview) -> Iterator[str]:
    """The address of each page of an interview: every question asked, then the verdict."""
    done = interview.asked
    for end in range(len(done) + 1):
        yield ";".join(f"{q.id}:{','.join(sorted(chosen))}" for q, chosen in done[:end])


def reader_views(bundle: Mapping[str, Any], seed: str) -> Iterator[tuple[str, Any]]:
    """Each (what was asked, the view the engine gives), in a fixed order."""
    guidance = Guidance.from_bundle(bundle)
    if guidance.rules is not None:
        walks: set[str] = set()
        for interview in (*walked_interviews(guidance.rules), *sampled_interviews(guidance.rules, seed)):
            walks.update(_steps(interview))
        for walk in sorted(walks):
            yield f"tree {walk}", guidance.tree_view(walk)
    if guidance.quiz is not None:
        questions = guidance.quiz.questions
        yield "quiz none", guidance.quiz_result({})
        yield "quiz all right", guidance.quiz_result({q.id: q.answer for q in questions})
        for question in questions:
            for choice in range(len(question.choices)):
                yield f"quiz {question.id}={choice}", guidance.quiz_result({question.id: choice})


def views_digest(bundle: Mapping[str, Any], seed: str) -> str:
    digest = hashlib.sha256()
    for asked, view in reader_views(bundle, seed):
        digest.update(json.dumps([asked, view], sort_keys=True, ensure_ascii=False).encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()


@dataclass(frozen=True, eq=False)
class ReleasedViews:
    """One released version's views now, and the digest committed for them."""

    policy: str
    version: str
    bundle: Mapping[str, Any]  # its sealed guidance, as the build gives it to the page
    file: Path  # where the digest released is committed

    @functools.cached_property
    def digest(self) -> str:
        """Of the views the engine gives now (computed when asked: a large guidance takes seconds)."""
        return views_digest(self.bundle, f"{self.policy} {self.version}")

    @property
    def committed(self) -> str | None:
        return self.file.read_text(encoding="utf-8").split()[0] if self.file.is_file() else None


def digest_file(root: Path, policy: str, version: str) -> Path:
    return root / FOLDER / f"{policy}-{version}.sha256"


def released_views(root: Path, model_root: Path | None = None) -> list[ReleasedViews]:
    """Every released version with guidance in the handbook ``model_root`` built (default ``root``),
    with the digest file under ``root``."""
    found = []
    for policy in read_model(model_root or root).policies:
        for version in policy.versions:
            if version.status == "draft" or not version.guidance:
                continue
            found.append(
                ReleasedViews(
                    policy.id,
                    version.version,
                    version.guidance,
                    digest_file(root, policy.id, version.version),
                )
            )
    return found


def write_missing(root: Path, model_root: Path | None = None) -> list[ReleasedViews]:
    """Write the digest of each released version that has none yet; never rewrite one (a
    committed digest is what its readers were shown). Returns those written."""
    written = []
    for item in released_views(root, model_root):
        if item.committed is None:
            item.file.parent.mkdir(parents=True, exist_ok=True)
            item.file.write_text(
                f"{item.digest}  what readers of {item.policy} {item.version} see (never edit)\n",
                encoding="utf-8",
            )
            written.append(item)
    return written
