"""The ``cb`` domain: every clause, section and policy the build has read.

Data is kept per document (``clear_doc`` / ``merge_domaindata``, as
``sphinx.ext.todo`` does), so incremental builds and ``sphinx-build -j`` stay
right. Whole-policy checks (numbering) run in ``check_consistency``, once every
document has been read.
"""

from __future__ import annotations

import datetime as dt
import json
import posixpath
from collections.abc import Iterable, Iterator, Set
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, cast

from docutils import nodes
from docutils.nodes import Element
from sphinx.addnodes import pending_xref
from sphinx.builders import Builder
from sphinx.domains import Domain
from sphinx.environment import BuildEnvironment
from sphinx.roles import XRefRole

from clausebook.model import (
    Clause,
    ClauseNumber,
    Location,
    PolicyVersion,
    Section,
    is_clause_number,
    numbering_problems,
    parse_section_heading,
    section_anchor,
)
from clausebook.releases import RECORD
from clausebook.sphinxext.warnings_ import ClausebookWarning, warn
from clausebook.staging import DRAFT_MARKER

POLICY_FIELDS = {
    "version": 'the version number, in quotes, like "1.0"',
    "effective": "the date the version comes into force, written YYYY-MM-DD",
}
OPTIONAL_FIELDS = ("owner", "approved_by", "approved", "review")
DEFAULT_CATEGORY = "Policies"  # the home page's group for a policy whose front matter names none


class ClauseRole(XRefRole):
    """``{clause}`4.4``` shows "4.4"; ``{clause}`code-of-conduct:3.2``` shows "clause 3.2 of the
    Staff code of conduct", and ``{clause}`~code-of-conduct:3.2``` only "3.2" (for a sentence that
    names the policy already); ``{clause}`your words <code-of-conduct:3.2>``` shows your words."""

    kind = "clause"

    def __init__(self) -> None:
        super().__init__(warn_dangling=True, innernodeclass=nodes.inline)

    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        # Registered as a bare {clause} role too; always resolve through this domain.
        self.name = f"cb:{self.kind}"
        return super().run()

    def process_link(
        self, env: BuildEnvironment, refnode: Element, has_explicit_title: bool, title: str, target: str
    ) -> tuple[str, str]:
        if not has_explicit_title and target.startswith("~"):
            target = title = target[1:]
            refnode["cb_short"] = True
        return title, target.strip()


class PolicyRole(ClauseRole):
    """``{policy}`disciplinary``` shows the policy's title, linked to it."""

    kind = "policy"


TABLES = ("clauses", "sections", "policies", "citing", "guidance", "releases", "references")


@dataclass(frozen=True)
class Citable:
    """What guidance may cite in a policy version: a clause, or a section without clauses."""

    label: str
    text: str
    docname: str
    anchor: str


