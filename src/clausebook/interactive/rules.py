"""Guidance as rules tied to clauses: questions establish facts, rules apply clauses to them.

A guidance file holds *questions* (single choice, or "select all that apply") and
*rules*. Each rule names the clauses it applies, a condition on the answers (plain
data: ``all``/``any``/``not`` over ``{question: answer}``), an outcome on a small
fixed scale and its own wording. A verdict is every rule that applies, strongest
outcome first; when none applies, the file's honest "the policy does not speak to
this" verdict. Nothing here knows any policy: the words come from the file.

Standard library only: this module runs in the build (CPython 3.11) and in the
browser (Pyodide). Loading raises :class:`GuidanceError` with every problem, each
with the path of the item, so the build can name the YAML line.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from clausebook.interactive.guidance import (
    CITATION,
    CONDITION,
    UNREAD,
    GuidanceError,
    Path,
    _Reader,
    missing_clause,
)

# The fixed scale, strongest first, with generic headings a guidance file may reword.
OUTCOMES: dict[str, str] = {
    "must-not": "Don't",
    "ask-first": "Ask first",
    "tell": "Tell someone",
    "do": "Do this",
    "care": "You may, with care",
    "note": "Keep in mind",
}
STRENGTH = {kind: rank for rank, kind in enumerate(OUTCOMES)}

ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")

# The fields of each item of a rules file (quizzes/schema/rules.schema.json says the same).
RULES_FIELDS = (
    "policy",
    "title",
    "page",
    "intro",
    "outcomes",
    "no_rule",
    "questions",
    "rules",
    "not_covered",
)
QUESTION_FIELDS = ("id", "fact", "question", "hint", "select", "answers")
ANSWER_FIELDS = ("id", "label", "exclusive")
RULE_FIELDS = ("id", "cites", "when", "outcome", "title", "text")
NO_RULE_FIELDS = ("title", "text", "cites")
NOT_COVERED_FIELDS = ("clause", "reason")

DEFAULT_TITLE = "Should I do this?"
DEFAULT_PAGE = "guidance"
DEFAULT_NO_RULE_TITLE = "The policy does not speak to this directly"
DEFAULT_NO_RULE_TEXT = "If you are unsure, ask your manager before you go ahead."


@dataclass(frozen=True)
class Answer:
    id: str
    label: str
    exclusive: bool = False  # "None of these" or "I'm not sure" in a select-all question


@dataclass(frozen=True)
class Question:
    id: str
    fact: str  # what the answer establishes, in a few words ("Who you are")
    text: str
    hint: str
    many: bool  # "select all that apply"
    answers: tuple[Answer, ...]

    def answer(self, answer_id: str) -> Answer:
        return next(a for a in self.answers if a.id == answer_id)


# A condition, parsed: ("is", question, answer ids) | ("all", parts) | ("any", parts) | ("not", part)
Condition = tuple[Any, ...]


@dataclass(frozen=True)
class Rule:
    id: str
    cites: tuple[str, ...]
    when: Condition
    outcome: str
    title: str
    text: str
    # The policy was amended since this rule was checked: it still applies, showing the
    # clauses as they are now, with a note that its guidance is being reviewed.
    under_review: bool = False


@dataclass(frozen=True)
class NotCovered:
    clause: str
    reason: str


@dataclass(frozen=True)
class NoRule:
    title: str
    text: str
    cites: tuple[str, ...]


@dataclass(frozen=True)
class Rules:
    title: str
    page: str
    intro: str
    outcomes: Mapping[str, str]  # outcome -> heading, every outcome of the scale
    questions: tuple[Question, ...]
    rules: tuple[Rule, ...]
    no_rule: NoRule
    not_covered: tuple[NotCovered, ...]
    edition: int = 0  # the engine edition that reads these rules (see EDITIONS); 0: the newest

    def question(self, question_id: str) -> Question:
        return next(q for q in self.questions if q.id == question_id)


Answers = Mapping[str, frozenset[str]]


# ---- reading ---------------------------------------------------------------------------


def load_rules(data: Mapping[str, Any], clauses: Collection[str]) -> Rules:
    """Guidance rules from plain data, checked against the clause numbers of its policy version."""
    reader = _Reader()
    reader.known(data, (), RULES_FIELDS)
    questions = _read_questions(reader, data)
    by_id = {q.id: q for q in questions}
    seen: dict[str, Path] = {}
    rules = []
    for path, item in reader.items(data, "rules", ()):
        # 'under_review' is the build's, never the editor's: a rule held for review after an amendment.
        reader.known(item, path, RULE_FIELDS, also=("under_review",))
        rule_id = reader.unique_id(item, path, seen)
        _check_id(reader, rule_id, (*path, "id"))
        outcome = reader.text(item, "outcome", path)
        if outcome and outcome not in OUTCOMES:
            reader.fail(
                (*path, "outcome"), f"'{outcome}' is not an outcome: use one of {', '.join(OUTCOMES)}"
            )
        under_review = item.get("under_review") is True
        cites = reader.cites(item, path, clauses, required=not under_review)
        if "when" not in item:
            reader.fail(path, "a rule needs 'when:', the answers under which it applies")
            when: Condition = ("all", ())
        else:
            before = len(reader.problems)
            when = _read_condition(reader, item["when"], (*path, "when"), by_id)
            if len(reader.problems) == before and not _can_hold(when, by_id):
                reader.fail(
                    (*path, "when"),
                    "this condition can never hold, so the rule never applies: check it",
                    CONDITION,
                )
        rules.append(
            Rule(
                rule_id,
                cites,
                when,
                outcome,
                reader.text(item, "title", path),
                reader.text(item, "text", path),
                under_review,
            )
        )
    read = {question for rule in rules for question in _questions_in(rule.when)}
    for index, question in enumerate(questions):
        if question.id and question.id not in read:
            reader.fail(
                ("questions", index, "id"),
                f"no rule reads the answers to '{question.id}': use it in a rule's 'when', or delete it",
                UNREAD,
            )
    outcomes = dict(OUTCOMES)
    headings = data.get("outcomes") or {}
    if not isinstance(headings, Mapping):
        reader.fail(("outcomes",), "'outcomes' must map an outcome to its heading, like must-not: Don't")
        headings = {}
    for kind in headings:
        if kind not in OUTCOMES:
            reader.fail(
                ("outcomes", str(kind)), f"'{kind}' is not an outcome: use one of {', '.join(OUTCOMES)}"
            )
        else:
            outcomes[kind] = reader.text(headings, kind, ("outcomes",))
    no_rule_data = data.get("no_rule") or {}
    if not isinstance(no_rule_data, Mapping):
        reader.fail(
            ("no_rule",),
            "'no_rule' must be a set of fields, each on a line of its own under it and indented: "
            "title:, text: and cites: (see 'How the guidance rules work' in handbook/editors.md)",
        )
        no_rule_data = {}
    else:
        reader.known(no_rule_data, ("no_rule",), NO_RULE_FIELDS)
    no_rule = NoRule(
        reader.text(no_rule_data, "title", ("no_rule",), required=False) or DEFAULT_NO_RULE_TITLE,
        reader.text(no_rule_data, "text", ("no_rule",), required=False) or DEFAULT_NO_RULE_TEXT,
        reader.cites(no_rule_data, ("no_rule",), clauses, required=False),
    )
    not_covered = []
    for path, item in reader.items(data, "not_covered", ()) if "not_covered" in data else ():
        reader.known(item, path, NOT_COVERED_FIELDS)
        number = str(item.get("clause", ""))
        if number not in clauses:
            reader.fail((*path, "clause"), missing_clause(number, "list an existing clause"), CITATION)
        not_covered.append(NotCovered(number, reader.text(item, "reason", path)))
    page = reader.text(data, "page", (), required=False) or DEFAULT_PAGE
    _check_id(reader, page, ("page",), what="page name")
    result = Rules(
        reader.text(data, "title", (), required=False) or DEFAULT_TITLE,
        page,
        reader.text(data, "intro", (), required=False),
        outcomes,
        questions,
        tuple(rules),
        no_rule,
        tuple(not_covered),
    )
    if reader.problems:
        raise GuidanceError(reader.problems)
    return result


def _check_id(reader: _Reader, value: str, path: Path, what: str = "id") -> None:
    if value and not ID.match(value):
        reader.fail(
            path, f"the {what} '{value}' must be lower-case letters, digits and hyphens, like logo-in-profile"
        )


def _read_questions(reader: _Reader, data: Mapping[str, Any]) -> tuple[Question, ...]:
    seen: dict[str, Path] = {}
    questions = []
    for path, item in reader.items(data, "questions", ()):
        reader.known(item, path, QUESTION_FIELDS)
        question_id = reader.unique_id(item, path, seen)
        _check_id(reader, question_id, (*path, "id"))
        select = item.get("select", "one")
        if select not in ("one", "all"):
            reader.fail(
                (*path, "select"), "'select' is 'one' (choose one answer) or 'all' (select all that apply)"
            )
        answers = []
        answer_ids: dict[str, Path] = {}
        for answer_path, answer in reader.items(item, "answers", path):
            reader.known(answer, answer_path, ANSWER_FIELDS)
            answer_id = reader.unique_id(answer, answer_path, answer_ids)
            _check_id(reader, answer_id, (*answer_path, "id"))
            exclusive = answer.get("exclusive", False) is True
            if exclusive and select != "all":
                reader.fail(
                    (*answer_path, "exclusive"),
                    "'exclusive' is for 'select all that apply' questions (an answer like 'None of these')",
                )
            answers.append(Answer(answer_id, reader.text(answer, "label", answer_path), exclusive))
        if 0 < len(answers) < 2:
            reader.fail((*path, "answers"), "give at least two answers")
        questions.append(
            Question(
                question_id,
                reader.text(item, "fact", path),
                reader.text(item, "question", path),
                reader.text(item, "hint", path, required=False),
                select == "all",
                tuple(answers),
            )
        )
    return tuple(questions)


def _read_condition(reader: _Reader, value: Any, path: Path, questions: Mapping[str, Question]) -> Condition:
    if not isinstance(value, Mapping) or not value:
        reader.fail(path, "a condition is a set of fields: all:, any:, not:, or question: answer")
        return ("all", ())
    parts: list[Condition] = []
    for key, inner in value.items():
        here = (*path, str(key))
        if key in ("all", "any"):
            if not isinstance(inner, list) or not inner:
                reader.fail(here, f"'{key}' takes a list of conditions")
                continue
            parts.append(
                (key, tuple(_read_condition(reader, c, (*here, i), questions) for i, c in enumerate(inner)))
            )
        elif key == "not":
            parts.append(("not", _read_condition(reader, inner, here, questions)))
        elif key not in questions:
            known = ", ".join(questions) or "none"
            reader.fail(here, f"'{key}' is not the id of a question (questions: {known})", CONDITION)
        else:
            wanted = inner if isinstance(inner, list) else [inner]
            ids = []
            for index, answer_id in enumerate(wanted):
                if not isinstance(answer_id, str) or answer_id not in {a.id for a in questions[key].answers}:
                    answers = ", ".join(a.id for a in questions[key].answers)
                    reader.fail(
                        (*here, index) if isinstance(inner, list) else here,
                        f"'{answer_id}' is not an answer to '{key}' (its answers: {answers})",
                        CONDITION,
                    )
                else:
                    ids.append(answer_id)
            parts.append(("is", key, frozenset(ids)))
    return parts[0] if len(parts) == 1 else ("all", tuple(parts))


def _questions_in(condition: Condition) -> Iterator[str]:
    if condition[0] == "is":
        yield condition[1]
    elif condition[0] == "not":
        yield from _questions_in(condition[1])
    else:
        for part in condition[1]:
            yield from _questions_in(part)


def _answer_ids_in(condition: Condition, question: str) -> set[str]:
    if condition[0] == "is":
        return set(condition[2]) if condition[1] == question else set()
    if condition[0] == "not":
        return _answer_ids_in(condition[1], question)
    return {a for part in condition[1] for a in _answer_ids_in(part, question)}


# ---- deciding --------------------------------------------------------------------------


def holds(condition: Condition, answers: Answers) -> bool | None:
    """True or False when the answers decide the condition, None while they cannot yet."""
    kind = condition[0]
    if kind == "is":
        given = answers.get(condition[1])
        return None if given is None else bool(given & condition[2])
    if kind == "not":
        inner = holds(condition[1], answers)
        return None if inner is None else not inner
    values = [holds(part, answers) for part in condition[1]]
    if kind == "all":
        return False if False in values else None if None in values else True
    return True if True in values else None if None in values else False


def _possible(question: Question, condition: Condition) -> list[frozenset[str]]:
    """Every answer to ``question`` that ``condition`` can tell apart (one stands for the rest)."""
    mentioned = _answer_ids_in(condition, question.id)
    if not question.many:
        others = [a.id for a in question.answers if a.id not in mentioned][:1]
        return [frozenset([a]) for a in [*sorted(mentioned), *others]]
    plain = [a.id for a in question.answers if not a.exclusive]
    kept = [a for a in plain if a in mentioned] + [a for a in plain if a not in mentioned][:1]
    found = [
        frozenset(chosen) for size in range(1, len(kept) + 1) for chosen in itertools.combinations(kept, size)
    ]
    exclusive = [a.id for a in question.answers if a.exclusive]
    found += [frozenset([a]) for a in exclusive if a in mentioned]
    found += [frozenset([a]) for a in exclusive if a not in mentioned][:1]
    return found


def _completions(
    condition: Condition, answers: Answers, questions: Mapping[str, Question]
) -> Iterator[dict[str, frozenset[str]]]:
    unknown = sorted({q for q in _questions_in(condition) if q not in answers})
    choices = [_possible(questions[q], condition) for q in unknown]
    for combination in itertools.product(*choices):
        yield {**answers, **dict(zip(unknown, combination, strict=True))}


def _can_hold(condition: Condition, questions: Mapping[str, Question]) -> bool:
    return any(holds(condition, filled) for filled in _completions(condition, {}, questions))


@functools.lru_cache(maxsize=1 << 16)
def _names_in(condition: Condition) -> frozenset[str]:
    return frozenset(_questions_in(condition))


def _depends_on_known(
    condition: Condition,
    question: Question,
    known: tuple[tuple[str, frozenset[str]], ...],
    read: tuple[Question, ...],
) -> bool:
    """Whether some answer to ``question`` can still change whether ``condition`` holds, given
    the ``known`` answers to the other questions it reads (``read``)."""
    questions = {q.id: q for q in read}
    for filled in _completions(condition, dict(known) | {question.id: frozenset()}, questions):
        values = {
            holds(condition, {**filled, question.id: value}) for value in _possible(question, condition)
        }
        if len(values) > 1:
            return True
    return False


class _Reading:
    """What one set of rules reads, worked out once: for each question, the rules whose
    condition reads it; for each rule, the questions it reads. Whether a question can still
    change a rule depends only on the answers that rule reads, so the same few cases recur all
    through a walk (and on every tap in the browser): they are remembered here, keyed by
    positions and answers, never by hashing whole conditions (that was most of the time)."""

    def __init__(self, guidance: Rules) -> None:
        by_id = {q.id: q for q in guidance.questions}
        self.guidance = guidance
        self.reads = [tuple(sorted(_names_in(rule.when))) for rule in guidance.rules]
        self.read = [tuple(by_id[n] for n in names) for names in self.reads]
        self.readers: dict[str, list[int]] = {q.id: [] for q in guidance.questions}
        for position, names in enumerate(self.reads):
            for name in names:
                self.readers.setdefault(name, []).append(position)
        self.known: dict[tuple[int, str, tuple[tuple[str, frozenset[str]], ...]], bool] = {}
        self.undecided: dict[tuple[int, tuple[frozenset[str] | None, ...]], bool] = {}
        self.next: dict[tuple[frozenset[str] | None, ...], Question | None] = {}

    def is_open(self, position: int, answers: Answers) -> bool:
        """Whether the answers given cannot yet decide the rule at ``position``."""
        key = (position, tuple(answers.get(n) for n in self.reads[position]))
        found = self.undecided.get(key)
        if found is None:
            found = self.undecided[key] = holds(self.guidance.rules[position].when, answers) is None
        return found

    def depends(self, position: int, question: Question, answers: Answers) -> bool:
        known = tuple((n, answers[n]) for n in self.reads[position] if n in answers and n != question.id)
        key = (position, question.id, known)
        found = self.known.get(key)
        if found is None:
            rule = self.guidance.rules[position]
            found = self.known[key] = _depends_on_known(rule.when, question, known, self.read[position])
        return found


_READINGS: dict[int, _Reading] = {}
REMEMBERED = 1 << 17  # states of interviews kept per set of rules (a walk of every one meets ~10^5)


def _reading(guidance: Rules) -> _Reading:
    # By identity: a Rules is frozen, and hashing it whole costs more than the work saved.
    found = _READINGS.get(id(guidance))
    if found is None or found.guidance is not guidance:
        if len(_READINGS) > 32:
            _READINGS.clear()
        found = _READINGS[id(guidance)] = _Reading(guidance)
    return found


def next_question(guidance: Rules, answers: Answers) -> Question | None:
    """The first question, in the file's order, whose answer can still change the verdict."""
    reading = _reading(guidance)
    # Every page of an interview replays it from the start: each state is worked out once.
    state = tuple(answers.get(q.id) for q in guidance.questions)
    if state in reading.next:
        return reading.next[state]
    found = next(
        (
            question
            for question in guidance.questions
            if question.id not in answers
            and any(
                reading.is_open(position, answers) and reading.depends(position, question, answers)
                for position in reading.readers.get(question.id, ())
            )
        ),
        None,
    )
    if len(reading.next) > REMEMBERED:
        reading.next.clear()
    reading.next[state] = found
    return found


