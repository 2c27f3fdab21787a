"""The policy's scenarios (quizzes/<policy>.scenarios.yaml) through the engine in CPython, answering
each question the engine asks as the person in the scenario would; the same file runs in Pyodide
under Node and in Chromium (tests/pyodide/, tests/browser/)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from clausebook.interactive.views import Guidance
from conftest import REPO, working_folder

SCENARIOS = yaml.safe_load((REPO / "quizzes" / "social-media.scenarios.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def guidance(site: Path) -> Guidance:
    bundle = working_folder(site, SCENARIOS["policy"]) / "guidance.json"
    return Guidance.from_json(bundle.read_text(encoding="utf-8"))


def interview(guidance: Guidance, answers: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Answer every question the engine asks from ``answers``; the verdict and the questions asked."""
    view = guidance.tree_view("")
    asked = []
    while "question" in view:
        question = view["question"]
        assert question["id"] in answers, f"the scenario does not say how to answer {question['id']!r}"
        asked.append(question["id"])
        given = answers[question["id"]]
        part = f"{question['id']}:{','.join(given if isinstance(given, list) else [given])}"
        view = guidance.tree_view(f"{question['prefix']};{part}" if question["prefix"] else part)
        assert len(asked) < 50
    return view, asked


def cited(verdict: dict[str, Any]) -> set[str]:
    """Every clause the verdict quotes: the honest no-rule verdict's own, and its rules' (notes
    may stand beside the no-rule verdict)."""
    own = {c["number"] for c in verdict.get("clauses", [])}
    return own | {
        c["number"] for group in verdict["groups"] for rule in group["rules"] for c in rule["clauses"]
    }


@pytest.mark.parametrize("scenario", SCENARIOS["scenarios"], ids=lambda s: s["name"])
def test_scenario_reaches_what_a_careful_reader_would(guidance: Guidance, scenario: dict[str, Any]) -> None:
    view, asked = interview(guidance, scenario["answers"])
    verdict = view["verdict"]
    assert verdict["outcome"] == scenario["outcome"]
    assert set(scenario["must_cite"]) <= cited(verdict)
    assert not set(scenario["must_not_cite"]) & cited(verdict)
    assert set(asked) == set(scenario["answers"]), "every answer the scenario gives is asked for"
    for group in verdict["groups"]:
        for rule in group["rules"]:
            assert rule["clauses"] and all(c["text"] and "#" in c["url"] for c in rule["clauses"])


def test_scenarios_cover_what_the_issue_lists() -> None:
    scenarios = SCENARIOS["scenarios"]
    assert len(scenarios) >= 30
    assert all(s["situation"].count(". ") == 0 and s["situation"].endswith(".") for s in scenarios), (
        "one sentence"
    )
    roles = {s["answers"]["role"] for s in scenarios}
    # Every group in 1.3, and someone it does not name (a governor, a trustee).
    assert roles == {"employee", "consultant", "volunteer", "agency", "other"}
    kinds = {s["answers"].get("reference-for") for s in scenarios}
    assert {"school", "own", "unsure"} <= kinds  # on the school's behalf (2.2, 2.3) or not, or not sure
    alone = [s for s in scenarios if s["outcome"] == "none" and s["answers"]["role"] != "employee"]
    assert alone and all({"6.4", "1.3"} <= set(s["must_cite"]) for s in alone)  # a note never stands alone
    cites = {n for s in scenarios for n in s["must_cite"]}
    assert {"2.2", "2.3", "3", "4.4", "5.2", "8.2", "6.5", "6.4"} <= cites
    activities = {s["answers"]["activity"] for s in scenarios}
    assert {"post", "profile", "reference", "enquiry", "seen", "takedown"} <= activities
    whens = {s["answers"].get("when") for s in scenarios}
    assert {"working", "break", "off-duty"} <= whens


def test_a_change_keeps_the_other_answers(guidance: Guidance) -> None:
    scenario = next(s for s in SCENARIOS["scenarios"] if s["name"] == "a recipe in the evening")
    verdict, _ = interview(guidance, scenario["answers"])
    row = next(a for a in verdict["answers"] if a["question"] == "when")
    asked = guidance.tree_view(row["change"])
    assert asked["question"]["id"] == "when"
    assert [a["id"] for a in asked["question"]["answers"] if a["checked"]] == ["off-duty"]
    changed = guidance.tree_view(f"{asked['question']['prefix']};when:working")
    assert changed["verdict"]["outcome"] == "must-not"  # straight back to a verdict: nothing asked again
    assert [a["question"] for a in changed["answers"]] == [a["question"] for a in verdict["answers"]]


def test_back_and_the_address(guidance: Guidance) -> None:
    scenario = SCENARIOS["scenarios"][0]
    verdict, asked = interview(guidance, scenario["answers"])
    assert guidance.tree_view(verdict["walk"]) == verdict
    back = guidance.tree_view(verdict["back"])
    assert back["question"]["id"] == asked[-1]


@pytest.mark.parametrize(
    "address", ["x", "role", "role:nobody", "role:employee,volunteer", ";;;", "content:none,logo", "ask:role"]
)
def test_a_broken_address_asks_from_the_first_question(guidance: Guidance, address: str) -> None:
    assert guidance.tree_view(address)["question"]["id"] == guidance.tree_view("")["question"]["id"]


@pytest.mark.parametrize("scenario", SCENARIOS["scenarios"], ids=lambda s: s["name"])
def test_every_group_in_1_3_reaches_the_same_rules(guidance: Guidance, scenario: dict[str, Any]) -> None:
    """1.3 covers employees, consultants, volunteers and agency workers alike: whoever of them is
    in the situation reaches the same outcome and clauses, with 1.3's note beside them (found: a
    volunteer asked by a parent to take down a photo of pupils got no rule at all)."""
    seen = set()
    for role in ("employee", "consultant", "volunteer", "agency"):
        view, _ = interview(guidance, {**scenario["answers"], "role": role})
        verdict = view["verdict"]
        seen.add((verdict["outcome"], frozenset(cited(verdict) - {"1.3"})))
        assert ("1.3" in cited(verdict)) == (role != "employee")
    assert len(seen) == 1, seen
