"""What the page shows, decided in Python: the browser glue only renders these views.

The build writes a bundle (JSON) per policy version: the quiz, the tree and the
text and link of every clause they cite. :class:`Guidance` reads it and answers
the widget's questions with plain data (``*_json`` methods take and return JSON
text, so the JavaScript side never handles Python objects).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from clausebook.interactive.guidance import VERDICT_KINDS, Quiz, Tree, load_quiz, load_tree
from clausebook.interactive.quiz import score
from clausebook.interactive.walk import Walk

REVIEW_NOTE = (
    "The policy was amended after this guidance was written, and the guidance is being reviewed. "
    "The clauses below are the policy as it is now: they are what counts."
)


@dataclass(frozen=True)
class Guidance:
    policy: str
    version: str
    clauses: Mapping[str, Mapping[str, str]]  # number -> {"label", "text", "url"}
    quiz: Quiz | None
    tree: Tree | None

    @classmethod
    def from_bundle(cls, bundle: Mapping[str, Any]) -> Guidance:
        clauses = bundle["clauses"]
        quiz = load_quiz(bundle["quiz"], clauses) if bundle.get("quiz") else None
        tree = load_tree(bundle["tree"], clauses) if bundle.get("tree") else None
        return cls(bundle["policy"], bundle["version"], clauses, quiz, tree)

    @classmethod
    def from_json(cls, text: str) -> Guidance:
        return cls.from_bundle(json.loads(text))

    def cite(self, numbers: tuple[str, ...]) -> list[dict[str, str]]:
        return [{"number": number, **self.clauses[number]} for number in numbers]

    def tree_view(self, walk_text: str) -> dict[str, Any]:
        """The question or verdict at the end of the walk ``walk_text`` (like ``1-0-2``)."""
        if self.tree is None:
            raise LookupError("this policy version has no decision tree")
        walk = Walk.parse(self.tree, walk_text)
        node = walk.node
        view: dict[str, Any] = {
            "walk": walk.encode(),
            "node": node.id,
            "step": len(walk.answers) + 1,
            "back": walk.back().encode() if walk.answers else None,
            "trail": [
                {"question": passed.question, "answer": passed.answers[index].label}
                for passed, index in zip(walk.trail, walk.answers, strict=False)
            ],
        }
        if node.verdict is not None:
            verdict = node.verdict
            view["verdict"] = {
                "kind": verdict.kind,
                # The kind in words, unless the title already says it.
                "label": VERDICT_KINDS[verdict.kind] if VERDICT_KINDS[verdict.kind] != verdict.title else "",
                "title": verdict.title,
                "text": verdict.text,
                "clauses": self.cite(verdict.cites),
                "review": REVIEW_NOTE if verdict.under_review else "",
            }
        else:
            view["question"] = node.question
            view["hint"] = node.hint
            view["answers"] = [
                {"label": answer.label, "walk": walk.answer(index).encode()}
                for index, answer in enumerate(node.answers)
            ]
        return view

    def quiz_result(self, answers: Mapping[str, int | None]) -> dict[str, Any]:
        """The score and, per question, whether it was right and why."""
        if self.quiz is None:
            raise LookupError("this policy version has no quiz")
        result = score(self.quiz, answers)
        return {
            "correct": result.correct,
            "total": result.total,
            "summary": result.summary,
            "results": [
                {
                    "id": item.question.id,
                    "right": item.right,
                    "answered": item.chosen is not None,
                    "chosen": None if item.chosen is None else item.question.choices[item.chosen].label,
                    "answer": item.question.choices[item.question.answer].label,
                    "explanation": item.question.explanation,
                    "clauses": self.cite(item.question.cites),
                }
                for item in result.results
            ],
        }

    def walk_to(self, node_id: str) -> str:
        """The shortest walk to a node: a link made without the walk (``#node-<id>``) still works."""
        if self.tree is None or node_id not in self.tree.nodes:
            return ""
        return Walk.to_node(self.tree, node_id).encode()

    def tree_view_json(self, walk_text: str) -> str:
        return json.dumps(self.tree_view(walk_text))

    def quiz_result_json(self, answers_json: str) -> str:
        return json.dumps(self.quiz_result(json.loads(answers_json)))
