"""The quiz in CPython against the shared test vectors (the same run in Pyodide under Node and Chromium)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from clausebook.interactive.views import Guidance
from conftest import working_folder

VECTORS = json.loads((Path(__file__).parent / "vectors" / "social-media.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def guidance(site: Path) -> Guidance:
    bundle = working_folder(site, VECTORS["policy"]) / "guidance.json"
    return Guidance.from_json(bundle.read_text(encoding="utf-8"))


def answers_of(guidance: Guidance, answers: Any) -> dict[str, Any]:
    if answers == "all-correct":
        assert guidance.quiz is not None
        return {q.id: q.answer for q in guidance.quiz.questions}
    return dict(answers)


@pytest.mark.parametrize("vector", VECTORS["answer_sets"], ids=lambda v: v["name"])
def test_answer_set_scores(guidance: Guidance, vector: dict[str, Any]) -> None:
    result = guidance.quiz_result(answers_of(guidance, vector["answers"]))
    assert result["correct"] == vector["correct"]
    assert result["summary"] == f"{vector['correct']} out of {result['total']}"
    for item in result["results"]:
        assert item["explanation"] and item["clauses"]


def test_quiz_spans_every_section(guidance: Guidance, site: Path) -> None:
    assert guidance.quiz is not None and len(guidance.quiz.questions) >= 10
    sections = {number.split(".")[0] for q in guidance.quiz.questions for number in q.cites}
    clauses = json.loads(
        (working_folder(site, VECTORS["policy"]) / "clauses.json").read_text(encoding="utf-8")
    )
    assert sections >= {c["section"] for c in clauses["clauses"]} | {"3"}


def test_quiz_tests_every_clause_that_tells_staff_what_to_do(guidance: Guidance, site: Path) -> None:
    assert guidance.quiz is not None
    tested = {number for q in guidance.quiz.questions for number in q.cites}
    clauses = json.loads(
        (working_folder(site, VECTORS["policy"]) / "clauses.json").read_text(encoding="utf-8")
    )
    telling = {
        c["number"]
        for c in clauses["clauses"]
        if re.search(r"\b(must|should|never|prohibited|advised)\b", c["text"])
    }
    assert len(telling) >= 15
    assert telling | {"3"} <= tested, sorted(telling | {"3"} - tested)
