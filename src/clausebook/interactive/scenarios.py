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
FIELDS = ("name", "situation", "answers", "outcome", "must_cite", "must_not_cite")


def _answer_problem(question: Mapping[str, Any], chosen: list[str]) -> str:
    """Why ``chosen`` cannot answer ``question`` ("" if it can)."""
    known = [a["id"] for a in question["answers"]]
    unknown = [a for a in chosen if a not in known]
    alone = sorted(set(chosen) & {a["id"] for a in question["answers"] if a.get("exclusive")})
    if unknown:
        return f"{question['id']}: {', '.join(unknown)} is not one of its answers ({', '.join(known)})"
    if not chosen:
        return f"{question['id']}: give an answer"
    if question.get("select") != "all" and len(chosen) > 1:
        return f"{question['id']} takes one answer: give one, not {len(chosen)}"
    if len(chosen) > 1 and alone:
        return f"{question['id']}: {', '.join(alone)} cannot be ticked with other answers"
    return ""


def walk(guidance: Guidance, answers: Mapping[str, Any]) -> tuple[dict[str, Any], list[str], list[str]]:
    """The view the answers lead to, the questions asked, and the problems met on the way."""
    view = guidance.tree_view("")
    asked: list[str] = []
    while "question" in view and len(asked) < MAX_QUESTIONS:
        question = view["question"]
        if question["id"] not in answers:
            problem = (
                f"the engine asks {question['id']!r} ({question['text']}), which the "
                f"scenario does not answer: add {question['id']}: to its answers"
            )
            return view, asked, [problem]
        given = answers[question["id"]]
        chosen = [str(a) for a in given] if isinstance(given, list) else [str(given)]
        problem = _answer_problem(question, chosen)
        if problem:
            return view, asked, [problem]
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


def _numbers(guidance: Guidance, scenario: Mapping[str, Any], key: str) -> list[str]:
    """What is wrong with the scenario's list of clause numbers ``key``."""
    given = scenario.get(key)
    if given is None:
        return []
    if not isinstance(given, list):
        return [f'{key}: give a list of clause numbers, like ["4.4"]']
    found = []
    for number in given:
        if not isinstance(number, str):
            # YAML reads 7.10 as the number 7.1: only a quoted number is the clause meant.
            found.append(f'{key}: write each clause number in quotes, like ["{number}"]')
        elif number not in guidance.clauses:
            found.append(f"{key}: {number} is not a clause of this version of the policy")
    return found


def problems(guidance: Guidance, scenario: Mapping[str, Any]) -> list[str]:
    """What is wrong with the scenario, or with its verdict (empty: it reaches what it says)."""
    missing = [key for key in ("name", "answers", "outcome") if key not in scenario]
    if missing:
        return [f"give the scenario its {', '.join(missing)}"]
    unknown = [str(key) for key in scenario if key not in FIELDS]
    if unknown:
        return [f"a scenario has no field {', '.join(unknown)} (it has: {', '.join(FIELDS)})"]
    answers = scenario["answers"]
    if not isinstance(answers, Mapping):
        return ["answers: give each question's answer as question: answer"]
    found = [
        problem for key in ("must_cite", "must_not_cite") for problem in _numbers(guidance, scenario, key)
    ]
    outcomes = {*(guidance.rules.outcomes if guidance.rules else {}), "none"}
    if scenario["outcome"] not in outcomes:
        found.append(f"outcome: {scenario['outcome']!r} is not one of {', '.join(sorted(outcomes))}")
    if found:
        return found
    view, asked, found = walk(guidance, answers)
    if found:
        return found
    verdict = view["verdict"]
    outcome = verdict.get("outcome") or "none"
    if outcome != scenario["outcome"]:
        found.append(f"the verdict is {outcome!r}, and the scenario expects {scenario['outcome']!r}")
    quoted = cited(verdict)
    lacking = [n for n in scenario.get("must_cite") or [] if n not in quoted]
    if lacking:
        found.append(f"the verdict does not cite {', '.join(lacking)}, which the scenario says it must")
    extra = [n for n in scenario.get("must_not_cite") or [] if n in quoted]
    if extra:
        found.append(f"the verdict cites {', '.join(extra)}, which the scenario says it must not")
    unasked = [str(q) for q in answers if q not in asked]
    if unasked:
        found.append(
            f"the engine never asks {', '.join(unasked)}: take those answers out, or check the answers "
            "before them"
        )
    return found
