"""The build's public, machine-readable face: ``clausebook.json`` and one ``clauses.json`` per version.

Later features extend these files with new fields; a field is never renamed.
"""

from __future__ import annotations

import json
import posixpath
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx

from clausebook import __version__
from clausebook.model import Handbook, ModelClause, ModelPolicy, ModelVersion, PolicyVersion
from clausebook.modelfile import MODEL, write_model
from clausebook.sphinxext.config import ClausebookConfig
from clausebook.sphinxext.domain import ClausebookDomain, version_key

MANIFEST = "clausebook.json"


@dataclass(frozen=True)
class VersionEntry:
    index: str  # the docname of the version's index page
    model: PolicyVersion
    status: str  # current, superseded or future

    @property
    def folder(self) -> str:
        return posixpath.dirname(self.index)


def version_entries(app: Sphinx) -> dict[str, list[VersionEntry]]:
    """Every policy's versions, oldest first, each with its status on the build date.

    Computed once per build (every page's template asks), after all reading is done.
    """
    cached: dict[str, list[VersionEntry]] | None = getattr(app.builder, "_cb_entries", None)
    if cached is None:
        cached = _version_entries(app)
        app.builder._cb_entries = cached  # type: ignore[attr-defined]
    return cached


def forget_entries(app: Sphinx, env: object) -> None:
    app.builder._cb_entries = None  # type: ignore[attr-defined]
    app.builder._cb_model = None  # type: ignore[attr-defined]
    app.env.__dict__.pop("_cb_identities", None)


def _version_entries(app: Sphinx) -> dict[str, list[VersionEntry]]:
    domain: ClausebookDomain = app.env.domains["cb"]  # type: ignore[assignment]
    today = ClausebookConfig.from_sphinx(app).build_date
    by_policy: dict[str, list[tuple[str, PolicyVersion]]] = {}
    for index, version in domain.policy_versions():
        by_policy.setdefault(version.policy, []).append((index, version))
    result: dict[str, list[VersionEntry]] = {}
    for policy, versions in sorted(by_policy.items()):
        current = domain.current_index(policy, today)
        versions.sort(key=lambda item: (item[1].effective, version_key(item[1].version)))
        result[policy] = [
            VersionEntry(
                index,
                version,
                _status(index, version, current, today.isoformat(), domain.is_draft(index)),
            )
            for index, version in versions
        ]
    return result


def _status(index: str, version: PolicyVersion, current: str | None, today: str, draft: bool) -> str:
    if draft:
        return "draft"
    if index == current:
        return "current"
    return "future" if version.effective > today else "superseded"


def entry_of_page(app: Sphinx, pagename: str) -> VersionEntry | None:
    """The policy version a page belongs to (drafts included), or None outside a valid policy."""
    domain: ClausebookDomain = app.env.domains["cb"]  # type: ignore[assignment]
    index = domain.policy_index_of(pagename)
    if index is None or not domain.is_valid(index):
        return None
    meta = domain.data["policies"][index]
    return next((v for v in version_entries(app).get(meta["id"], []) if v.index == index), None)


def stable_page(policy: str) -> str:
    """The page name of a policy's stable address, which always shows the version in force."""
    return f"{policy}/index"


def released(versions: list[VersionEntry]) -> list[VersionEntry]:
    """The versions that are published as versions: all but a draft of unreleased changes."""
    return [v for v in versions if v.status != "draft"]


def shown(versions: list[VersionEntry]) -> VersionEntry | None:
    """The version a policy's stable address shows: the one in force, or else the first to come."""
    published = released(versions)
    current = next((v for v in published if v.status == "current"), None)
    upcoming = [v for v in published if v.status == "future"]
    return current or (upcoming[0] if upcoming else (published[-1] if published else None))


def page_url(app: Sphinx, docname: str, anchor: str = "") -> str:
    uri = app.builder.get_target_uri(docname)
    return f"{uri}#{anchor}" if anchor else uri


CLAUSE_LINKS = "clause"


def permalink(policy: str, identity: str) -> str:
    """The permanent link of a clause, by its identity (relative to the site)."""
    return f"{policy}/{CLAUSE_LINKS}/{identity}.html"


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
    domain: ClausebookDomain = app.env.domains["cb"]  # type: ignore[assignment]
    return str(domain.data["sections"].get(docname, ("", 1, ""))[2])


def manifest_document(app: Sphinx, entries: dict[str, list[VersionEntry]]) -> dict[str, Any]:
    # These build on this module, so they are imported here, when it is used.
    from clausebook.sphinxext.guidance import manifest_fields
    from clausebook.sphinxext.history import changes_url, in_force_url, stable_url
    from clausebook.sphinxext.printing import pdf_url

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


def write_json(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def handbook_model(app: Sphinx) -> Handbook:
    """The one typed model of what this build read (drafts, statuses, identities, references),
    computed once per build."""
    cached: Handbook | None = getattr(app.builder, "_cb_model", None)
    if cached is None:
        cached = _handbook_model(app)
        app.builder._cb_model = cached  # type: ignore[attr-defined]
    return cached


def _handbook_model(app: Sphinx) -> Handbook:
    from clausebook.sphinxext.guidance import bundle

    domain: ClausebookDomain = app.env.domains["cb"]  # type: ignore[assignment]
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
                for written, _number, _line in domain.data["references"].get(docname, []):
                    target = written.removeprefix("~")
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
