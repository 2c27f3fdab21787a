"""What the page shows, decided in Python: the browser glue only renders these views.

The build writes a bundle (JSON) per policy version: the quiz, the guidance rules and
the text and link of every clause they cite. :class:`Guidance` reads it and answers
the widget's questions with plain data (``*_json`` methods take and return JSON
text, so the JavaScript side never handles Python objects).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from clausebook.interactive.guidance import Quiz, load_quiz
from clausebook.interactive.interview import Interview
from clausebook.interactive.quiz import score
from clausebook.interactive.rules import EDITION, EDITIONS, Rule, Rules, edition_of, load_rules, speaks

VERDICT_TITLE = "What the policy says about this"
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
    rules: Rules | None

    @classmethod
    def from_bundle(cls, bundle: Mapping[str, Any]) -> Guidance:
        clauses = bundle["clauses"]
        quiz = load_quiz(bundle["quiz"], clauses) if bundle.get("quiz") else None
        rules = load_rules(bundle["rules"], clauses) if bundle.get("rules") else None
        if rules is not None:
            rules = dataclasses.replace(rules, edition=engine_edition(bundle))
        return cls(bundle["policy"], bundle["version"], clauses, quiz, rules)

    @classmethod
    def from_json(cls, text: str) -> Guidance:
        return cls.from_bundle(json.loads(text))

    def cite(self, numbers: tuple[str, ...]) -> list[dict[str, str]]:
        return [{"number": number, **self.clauses[number]} for number in numbers]

    def rule_view(self, rule: Rule) -> dict[str, Any]:
        assert self.rules is not None
        return {
            "rule": rule.id,
            "outcome": rule.outcome,
            "heading": self.rules.outcomes[rule.outcome],
            "title": rule.title,
            "text": rule.text,
            "clauses": self.cite(rule.cites),
            "review": REVIEW_NOTE if rule.under_review else "",
        }

    def tree_view(self, walk_text: str) -> dict[str, Any]:
        """The next question, or the verdict, for the answers in ``walk_text``
        (``role:volunteer;content:logo,disparage``, as in the page's address)."""
        if self.rules is None:
            raise LookupError("this policy version has no guidance rules")
        interview = Interview.parse(self.rules, walk_text)
        asked = interview.asked
        view: dict[str, Any] = {
            "walk": interview.encode(),
            "step": len(asked) + 1,
            "back": interview.back().encode() if asked else None,
            "answers": [
                {
                    "question": question.id,
                    "fact": question.fact,
                    "text": question.text,
                    "answer": [question.answer(a).label for a in sorted(chosen, key=_order(question))],
                    "change": interview.change_link(question.id),
                }
                for question, chosen in asked
            ],
        }
        if interview.pending is None:
            rules = interview.verdict()
            groups: list[dict[str, Any]] = []
            for rule in rules:
                if not groups or groups[-1]["outcome"] != rule.outcome:
                    groups.append(
                        {"outcome": rule.outcome, "heading": self.rules.outcomes[rule.outcome], "rules": []}
                    )
                groups[-1]["rules"].append(self.rule_view(rule))
            if speaks(rules, edition_of(self.rules)):
                strongest = rules[0].outcome
                view["verdict"] = {
                    "outcome": strongest,
                    "heading": self.rules.outcomes[strongest],
                    "title": VERDICT_TITLE,
                    "groups": groups,
                }
            else:
                # Notes alone never make a verdict: the honest one, with the notes after it.
                no_rule = self.rules.no_rule
                view["verdict"] = {
                    "outcome": "none",
                    "heading": no_rule.title,
                    "title": no_rule.title,
                    "text": no_rule.text,
                    "clauses": self.cite(no_rule.cites),
                    "groups": groups,
                }
        else:
            question = interview.pending
            current = interview.current
            view["question"] = {
                "id": question.id,
                "text": question.text,
                "hint": question.hint,
                "select": "all" if question.many else "one",
                "changing": interview.changing,
                "prefix": interview.answer_prefix(),
                "answers": [
                    {"id": a.id, "label": a.label, "exclusive": a.exclusive, "checked": a.id in current}
                    for a in question.answers
                ],
            }
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

    def tree_view_json(self, walk_text: str) -> str:
        return json.dumps(self.tree_view(walk_text))

    def quiz_result_json(self, answers_json: str) -> str:
        return json.dumps(self.quiz_result(json.loads(answers_json)))


def engine_edition(bundle: Mapping[str, Any]) -> int:
    """The edition a bundle's guidance is read with: the one its version was released with
    (the build puts it in the bundle), or the newest for a version not yet released."""
    edition = bundle.get("engine", EDITION)
    if edition not in EDITIONS:
        raise ValueError(
            f"this guidance was released with engine edition {edition!r}, which this Clausebook does not "
            f"know (it knows {', '.join(map(str, EDITIONS))}): "
            "install the Clausebook the release was made with"
        )
    return int(edition)


def _order(question: Any) -> Any:
    ids = [a.id for a in question.answers]
    return ids.index