class ClausebookDomain(Domain):
    name = "cb"
    label = "Clausebook"
    roles: ClassVar[dict[str, Any]] = {"clause": ClauseRole(), "policy": PolicyRole()}
    initial_data: ClassVar[dict[str, dict[str, Any]]] = {
        "clauses": {},  # docname -> [(number, text, line)]
        "sections": {},  # docname -> (heading, line, text of a section without clauses)
        "guidance": {},  # policy index docname -> {"quiz" | "tree": (path, data, lines)}
        "releases": {},  # policy index docname -> its release record (release.json), if released
        "policies": {},  # index docname -> metadata dict
        "citing": {},  # docname -> "local" or "everywhere": what its output depends on
        "references": {},  # docname -> [(target, number of the clause it is in or "", line)]
    }
    data_version = 3

    # -- collecting ------------------------------------------------------------

    def note_clause(self, docname: str, number: str, text: str, line: int) -> int:
        """Record a clause in document order; returns its place, to give it its text later."""
        found = self.data["clauses"].setdefault(docname, [])
        found.append((number, text, line))
        return len(found) - 1

    def set_clause_text(self, docname: str, place: int, text: str) -> None:
        number, _old, line = self.data["clauses"][docname][place]
        self.data["clauses"][docname][place] = (number, text, line)

    def note_section(self, docname: str, title: str, line: int, text: str = "") -> None:
        self.data["sections"][docname] = (title, line, text)

    def note_policy(self, docname: str, metadata: dict[str, Any]) -> None:
        self.data["policies"][docname] = metadata

    def note_citing(self, docname: str, scope: str) -> None:
        """``docname`` shows what other pages hold: clauses of its own policy version
        (scope "local"), or of any policy (scope "everywhere": cross-policy references,
        the list of policies)."""
        if self.data["citing"].get(docname) != "everywhere":
            self.data["citing"][docname] = scope

    def clear_doc(self, docname: str) -> None:
        for table in TABLES:
            self.data[table].pop(docname, None)

    def merge_domaindata(self, docnames: Set[str], otherdata: dict[str, Any]) -> None:
        for table in TABLES:
            for docname, value in otherdata[table].items():
                if docname in docnames:
                    self.data[table][docname] = value

    # -- the policies, as the pure model --------------------------------------

    def policy_index_of(self, docname: str) -> str | None:
        """The index document of the policy version a document belongs to."""
        best = None
        for index in self.data["policies"]:
            folder = posixpath.dirname(index)
            inside = docname == index or (folder and docname.startswith(folder + "/"))
            if inside and (best is None or len(index) > len(best)):
                best = index
        return best

    def policy_version(self, index: str) -> PolicyVersion:
        meta = self.data["policies"][index]
        sections = tuple(self._section(doc) for doc in self.env.toctree_includes.get(index, []))
        return PolicyVersion(
            policy=meta["id"],
            title=meta["title"],
            version=meta["version"],
            effective=meta["effective"],
            sections=sections,
            metadata=tuple((key, str(meta[key])) for key in OPTIONAL_FIELDS if meta.get(key)),
        )

    def _section(self, docname: str) -> Section:
        title, line, _text = self.data["sections"].get(docname, (docname, 1, ""))
        path = str(self.env.doc2path(docname))
        clauses = tuple(
            Clause(ClauseNumber.parse(num), text, docname, Location(path, ln))
            for num, text, ln in self.data["clauses"].get(docname, [])
        )
        heading_number, heading_title = parse_section_heading(title)
        return Section(heading_number, heading_title, docname, clauses, Location(path, line))

    def citable(self, index: str) -> dict[str, Citable]:
        """Clause numbers ("4.4") and numbers of sections without clauses ("3") -> their words."""
        found: dict[str, Citable] = {}
        for docname in self.env.toctree_includes.get(index, []):
            title, _line, text = self.data["sections"].get(docname, ("", 1, ""))
            number, _ = parse_section_heading(title)
            if text and number is not None:
                found[str(number)] = Citable(f"Section {number}", text, docname, section_anchor(number))
            for num, clause_text, _ in self.data["clauses"].get(docname, []):
                found[num] = Citable(num, clause_text, docname, ClauseNumber.parse(num).anchor)
        return found

    def policy_versions(self) -> Iterator[tuple[str, PolicyVersion]]:
        for index in sorted(self.data["policies"]):
            if "invalid" not in self.data["policies"][index]:
                yield index, self.policy_version(index)

    def current_index(self, policy: str, today: dt.date) -> str | None:
        """The index document of the version of ``policy`` in force on ``today``.

        The latest effective date on or before today wins; on the same date, the
        higher version number.
        """
        in_force = [
            (meta["effective"], version_key(meta["version"]), index)
            for index, meta in self.data["policies"].items()
            if meta.get("id") == policy
            and "invalid" not in meta
            and "draft" not in meta
            and meta["effective"] <= today.isoformat()
        ]
        return max(in_force)[2] if in_force else None

    # -- checks ----------------------------------------------------------------

    def check_consistency(self) -> None:
        for _index, version in self.policy_versions():
            for problem in numbering_problems(version.sections):
                warn(ClausebookWarning.NUMBERING, problem.message, _location(self.env, problem.location))
        for docname, found in self.data["clauses"].items():
            if found and self.policy_index_of(docname) is None:
                warn(
                    ClausebookWarning.OUTSIDE_POLICY,
                    "this page has clauses but is not in a policy's folder: clauses belong in "
                    "a section file next to the policy's index.md",
                    (docname, found[0][2]),
                )

    # -- resolving {clause} references -----------------------------------------

    def target_index(self, fromdocname: str, policy: str) -> str | None:
        """The policy version a reference from ``fromdocname`` to ``policy`` ("" for its own) cites."""
        if not policy:
            return self.policy_index_of(fromdocname)
        today = self.env.config.clausebook_today or dt.date.today().isoformat()
        # Until a policy has a version in force, cite the version to come.
        return self.current_index(policy, dt.date.fromisoformat(today)) or self.current_index(
            policy, dt.date.max
        )

    def find_clause(self, fromdocname: str, target: str) -> tuple[str, str] | None:
        """(docname, anchor) of the clause ``target`` cites from ``fromdocname``."""
        policy, _, number = target.rpartition(":")
        if not is_clause_number(number):
            return None
        index = self.target_index(fromdocname, policy)
        if index is None:
            return None
        wanted = str(ClauseNumber.parse(number))
        for docname in self.env.toctree_includes.get(index, []):
            for num, _text, _line in self.data["clauses"].get(docname, []):
                if num == wanted:
                    return docname, ClauseNumber.parse(num).anchor
        return None

    def resolve_xref(
        self,
        env: BuildEnvironment,
        fromdocname: str,
        builder: Builder,
        typ: str,
        target: str,
        node: pending_xref,
        contnode: Element,
    ) -> nodes.reference | None:
        from clausebook.sphinxext.references import resolve_reference

        # Sphinx puts whatever comes back in the reference's place: a policy the handbook does
        # not hold, and that has no address, is named without a link.
        return cast(
            nodes.reference | None, resolve_reference(self, builder, fromdocname, typ, target, node, contnode)
        )

    def resolve_any_xref(self, *args: Any) -> list[tuple[str, nodes.reference]]:
        return []

    def get_objects(self) -> Iterable[tuple[str, str, str, str, str, int]]:
        return []


