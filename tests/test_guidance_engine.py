"""The guidance engine's own rules: the record of paths, random walks, and what validation refuses."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clausebook.interactive.guidance import GuidanceError, load_quiz, load_tree, paths
from clausebook.interactive.views import Guidance
from clausebook.interactive.walk import Walk
from clausebook.records import expected_records
from conftest import REPO


def test_committed_record_of_every_path_is_up_to_date(built_handbook: Path) -> None:
    for path, text in expected_records(built_handbook).items():
        committed = REPO / path.relative_to(built_handbook)
        assert committed.is_file(), f"{committed.name} is missing: run make tree-record"
        assert committed.read_text(encoding="utf-8") == text, (
            f"the tree changed but {committed.name} was not regenerated: "
            "run make tree-record and review the diff"
        )


@pytest.fixture(scope="module")
def guidance(site: Path) -> Guidance:
    bundle = site / "social-media" / "1.0" / "guidance.json"
    return Guidance.from_json(bundle.read_text(encoding="utf-8"))


@settings(max_examples=300, deadline=None)
@given(choices=st.lists(st.integers(min_value=0, max_value=20), max_size=30))
def test_every_random_walk_ends_in_a_verdict_citing_existing_clauses(
    guidance: Guidance, choices: list[int]
) -> None:
    assert guidance.tree is not None
    walk = Walk(guidance.tree)
    for choice in choices:
        if walk.finished:
            break
        walk = walk.answer(choice % len(walk.node.answers))
    while not walk.finished:  # finish the walk on the first answers
        walk = walk.answer(0)
    verdict = walk.node.verdict
    assert verdict is not None and verdict.cites
    assert all(number in guidance.clauses for number in verdict.cites)
    assert len(walk.answers) <= len(guidance.tree.nodes)


# ---- validation on generated trees -----------------------------------------------------

CLAUSES = {"1.1": {}, "1.2": {}, "2.1": {}}


@st.composite
def random_trees(draw: st.DrawFn) -> dict[str, Any]:
    """Trees whose answers point anywhere: some valid, some looping, some with unreachable nodes."""
    count = draw(st.integers(min_value=1, max_value=8))
    ids = [f"n{i}" for i in range(count)]
    nodes = []
    for node_id in ids:
        if draw(st.booleans()):
            nodes.append(
                {
                    "id": node_id,
                    "verdict": {"kind": "ok", "text": "t", "cites": [draw(st.sampled_from(list(CLAUSES)))]},
                }
            )
        else:
            targets = draw(st.lists(st.sampled_from(ids), min_size=1, max_size=3, unique=True))
            nodes.append(
                {"id": node_id, "question": "q?", "answers": [{"label": t, "next": t} for t in targets]}
            )
    return {"title": "T", "start": "n0", "nodes": nodes}


@settings(max_examples=400, deadline=None)
@given(data=random_trees())
def test_a_tree_that_validates_has_only_finite_walks_to_verdicts(data: dict[str, Any]) -> None:
    try:
        tree = load_tree(data, CLAUSES)
    except GuidanceError as error:
        assert error.problems  # refused, with reasons
        return
    ends = list(paths(tree))
    assert ends and all(end.verdict is not None for _, end in ends)
    reached = {tree.start} | {tree.node(tree.start).id}
    for chosen, _ in ends:
        walk = Walk(tree, tuple(chosen))
        reached |= {node.id for node in walk.trail}
    assert reached == set(tree.nodes), "every node is on some path"


def problems(load: Any, data: dict[str, Any]) -> list[str]:
    with pytest.raises(GuidanceError) as raised:
        load(data, CLAUSES)
    return [f"{'.'.join(map(str, p.path))}: {p.message}" for p in raised.value.problems]


def question(qid: str, *correct: bool, cites: list[str] | None = None) -> dict[str, Any]:
    return {
        "id": qid,
        "prompt": "?",
        "choices": [{"label": f"c{i}", "correct": c} for i, c in enumerate(correct)],
        "cites": ["1.1"] if cites is None else cites,
        "explanation": "e",
    }


def test_quiz_validation_lists_every_problem_with_its_path() -> None:
    found = problems(
        load_quiz,
        {"title": "Q", "questions": [question("a", False, False), question("a", True, False, cites=["9.9"])]},
    )
    assert found == [
        "questions.0.choices: no choice is marked 'correct: true': mark the right answer",
        "questions.1.id: the id 'a' is used twice: give each item its own id",
        "questions.1.cites.0: clause 9.9 does not exist in this version of the policy: "
        "cite an existing clause",
    ]


def test_a_question_with_two_right_answers_is_refused() -> None:
    assert (
        "mark exactly one" in problems(load_quiz, {"title": "Q", "questions": [question("a", True, True)]})[0]
    )


def test_tree_loop_is_named_with_its_path() -> None:
    data = {
        "title": "T",
        "start": "a",
        "nodes": [
            {
                "id": "a",
                "question": "?",
                "answers": [{"label": "x", "next": "b"}, {"label": "y", "next": "v"}],
            },
            {"id": "b", "question": "?", "answers": [{"label": "x", "next": "a"}]},
            {"id": "v", "verdict": {"kind": "ok", "text": "t", "cites": ["1.1"]}},
        ],
    }
    [found] = problems(load_tree, data)
    assert found.startswith("nodes.1.answers.0.next:") and "a -> b -> a" in found


def test_bundle_in_the_site_is_what_the_engine_reads(site: Path) -> None:
    bundle = json.loads((site / "social-media" / "1.0" / "guidance.json").read_text(encoding="utf-8"))
    clauses = json.loads((site / "social-media" / "1.0" / "clauses.json").read_text(encoding="utf-8"))
    by_number = {c["number"]: c["text"] for c in clauses["clauses"]}
    for number, cited in bundle["clauses"].items():
        if number in by_number:  # a clause: its words come from the one parse
            assert cited["text"] == by_number[number]
        else:  # a section without clauses
            assert cited["label"] == f"Section {number}" and cited["text"]


@pytest.mark.parametrize("kind", ["quiz", "tree"])
def test_guidance_files_match_their_json_schema(kind: str) -> None:
    import jsonschema
    import yaml

    schema = json.loads((REPO / "quizzes" / "schema" / f"{kind}.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    files = sorted((REPO / "quizzes").glob(f"*.{kind}.yaml"))
    assert files
    for path in files:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        jsonschema.validate(data, schema, cls=jsonschema.Draft202012Validator)
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first == f"# yaml-language-server: $schema=schema/{kind}.schema.json"


def test_schema_refuses_an_unquoted_no() -> None:
    import jsonschema

    schema = json.loads((REPO / "quizzes" / "schema" / "quiz.schema.json").read_text(encoding="utf-8"))
    bad = {"policy": "p", "title": "t", "questions": [question("a", True, False)]}
    bad["questions"][0]["choices"][1]["label"] = False
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)
