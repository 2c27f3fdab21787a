"""The build's public, machine-readable face: ``clausebook.json`` and one ``clauses.json`` per version,
and the internal model file the commands read.

Later features extend these files with new fields; a field is never renamed.
"""

from __future__ import annotations

import posixpath
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx

from clausebook import __version__
from clausebook.model import Handbook, ModelClause, ModelPolicy, ModelVersion
from clausebook.modelfile import MODEL, write_model
from clausebook.sphinxext.domain import ClausebookDomain
from clausebook.sphinxext.entries import (
    VersionEntry,
    forget_entries,
    page_url,
    permalink,
    released,
    shown,
    version_entries,
    write_json,
)
from clausebook.sphinxext.guidance_pages import bundle, manifest_fields
from clausebook.sphinxext.handbook import records
from clausebook.sphinxext.history import changes_url, in_force_url, stable_url
from clausebook.sphinxext.printing import pdf_url

MANIFEST = "clausebook.json"


def clauses_document(app: Sphinx, entry: VersionEntry) -> dict[str, Any]:
    domain: ClausebookDomain = app.env.domains["cb"]  # type: ignore[assignment]
    identities = domain.identities(entry.index)
    return {
        "policy": entry.model.policy,
        "version": entry.model.version,
        "title": entry.model.title,
        "effective": entry.model.effective,
        "clauses": [
            {
                "number": str(clause.number),
                "section": str(clause.section),
                # What it is part of: its clause for a sub-clause ("4.2" for 4.2.1), else its section.
                "parent": clause.number.parent,
                "url": page_url(app, clause.page, clause.number.anchor),
                "text": clause.text,
                # The clause's permanent link: the current version of this clause, wherever it moves.
                "permalink": permalink(
                    entry.model.policy, identities.get(str(clause.number), str(clause.number))
                ),
            }
            for clause in entry.model.clauses
        ],
        # Sections as the contents list them; "text" only for a section without numbered
        # clauses (cited as a whole by its number, like section 3).
        "sections": [
            {
                "number": str(section.number) if section.number is not None else None,
                "title": section.title,
                "url": page_url(app, section.page),
                **({"text": text} if (text := _section_text(app, section.page)) else {}),
            }
            for section in entry.model.sections
        ],
    }


def _section_text(app: Sphinx, docname: str) -> str:
    section = records(app).section(docname)
    return section.text if section is not None else ""


def manifest_document(app: Sphinx, entries: dict[str, list[VersionEntry]]) -> dict[str, Any]:
    policies = []
    for policy, every in entries.items():
        versions = released(every)
        chosen = shown(every)
        if chosen is None:
            continue  # only a draft: nothing published yet
        current = next((v for v in versions if v.status == "current"), None)
        policies.append(
            {
                "id": policy,
                "title": chosen.model.title,
                "current": current.model.version if current else None,
                "url": page_url(app, chosen.index),
                **manifest_fields(app, chosen.index),
                "pdf": pdf_url(chosen),
                "stable": stable_url(policy),
                "in_force": in_force_url(policy),
                "versions": [
                    {
                        "version": v.model.version,
                        "effective": v.model.effective,
                        "status": v.status,
                        "url": page_url(app, v.index),
                        "clauses": posixpath.join(v.folder, "clauses.json"),
                        **manifest_fields(app, v.index),
                        "pdf": pdf_url(v),
                        "changes": changes_url(app, v),
                    }
                    for v in versions
                ],
            }
        )
    return {"generator": f"clausebook {__version__}", "policies": policies}


def handbook_model(app: Sphinx) -> Handbook:
    """The one typed model of what this build read (drafts, statuses, identities, references),
    computed once per build."""
    cached: Handbook | None = getattr(app.builder, "_cb_model", None)
    if cached is None:
        cached = _handbook_model(app)
        app.builder._cb_model = cached  # type: ignore[attr-defined]
    return cached


def _handbook_model(app: Sphinx) -> Handbook:
    domain: ClausebookDomain = app.env.domains["cb"]  # type: ignore[assignment]
    read = records(app)
    policies = []
    for policy, every in version_entries(app).items():
        ordered = [v for v in every if v.status != "draft"] + [v for v in every if v.status == "draft"]
        versions = []
        for entry in ordered:
            identities = domain.identities(entry.index)
            clauses = tuple(
                ModelClause(
                    number,
                    identities.get(number, number),
                    item.text,
                    page_url(app, item.docname, item.anchor),
                )
                for number, item in domain.citable(entry.index).items()
            )
            references = []
            for docname in (entry.index, *(s.page for s in entry.model.sections)):
                for reference in read.references(docname):
                    target = reference.target.removeprefix("~")
                    identity = domain.resolved_identity(docname, target)
                    if identity is not None:
                        references.append((posixpath.relpath(docname, entry.folder), target, identity))
            versions.append(
                ModelVersion(
                    entry.model.version,
                    entry.model.effective,
                    entry.status,
                    entry.folder,
                    clauses,
                    tuple(dict.fromkeys(references)),
                    bundle(app, entry.index),
                )
            )
        title = every[-1].model.title if every else policy
        policies.append(ModelPolicy(policy, title, tuple(versions)))
    return Handbook(tuple(policies))


def write_outputs(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    entries = version_entries(app)
    for versions in entries.values():
        for entry in versions:
            write_json(outdir / entry.folder / "clauses.json", clauses_document(app, entry))
    write_json(outdir / MANIFEST, manifest_document(app, entries))
    # Beside the work, never published: what the commands (release, pins, tree-record) read.
    write_model(Path(app.doctreedir).parent / MODEL, handbook_model(app))


def setup_outputs(app: Sphinx) -> None:
    app.connect("env-updated", forget_entries)
    app.connect("build-finished", write_outputs)
