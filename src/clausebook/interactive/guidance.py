"""Quizzes as data, and the checks that refuse a broken one (shared by the guidance rules).

Standard library only: this module runs in the build (CPython 3.11) and in the
browser (Pyodide). Loading takes plain data (parsed from YAML at build time,
from JSON in the browser) and either returns frozen objects or raises
:class:`GuidanceError` listing every problem, each with the path of the item
(``("nodes", 3, "answers", 1, "next")``) so the build can name the YAML line.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

Path = tuple[str | int, ...]

# Kinds of problem, so the build can report each as its own warning.
FORMAT = "format"
CONDITION = "condition"
UNREAD = "unread-question"
CITATION = "citation"


def missing_clause(number: str, advice: str) -> str:
    """Why a cited ``number`` names no clause, and what to do."""
    if number.strip() != number:
        # Found: "clause 4.6  does not exist", the space unseen.
        return f"'{number}' has a space before or after the number: write \"{number.strip()}\""
    return f"clause {number} does not exist in this version of the policy: {advice}"


@dataclass(frozen=True)
class GuidanceProblem:
    path: Path
    message: str
    kind: str = FORMAT


class GuidanceError(ValueError):
    """A quiz or tree that cannot be published, with every problem found."""

    def __init__(self, problems: Sequence[GuidanceProblem]) -> None:
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


class _Reader:
    """Reads plain data, collecting problems instead of stopping at the first."""

    def __init__(self) -> None:
        self.problems: list[GuidanceProblem] = []

    def fail(self, path: Path, message: str, kind: str = FORMAT) -> None:
        self.problems.append(GuidanceProblem(path, message, kind))

    def known(
        self, data: Mapping[str, Any], path: Path, fields: Sequence[str], also: Sequence[str] = ()
    ) -> bool:
        """Refuse a field this item does not have (a typo, like 'corect'), by name; True if none.
        ``also``: fields the build adds, accepted but not offered to the editor."""
        unknown = [key for key in data if key not in fields and key not in also]
        for key in unknown:
            self.fail((*path, str(key)), f"'{key}' is not a field here: use {_listed(fields)}")
        return not unknown

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
            self.fail(
                (*path, key),
                f"'{key}' must be a list with at least one item, each starting on a line of its own "
                f"with '- ' under '{key}:' (see handbook/editors.md for an example)",
            )
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
        if isinstance(value, str):
            value = [value]
        if isinstance(value, int | float) and not isinstance(value, bool):
            self.fail(
                (*path, "cites"),
                f'write the clause number in quotes, like cites: ["{value}"] (without them YAML reads '
                "a number, and 1.10 would read as 1.1)",
            )
            return ()
        if not isinstance(value, list):
            self.fail((*path, "cites"), "'cites' must be a list of clause numbers, like ['4.4', '6.4']")
            return ()
        unquoted = [index for index, v in enumerate(value) if not isinstance(v, str)]
        for index in unquoted:
            # YAML reads 1.10 as the number 1.1: a clause number is text, in quotes.
            self.fail(
                (*path, "cites", index),
                f'write the clause number {value[index]!r} in quotes, like cites: ["{value[index]}"] '
                "(without them 1.10 would read as 1.1)",
            )
        if unquoted:
            return ()
        numbers = tuple(value)
        if required and not numbers:
            self.fail(
                (*path, "cites"), "cite at least one clause this rests on, like cites: ['4.4']", CITATION
            )
        for index, number in enumerate(numbers):
            if number not in clauses:
                message = missing_clause(number, "cite an existing clause")
                self.fail((*path, "cites", index), message, CITATION)
        return numbers

    def unique_id(self, data: Mapping[str, Any], path: Path, seen: dict[str, Path]) -> str:
        node_id = self.text(data, "id", path)
        if node_id in seen:
            self.fail((*path, "id"), f"the id '{node_id}' is used twice: give each item its own id")
        elif node_id:
            seen[node_id] = path
        return node_id


def _listed(fields: Sequence[str]) -> str:
    return ", ".join(fields[:-1]) + f" or {fields[-1]}" if len(fields) > 1 else fields[0]


# The fields of each item of a quiz file (quizzes/schema/quiz.schema.json says the same).
QUIZ_FIELDS = ("policy", "title", "intro", "questions")
QUESTION_FIELDS = ("id", "prompt", "choices", "cites", "explanation")
CHOICE_FIELDS = ("label", "correct")


def load_quiz(data: Mapping[str, Any], clauses: Collection[str]) -> Quiz:
    """A quiz from plain data, checked against the clause numbers of its policy version."""
    reader = _Reader()
    reader.known(data, (), QUIZ_FIELDS)
    seen: dict[str, Path] = {}
    questions = []
    for path, item in reader.items(data, "questions", ()):
        reader.known(item, path, QUESTION_FIELDS)
        question_id = reader.unique_id(item, path, seen)
        choices = []
        misspelt = False  # a choice with an unknown field ('corect') may be the one meant right
        for choice_path, choice in reader.items(item, "choices", path):
            misspelt |= not reader.known(choice, choice_path, CHOICE_FIELDS)
            correct = choice.get("correct", False)
            if not isinstance(correct, bool):
                reader.fail((*choice_path, "correct"), "'correct' must be true or false")
            choices.append(Choice(reader.text(choice, "label", choice_path), correct is True))
        right = sum(choice.correct for choice in choices)
        if choices and right == 0 and not misspelt:
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
