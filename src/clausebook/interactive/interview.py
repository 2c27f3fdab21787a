"""An interview over guidance rules: the answers so far, the next question, the verdict.

The answers live in the page's address as ``role:volunteer;content:logo,damage`` so a
link can be shared and the browser's Back goes back one answer. Replaying them is
deterministic: ask, in the file's order, the first question that can still change the
verdict, take its answer from the address if it is there, and go on; answers the
replay never asks for are dropped. So changing one answer (``ask:<question>`` shows
that question again) keeps every other answer that still matters.
"""

from __future__ import annotations

from dataclasses import dataclass

from clausebook.interactive.rules import Question, Rule, Rules, applying, next_question

ASK = "ask"


@dataclass(frozen=True)
class Interview:
    guidance: Rules
    given: tuple[tuple[str, frozenset[str]], ...]  # every answer the address holds
    asked: tuple[tuple[Question, frozenset[str]], ...]  # the ones used, in the order asked
    pending: Question | None  # the question to ask now, or None at the verdict
    changing: bool = False  # the pending question was answered before and is being changed

    @classmethod
    def parse(cls, guidance: Rules, text: str) -> Interview:
        """The interview an address stands for; anything not understood is left out."""
        given: dict[str, frozenset[str]] = {}
        change = ""
        for part in text.split(";") if text else ():
            key, _, value = part.partition(":")
            if key == ASK:
                change = value
                continue
            question = next((q for q in guidance.questions if q.id == key), None)
            if question is None or key in given:
                continue
            chosen = frozenset(v for v in value.split(",") if v)
            if valid(question, chosen):
                given[key] = chosen
        return cls.replay(guidance, given, change)

    @classmethod
    def replay(cls, guidance: Rules, given: dict[str, frozenset[str]], change: str = "") -> Interview:
        known: dict[str, frozenset[str]] = {}
        asked: list[tuple[Question, frozenset[str]]] = []
        kept = tuple(given.items())
        while (question := next_question(guidance, known)) is not None:
            if question.id == change or question.id not in given:
                return cls(
                    guidance, kept, tuple(asked), question, question.id == change and question.id in given
                )
            known[question.id] = given[question.id]
            asked.append((question, given[question.id]))
        return cls(guidance, kept, tuple(asked), None)

    @property
    def answers(self) -> dict[str, frozenset[str]]:
        return {question.id: chosen for question, chosen in self.asked}

    @property
    def current(self) -> frozenset[str]:
        """The answer given before to the pending question (shown checked when changing it)."""
        return dict(self.given).get(self.pending.id, frozenset()) if self.pending else frozenset()

    @property
    def finished(self) -> bool:
        return self.pending is None

    def verdict(self) -> list[Rule]:
        return applying(self.guidance, self.answers)

    def encode(self) -> str:
        """The address of this state: the answers used, and while one is being changed, the
        others kept for after it."""
        if self.changing and self.pending is not None:
            return _encode(self.given, ask=self.pending.id)
        return _encode(tuple((q.id, chosen) for q, chosen in self.asked))

    def change_link(self, question_id: str) -> str:
        """The address that asks ``question_id`` again, keeping every other answer."""
        return _encode(tuple((q.id, chosen) for q, chosen in self.asked), ask=question_id)

    def answer_prefix(self) -> str:
        """The address without the pending question: the page adds ``<id>:<answers>`` to it."""
        pending = self.pending.id if self.pending else ""
        kept = self.given if self.changing else tuple((q.id, c) for q, c in self.asked)
        return _encode(tuple(item for item in kept if item[0] != pending))

    def answer(self, question_id: str, chosen: frozenset[str]) -> Interview:
        given = {**dict(self.given if self.changing else self.answers), question_id: chosen}
        return Interview.replay(self.guidance, given)

    def then(self, chosen: frozenset[str]) -> Interview:
        """The pending question answered: the same interview as :meth:`answer` gives when no
        answer is being changed, found without replaying the ones before (a walk of every
        interview would otherwise replay each from the start)."""
        assert self.pending is not None and not self.changing
        asked = (*self.asked, (self.pending, chosen))
        known = {question.id: answer for question, answer in asked}
        given = tuple(known.items())
        return Interview(self.guidance, given, asked, next_question(self.guidance, known))

    def back(self) -> Interview:
        return Interview.replay(self.guidance, dict(list(self.answers.items())[:-1]))


def _encode(items: tuple[tuple[str, frozenset[str]], ...], ask: str = "") -> str:
    parts = [f"{key}:{','.join(sorted(chosen))}" for key, chosen in items]
    if ask:
        parts.append(f"{ASK}:{ask}")
    return ";".join(parts)


def valid(question: Question, chosen: frozenset[str]) -> bool:
    """Whether ``chosen`` is a possible answer: exactly one for a single choice; for "select
    all that apply", at least one, and an exclusive answer ("None of these") alone."""
    ids = {a.id for a in question.answers}
    if not chosen or not chosen <= ids:
        return False
    if not question.many:
        return len(chosen) == 1
    exclusive = {a.id for a in question.answers if a.exclusive}
    return len(chosen) == 1 or not chosen & exclusive