# Each change to what the engine tells a reader, for the same rules and the same answers, is
# a new edition, never a silent change: a release records the edition it was made with, and
# its guidance is read with that edition for ever, so a released version's verdicts never
# change meaning (1.0 was released before notes stopped standing alone).
EDITIONS: dict[int, str] = {
    1: "the rules that apply are the verdict, a note alone included",
    2: "notes alone never make a verdict: the honest no-rule verdict, with the notes beside it",
    3: "the checklist brackets a condition within a condition, so 'either ... or ...; and ...' reads one way",
}
EDITION = max(EDITIONS)

# Outcomes that only add to a verdict: a note never stands alone as one (found: a volunteer
# whose only applying rule said "the policy covers you" was told nothing to do, not even 6.4).
ADDS_ONLY = frozenset({"note"})


def edition_of(guidance: Rules) -> int:
    return guidance.edition or EDITION


def speaks(rules: Collection[Rule], edition: int = EDITION) -> bool:
    """Whether the rules that apply make a verdict. From edition 2, notes alone do not, and
    then the guidance gives its honest "the policy does not speak to this" verdict, with the
    notes beside it."""
    if edition < 2:
        return bool(rules)
    return any(rule.outcome not in ADDS_ONLY for rule in rules)


def applying(guidance: Rules, answers: Answers) -> list[Rule]:
    """Every rule that applies, strongest outcome first (the file's order within an outcome)."""
    found = [rule for rule in guidance.rules if holds(rule.when, answers) is True]
    return sorted(found, key=lambda rule: STRENGTH[rule.outcome])


