"""Clauses: the ``{clause}`` directive that writes one, the ``{clause}`` role that cites one.

An editor writes::

    :::{clause} 4.4
    Employees must not post comments about ...
    :::

and cites it elsewhere as ``{clause}`4.4``` (same policy) or
``{clause}`social-media:4.4``` (another policy's version in force).
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from markupsafe import Markup
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective
from sphinx.writers.html5 import HTML5Translator

from clausebook.model import ClauseNumber, plain_text, section_anchor
from clausebook.sphinxext.domain import ClausebookDomain
from clausebook.sphinxext.escaping import start_tag
from clausebook.sphinxext.warnings_ import ClausebookWarning, warn


class clause(nodes.General, nodes.Element):  # noqa: N801 (docutils names nodes in lower case)
    """A numbered clause: its number and its body."""


class ClauseDirective(SphinxDirective):
    optional_arguments = 1
    has_content = True

    def run(self) -> list[nodes.Node]:
        location = (self.env.docname, self.lineno)
        if not self.arguments:
            warn(
                ClausebookWarning.CLAUSE_SYNTAX,
                "this clause has no number: write it after the directive's name, like ':::{clause} 4.2'",
                location,
            )
            return []
        try:
            number = ClauseNumber.parse(self.arguments[0])
        except ValueError as error:
            warn(ClausebookWarning.CLAUSE_SYNTAX, str(error), location)
            return []
        node = clause(number=str(number), ids=[number.anchor], depth=number.depth)
        self.set_source_info(node)
        domain: ClausebookDomain = self.env.domains["cb"]  # type: ignore[assignment]
        # Noted before its body is parsed, so a clause wrongly nested in it still comes after it.
        place = domain.note_clause(self.env.docname, str(number), "", self.lineno)
        self.state.nested_parse(self.content, self.content_offset, node)
        inner = next(iter(node.findall(clause, include_self=False)), None)
        if inner is not None and ClauseNumber.parse(inner["number"]).parent == str(number):
            warn(
                ClausebookWarning.CLAUSE_SYNTAX,
                f"sub-clause {inner['number']} is written inside clause {number}: close clause {number} "
                f"with ':::' where its own words end, and write ':::{{clause}} {inner['number']}' after it",
                location,
            )
        elif inner is not None:
            warn(
                ClausebookWarning.CLAUSE_SYNTAX,
                f"clause {number} is not closed, so clause {inner['number']} is inside it: "
                f"add a line with ':::' where the words of {number} end",
                location,
            )
            for nested in list(node.findall(clause, include_self=False)):
                nested.parent.remove(nested)  # its words are the next clause's, not this one's
        text = plain_text(node.astext())
        domain.set_clause_text(self.env.docname, place, text)
        if not text:
            warn(
                ClausebookWarning.CLAUSE_SYNTAX,
                f"clause {number} has no text: write the clause's words between "
                f"':::{{clause}} {number}' and the closing ':::', or delete the empty clause",
                location,
            )
        return [node]


def visit_clause_html(self: HTML5Translator, node: clause) -> None:
    number = node["number"]
    anchor = node["ids"][0]
    level = " cb-clause-level-3" if node.get("depth", 2) == 3 else ""
    self.body.append(
        # A sub-clause (4.2.1) is set in under its clause, on the page and in print.
        start_tag("div", class_=f"cb-clause{level}", id=anchor, data_clause=number)
        + start_tag(
            "a",
            class_="cb-clause-number",
            href=f"#{anchor}",
            aria_label=f"Clause {number}: link to this clause",
            title="Link to this clause",
        )
        + Markup("{}</a> ").format(number)
        + start_tag("div", class_="cb-clause-body")
    )


def depart_clause_html(self: HTML5Translator, node: clause) -> None:
    self.body.append("</div></div>\n")


def _pass(self: Any, node: nodes.Node) -> None:
    pass


def collect_section(app: Sphinx, doctree: nodes.document) -> None:
    """Record the page's section heading, and give the section a permanent id like #section-4.

    Runs before Sphinx's own collectors so the table of contents uses the new id.
    """
    from clausebook.model import parse_section_heading

    section = next(iter(doctree.findall(nodes.section)), None)
    if section is None:
        return
    title_node = section.next_node(nodes.title)
    title = title_node.astext() if title_node else ""
    number, _ = parse_section_heading(title)
    if number is not None:
        section["ids"].insert(0, section_anchor(number))
    line = title_node.line if title_node is not None and title_node.line else section.line
    # A section with no numbered clauses (section 3 of the social media policy) is cited
    # as a whole, by its number: keep its words.
    text = ""
    if next(iter(section.findall(clause)), None) is None:
        text = plain_text(
            "\n".join(child.astext() for child in section.children if not isinstance(child, nodes.title))
        )
    domain: ClausebookDomain = app.env.domains["cb"]  # type: ignore[assignment]
    domain.note_section(app.env.docname, title, line or 1, text)


def setup_clauses(app: Sphinx) -> None:
    app.add_node(
        clause,
        html=(visit_clause_html, depart_clause_html),
        latex=(_pass, _pass),
        text=(_pass, _pass),
        man=(_pass, _pass),
        texinfo=(_pass, _pass),
    )
    app.add_directive("clause", ClauseDirective)
    app.connect("doctree-read", collect_section, priority=400)
