"""Directives that document Clausebook for editors from the code itself.

``{clausebook-warnings}`` lists every problem the build reports and
``{clausebook-config}`` every setting, so the guide cannot drift from the code.
"""

from __future__ import annotations

from collections.abc import Sequence

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from clausebook.sphinxext.config import config_fields
from clausebook.sphinxext.warnings_ import ClausebookWarning


def _table(header: tuple[str, ...], rows: Sequence[tuple[str, ...]], widths: tuple[int, ...]) -> nodes.table:
    table = nodes.table(classes=["cb-reference-table"])
    group = nodes.tgroup(cols=len(header))
    table += group
    for width in widths:
        group += nodes.colspec(colwidth=width)
    head = nodes.thead()
    group += head
    head += nodes.row("", *(nodes.entry("", nodes.paragraph(text=cell)) for cell in header))
    body = nodes.tbody()
    group += body
    for row in rows:
        body += nodes.row(
            "",
            nodes.entry("", nodes.paragraph("", "", nodes.literal(text=row[0]))),
            *(nodes.entry("", nodes.paragraph(text=cell)) for cell in row[1:]),
        )
    return table


class WarningsDirective(SphinxDirective):
    def run(self) -> list[nodes.Node]:
        rows = [(f"clausebook.{w.value}", w.help_text) for w in ClausebookWarning]  # type: ignore[attr-defined]
        return [_table(("Problem", "What it means"), rows, (1, 3))]


class ConfigDirective(SphinxDirective):
    def run(self) -> list[nodes.Node]:
        rows = [(name, default, help_text) for name, default, help_text in config_fields()]
        return [_table(("Setting", "Default", "What it does"), rows, (1, 1, 3))]


def setup_docs(app: Sphinx) -> None:
    app.add_directive("clausebook-warnings", WarningsDirective)
    app.add_directive("clausebook-config", ConfigDirective)
