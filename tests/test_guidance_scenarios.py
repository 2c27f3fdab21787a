"""The policy's scenarios (quizzes/<policy>.scenarios.yaml) through the engine in CPython, answering
each question the engine asks as the person in the scenario would; the same file runs in Pyodide
under Node and in Chromium (tests/pyodide/, tests/browser/)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from clausebook.interactive.scenarios import cited, problems, walk
from clausebook.interactive.views import Guidance
from conftest import REPO, working_folder

SCENARIOS = yaml.safe_load((REPO / "quizzes" / "social-media.scenarios.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def guidance(site: Path) -> Guidance:
    bundle = working_folder(site, SCENARIOS["policy"]) / "guidance.json"
    return Guidance.from_json(bundle.read_text(encoding="utf-8"))


def interview(guidance: Guidance, answers: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Answer every question the engine asks from ``answers`` (as ``make scenarios`` does)."""
    view, asked, problems = walk(guidance, answers)
    assert not problems, problems
    return view, asked


@pytest.mark.parametrize("scenario", SCENARIOS["scenarios"], ids=lambda s: s["name"])
def test_scenario_reaches_what_a_careful_reader_would(guidance: Guidance, scenario: dict[str, Any]) -> None:
    assert problems(guidance, scenario) == []
    view, _asked = interview(guidance, scenario["answers"])
    for group in view["verdict"]["groups"]:
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


def test_make_scenarios_tells_a_wrong_scenario_with_its_file_and_line(handbook: Path) -> None:
    """Attack: scenarios.yaml was never checked by the build or a command; a new policy's editor
    had no way to learn that a scenario of theirs no longer reaches what it says."""
    path = handbook / "quizzes" / "social-media.scenarios.yaml"
    text = path.read_text(encoding="utf-8")
    name = "tweet during a lesson"
    start = text.index(f"  - name: {name}\n")
    line = text[:start].count("\n") + 1
    scenario = text[start : text.index("\n\n", start)]
    wrong = scenario.replace("outcome: must-not", "outcome: care").replace("when: working", "wen: working")
    path.write_text(text.replace(scenario, wrong), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "clausebook", "--root", str(handbook), "scenarios"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1
    where = f"quizzes/social-media.scenarios.yaml:{line}: error: scenario {name!r}: "
    assert f"{where}the engine asks 'when' (When would you do it?), which the scenario does not answer" in (
        done.stderr
    ), done.stderr
    assert f"social-media: {len(SCENARIOS['scenarios']) - 1} of {len(SCENARIOS['scenarios'])}" in done.stdout
    path.write_text(
        text.replace(scenario, scenario.replace("outcome: must-not", "outcome: care")), encoding="utf-8"
    )
    done = subprocess.run(
        [sys.executable, "-m", "clausebook", "--root", str(handbook), "scenarios"],
        capture_output=True,
        text=True,
    )
    assert f"{where}the verdict is 'must-not', and the scenario expects 'care'" in done.stderr, done.stderr


LESSON = {"role": "employee", "activity": "post", "capacity": "personal", "when": "working", "device": "own"}


@pytest.mark.parametrize(
    ("change", "says"),
    [
        # Attack: each of these passed, the check silently off, or crashed with a traceback.
        ({"must-not-cite": ["3"]}, "a scenario has no field must-not-cite"),
        ({"must_not_cite": "3"}, 'must_not_cite: give a list of clause numbers, like ["4.4"]'),
        ({"must_cite": 3}, 'must_cite: give a list of clause numbers, like ["4.4"]'),
        ({"must_cite": [7.1]}, 'must_cite: write each clause number in quotes, like ["7.1"]'),
        ({"must_not_cite": ["9.9"]}, "must_not_cite: 9.9 is not a clause of this version of the policy"),
        ({"outcome": "maybe"}, "outcome: 'maybe' is not one of"),
        (
            {"answers": {**LESSON, "capacity": ["personal", "job"]}},
            "capacity takes one answer: give one, not 2",
        ),
        ({"answers": {**LESSON, "content": []}}, "content: give an answer"),
        (
            {"answers": {**LESSON, "content": ["none", "logo"]}},
            "content: none cannot be ticked with other answers",
        ),
    ],
)
def test_a_scenario_written_wrong_is_told_what_to_mend(
    guidance: Guidance, change: dict[str, Any], says: str
) -> None:
    scenario = {
        "name": "a lesson",
        "answers": {**LESSON, "content": ["none"]},
        "outcome": "must-not",
        **change,
    }
    found = problems(guidance, scenario)
    assert any(problem.startswith(says) for problem in found), found
