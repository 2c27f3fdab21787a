"""A decision tree on paper: numbered questions ("if yes, go to 4") and lettered verdicts."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from clausebook.interactive.guidance import Tree, Verdict


@dataclass(frozen=True)
class PaperAnswer:
    label: str
    goes_to: str  # "question 4" or "verdict B"


@dataclass(frozen=True)
class PaperQuestion:
    number: int
    question: str
    hint: str
    answers: tuple[PaperAnswer, ...]


@dataclass(frozen=True)
class PaperVerdict:
    letter: str
    verdict: Verdict


def letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: enough letters for any tree."""
    text = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        text = chr(ord("A") + rest) + text
    return text


def on_paper(tree: Tree) -> tuple[tuple[PaperQuestion, ...], tuple[PaperVerdict, ...]]:
    """Questions numbered and verdicts lettered in the order a reader meets them (breadth first)."""
    order: list[str] = []
    queue = deque([tree.start])
    seen = {tree.start}
    while queue:
        node_id = queue.popleft()
        order.append(node_id)
        for answer in tree.node(node_id).answers:
            if answer.next not in seen:
                seen.add(answer.next)
                queue.append(answer.next)
    questions = [n for n in order if tree.node(n).verdict is None]
    verdicts = [n for n in order if tree.node(n).verdict is not None]
    names = {n: f"question {i}" for i, n in enumerate(questions, 1)}
    names |= {n: f"verdict {letter(i)}" for i, n in enumerate(verdicts)}
    return (
        tuple(
            PaperQuestion(
                i,
                tree.node(n).question,
                tree.node(n).hint,
                tuple(PaperAnswer(a.label, names[a.next]) for a in tree.node(n).answers),
            )
            for i, n in enumerate(questions, 1)
        ),
        tuple(PaperVerdict(letter(i), v) for i, n in enumerate(verdicts) if (v := tree.node(n).verdict)),
    )
