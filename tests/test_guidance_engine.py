"""The guidance engine's own rules: the record of verdicts, random interviews, and what validation refuses."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clausebook.commands.records import expected_records
from clausebook.interactive.guidance import CITATION, CONDITION, UNREAD, GuidanceError, load_quiz
from clausebook.interactive.interview import Interview, valid
from clausebook.interactive.record import choices, interviews
from clausebook.interactive.rules import DEFAULT_NO_RULE_TEXT, STRENGTH, describe, load_rules
from clausebook.interactive.views import Guidance
from conftest import REPO, working_folder


def test_committed_record_of_every_path_is_up_to_date(built_handbook: Path) -> None:
    for path, text in expected_records(built_handbook).items():
        committed = REPO / path.relative_to(built_handbook)
        assert committed.is_file(), f"{committed.name} is missing: run make tree-record"
        assert committed.read_text(encoding="utf-8") == text, (
            f"the guidance changed but {committed.name} was not regenerated: "
            "run make tree-record and review the diff"
        )


@pytest.fixture(scope="module")
def guidance(site: Path) -> Guidance:
    bundle = working_folder(site, "social-media") / "guidance.json"
    return Guidance.from_json(bundle.read_text(encoding="utf-8"))


@settings(max_examples=300, deadline=None)
@given(
    choices=st.lists(st.lists(st.integers(min_value=0, max_value=20), min_size=1, max_size=3), max_size=30)
)
def test_every_random_interview_ends_in_a_verdict_of_rules_that_apply(
    guidance: Guidance, choices: list[list[int]]
) -> None:
    assert guidance.rules is not None
    interview = Interview.parse(guidance.rules, "")
    for picks in [*choices, *[[0]] * 30]:
        question = interview.pending
        if question is None:
            break
        chosen = frozenset(question.answers[i % len(question.answers)].id for i in picks)
        if not valid(question, chosen):
            chosen = frozenset([question.answers[picks[0] % len(question.answers)].id])
        interview = interview.answer(question.id, chosen)
    assert interview.finished
    rules = interview.verdict()
    assert [STRENGTH[r.outcome] for r in rules] == sorted(STRENGTH[r.outcome] for r in rules)
    assert all(number in guidance.clauses for rule in rules for number in rule.cites)
    assert len(interview.asked) <= len(guidance.rules.questions)
    # The address gives back the same interview.
    assert Interview.parse(guidance.rules, interview.encode()).verdict() == rules


def test_no_question_is_asked_that_cannot_change_the_verdict(guidance: Guidance) -> None:
    """At each step of a sample of interviews, two answers to the question asked can lead to
    different verdicts, given the answers before it (every later question answered each way, one
    answer at a time: an answer is told apart by the verdicts it can still lead to). Judged from the
    answers before it, not after: where two facts matter only together (a personal profile, changed
    in working hours), the one asked first may turn out not to matter once the second is known."""
    assert guidance.rules is not None
    rules = guidance.rules

    seen: dict[frozenset[tuple[str, frozenset[str]]], frozenset[tuple[str, ...]]] = {}

    def finish(given: dict[str, frozenset[str]]) -> frozenset[tuple[str, ...]]:
        key = frozenset(given.items())
        if key not in seen:
            interview = Interview.replay(rules, given)
            question = interview.pending
            seen[key] = (
                frozenset([tuple(r.id for r in interview.verdict())])
                if question is None
                else frozenset().union(
                    *(finish({**given, question.id: frozenset([answer.id])}) for answer in question.answers)
                )
            )
        return seen[key]

    sample = list(interviews(rules))[::25]
    assert len(sample) > 40
    for finished in sample:
        for step, (question, _) in enumerate(finished.asked):
            given = dict((q.id, a) for q, a in finished.asked[:step])
            outcomes = {finish({**given, question.id: chosen}) for chosen in choices(question)}
            assert len(outcomes) > 1, f"'{question.id}' was asked but no answer to it changes the verdict"


def test_every_ticked_answer_tells_apart_from_none_of_these_wherever_it_is_asked(guidance: Guidance) -> None:
    """In a 'select all that apply' question, each answer ticked alone can lead somewhere "None of
    these" cannot, at every point the question is asked: an answer that no rule reads on some path
    leaves a reader who ticks it with a verdict that ignores it (found by the sixth careful reading:
    a logo about to be added to a profile, a take-down request for a message to a pupil). Notes
    do not count: a note alone would hide such a gap."""
    assert guidance.rules is not None
    # Deliberately the same: a post for work that gives the school's view is what a work post
    # is; approved-work-post says to give views only as far as authorised (4.3).
    same_on_purpose = {("content", "opinion", "activity:post;capacity:job")}

    def verdicts(interview: Interview) -> frozenset[tuple[str, ...]]:
        if interview.pending is None:
            # A note beside the verdict is not a reading of the answer (the 1.2 note is
            # given for any content at all): only the rules that make the verdict count.
            return frozenset([tuple(rule.id for rule in interview.verdict() if rule.outcome != "note")])
        answers = interview.pending.answers
        return frozenset().union(*(verdicts(interview.then(frozenset([a.id]))) for a in answers))

    unread: list[str] = []

    def walk(interview: Interview) -> None:
        question = interview.pending
        if question is None:
            return
        nothing = next((a.id for a in question.answers if a.exclusive), None)
        if question.many and nothing is not None:
            baseline = verdicts(interview.then(frozenset([nothing])))
            path = interview.encode()
            for answer in question.answers:
                steps = path.split(";")
                if answer.exclusive or any(
                    (question.id, answer.id) == (q, a) and all(part in steps for part in where.split(";"))
                    for q, a, where in same_on_purpose
                ):
                    continue
                if verdicts(interview.then(frozenset([answer.id]))) == baseline:
                    unread.append(f"{question.id}: {answer.id} after {path}")
        for answer in question.answers:
            walk(interview.then(frozenset([answer.id])))

    walk(Interview.replay(guidance.rules, {}))
    assert not unread, "\n".join(unread[:20])


# ---- validation of rules files ---------------------------------------------------------

CLAUSES = {"1.1": {}, "1.2": {}, "2.1": {}}


def rules_file(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "T",
        "questions": [
            {
                "id": "who",
                "fact": "Who",
                "question": "Who?",
                "answers": [{"id": "a", "label": "A"}, {"id": "b", "label": "B"}],
            },
            {
                "id": "what",
                "fact": "What",
                "question": "What?",
                "select": "all",
                "answers": [
                    {"id": "x", "label": "X"},
                    {"id": "y", "label": "Y"},
                    {"id": "none", "label": "None", "exclusive": True},
                ],
            },
        ],
        "rules": [
            {
                "id": "r1",
                "cites": ["1.1"],
                "when": {"who": "a", "what": "x"},
                "outcome": "must-not",
                "title": "t",
                "text": "t",
            },
            {
                "id": "r2",
                "cites": ["1.2"],
                "when": {"any": [{"who": "b"}, {"what": ["y"]}]},
                "outcome": "care",
                "title": "t",
                "text": "t",
            },
        ],
    }
    data.update(changes)
    return data


def kinds(data: dict[str, Any]) -> list[tuple[str, str, str]]:
    with pytest.raises(GuidanceError) as raised:
        load_rules(data, CLAUSES)
    return [(".".join(map(str, p.path)), p.kind, p.message) for p in raised.value.problems]


def test_a_valid_rules_file_loads_and_decides() -> None:
    rules = load_rules(rules_file(), CLAUSES)
    interview = Interview.parse(rules, "who:a;what:x,y")
    assert [r.id for r in interview.verdict()] == ["r1", "r2"]
    assert Interview.parse(rules, "who:b").finished  # 'what' can no longer change the verdict


def test_notes_alone_give_the_honest_no_rule_verdict_with_the_notes_beside_it() -> None:
    """A note only adds to a verdict: when nothing but notes applies, the page shows the file's
    own "the policy does not speak to this" verdict and its clauses, then the notes."""
    data = rules_file()
    data["rules"][1]["outcome"] = "note"
    data["no_rule"] = {"title": "Nothing here fits", "text": "Ask the office.", "cites": ["1.1"]}
    bundle = {
        "policy": "p",
        "version": "1",
        "clauses": {n: {"label": n, "text": f"words of {n}", "url": f"p.html#{n}"} for n in CLAUSES},
        "rules": data,
    }
    guidance = Guidance.from_bundle(bundle)
    verdict = guidance.tree_view("who:b")["verdict"]  # only the note r2 applies
    assert (verdict["outcome"], verdict["title"], verdict["text"]) == (
        "none",
        "Nothing here fits",
        "Ask the office.",
    )
    assert [c["number"] for c in verdict["clauses"]] == ["1.1"]
    assert [(g["outcome"], [r["rule"] for r in g["rules"]]) for g in verdict["groups"]] == [("note", ["r2"])]
    # With a rule of its own, the verdict is that rule's, the note beside it, and no no-rule text.
    verdict = guidance.tree_view("who:a;what:x,y")["verdict"]
    assert verdict["outcome"] == "must-not" and "text" not in verdict
    assert [g["outcome"] for g in verdict["groups"]] == ["must-not", "note"]
    # A file that words no no-rule verdict of its own gets the generic one, no policy's words.
    del data["no_rule"]
    generic = Guidance.from_bundle(bundle | {"rules": data}).tree_view("who:b")["verdict"]
    assert (generic["outcome"], generic["text"], generic["clauses"]) == ("none", DEFAULT_NO_RULE_TEXT, [])


def test_the_checklist_brackets_a_group_within_a_group_from_edition_3() -> None:
    """Read flat, "either who is A; or what includes X; and who is B" leaves the reader to guess
    which "and" binds; a released version keeps the wording of the edition it was released with."""
    data = rules_file()
    data["rules"][1]["when"] = {"all": [{"any": [{"who": "a"}, {"what": ["x"]}]}, {"what": ["y"]}]}
    rules = load_rules(data, CLAUSES)
    condition = rules.rules[1].when
    assert describe(rules, condition) == "(either who is “A”; or what includes “X”); and what includes “Y”"
    flat = "either who is “A”; or what includes “X”; and what includes “Y”"
    assert describe(dataclasses.replace(rules, edition=2), condition) == flat


def test_rules_file_mistakes_are_named_with_their_path_and_kind() -> None:
    data = rules_file()
    data["rules"][0]["when"] = {"whom": "a"}
    data["rules"][1]["when"] = {"who": "c"}
    data["rules"].append(
        {"id": "r3", "cites": ["9.9"], "when": {"what": "x"}, "outcome": "maybe", "title": "t", "text": "t"}
    )
    data["rules"].append(
        {"id": "r4", "cites": [], "when": {"what": "x"}, "outcome": "do", "title": "t", "text": "t"}
    )
    found = kinds(data)
    assert (
        "rules.0.when.whom",
        CONDITION,
        "'whom' is not the id of a question (questions: who, what)",
    ) in found
    assert ("rules.1.when.who", CONDITION, "'c' is not an answer to 'who' (its answers: a, b)") in found
    assert any(path == "rules.2.cites.0" and kind == CITATION for path, kind, _ in found)
    assert any(path == "rules.2.outcome" for path, _, _ in found)
    assert any(path == "rules.3.cites" and kind == CITATION for path, kind, _ in found)


def test_a_condition_that_can_never_hold_is_refused() -> None:
    data = rules_file()
    data["rules"][0]["when"] = {"all": [{"who": "a"}, {"who": "b"}]}
    data["rules"][1]["when"] = {"all": [{"what": "none"}, {"what": "x"}]}
    found = kinds(data)
    assert [(p, k) for p, k, _ in found] == [("rules.0.when", CONDITION), ("rules.1.when", CONDITION)]


def test_a_question_no_rule_reads_is_refused() -> None:
    data = rules_file()
    data["questions"].append(
        {
            "id": "idle",
            "fact": "I",
            "question": "?",
            "answers": [{"id": "a", "label": "A"}, {"id": "b", "label": "B"}],
        }
    )
    assert [(p, k) for p, k, _ in kinds(data)] == [("questions.2.id", UNREAD)]


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


def test_a_clause_number_with_a_space_is_told_so() -> None:
    """Found: "clause 4.6  does not exist", the space unseen."""
    assert problems(load_quiz, {"title": "Q", "questions": [question("a", True, False, cites=["1.1 "])]}) == [
        "questions.0.cites.0: '1.1 ' has a space before or after the number: write \"1.1\""
    ]
    assert problems(load_rules, rules_file(not_covered=[{"clause": " 1.1", "reason": "r"}])) == [
        "not_covered.0.clause: ' 1.1' has a space before or after the number: write \"1.1\""
    ]


def test_a_misspelt_field_is_refused_by_name_with_the_fields_it_may_be() -> None:
    quiz = {"title": "Q", "questions": [question("a", False, False)], "intro ": "i"}
    quiz["questions"][0]["choices"][1] = {"label": "c1", "corect": True}
    assert problems(load_quiz, quiz) == [
        "intro : 'intro ' is not a field here: use policy, title, intro or questions",
        "questions.0.choices.1.corect: 'corect' is not a field here: use label or correct",
    ]  # and no follow-on "no choice is marked 'correct: true'": the typo may be that mark
    rules = rules_file(no_rule={"titel": "t"}, not_covered=[{"clause": "1.1", "reasons": "r"}])
    rules["questions"][0]["hnit"] = "h"
    rules["questions"][0]["answers"][0]["exclusiv"] = True
    rules["rules"][0]["outcomes"] = "do"
    rules["rules"][1]["under_review"] = True  # the build's own mark, never refused
    assert [(path, message.split(":")[0]) for path, _, message in kinds(rules)] == [
        ("questions.0.hnit", "'hnit' is not a field here"),
        ("questions.0.answers.0.exclusiv", "'exclusiv' is not a field here"),
        ("rules.0.outcomes", "'outcomes' is not a field here"),
        ("no_rule.titel", "'titel' is not a field here"),
        ("not_covered.0.reasons", "'reasons' is not a field here"),
        ("not_covered.0.reason", "'reason' is missing"),
    ]
    assert "use id, cites, when, outcome, title or text" in kinds(rules)[2][2]


def test_no_rule_written_as_one_line_is_refused_with_its_format() -> None:
    (found,) = problems(load_rules, rules_file(no_rule="The policy does not say"))
    assert found.startswith("no_rule: 'no_rule' must be a set of fields, each on a line of its own")
    assert "handbook/editors.md" in found


def test_a_question_with_two_right_answers_is_refused() -> None:
    assert (
        "mark exactly one" in problems(load_quiz, {"title": "Q", "questions": [question("a", True, True)]})[0]
    )


def test_bundle_in_the_site_is_what_the_engine_reads(site: Path) -> None:
    folder = working_folder(site, "social-media")
    bundle = json.loads((folder / "guidance.json").read_text(encoding="utf-8"))
    clauses = json.loads((folder / "clauses.json").read_text(encoding="utf-8"))
    by_number = {c["number"]: c["text"] for c in clauses["clauses"]}
    for number, cited in bundle["clauses"].items():
        if number in by_number:  # a clause: its words come from the one parse
            assert cited["text"] == by_number[number]
        else:  # a section without clauses
            assert cited["label"] == f"Section {number}" and cited["text"]


@pytest.mark.parametrize("kind", ["quiz", "rules"])
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


@pytest.mark.parametrize(
    ("kind", "where", "engine"),
    [
        ("quiz", (), "QUIZ_FIELDS"),
        ("quiz", ("questions",), "QUESTION_FIELDS"),
        ("quiz", ("questions", "choices"), "CHOICE_FIELDS"),
        ("rules", (), "RULES_FIELDS"),
        ("rules", ("questions",), "QUESTION_FIELDS"),
        ("rules", ("questions", "answers"), "ANSWER_FIELDS"),
        ("rules", ("rules",), "RULE_FIELDS"),
        ("rules", ("no_rule",), "NO_RULE_FIELDS"),
        ("rules", ("not_covered",), "NOT_COVERED_FIELDS"),
    ],
)
def test_schema_offers_exactly_the_engines_fields(kind: str, where: tuple[str, ...], engine: str) -> None:
    """Found: quiz.schema.json offered a per-question 'pins' field that the engine refuses, so
    an editor's YAML tools accepted a file the build then failed on."""
    from clausebook.interactive import guidance as quiz_engine
    from clausebook.interactive import rules as rules_engine

    schema = json.loads((REPO / "quizzes" / "schema" / f"{kind}.schema.json").read_text(encoding="utf-8"))

    def resolve(node: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in node:
            node = schema["$defs"][node["$ref"].rsplit("/", 1)[1]]
        return node

    node = resolve(schema)
    for step in where:
        node = resolve(node["properties"][step])
        node = resolve(node.get("items", node))
    fields = getattr(rules_engine if kind == "rules" else quiz_engine, engine)
    assert set(node["properties"]) == set(fields)


def test_not_covered_written_as_a_mapping_is_refused_with_the_list_format() -> None:
    (found,) = problems(load_rules, rules_file(not_covered={"clause": "1.1", "reason": "It says why."}))
    assert found.startswith("not_covered: 'not_covered' must be a list with at least one item, each")
    assert "with '- ' under 'not_covered:'" in found and "handbook/editors.md" in found