def version_key(version: str) -> tuple[int, ...]:
    """'1.10' sorts after '1.9'."""
    return tuple(int(part) if part.isdigit() else -1 for part in version.split("."))


def _location(env: BuildEnvironment, location: Location | None) -> tuple[str, int | None] | None:
    if location is None:
        return None
    docname = env.path2doc(location.path)
    return (docname, location.line) if docname else None


def read_policy_metadata(app: Any, doctree: nodes.document) -> None:
    """Take a policy's details from the front matter of its index.md.

    MyST hands nested front matter over as JSON text in ``env.metadata``; a page
    whose front matter has a ``policy`` key is a policy version's index.
    """
    env = app.env
    docname = env.docname
    raw = env.metadata.get(docname, {}).get("policy")
    domain: ClausebookDomain = env.domains["cb"]
    for ref in doctree.findall(pending_xref):
        if ref.get("refdomain") == "cb":
            domain.note_citing(docname, "everywhere" if ":" in ref["reftarget"] else "local")
    if raw is None:
        return
    # A policy's index is reached from the policy list, not from a table of contents.
    env.metadata[docname]["orphan"] = True
    try:
        meta = json.loads(raw) if isinstance(raw, str) else raw
    except json.JSONDecodeError:
        meta = None
    if not isinstance(meta, dict):
        warn(
            ClausebookWarning.POLICY_METADATA,
            "the 'policy:' front matter must be a list of fields (version, effective, owner...), "
            "each on its own indented line",
            (docname, 1),
        )
        domain.note_policy(docname, {"invalid": True})
        return
    problems = False
    for key, help_text in POLICY_FIELDS.items():
        if key not in meta or meta[key] in (None, ""):
            warn(
                ClausebookWarning.POLICY_METADATA,
                f"the policy's front matter has no '{key}': add {help_text}",
                (docname, 1),
            )
            problems = True
    version = meta.get("version")
    if version is not None and not isinstance(version, str):
        warn(
            ClausebookWarning.POLICY_METADATA,
            f'write the version in quotes, like version: "{version}" (without them 1.10 would read as 1.1)',
            (docname, 1),
        )
        problems = True
    effective = meta.get("effective")
    if effective:
        try:
            dt.date.fromisoformat(str(effective))
        except ValueError:
            warn(
                ClausebookWarning.POLICY_METADATA,
                f"effective: {effective!r} is not a date: write it YYYY-MM-DD",
                (docname, 1),
            )
            problems = True
    category = meta.get("category")
    if category is not None and (not isinstance(category, str) or not category.strip()):
        warn(
            ClausebookWarning.POLICY_METADATA,
            f"category: {category!r} is not a group's name: write it as words on one line, "
            f"like category: {DEFAULT_CATEGORY} (the home page lists policies by category)",
            (docname, 1),
        )
        problems = True
    title = env.titles[docname].astext() if docname in env.titles else docname
    meta = {key: str(value) for key, value in meta.items() if value is not None}
    meta.setdefault("category", DEFAULT_CATEGORY)
    meta.setdefault("id", docname.split("/")[0] if "/" in docname else docname)
    meta["title"] = title
    if problems:
        meta["invalid"] = "yes"
    folder = Path(env.doc2path(docname)).parent
    if (folder / DRAFT_MARKER).exists():
        meta["draft"] = "yes"  # unreleased changes: checked and previewed, never in force
    record = folder / RECORD
    if record.is_file():
        env.note_dependency(str(record))
        domain.data["releases"][docname] = json.loads(record.read_text(encoding="utf-8"))
    domain.note_policy(docname, meta)
    _insert_policy_details(doctree, meta, details_note(env.config, meta["id"]))


