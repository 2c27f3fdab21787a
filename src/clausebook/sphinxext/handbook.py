"""Typed records of the handbook for the parts of the build that read it, so that no part reads
the domain's raw dicts: the domain keeps them for merging and clearing per document only.

:func:`records` is the one accessor: every part outside the domain reads what the build has
collected through it (policies, sections, references, guidance files, release records, what
the last build saw), each as a frozen record. What a part collects while reading, it hands to
the domain's ``note_*`` methods. The whole handbook (versions, clauses, identities,
references, guidance) is :func:`clausebook.sphinxext.outputs.handbook_model`, made from these.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from clausebook.sphinxext.domain import DEFAULT_CATEGORY, ClausebookDomain
from clausebook.versions.releases import engine_of


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

    @property
    def version(self) -> str:
        return self.field("version") or ""

    @property
    def effective(self) -> str:
        return self.field("effective") or ""

    def field(self, key: str) -> str | None:
        return next((value for name, value in self.fields if name == key), None)

    def details(self) -> dict[str, str]:
        """Its fields by name, as the details under its title read them."""
        return dict(self.fields)


@dataclass(frozen=True)
class SectionRecord:
    """A section file's heading as written, its line, and the words of a section without clauses."""

    heading: str
    line: int
    text: str


@dataclass(frozen=True)
class Reference:
    """A ``{clause}`` reference of a page."""

    target: str  # as written, with its "~" if it has one: "~code-of-conduct:3.2"
    in_clause: str  # the number of the clause it is written in, or "" outside any clause
    line: int
    words: str = ""  # the link text the editor gave ({clause}`their words <4.4>`), if any


@dataclass(frozen=True)
class GuidanceFile:
    """A guidance file read with a policy version's index (quiz, rules or pins)."""

    kind: str  # "quiz", "rules" or "pins"
    path: str
    data: Any  # as YAML (or pins.json) gave it; the engine's loaders check it
    lines: Mapping[Any, int]  # the line of each item's path, for messages


@dataclass(frozen=True)
class RecordedChange:
    """A change as its release recorded it."""

    kind: str
    old: str | None
    new: str | None
    nature: str  # "substantive" or "editorial"


@dataclass(frozen=True)
class ReleaseRecord:
    """What a release recorded of its version (release.json), as the build reads it."""

    version: str
    previous: str | None
    identities: Mapping[str, str]  # clause (or section) number -> its identity
    changes: tuple[RecordedChange, ...]
    engine: int  # the guidance engine's edition it is read with
    raw: Mapping[str, Any]  # the whole record, for fingerprints of what shows it

    def identity(self, number: str) -> str:
        return self.identities.get(number, number)


def _policy(index: str, meta: dict[str, Any]) -> PolicyRecord:
    return PolicyRecord(
        index,
        meta.get("id", ""),
        meta.get("title", ""),
        meta.get("category", DEFAULT_CATEGORY),
        meta.get("review") or None,
        tuple((key, value) for key, value in meta.items() if key not in ("id", "title")),
    )


def _release(raw: dict[str, Any]) -> ReleaseRecord:
    return ReleaseRecord(
        str(raw.get("version", "")),
        raw.get("previous"),
        dict(raw.get("identities") or {}),
        tuple(
            RecordedChange(c["kind"], c.get("old"), c.get("new"), c.get("nature", "substantive"))
            for c in raw.get("changes") or []
        ),
        engine_of(raw),
        raw,
    )


class Records:
    """The build's collected data as frozen records: a view of the domain, made on demand."""

    def __init__(self, domain: ClausebookDomain) -> None:
        self._domain = domain

    # -- policy versions -------------------------------------------------------

    def policy(self, index: str | None) -> PolicyRecord | None:
        """The record of the policy version whose index is ``index`` (None: no such version read).

        Made again only when the domain has read its index again (reading replaces the index's
        dict, so a kept record of another dict is stale)."""
        meta = self._domain.data["policies"].get(index) if index else None
        if meta is None or index is None:
            return None
        cache: dict[str, tuple[dict[str, Any], PolicyRecord]] = self._domain.env.__dict__.setdefault(
            "_cb_policy_records", {}
        )
        kept = cache.get(index)
        if kept is None or kept[0] is not meta:
            kept = cache[index] = (meta, _policy(index, meta))
        return kept[1]

    def policies(self) -> dict[str, PolicyRecord]:
        """Every policy version read (valid or not), by the docname of its index."""
        found = {index: self.policy(index) for index in self._domain.data["policies"]}
        return {index: record for index, record in found.items() if record is not None}

    def indexes(self) -> Iterator[str]:
        """The index docname of every policy version read."""
        return iter(self._domain.data["policies"])

    # -- pages -----------------------------------------------------------------

    def section(self, docname: str) -> SectionRecord | None:
        found = self._domain.data["sections"].get(docname)
        return SectionRecord(*found) if found is not None else None

    def references(self, docname: str) -> tuple[Reference, ...]:
        return tuple(Reference(*r) for r in self._domain.data["references"].get(docname, ()))

    def referring_pages(self) -> Iterator[tuple[str, tuple[Reference, ...]]]:
        """Each page with references, with them."""
        for docname in list(self._domain.data["references"]):
            yield docname, self.references(docname)

    def citing(self) -> dict[str, str]:
        """Each page's "citing" scope: what other pages' contents it shows (see ``note_citing``)."""
        return dict(self._domain.data["citing"])

    # -- guidance and releases -------------------------------------------------

    def guidance(self, index: str) -> dict[str, GuidanceFile]:
        """The guidance files read with a version's index, by kind (none: nothing read)."""
        files = self._domain.data["guidance"].get(index, {})
        return {kind: GuidanceFile(kind, *entry) for kind, entry in files.items()}

    def guidance_read(self) -> dict[str, dict[str, GuidanceFile]]:
        """Every version's guidance files, by the docname of its index."""
        return {index: self.guidance(index) for index in self._domain.data["guidance"]}

    def release(self, index: str | None) -> ReleaseRecord | None:
        """What the version's release recorded, or None if it is not released."""
        raw = self._domain.data["releases"].get(index) if index else None
        return _release(raw) if raw is not None else None

    # -- what the last build saw -----------------------------------------------

    def remembered(self, name: str) -> dict[str, Any]:
        """What a part noted with ``ClausebookDomain.remember`` in the last build that ran it."""
        return self._domain.memory(name)


def records(where: Sphinx | BuildEnvironment | ClausebookDomain) -> Records:
    """The one accessor of what the build has collected, for every part outside the domain."""
    if isinstance(where, ClausebookDomain):
        return Records(where)
    env = where.env if isinstance(where, Sphinx) else where
    return Records(env.domains["cb"])  # type: ignore[arg-type]


def policy_records(app: Sphinx) -> dict[str, PolicyRecord]:
    """Every policy version's record, by the docname of its index."""
    return records(app).policies()


def policy_record(app: Sphinx, index: str) -> PolicyRecord:
    found = records(app).policy(index)
    if found is None:
        raise KeyError(index)
    return found
