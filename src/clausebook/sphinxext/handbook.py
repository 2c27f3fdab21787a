"""Typed records of the handbook for the parts of the build that read it, so that no part reads
the domain's raw dicts: the domain keeps them for merging and clearing per document only.

The whole handbook (versions, clauses, identities, references, guidance) is
:func:`clausebook.sphinxext.outputs.handbook_model`; this module holds what the pages need
before it can be built: each policy version's front matter, as a frozen record.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sphinx.application import Sphinx

from clausebook.sphinxext.domain import DEFAULT_CATEGORY, ClausebookDomain


@dataclass(frozen=True)
class PolicyRecord:
    """A policy version's index: its front matter as the editor wrote it, with the id (its
    folder) and the title (its heading) the build gave it."""

    index: str  # the docname of the version's index.md: "social-media/1.0/index"
    id: str
    title: str
    category: str
    review: str | None  # ISO date of the next review, if the front matter gives one
    fields: tuple[tuple[str, str], ...]  # every front-matter field, in the editor's order


def _record(index: str, meta: dict[str, Any]) -> PolicyRecord:
    return PolicyRecord(
        index,
        meta.get("id", ""),
        meta.get("title", ""),
        meta.get("category", DEFAULT_CATEGORY),
        meta.get("review") or None,
        tuple((key, value) for key, value in meta.items() if key not in ("id", "title")),
    )


def policy_records(app: Sphinx) -> dict[str, PolicyRecord]:
    """Every policy version's record, by the docname of its index.

    Computed once per build: a record is made again only when the domain has read its index
    again (reading replaces the index's dict, so a kept record of another dict is stale)."""
    domain: ClausebookDomain = app.env.domains["cb"]  # type: ignore[assignment]
    cache: dict[str, tuple[dict[str, Any], PolicyRecord]] = getattr(app.builder, "_cb_policy_records", {})
    fresh: dict[str, tuple[dict[str, Any], PolicyRecord]] = {}
    for index, meta in domain.data["policies"].items():
        kept = cache.get(index)
        fresh[index] = kept if kept is not None and kept[0] is meta else (meta, _record(index, meta))
    app.builder._cb_policy_records = fresh  # type: ignore[attr-defined]
    return {index: record for index, (_meta, record) in fresh.items()}


def policy_record(app: Sphinx, index: str) -> PolicyRecord:
    return policy_records(app)[index]
