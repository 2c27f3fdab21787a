"""A readable record of every distinct verdict the guidance rules can give, with the answers
that reach it, so a change to the guidance shows up in review as a diff.

Every interview is walked, with each answer to each question, and for a "select all
that apply" question each answer ticked alone (with several ticked, a verdict holds the
rules each tick brings: the record stays small enough to review, as GOV.UK's Smart
Answers advise). One line per verdict, so a diff shows exactly what changed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from clausebook.interactive.interview import Interview
from clausebook.interactive.rules import Question, Rules, edition_of, speaks

RECORD_NAME = "verdicts.md"  # quizzes/<policy>.verdicts.md, and sealed as _guidance/verdicts.md


@dataclass(frozen=True)
class Reached:
    rules: tuple[str, ...]  # the rules of the verdict, in the order shown (empty: no rule applies)
    example: Interview  # the first interview found that reaches it
    count: int  # how many of the walked interviews reach it


def choices(question: Question) -> Iterator[frozenset[str]]:
    if not question.many:
        yield from (frozenset([a.id]) for a in question.answers)
        return
    yield from (frozenset([a.id]) for a in question.answers)


def interviews(guidance: Rules) -> Iterator[Interview]:
    """Every finished interview, answering as :func:`choices` does."""
    pending = [Interview.parse(guidance, "")]
    while pending:
        interview = pending.pop()
        if interview.pending is None:
            yield interview
            continue
        question = interview.pending
        pending.extend(interview.then(chosen) for chosen in reversed(list(choices(question))))


def verdicts(guidance: Rules) -> list[Reached]:
    found: dict[tuple[str, ...], tuple[Interview, int]] = {}
    for interview in interviews(guidance):
        key = tuple(rule.id for rule in interview.verdict())
        example, count = found.get(key, (interview, 0))
        found[key] = (example, count + 1)
    return [Reached(key, example, count) for key, (example, count) in found.items()]


def verdicts_record(guidance: Rules, source: str) -> str:
    reached = sorted(verdicts(guidance), key=lambda item: _strength_key(guidance, item.rules))
    total = sum(item.count for item in reached)
    lines = [
        f"# {guidance.title}: every distinct verdict",
        "",
        f"Generated from `{source}` by `make tree-record`; do not edit by hand.",
        f"{total} interviews walked (each answer to each question; in a 'select all that apply'",
        f"question, each answer alone), {len(reached)} distinct verdicts. Each line gives the rules",
        "that apply, strongest first, with the clauses they cite, then the first answers found that",
        "reach it and how many interviews do.",
        "",
    ]
    by_id = {rule.id: rule for rule in guidance.rules}
    for item in reached:
        parts = [f"{by_id[r].outcome} `{r}` ({', '.join(by_id[r].cites)})" for r in item.rules]
        if not speaks([by_id[r] for r in item.rules], edition_of(guidance)):  # the honest no-rule verdict
            parts.insert(0, f"no rule applies ({', '.join(guidance.no_rule.cites)})")
        verdict = "; ".join(parts)
        answers = "; ".join(
            f"{question.id}: {','.join(sorted(chosen))}" for question, chosen in item.example.asked
        )
        lines.append(f"- {verdict} ← {answers} ×{item.count}")
    lines.append("")
    return "\n".join(lines)


def _strength_key(guidance: Rules, rules: tuple[str, ...]) -> tuple[object, ...]:
    from clausebook.interactive.rules import STRENGTH

    by_id = {rule.id: rule for rule in guidance.rules}
    return tuple((STRENGTH[by_id[r].outcome], r) for r in rules) or ((99, ""),)
