"""Quizzes and decision trees as data, and the checks that refuse a broken one.

Standard library only: this module runs in the build (CPython 3.11) and in the
browser (Pyodide). Loading takes plain data (parsed from YAML at build time,
from JSON in the browser) and either returns frozen objects or raises
:class:`GuidanceError` listing every problem, each with the path of the item
(``("nodes", 3, "answers", 1, "next")``) so the build can name the YAML line.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

Path = tuple[str | int, ...]

VERDICT_KINDS = {
    "dont": "Don't post it",
    "care": "You can post it, but...",
    "ok": "You can post it",
    "ask": "Ask first",
    "pass-on": "Pass the enquiry on",
    "report": "Report it",
}


@dataclass(frozen=True)
class Problem:
    path: Path
    message: str


class GuidanceError(ValueError):
    """A quiz or tree that cannot be published, with every problem found."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(f"{'.'.join(map(str, p.path))}: {p.message}" for p in problems))


@dataclass(frozen=True)
class Choice:
    label: str
    correct: bool = False


@dataclass(frozen=True)
class Question:
    id: str
    prompt: str
    choices: tuple[Choice, ...]
    cites: tuple[str, ...]
    explanation: str

    @property
    def answer(self) -> int:
        return next(i for i, choice in enumerate(self.choices) if choice.correct)


@dataclass(frozen=True)
class Quiz:
    title: str
    intro: str
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Answer:
    label: str
    next: str


@dataclass(frozen=True)
class Verdict:
    kind: str
    title: str
    text: str
    cites: tuple[str, ...]
    # The policy was amended since this verdict was checked: it shows the clauses as they
    # are now, with a note that its guidance is being reviewed.
    under_review: bool = False


@dataclass(frozen=True)
class Node:
    id: str
    question: str = ""
    hint: str = ""
    answers: tuple[Answer, ...] = ()
    verdict: Verdict | None = None


@dataclass(frozen=True)
class Tree:
    title: str
    intro: str
    start: str
    nodes: Mapping[str, Node] = field(default_factory=dict)

    def node(self, node_id: str) -> Node:
        return self.nodes[node_id]


