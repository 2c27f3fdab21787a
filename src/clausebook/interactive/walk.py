"""Walking a decision tree: start, answer, back, start again, and the verdict with its clauses.

A walk is the list of answers chosen so far, written in the page's address as
``1-0-2`` so the browser's Back button and a shared link both work.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from clausebook.interactive.guidance import Node, Tree


@dataclass(frozen=True)
class Walk:
    tree: Tree
    answers: tuple[int, ...] = ()

    @classmethod
    def parse(cls, tree: Tree, text: str) -> Walk:
        """The walk written in an address; anything that is not a valid walk starts again."""
        walk = cls(tree)
        for part in text.split("-") if text else ():
            if not part.isdigit():
                return cls(tree)
            index = int(part)
            if walk.finished or index >= len(walk.node.answers):
                return cls(tree)
            walk = walk.answer(index)
        return walk

    @classmethod
    def to_node(cls, tree: Tree, node_id: str) -> Walk:
        """The shortest walk that reaches ``node_id`` (for links made without the walk)."""
        queue: deque[tuple[str, tuple[int, ...]]] = deque([(tree.start, ())])
        seen = {tree.start}
        while queue:
            current, chosen = queue.popleft()
            if current == node_id:
                return cls(tree, chosen)
            for index, answer in enumerate(tree.node(current).answers):
                if answer.next not in seen:
                    seen.add(answer.next)
                    queue.append((answer.next, (*chosen, index)))
        return cls(tree)

    @property
    def trail(self) -> tuple[Node, ...]:
        """The nodes visited, the current one last."""
        nodes = [self.tree.node(self.tree.start)]
        for index in self.answers:
            nodes.append(self.tree.node(nodes[-1].answers[index].next))
        return tuple(nodes)

    @property
    def node(self) -> Node:
        return self.trail[-1]

    @property
    def finished(self) -> bool:
        return self.node.verdict is not None

    def answer(self, index: int) -> Walk:
        if self.finished or not 0 <= index < len(self.node.answers):
            raise ValueError(f"there is no answer {index} to '{self.node.id}'")
        return Walk(self.tree, (*self.answers, index))

    def back(self) -> Walk:
        return Walk(self.tree, self.answers[:-1])

    def restart(self) -> Walk:
        return Walk(self.tree)

    def encode(self) -> str:
        return "-".join(str(index) for index in self.answers)
