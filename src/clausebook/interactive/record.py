"""A readable record of every path through a decision tree, so a change to the guidance
shows up in review as a diff of questions, answers, verdicts and clauses."""

from __future__ import annotations

from clausebook.interactive.guidance import VERDICT_KINDS, Tree, paths


def paths_record(tree: Tree, source: str) -> str:
    lines = [
        f"# {tree.title}: every path",
        "",
        f"Generated from `{source}` by `make tree-record`; do not edit by hand.",
        "Each path runs from the first question to a verdict and the clauses it cites.",
        "",
    ]
    for number, (chosen, end) in enumerate(paths(tree), 1):
        assert end.verdict is not None
        lines.append(f"## Path {number}")
        lines.append("")
        node = tree.node(tree.start)
        for index in chosen:
            answer = node.answers[index]
            lines.append(f"- {node.question} **{answer.label}**")
            node = tree.node(answer.next)
        verdict = end.verdict
        lines.append(f"- Verdict `{end.id}` ({VERDICT_KINDS[verdict.kind]}): {verdict.title}")
        lines.append(f"- Cites: {', '.join(verdict.cites)}")
        lines.append("")
    return "\n".join(lines)