class _Reader:
    """Reads plain data, collecting problems instead of stopping at the first."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def fail(self, path: Path, message: str) -> None:
        self.problems.append(Problem(path, message))

    def text(self, data: Mapping[str, Any], key: str, path: Path, *, required: bool = True) -> str:
        value = data.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.fail((*path, key), f"'{key}' is missing: write it as text")
            return ""
        if isinstance(value, bool | int | float):
            # YAML reads a bare Yes, No, On, Off or a number as something other than text.
            self.fail((*path, key), f"'{key}' must be text: put the words in quotes, like {key}: \"No\"")
            return ""
        if not isinstance(value, str):
            self.fail((*path, key), f"'{key}' must be text, not {type(value).__name__}")
            return ""
        return value.strip()

    def items(self, data: Mapping[str, Any], key: str, path: Path) -> list[tuple[Path, Mapping[str, Any]]]:
        value = data.get(key)
        if not isinstance(value, list) or not value:
            self.fail((*path, key), f"'{key}' must be a list with at least one item")
            return []
        found = []
        for index, item in enumerate(value):
            if isinstance(item, Mapping):
                found.append(((*path, key, index), item))
            else:
                self.fail(
                    (*path, key, index), "each item must be a set of fields (id, ...), not a single value"
                )
        return found

    def cites(
        self, data: Mapping[str, Any], path: Path, clauses: Collection[str], *, required: bool
    ) -> tuple[str, ...]:
        value = data.get("cites", [])
        if isinstance(value, str | int | float):
            value = [value]
        if not isinstance(value, list):
            self.fail((*path, "cites"), "'cites' must be a list of clause numbers, like ['4.4', '6.4']")
            return ()
        numbers = tuple(str(v) for v in value)
        if required and not numbers:
            self.fail((*path, "cites"), "cite at least one clause this rests on, like cites: ['4.4']")
        for index, number in enumerate(numbers):
            if number not in clauses:
                self.fail(
                    (*path, "cites", index),
                    f"clause {number} does not exist in this version of the policy: cite an existing clause",
                )
        return numbers

    def unique_id(self, data: Mapping[str, Any], path: Path, seen: dict[str, Path]) -> str:
        node_id = self.text(data, "id", path)
        if node_id in seen:
            self.fail((*path, "id"), f"the id '{node_id}' is used twice: give each item its own id")
        elif node_id:
            seen[node_id] = path
        return node_id


def load_quiz(data: Mapping[str, Any], clauses: Collection[str]) -> Quiz:
    """A quiz from plain data, checked against the clause numbers of its policy version."""
    reader = _Reader()
    seen: dict[str, Path] = {}
    questions = []
    for path, item in reader.items(data, "questions", ()):
        question_id = reader.unique_id(item, path, seen)
        choices = []
        for choice_path, choice in reader.items(item, "choices", path):
            correct = choice.get("correct", False)
            if not isinstance(correct, bool):
                reader.fail((*choice_path, "correct"), "'correct' must be true or false")
            choices.append(Choice(reader.text(choice, "label", choice_path), correct is True))
        right = sum(choice.correct for choice in choices)
        if choices and right == 0:
            reader.fail((*path, "choices"), "no choice is marked 'correct: true': mark the right answer")
        elif right > 1:
            reader.fail((*path, "choices"), "more than one choice is correct: mark exactly one")
        if 0 < len(choices) < 2:
            reader.fail((*path, "choices"), "give at least two choices")
        questions.append(
            Question(
                question_id,
                reader.text(item, "prompt", path),
                tuple(choices),
                reader.cites(item, path, clauses, required=True),
                reader.text(item, "explanation", path),
            )
        )
    quiz = Quiz(
        reader.text(data, "title", ()), reader.text(data, "intro", (), required=False), tuple(questions)
    )
    if reader.problems:
        raise GuidanceError(reader.problems)
    return quiz


def load_tree(data: Mapping[str, Any], clauses: Collection[str]) -> Tree:
    """A decision tree from plain data: every node reachable, every path ending in a verdict."""
    reader = _Reader()
    seen: dict[str, Path] = {}
    nodes: dict[str, Node] = {}
    where: dict[str, Path] = {}
    for path, item in reader.items(data, "nodes", ()):
        node_id = reader.unique_id(item, path, seen)
        node = _read_node(reader, item, path, node_id, clauses)
        if node_id and node_id not in nodes:
            nodes[node_id] = node
            where[node_id] = path
    start = reader.text(data, "start", ())
    if start and start not in nodes:
        reader.fail(("start",), f"the start node '{start}' does not exist: name the id of the first question")
    for node_id, node in nodes.items():
        for index, answer in enumerate(node.answers):
            if answer.next and answer.next not in nodes:
                reader.fail(
                    (*where[node_id], "answers", index, "next"),
                    f"'{answer.next}' is not the id of any node: check the spelling, or add that node",
                )
    if start in nodes:
        _check_paths(reader, nodes, where, start)
    tree = Tree(reader.text(data, "title", ()), reader.text(data, "intro", (), required=False), start, nodes)
    if reader.problems:
        raise GuidanceError(reader.problems)
    return tree


def _read_node(
    reader: _Reader, item: Mapping[str, Any], path: Path, node_id: str, clauses: Collection[str]
) -> Node:
    verdict_data = item.get("verdict")
    has_answers = "answers" in item
    if verdict_data is not None and has_answers:
        reader.fail(path, "a node is either a question (with answers) or a verdict, not both")
    if verdict_data is None and not has_answers:
        reader.fail(path, f"node '{node_id}' has neither answers nor a verdict, so a walk would stop here")
        return Node(node_id)
    if verdict_data is not None:
        if not isinstance(verdict_data, Mapping):
            reader.fail((*path, "verdict"), "'verdict' must be a set of fields: kind, title, text, cites")
            return Node(node_id)
        verdict_path = (*path, "verdict")
        kind = reader.text(verdict_data, "kind", verdict_path)
        if kind and kind not in VERDICT_KINDS:
            reader.fail(
                (*verdict_path, "kind"),
                f"'{kind}' is not a kind of verdict: use one of {', '.join(VERDICT_KINDS)}",
            )
        under_review = verdict_data.get("under_review") is True
        verdict = Verdict(
            kind,
            reader.text(verdict_data, "title", verdict_path, required=False) or VERDICT_KINDS.get(kind, ""),
            reader.text(verdict_data, "text", verdict_path),
            reader.cites(verdict_data, verdict_path, clauses, required=not under_review),
            under_review,
        )
        return Node(node_id, verdict=verdict)
    answers = []
    labels: set[str] = set()
    for answer_path, answer in reader.items(item, "answers", path):
        label = reader.text(answer, "label", answer_path)
        if label in labels:
            reader.fail(
                (*answer_path, "label"), f"two answers are labelled '{label}': make each answer distinct"
            )
        labels.add(label)
        answers.append(Answer(label, reader.text(answer, "next", answer_path)))
    return Node(
        node_id,
        reader.text(item, "question", path),
        reader.text(item, "hint", path, required=False),
        tuple(answers),
    )


def _check_paths(reader: _Reader, nodes: Mapping[str, Node], where: Mapping[str, Path], start: str) -> None:
    """Every node reachable from the start, and no path that comes back on itself."""
    reached: set[str] = set()
    state: dict[str, str] = {}  # "open" while on the current path, "done" once all its paths end

    def visit(node_id: str, trail: tuple[str, ...]) -> None:
        reached.add(node_id)
        state[node_id] = "open"
        for index, answer in enumerate(nodes[node_id].answers):
            if state.get(answer.next) == "open":
                here = (*trail, node_id)
                loop = " -> ".join((*here[here.index(answer.next) :], answer.next))
                reader.fail(
                    (*where[node_id], "answers", index, "next"),
                    f"this answer leads back to '{answer.next}', so the walk could go round for ever"
                    f" ({loop})",
                )
            elif answer.next in nodes and answer.next not in state:
                visit(answer.next, (*trail, node_id))
        state[node_id] = "done"

    visit(start, ())
    for node_id in nodes:
        if node_id not in reached:
            reader.fail(
                where[node_id], f"no answer leads to node '{node_id}': link it from a question, or delete it"
            )


def paths(tree: Tree) -> Iterator[tuple[tuple[int, ...], Node]]:
    """Every walk from the start to a verdict: (the answers chosen, the verdict's node)."""

    def walk(node_id: str, chosen: tuple[int, ...]) -> Iterator[tuple[tuple[int, ...], Node]]:
        node = tree.node(node_id)
        if node.verdict is not None:
            yield chosen, node
        for index, answer in enumerate(node.answers):
            yield from walk(answer.next, (*chosen, index))

    yield from walk(tree.start, ())


def cited(quiz: Quiz | None, tree: Tree | None) -> list[str]:
    """Every clause number the guidance cites, in first-cited order."""
    numbers: dict[str, None] = {}
    for question in quiz.questions if quiz else ():
        numbers.update(dict.fromkeys(question.cites))
    for node in tree.nodes.values() if tree else ():
        if node.verdict:
            numbers.update(dict.fromkeys(node.verdict.cites))
    return list(numbers)
