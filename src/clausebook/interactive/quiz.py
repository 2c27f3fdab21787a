"""Scoring a self-check quiz: which answers were right, and why, citing the clauses."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from clausebook.interactive.guidance import Question, Quiz


@dataclass(frozen=True)
class Result:
    question: Question
    chosen: int | None  # None when the question was not answered

    @property
    def right(self) -> bool:
        return self.chosen == self.question.answer


@dataclass(frozen=True)
class Score:
    results: tuple[Result, ...]

    @property
    def correct(self) -> int:
        return sum(result.right for result in self.results)

    @property
    def total(self) -> int:
        return len(self.results)

    @property
    def summary(self) -> str:
        return f"{self.correct} out of {self.total}"


def score(quiz: Quiz, answers: Mapping[str, int | None]) -> Score:
    """Score ``answers`` (question id -> index of the chosen choice); unanswered counts as wrong."""
    results = []
    for question in quiz.questions:
        chosen = answers.get(question.id)
        valid = (
            isinstance(chosen, int) and not isinstance(chosen, bool) and 0 <= chosen < len(question.choices)
        )
        results.append(Result(question, chosen if valid else None))
    return Score(tuple(results))