def details_note(config: Any, policy: str) -> str:
    """The handbook's note on what it added to a policy's details (conf.py), or nothing."""
    return str(config.clausebook_details_notes.get(policy, ""))


class policy_details(nodes.General, nodes.Element):  # noqa: N801
    """The version, dates and owner shown under a policy's title."""


LABELS = {
    "version": "Version",
    "effective": "In force from",
    "owner": "Owner",
    "approved_by": "Approved by",
    "approved": "Approved on",
    "review": "Next review",
}


def _insert_policy_details(doctree: nodes.document, meta: dict[str, str], note: str) -> None:
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is None:
        return
    details = policy_details()
    field_list = nodes.field_list(classes=["cb-policy-details"])
    for key, label in LABELS.items():
        if meta.get(key):
            field_list += nodes.field(
                "",
                nodes.field_name(text=label),
                nodes.field_body("", nodes.paragraph(text=format_value(key, meta[key]))),
            )
    details += field_list
    if note:
        details += nodes.paragraph(text=note, classes=["cb-added-note"])
    title_index = section.first_child_matching_class(nodes.title)
    section.insert((title_index or 0) + 1, details)


def format_value(key: str, value: str) -> str:
    if key in ("effective", "approved", "review"):
        try:
            return format_date(value)
        except ValueError:
            return value
    return value


def format_date(value: str) -> str:
    """'2024-09-01' -> '1 September 2024', the way UK policies write dates."""
    day = dt.date.fromisoformat(value)
    return f"{day.day} {day:%B %Y}"


def visit_details(self: Any, node: policy_details) -> None:
    self.body.append('<div class="cb-policy-details-box">')


def depart_details(self: Any, node: policy_details) -> None:
    self.body.append("</div>")


def outdated_citing(
    app: Any, env: BuildEnvironment, added: Set[str], changed: Set[str], removed: Set[str]
) -> list[str]:
    """Re-resolve the pages whose references may point at what changed.

    A page citing only its own policy version depends on its own folder; the rest
    (cross-policy references, the policy list) on every page.
    """
    touched = {posixpath.dirname(doc) for doc in (*added, *changed, *removed)}
    if not touched:
        return []
    domain: ClausebookDomain = env.domains["cb"]  # type: ignore[assignment]
    return [
        doc
        for doc, scope in domain.data["citing"].items()
        if doc in env.all_docs
        and doc not in changed
        and (scope == "everywhere" or posixpath.dirname(doc) in touched)
    ]


def setup_domain(app: Any) -> None:
    app.add_domain(ClausebookDomain)
    app.add_role("clause", ClauseRole())
    app.add_role("policy", PolicyRole())
    app.connect("doctree-read", read_policy_metadata, priority=900)
    app.connect("env-get-outdated", outdated_citing)
    app.add_node(policy_details, html=(visit_details, depart_details))


__all__ = ["ClausebookDomain", "format_date", "section_anchor", "setup_domain"]
