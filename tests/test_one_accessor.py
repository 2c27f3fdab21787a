"""Every part of the build outside the domain reads what the build collected through one accessor
(``clausebook.sphinxext.handbook.records``), as frozen records, never the domain's raw dicts:
a part that reads ``domain.data`` again is found here, with its file and line."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from clausebook.sphinxext.domain import ClausebookDomain

SPHINXEXT = Path(__file__).resolve().parent.parent / "src" / "clausebook" / "sphinxext"
# The domain keeps the dicts (merging and clearing them per document); the accessor reads them.
ALLOWED = {"domain.py", "handbook.py"}
# What the domain keeps under ``data``: its per-document tables, and what ``remember`` keeps.
KEYS = set(ClausebookDomain.initial_data) | {"navigation", "guidance_kinds", "referred_by"}


def raw_domain_reads(source: str) -> list[tuple[int, str]]:
    """(line, code) of each read of a domain's raw data in ``source``."""
    tree = ast.parse(source)
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Attribute):
            continue
        if node.attr == "domaindata" or (node.attr == "data" and _raw(node, parents.get(node), parents)):
            found.append(node)
    return sorted((node.lineno, ast.unparse(node)) for node in found)


def _raw(node: ast.Attribute, parent: ast.AST | None, parents: dict[ast.AST, ast.AST]) -> bool:
    if "domain" in ast.unparse(node.value).lower():
        return True  # domain.data, _domain(env).data, env.domains["cb"].data
    # Any other name for the domain: what it is indexed or asked with says what it is.
    key: ast.expr | None = None
    if isinstance(parent, ast.Subscript) and parent.value is node:
        key = parent.slice
    elif isinstance(parent, ast.Attribute) and parent.attr in ("get", "setdefault", "pop"):
        call = parents.get(parent)
        if isinstance(call, ast.Call) and call.args:
            key = call.args[0]
    return isinstance(key, ast.Constant) and key.value in KEYS


def test_the_check_finds_raw_reads_and_nothing_else() -> None:
    source = "\n".join(
        [
            'a = domain.data["policies"][index]',
            'b = _domain(app).data.get("navigation", {})',
            'c = app.env.domains["cb"].data',
            'd = cb.data["releases"].get(index)',
            'e = cb.data.get("references", {})',
            "f = env.domaindata",
            # Not the domain's: a YAML source, a guidance file, a parsed document.
            "g = source.data",
            'h = files["quiz"].data',
            'i = parse_yaml(text, path).data["page"]',
        ]
    )
    assert [line for line, _code in raw_domain_reads(source)] == [1, 2, 3, 4, 5, 6]


@pytest.mark.parametrize(
    "path", sorted(p for p in SPHINXEXT.rglob("*.py") if p.name not in ALLOWED), ids=lambda p: p.name
)
def test_no_part_reads_the_domains_raw_data(path: Path) -> None:
    reads = raw_domain_reads(path.read_text(encoding="utf-8"))
    assert not reads, "read through clausebook.sphinxext.handbook.records instead:\n" + "\n".join(
        f"{path}:{line}: {code}" for line, code in reads
    )
