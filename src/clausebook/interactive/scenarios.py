"""A scenario of ``quizzes/<policy>.scenarios.yaml`` put to the engine as the person in it would
answer: each question the engine asks is answered from the scenario's ``answers``, and the verdict
is held to the scenario's ``outcome``, ``must_cite`` and ``must_not_cite``.

The same walk runs in CPython (``make scenarios``, the tests) and in Pyodide; only the standard
library is used. Problems are sentences an editor can act on, not assertions.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from clausebook.interactive.views import Guidance

MAX_QUESTIONS = 50  # more than any interview asks: a scenario that loops is refused, not run forever


def walk(guidance: Guidance, answers: Mapping[str, Any]) -> tuple[dict[str, Any], list[str], list[str]]:
    """The view the answers lead to, the questions asked, and the problems met on the way."""
    view = guidance.tree_view("")
    asked: list[str] = []
    while "question" in view and len(asked) < MAX_QUESTIONS:
        question = view["question"]
        if question["id"] not in answers:
            return (
                view,
                asked,
                [
                    f"the engine asks {question['id']!r} ({question['text']}), which the "
                    f"scenario does not answer: add {question['id']}: to its answers"
                ],
            )
        given = answers[question["id"]]
        chosen = [str(a) for a in given] if isinstance(given, list) else [str(given)]
        known = [a["id"] for a in question["answers"]]
        unknown = [a for a in chosen if a not in known]
        if unknown:
            return (
                view,
                asked,
                [f"{question['id']}: {', '.join(unknown)} is not one of its answers ({', '.join(known)})"],
            )
        asked.append(question["id"])
        part = f"{question['id']}:{','.join(chosen)}"
        view = guidance.tree_view(f"{question['prefix']};{part}" if question["prefix"] else part)
    if "question" in view:
        return view, asked, [f"the engine was still asking after {MAX_QUESTIONS} questions"]
    return view, asked, []


def cited(verdict: Mapping[str, Any]) -> set[str]:
    """Every clause the verdict quotes: the honest no-rule verdict's own, and its rules'."""
    own = {c["number"] for c in verdict.get("clauses", [])}
    return own | {
        c["number"] for group in verdict["groups"] for rule in group["rules"] for c in rule["clauses"]
    }


def problems(guidance: Guidance, scenario: Mapping[str, Any]) -> list[str]:
    """What is wrong with the scenario's verdict (empty: it reaches what the scenario says)."""
    missing = [key for key in ("name", "answers", "outcome") if key not in scenario]
    if missing:
        return [f"give the scenario its {', '.join(missing)}"]
    answers = scenario["answers"]
    if not isinstance(answers, Mapping):
        return ["answers: give each question's answer as question: answer"]
    view, asked, found = walk(guidance, answers)
    if found:
        return found
    verdict = view["verdict"]
    outcome = verdict.get("outcome") or "none"
    if outcome != scenario["outcome"]:
        found.append(f"the verdict is {outcome!r}, and the scenario expects {scenario['outcome']!r}")
    quoted = cited(verdict)
    lacking = [n for n in scenario.get("must_cite") or [] if str(n) not in quoted]
    if lacking:
        found.append(
            f"the verdict does not cite {', '.join(map(str, lacking))}, which the scenario says it must"
        )
    extra = [n for n in scenario.get("must_not_cite") or [] if str(n) in quoted]
    if extra:
        found.append(f"the verdict cites {', '.join(map(str, extra))}, which the scenario says it must not")
    unasked = [q for q in answers if q not in asked]
    if unasked:
        found.append(
            f"the engine never asks {', '.join(unasked)}: take those answers out, or check the answers "
            "before them"
        )
    return found
