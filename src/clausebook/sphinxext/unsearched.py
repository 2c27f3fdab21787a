"""A draft is previewed, never found: its pages stay out of the site's search.

README and the editors' guide promise that a draft (unreleased changes, or a policy not yet
released) is not on the home page, in search or in ``clausebook.json``. The clause search
reads only released versions (:func:`clausebook.sphinxext.entries.shown`); this keeps the
draft's pages out of Sphinx's own search index too: their words are not indexed (the
``nosearch`` metadata Sphinx honours) and their names leave the index before it is written.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sphinx.application import Sphinx

from clausebook.sources.staging import DRAFT_MARKER


def in_draft(app: Sphinx, docname: str) -> bool:
    """Whether ``docname`` is a page of a draft (its staged folder, or one above it, is marked)."""
    srcdir = Path(app.srcdir)
    folder = Path(app.env.doc2path(docname)).parent
    while folder != srcdir and srcdir in folder.parents:
        if (folder / DRAFT_MARKER).exists():
            return True
        folder = folder.parent
    return False


def mark_unsearched(app: Sphinx, doctree: Any) -> None:
    docname = app.env.docname
    if in_draft(app, docname):
        app.env.metadata.setdefault(docname, {})["nosearch"] = True


def drop_drafts_from_index(app: Sphinx) -> list[tuple[str, dict[str, Any], str]]:
    # 'html-collect-pages' runs after every page was indexed and before the index is written:
    # a page fed with no words is still listed by name, so the names go here.
    indexer = getattr(app.builder, "indexer", None)
    if indexer is None:
        return []
    drafts = {docname for docname in app.env.all_docs if in_draft(app, docname)}
    if drafts:
        indexer.prune(set(app.env.all_docs) - drafts)
        for docname in drafts:
            indexer._index_entries.pop(docname, None)  # no index entries of a page it no longer lists
    return []


def setup_unsearched(app: Sphinx) -> None:
    app.connect("doctree-read", mark_unsearched)
    app.connect("html-collect-pages", drop_drafts_from_index)
