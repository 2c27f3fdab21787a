"""Search that finds a clause: a number typed in ("4.4", "code of conduct 3.2") goes straight to
it, and words find the clauses that hold them, each named "4.4 Prohibited use" and linked to its
anchor, above the theme's page results.

The search page loads the clauses of every policy's version in force as a static script
(``_static/clausebook-clauses.js``, so it works from any static server, even from disk) and
``clausebook-search.js``; nothing runs inline, so the site's Content-Security-Policy holds.
``{clause-search}`` puts a search box on a page (the home page), which asks the same search page.
"""

from __future__ import annotations

import json
import posixpath
from html import escape
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from clausebook.model import ModelPolicy
from clausebook.sphinxext.domain import ClausebookDomain
from clausebook.sphinxext.entries import page_url, released, shown, version_entries
from clausebook.sphinxext.handbook import policy_record
from clausebook.sphinxext.outputs import handbook_model
from clausebook.sphinxext.references import readable_text

INDEX = "clausebook-clauses.js"
SCRIPT = "clausebook-search.js"
SEARCH_PAGE = "search"


def clause_index(app: Sphinx) -> dict[str, Any]:
    """Every clause of each policy's version in force (or first to come), as readers search it."""
    domain: ClausebookDomain = app.env.domains["cb"]  # type: ignore[assignment]
    model = handbook_model(app)
    policies = []
    for policy, versions in version_entries(app).items():
        entry = shown(versions)
        if entry is None:
            continue
        found = model.policy(policy)
        clauses = [
            {
                "number": str(clause.number),
                "section": section.title,
                "url": page_url(app, clause.page, clause.number.anchor),
                "text": readable_text(domain, clause.page, clause.text),
            }
            for section in entry.model.sections
            for clause in section.clauses
        ]
        policies.append(
            {
                "id": policy,
                "title": entry.model.title,
                "url": page_url(app, entry.index),
                "category": policy_record(app, entry.index).category,
                "clauses": clauses,
                # The theme's page results list every released version's pages: each is named
                # by its version, so a superseded page is never read as the policy in force.
                "versions": [
                    {
                        "folder": posixpath.dirname(page_url(app, v.index)) + "/",
                        "version": v.model.version,
                        "status": v.status,
                        "effective": v.model.effective,
                    }
                    for v in released(versions)
                ],
                "earlier": [] if found is None else earlier_numbers(found, entry.folder),
            }
        )
    return {"policies": policies}


def earlier_numbers(policy: ModelPolicy, shown: str) -> list[dict[str, str]]:
    """The numbers that named another clause, or a clause since removed, in a version released
    before the one shown (``shown``: its folder): staff search for a number from an old print,
    and would otherwise land on whatever that number names now. Newest first, each number and
    clause once: ``{"number", "version", "url", "now"}``, ``now`` being the clause's number in the
    version shown, or "" if it was removed."""
    folders = [v.folder for v in policy.versions]
    if shown not in folders:
        return []
    today = policy.versions[folders.index(shown)]
    numbers = {c.identity: c.number for c in today.clauses}
    meaning = {c.number: c.identity for c in today.clauses}
    found: list[dict[str, str]] = []
    seen: set[tuple[str, str]] = set()
    for version in reversed(policy.versions[: folders.index(shown)]):
        if version.status == "draft":
            continue
        for clause in version.clauses:
            key = (clause.number, clause.identity)
            if meaning.get(clause.number) == clause.identity or key in seen:
                continue
            seen.add(key)
            found.append(
                {
                    "number": clause.number,
                    "version": version.version,
                    "url": clause.url,
                    "now": numbers.get(clause.identity, ""),
                }
            )
    return found


def add_search_scripts(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    if pagename != SEARCH_PAGE or app.builder.format != "html":
        return
    data = json.dumps(clause_index(app), ensure_ascii=False, separators=(",", ":"))
    target = Path(app.outdir) / "_static" / INDEX
    target.parent.mkdir(parents=True, exist_ok=True)
    # Data, not code: the search script reads it from this one global name.
    target.write_text(f"window.clausebookClauses = {data};\n", encoding="utf-8")
    # Deferred, in this order: the page's results container exists when the script runs.
    app.add_js_file(INDEX, defer="defer")
    app.add_js_file(SCRIPT, defer="defer")


class clause_search(nodes.General, nodes.Element):  # noqa: N801
    """A search box that looks for clauses and policies (``{clause-search}``)."""


class ClauseSearchDirective(SphinxDirective):
    def run(self) -> list[nodes.Node]:
        return [clause_search()]


def visit_clause_search(self: Any, node: clause_search) -> None:
    action = escape(self.builder.get_relative_uri(self.builder.current_docname, SEARCH_PAGE))
    self.body.append(
        f'<form class="cb-search" method="get" action="{action}" role="search" aria-label="Clause search">'
        '<label for="cb-search-query">Find a clause or a policy</label>'
        '<p class="cb-search-hint" id="cb-search-hint">Type words, or a clause number such as 4.4 '
        "or “code of conduct 3.2” to go straight to it.</p>"
        '<div class="cb-search-row"><input type="search" name="q" id="cb-search-query" '
        'aria-describedby="cb-search-hint" autocomplete="off">'
        '<button type="submit">Search</button></div></form>'
    )
    raise nodes.SkipNode


def _skip(self: Any, node: clause_search) -> None:
    raise nodes.SkipNode


def setup_clause_search(app: Sphinx) -> None:
    app.add_node(
        clause_search,
        html=(visit_clause_search, None),
        latex=(_skip, None),
        text=(_skip, None),
        man=(_skip, None),
        texinfo=(_skip, None),
    )
    app.add_directive("clause-search", ClauseSearchDirective)
    app.connect("html-page-context", add_search_scripts)
