"""The guidance engine in CPython against the shared test vectors (the same run in Pyodide under Node)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from clausebook.interactive.views import Guidance

VECTORS = json.loads((Path(__file__).parent / "vectors" / "social-media.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def guidance(site: Path) -> Guidance:
    manifest = json.loads((site / "clausebook.json").read_text(encoding="utf-8"))
    policy = next(p for p in manifest["policies"] if p["id"] == VECTORS["policy"])
    bundle = site / Path(policy["tree"]).parent / "guidance.json"
    return Guidance.from_json(bundle.read_text(encoding="utf-8"))


def walk(guidance: Guidance, labels: list[str]) -> dict[str, Any]:
    view = guidance.tree_view("")
    for label in labels:
        chosen = next((a for a in view.get("answers", []) if a["label"] == label), None)
        assert chosen is not None, f"{label!r} is not an answer to {view.get('question')!r}"
        view = guidance.tree_view(chosen["walk"])
    return view


@pytest.mark.parametrize("vector", VECTORS["walks"], ids=lambda v: v["name"])
def test_walk_reaches_its_verdict(guidance: Guidance, vector: dict[str, Any]) -> None:
    view = walk(guidance, vector["answers"])
    assert view["node"] == vector["verdict"]
    assert view["verdict"]["kind"] == vector["kind"]
    assert [c["number"] for c in view["verdict"]["clauses"]] == vector["clauses"]
    for clause in view["verdict"]["clauses"]:
        assert clause["text"] and "#" in clause["url"]


def test_walk_in_the_address_reopens_the_same_step(guidance: Guidance) -> None:
    verdict = walk(guidance, VECTORS["walks"][3]["answers"])
    again = guidance.tree_view(verdict["walk"])
    assert again == verdict
    assert guidance.tree_view(verdict["back"])["node"] != verdict["node"]


@pytest.mark.parametrize("address", ["9", "0-99", "x", "0--1", "0-0-0-0-0-0-0-0-0-0"])
def test_a_broken_address_starts_again(guidance: Guidance, address: str) -> None:
    assert guidance.tree_view(address)["node"] == guidance.tree_view("")["node"]


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
    clauses = json.loads((site / "social-media" / "1.0" / "clauses.json").read_text(encoding="utf-8"))
    assert sections >= {c["section"] for c in clauses["clauses"]} | {"3"}
