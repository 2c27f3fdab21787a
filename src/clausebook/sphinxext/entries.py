"""The policy versions this build read, each with its status on the build date: what every
output (pages, JSON, guidance, history, PDFs, search) is made from, computed once per build.

The outputs build on this module; it builds on none of them.
"""

from __future__ import annotations

import json
import posixpath
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx

from clausebook.model import PolicyVersion
from clausebook.sphinxext.config import ClausebookConfig
from clausebook.sphinxext.domain import ClausebookDomain, version_key
from clausebook.sphinxext.handbook import policy_record


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
    app.env.__dict__.pop("_cb_misnumbered", None)


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
    policy = policy_record(app, index).id
    return next((v for v in version_entries(app).get(policy, []) if v.index == index), None)


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


def permalink_page(policy: str, identity: str) -> str:
    """The page name of a clause's permanent link, by its identity: it follows the clause to the
    version in force, wherever the clause moves."""
    return f"{policy}/{CLAUSE_LINKS}/{identity}"


def permalink(policy: str, identity: str) -> str:
    """The permanent link of a clause, by its identity (relative to the site)."""
    return f"{permalink_page(policy, identity)}.html"


def write_json(path: Path, data: dict[str, Any], *, compact: bool = False) -> None:
    """Indented for a reader of the site's data; ``compact`` for a file only a page fetches, where
    the indentation would be bytes on every first visit."""
    if compact:
        text = json.dumps(data, separators=(",", ":"), ensure_ascii=False) + "\n"
    else:
        text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    # Unchanged content is not written again: its time stays, so what depends on it (publishing,
    # the offline file list) sees no change.
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        if path.read_text(encoding="utf-8") == text:
            return
    except (OSError, UnicodeDecodeError):
        pass  # no file yet, or not one of ours: write it
    path.write_text(text, encoding="utf-8")