# ---- describing a condition in words (the checklist and the editors' page) -------------


def describe(guidance: Rules, condition: Condition, nested: bool = False) -> str:
    """A condition in plain words: 'who you are is "A volunteer"; and what you did includes ...'.

    From edition 3 a group within a group is bracketed: read flat, "either a; or b; and c"
    could mean that c applies to b alone (found by the fifth careful reading)."""
    kind = condition[0]
    if kind == "is":
        question = guidance.question(condition[1])
        labels = [a.label for a in question.answers if a.id in condition[2]]
        joined = labels[0] if len(labels) == 1 else " or ".join(f"“{label}”" for label in labels)
        if len(labels) == 1:
            joined = f"“{joined}”"
        verb = "includes" if question.many else "is"
        # Read after "If" or "when", so the fact starts in lower case ("If who you are is ...").
        return f"{question.fact[:1].lower()}{question.fact[1:]} {verb} {joined}"
    if kind == "not":
        return f"not ({describe(guidance, condition[1])})"
    words = [describe(guidance, part, nested=True) for part in condition[1]]
    if len(words) == 1:
        return words[0]
    joiner = "; and " if kind == "all" else "; or "
    text = joiner.join(words)
    text = text if kind == "all" else f"either {text}"
    return f"({text})" if nested and edition_of(guidance) >= 3 else text


def cited(guidance: Rules) -> list[str]:
    numbers: dict[str, None] = {}
    for rule in guidance.rules:
        numbers.update(dict.fromkeys(rule.cites))
    numbers.update(dict.fromkeys(guidance.no_rule.cites))
    return list(numbers)
