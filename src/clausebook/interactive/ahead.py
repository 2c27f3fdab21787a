"""The views a reader can reach with the first answers, computed by the engine at build time.

The tree's page embeds them, so a tap shows the next question at once while Python is still
starting in the browser; then the engine takes over, and gives the same views, being the same
function. Each view is keyed by the address the page goes to when the answer is chosen
(``<prefix>;<question>:<answers, sorted>``, the form :meth:`Interview.encode` writes).
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import combinations
from typing import Any

from clausebook.interactive.interview import valid
from clausebook.interactive.rules import Question
from clausebook.interactive.views import Guidance

# The first answers a reader gives while Python starts (a few seconds on a slow phone): the
# first question's, and the one after it.
DEPTH = 2
# Of those, the page's HTML holds the first answer's views; the second's are in a file beside
# the page (AHEAD_FILE), which the page fetches: in the HTML they made the first paint later
# (measured with tools/bench_widget.mjs), and no one gives a second answer before a fetch returns.
IN_PAGE = 1
AHEAD_FILE = "views-ahead.json"
# A "select all that apply" question with more answers than this is tabled one answer at a time
# (2^n combinations otherwise); a combination not in the table waits for the engine.
MAX_COMBINED = 6
# Views are about 1 KB each, most of it the clauses a verdict quotes.
LIMIT = 120


def views_ahead(guidance: Guidance, depth: int = DEPTH, limit: int = LIMIT) -> dict[str, Any]:
    """``{"views": {address: view}, "complete": bool}``: the start and the views within ``depth``
    answers of it, breadth first, at most ``limit``; ``complete`` says every answer of those
    questions is in the table."""
    if guidance.rules is None:
        return {"views": {}, "complete": True}
    views: dict[str, Any] = {}
    complete = True
    pending: list[tuple[str, int]] = [("", 0)]
    while pending:
        address, steps = pending.pop(0)
        if address in views:
            continue
        if len(views) >= limit:
            complete = False
            break
        view = guidance.tree_view(address)
        views[address] = view
        if steps >= depth or "question" not in view:
            continue
        question = guidance.rules.question(view["question"]["id"])
        prefix = view["question"]["prefix"]
        if question.many and len(question.answers) > MAX_COMBINED:
            complete = False
        for chosen in answers_to(question):
            part = f"{question.id}:{','.join(sorted(chosen))}"
            pending.append((f"{prefix};{part}" if prefix else part, steps + 1))
    return {"views": views, "complete": complete}


def answers_to(question: Question) -> Iterator[frozenset[str]]:
    """Every answer a reader can give (each combination, for a short "select all" question)."""
    ids = [answer.id for answer in question.answers]
    if not question.many or len(ids) > MAX_COMBINED:
        yield from (frozenset([i]) for i in ids)
        return
    for size in range(1, len(ids) + 1):
        for chosen in combinations(ids, size):
            if valid(question, frozenset(chosen)):
                yield frozenset(chosen)


def in_page(ahead: dict[str, Any], depth: int = IN_PAGE) -> dict[str, Any]:
    """The part of a :func:`views_ahead` table the page's HTML holds: the views within ``depth``
    answers (an address has one part per answer, joined by ``;``). ``complete`` is false: the rest
    is in the file."""
    views = {address: view for address, view in ahead["views"].items() if answers_in(address) <= depth}
    return {"views": views, "complete": ahead["complete"] and len(views) == len(ahead["views"])}


def answers_in(address: str) -> int:
    return len(address.split(";")) if address else 0
