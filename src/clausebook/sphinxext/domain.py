"""The ``cb`` domain: every clause, section and policy the build has read.

Data is kept per document (``clear_doc`` / ``merge_domaindata``, as
``sphinx.ext.todo`` does), so incremental builds and ``sphinx-build -j`` stay
right. Whole-policy checks (numbering) run in ``check_consistency``, once every
document has been read.

Only this module and its accessor (``clausebook.sphinxext.handbook.records``) read ``data``:
every other part reads frozen records through the accessor and collects through the
``note_*`` methods and ``remember`` (tests/test_one_accessor.py holds the rule).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import posixpath
import re
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
    ClauseIdentity,
    ClauseNumber,
    Location,
    PolicyVersion,
    Section,
    is_clause_number,
    numbering_problems,
    parse_section_heading,
    section_anchor,
)
from clausebook.sources.frontmatter import OPTIONAL, read_front_matter
from clausebook.sources.staging import DRAFT_MARKER
from clausebook.sphinxext.warnings_ import ClausebookWarning, warn
from clausebook.versions.comparison import VersionClause, compare, in_force, version_key
from clausebook.versions.releases import GUIDANCE, RECORD, VERSIONS, UnreadableRecordError, read_record

OPTIONAL_FIELDS = OPTIONAL
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


def as_typed(target: str, words: str = "") -> str:
    """A {clause} reference as the editor typed it, with their own link text if they gave one:
    a message quoting only the target could not be found in the source."""
    if not words:
        return f"{{clause}}`{target}`"
    # Words with a backtick in them were typed between longer fences ({clause}``the `pw` rule <4.4>``).
    fence = "`" * (max((len(run) for run in re.findall("`+", words)), default=0) + 1)
    return f"{{clause}}{fence}{words} <{target}>{fence}"


class PolicyRole(ClauseRole):
    """``{policy}`disciplinary``` shows the policy's title, linked to it."""

    kind = "policy"


CITES = "cites:"  # a "citing" scope naming the policies a page refers to: "cites:code-of-conduct,visitors"
# (docname, reference target, line) told to give a renumbered clause's new number, this build.
RENUMBERED_TOLD = "_cb_renumbered_told"
TAMPERED = "_cb_tampered"  # the policies whose released files were edited, this build
TABLES = ("clauses", "sections", "policies", "status", "citing", "guidance", "releases", "references")


@dataclass(frozen=True)
class BuildStatus:
    """What the build decided about a policy version's index, kept apart from its front matter."""

    invalid: bool = False  # its front matter has a problem (reported): not published
    draft: bool = False  # unreleased changes: checked and previewed, never in force


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
        "policies": {},  # index docname -> the editor's fields (checked), with "id" and "title"
        "status": {},  # index docname -> BuildStatus
        "citing": {},  # docname -> "local", "cites:<policy>,..." or "everywhere": what its output depends on
        # docname -> [(target, number of the clause it is in or "", line, the editor's link text or "")]
        "references": {},
    }
    data_version = 5

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

    def note_references(self, docname: str, found: list[tuple[str, str, int, str]]) -> None:
        """The page's {clause} references: (target as written, the clause it is in or "", line,
        the link text the editor gave or "")."""
        if found:
            self.data["references"][docname] = found

    def note_guidance(self, index: str, found: dict[str, tuple[str, Any, dict[Any, int]]]) -> None:
        """The guidance files read with a policy version's index: kind -> (path, data, lines)."""
        self.data["guidance"][index] = found

    def remember(self, name: str, now: dict[str, Any]) -> dict[str, Any]:
        """Keep what a part saw in this build (its navigation, its guidance kinds...) for the next
        build to compare with; returns what the last build kept under ``name``."""
        before: dict[str, Any] = self.data.get(name, {})
        self.data[name] = now
        return before

    def memory(self, name: str) -> dict[str, Any]:
        """What the last :meth:`remember` kept under ``name``."""
        found: dict[str, Any] = self.data.get(name, {})
        return found

    def status(self, index: str) -> BuildStatus:
        return self.data["status"].get(index, BuildStatus(invalid=True))

    def is_draft(self, index: str) -> bool:
        return self.status(index).draft

    def is_valid(self, index: str) -> bool:
        return index in self.data["policies"] and not self.status(index).invalid

    def note_citing(self, docname: str, scope: str) -> None:
        """``docname`` shows what other pages hold: clauses of its own policy version
        (scope "local"), or of any policy (scope "everywhere": cross-policy references,
        the list of policies)."""
        before = self.data["citing"].get(docname)
        if before == "everywhere" or (scope == "local" and before is not None):
            return
        if scope.startswith(CITES):
            # A page citing other policies by name depends on those policies only: an edit
            # anywhere else does not read it again (that was most of a rebuild of a large handbook).
            cited = (
                set(before.removeprefix(CITES).split(",")) if before and before.startswith(CITES) else set()
            )
            scope = CITES + ",".join(sorted(cited | set(scope.removeprefix(CITES).split(","))))
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
        """The index document of the policy version a document belongs to (the innermost)."""
        if docname in self.data["policies"]:
            return docname
        folders = self._policy_folders()
        folder = posixpath.dirname(docname)
        while folder:
            if folder in folders:
                return folders[folder]
            folder = posixpath.dirname(folder)
        return None

    def _policy_folders(self) -> dict[str, str]:
        """Folder -> the policy index in it; kept while the policies read stay the same (asked for
        every page: a scan of every index per page was 6% of a rebuild at 200 policy-versions)."""
        known = frozenset(self.data["policies"])
        cached: tuple[frozenset[str], dict[str, str]] | None = self.env.__dict__.get("_cb_policy_folders")
        if cached is None or cached[0] != known:
            folders = {posixpath.dirname(index): index for index in sorted(known, key=len, reverse=True)}
            cached = (known, {folder: index for folder, index in folders.items() if folder})
            self.env.__dict__["_cb_policy_folders"] = cached
        return cached[1]

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
        return Section(
            heading_number, heading_title, docname, clauses, Location(path, line), heading=title.strip()
        )

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
            if self.is_valid(index):
                yield index, self.policy_version(index)

    def current_index(self, policy: str, today: dt.date) -> str | None:
        """The index document of the version of ``policy`` in force on ``today`` (drafts never are)."""
        released = {
            meta["version"]: index
            for index, meta in self.data["policies"].items()
            if meta.get("id") == policy and self.is_valid(index) and not self.is_draft(index)
        }
        effective = [
            (version, self.data["policies"][index]["effective"]) for version, index in released.items()
        ]
        version = in_force(effective, today)
        return released[version] if version is not None else None

    # -- checks ----------------------------------------------------------------

    def misnumbered(self, index: str) -> bool:
        """Whether the version ``index`` has a numbering mistake (told as such). Its clauses
        cannot then be matched to the last release's: advice from that matching ("4.5 is 4.7
        now: cite 4.7") would spread the mistake (found: 21 such errors came before the one
        that said 4.7 should be 4.5)."""
        cache: dict[str, bool] = self.env.__dict__.setdefault("_cb_misnumbered", {})
        if index not in cache:
            cache[index] = bool(numbering_problems(self.policy_version(index).sections))
        return cache[index]

    def check_consistency(self) -> None:
        self.check_renumbered_references()
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

    def reference_meanings(self, docname: str) -> list[ReferenceMeaning]:
        """What each reference of a page means: the clause (by identity) and the version of it.

        A released page's reference means what its release recorded. A working page's reference
        that stands as its policy's last release wrote it means what that release recorded; one
        the editor wrote or rewrote since means the clause its number names now (in the version
        it resolves against), since the editor wrote it against today's numbering."""
        working = self.data["references"].get(docname, [])
        index = self.policy_index_of(docname)
        if index is None:
            return [ReferenceMeaning(r, None, False) for r in working]
        if index in self.data["releases"]:
            return [
                ReferenceMeaning(
                    r,
                    self._recorded_meaning(self.recorded_reference(docname, r[0].removeprefix("~")))
                    or self._meaning_now(docname, r[0]),
                    True,
                )
                for r in working
            ]
        last = self.last_release(self.data["policies"][index]["id"])
        record = self.data["releases"].get(last) if last else None
        if last is None or not record or not record.get("references"):
            return [ReferenceMeaning(r, self._meaning_now(docname, r[0]), False) for r in working]
        page = posixpath.relpath(docname, posixpath.dirname(index))
        released = self.data["references"].get(posixpath.join(posixpath.dirname(last), page), [])
        found = []
        for reference, (then, meant) in zip(
            working, same_references(working, released, record["references"].get(page) or {}), strict=True
        ):
            if meant is not None and then == reference[0].removeprefix("~"):
                found.append(ReferenceMeaning(reference, self._recorded_meaning(meant), True))
            else:
                now = self._meaning_now(docname, reference[0])
                found.append(ReferenceMeaning(reference, now, False, rewritten=meant is not None))
        return found

    def _recorded_meaning(self, meant: dict[str, str] | None) -> Meant | None:
        if meant is None:
            return None
        index = self.index_of_version(meant["policy"], meant["version"])
        return Meant(meant["policy"], meant["identity"], meant["version"], index)

    def _meaning_now(self, docname: str, written: str) -> Meant | None:
        target = written.removeprefix("~")
        now = self.target_index(docname, target)
        identity = self.identities(now).get(target.rpartition(":")[2]) if now else None
        if now is None or identity is None:
            return None
        meta = self.data["policies"][now]
        return Meant(meta["id"], identity, str(meta["version"]), now)

    def check_renumbered_references(self) -> None:
        """A working page's reference that its policy's last release resolved to a clause since
        renumbered: the editor is told the clause's number now (found: it silently cited another)."""
        told: set[tuple[str, str, int]] = self.env.__dict__.setdefault(RENUMBERED_TOLD, set())
        told.clear()
        for index, _meta in sorted(self.data["policies"].items()):
            if not self.is_valid(index) or index in self.data["releases"]:
                continue  # a released version keeps what it meant
            for docname in (index, *self.env.toctree_includes.get(index, [])):
                for meaning in self.reference_meanings(docname):
                    then_written, _number, line, words = meaning.reference
                    target = then_written.removeprefix("~")
                    number = self.renumbered_to(docname, meaning)
                    if number is None:
                        continue
                    now = cast(str, self.target_index(docname, target))
                    if self.misnumbered(now):
                        continue
                    meant = cast(Meant, meaning.meant)
                    written = target.rpartition(":")[2]
                    first = self.renumbered_since(now, meant.version, meant.identity, number)
                    since = "in the draft" if self.is_draft(now) else f"since version {first}"
                    # As the editor wrote it: the "~" (the number alone on the page) stays.
                    shown = "~" if then_written.startswith("~") else ""
                    prefix = target.rpartition(":")[0]
                    rewrite = f"{shown}{prefix + ':' if prefix else ''}{number}"
                    warn(
                        ClausebookWarning.RENUMBERED_REFERENCE,
                        f"{as_typed(then_written, words)}: {written} is {number} {since}: write "
                        f"{as_typed(rewrite, words)} (the clause this page cited when it was released "
                        "now has that number)",
                        (docname, line),
                    )
                    # This says what to write: the "does not exist" refusal would say it less well.
                    # By its line: another reference to the same number is judged on its own (found:
                    # a new one beside it was told nothing).
                    told.add((docname, target, line))

    def released_after(self, policy: str, version: str) -> list[str]:
        """The index documents of the versions of ``policy`` released after ``version``, oldest first."""
        return [
            index
            for _key, index in sorted(
                (version_key(meta["version"]), index)
                for index, meta in self.data["policies"].items()
                if meta.get("id") == policy
                and self.is_valid(index)
                and not self.is_draft(index)
                and version_key(meta["version"]) > version_key(version)
            )
        ]

    def holds_another_clause(self, index: str, number: str) -> bool:
        """Whether ``number`` names, in the version ``index``, another clause than it named in its
        policy's last release before it (the clause it named was removed or renumbered)."""
        last = self.last_release(self.data["policies"][index]["id"])
        if last is None or last == index:
            return False
        then, now = self.identities(last).get(number), self.identities(index).get(number)
        return then is not None and now is not None and then != now

    def release_before(self, index: str) -> str | None:
        """The release the version ``index`` follows: its policy's last release, or, for the last
        release itself, the one it was released after (found: a reference written since the last
        release to a number it moved was told only "it may have been renumbered")."""
        policy = self.data["policies"][index]["id"]
        last = self.last_release(policy)
        if last != index:
            return last
        previous = (self.data["releases"].get(index) or {}).get("previous")
        return self.index_of_version(policy, previous) if isinstance(previous, str) else None

    def moved_number(self, index: str, number: str) -> str | None:
        """The number in the version ``index`` of the clause that was ``number`` in the release
        it follows (:meth:`release_before`), when that clause is there under another number."""
        last = self.release_before(index)
        if last is None:
            return None
        identity = self.identities(last).get(number)
        now = self.number_of(index, identity) if identity is not None else None
        return now if now != number else None

    def number_of(self, index: str, identity: str) -> str | None:
        """The number the clause of ``identity`` has in the version ``index`` (None: not in it)."""
        return next((n for n, i in self.identities(index).items() if i == identity), None)

    def renumbered_to(self, docname: str, meaning: ReferenceMeaning) -> str | None:
        """The number now of the clause a working reference, left as its policy's last release
        wrote it, meant, when that clause has been renumbered since (None: it has not).

        A number the editor rewrote is theirs to choose (found: "2.9 is 2.1" told of a new target
        that does not exist): only one left as released is told to move."""
        target = meaning.reference[0].removeprefix("~")
        now = self.target_index(docname, target)
        if not meaning.as_released or meaning.meant is None or now is None:
            return None
        number = self.number_of(now, meaning.meant.identity)
        return number if number is not None and number != target.rpartition(":")[2] else None

    def renumbered_since(self, now: str, version: str, identity: str, number: str) -> str:
        """The first version after ``version`` where the clause of ``identity`` has ``number``."""
        for index in self.released_after(self.data["policies"][now]["id"], version):
            if self.number_of(index, identity) == number:
                return str(self.data["policies"][index]["version"])
        return str(self.data["policies"][now]["version"])

    def changed_since(self, meant: dict[str, str]) -> str | None:
        """The first version released after the one a reference named whose words for the clause
        it meant differ (or that no longer has it); None while every later version keeps them."""
        named = self.index_of_version(meant["policy"], meant["version"])
        number = self.number_of(named, meant["identity"]) if named else None
        if named is None or number is None:
            return None
        words = " ".join(self.citable(named)[number].text.split())
        for index in self.released_after(meant["policy"], meant["version"]):
            now = self.number_of(index, meant["identity"])
            if now is None or " ".join(self.citable(index)[now].text.split()) != words:
                return str(self.data["policies"][index]["version"])
        return None

    # -- resolving {clause} references -----------------------------------------

    def identities(self, index: str) -> dict[str, str]:
        """Clause (or section) number -> identity, in the version whose index is ``index``.

        A release recorded them; a draft or a first version gets them here, from the
        release before it (renumbered clauses keep theirs), computed once per build.
        """
        cache: dict[str, dict[str, str]] = self.env.__dict__.setdefault("_cb_identities", {})
        if index not in cache:
            cache[index] = self._identities(index)
        return cache[index]

    def _identities(self, index: str) -> dict[str, str]:
        record = self.data["releases"].get(index)
        numbers = list(self.citable(index))
        if record is not None and record.get("identities"):
            return {n: record["identities"].get(n, n) for n in numbers}
        last = self.last_release(self.data["policies"][index]["id"])
        if last is None or last == index:
            return {n: n for n in numbers}
        used = {i for r in self.data["releases"].values() for i in (r.get("identities") or {}).values()}
        before = [VersionClause(n, c.text) for n, c in self.citable(last).items()]
        now = [VersionClause(n, c.text) for n, c in self.citable(index).items()]
        found = compare(before, now, self.identities(last), used, "draft").identities
        return {n: found.get(n, n) for n in numbers}

    def last_release(self, policy: str) -> str | None:
        """The index of the policy's highest released version."""
        done = [
            (version_key(meta["version"]), index)
            for index, meta in self.data["policies"].items()
            if meta.get("id") == policy and self.is_valid(index) and index in self.data["releases"]
        ]
        return max(done)[1] if done else None

    def index_of_version(self, policy: str, version: str) -> str | None:
        """The index of the released version ``version`` of ``policy``."""
        return next(
            (
                index
                for index, meta in self.data["policies"].items()
                if meta.get("id") == policy
                and self.is_valid(index)
                and not self.is_draft(index)
                and meta.get("version") == version
            ),
            None,
        )

    def recorded_reference(self, fromdocname: str, target: str) -> dict[str, str] | None:
        """What a released version's reference meant when it was released: policy, identity, version."""
        index = self.policy_index_of(fromdocname)
        record = self.data["releases"].get(index) if index else None
        if not record or index is None:
            return None
        page = posixpath.relpath(fromdocname, posixpath.dirname(index))
        found: dict[str, str] | None = (record.get("references") or {}).get(page, {}).get(target)
        return found

    def clause_in(self, index: str, number: str) -> tuple[str, str] | None:
        """(docname, anchor) of clause (or section) ``number`` in the version ``index``."""
        item = self.citable(index).get(number)
        return (item.docname, item.anchor) if item else None

    def target_index(self, fromdocname: str, target: str) -> str | None:
        """The version a reference written in ``fromdocname`` resolves against, as the build sees it now."""
        return self.cited_version(fromdocname, target.rpartition(":")[0])

    def cited_version(self, fromdocname: str, policy: str) -> str | None:
        """The policy version a reference from ``fromdocname`` to ``policy`` ("" for its own) cites."""
        own = self.policy_index_of(fromdocname)
        # Its own policy named ("social-media:4.5" in the social media policy) is its own version
        # too (found: it cited the version in force, from a draft and from later releases).
        if not policy or (own is not None and self.data["policies"].get(own, {}).get("id") == policy):
            return own
        today = self.env.config.clausebook_today or dt.date.today().isoformat()
        # Until a policy has a version in force, cite the version to come, or else its first draft.
        return (
            self.current_index(policy, dt.date.fromisoformat(today))
            or self.current_index(policy, dt.date.max)
            or self.draft_index(policy)
        )

    def draft_index(self, policy: str) -> str | None:
        """The index of the policy's draft, if it has one."""
        return next(
            (
                index
                for index, meta in sorted(self.data["policies"].items())
                if meta.get("id") == policy and self.is_valid(index) and self.is_draft(index)
            ),
            None,
        )

    def find_clause(self, fromdocname: str, target: str) -> tuple[str, str] | None:
        """(docname, anchor) of the clause ``target`` cites from ``fromdocname``.

        A released version's reference follows the identity it was released with, in the
        version it named: the same words, whatever has been renumbered since.
        """
        number = target.rpartition(":")[2]
        if not is_clause_number(number):
            return None
        recorded = self.recorded_reference(fromdocname, target)
        if recorded is not None:
            index = self.index_of_version(recorded["policy"], recorded["version"])
            if index is not None:
                moved = self.number_of(index, recorded["identity"])
                if moved is not None:
                    return self.clause_in(index, moved)
        index = self.target_index(fromdocname, target)
        if index is None:
            return None
        return self.clause_in(index, str(ClauseNumber.parse(number)))

    def resolved_identity(self, fromdocname: str, target: str) -> ClauseIdentity | None:
        """The clause identity a reference stands for, in the version it resolves to."""
        found = self.find_clause(fromdocname, target)
        if found is None:
            return None
        docname, anchor = found
        index = self.policy_index_of(docname)
        if index is None:
            return None
        number = next((n for n, c in self.citable(index).items() if c.anchor == anchor), None)
        if number is None:
            return None
        meta = self.data["policies"][index]
        return ClauseIdentity(meta["id"], self.identities(index).get(number, number), meta["version"])

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


def _location(env: BuildEnvironment, location: Location | None) -> tuple[str, int | None] | None:
    if location is None:
        return None
    docname = env.path2doc(location.path)
    return (docname, location.line) if docname else None


def check_sources(app: Any, env: Any = None, docnames: Any = None) -> None:
    """What the build checks outside the pages (file encodings, guidance file names, released
    files), reported here so that plain ``sphinx-build`` reports them as ``make html`` does."""
    from clausebook.sources.confinement import outside_link_problems
    from clausebook.sources.staging import encoding_problems, guidance_problems
    from clausebook.versions.releases import integrity_problems

    app.env.__dict__.pop("_cb_missing_seen", None)
    handbook = Path(app.confdir)
    tampered = integrity_problems(handbook)
    # The policies with an edited release: their working copy differs from that release, and
    # is no draft (found: "has changes not yet released (4.3 changed)" beside the edit's error).
    versions = handbook.resolve() / VERSIONS
    app.env.__dict__[TAMPERED] = {
        Path(p.location.path).resolve().relative_to(versions).parts[0]
        for p in tampered
        if p.location and Path(p.location.path).resolve().is_relative_to(versions)
    }
    for kind, problems in (
        (ClausebookWarning.SOURCE, encoding_problems(handbook)),
        (ClausebookWarning.GUIDANCE_FILE, guidance_problems(handbook)),
        (ClausebookWarning.RELEASED_FILE, tampered),
        (ClausebookWarning.OUTSIDE_HANDBOOK, outside_link_problems(handbook.parent)),
    ):
        for problem in problems:
            where = f"{problem.location.path}:{problem.location.line or 1}" if problem.location else None
            warn(kind, problem.message, where)


def read_policy_metadata(app: Any, doctree: nodes.document) -> None:
    """Take a policy's details from the front matter of its index.md.

    MyST hands nested front matter over as JSON text in ``env.metadata``; a page
    whose front matter has a ``policy`` key is a policy version's index.
    """
    env = app.env
    docname = env.docname
    raw = env.metadata.get(docname, {}).get("policy")
    domain: ClausebookDomain = env.domains["cb"]
    # (The references themselves are collected by the references module, with the clause each is in.)
    for ref in doctree.findall(pending_xref):
        if ref.get("refdomain") == "cb":
            target = ref["reftarget"]
            domain.note_citing(
                docname, CITES + target.split(":", 1)[0].lstrip("~") if ":" in target else "local"
            )
    # Read from the file itself: where MyST could not read the front matter ("Malformed YAML",
    # for a date such as 2026-13-04) it hands over none, and the policy's pages were then told
    # they belong to no policy, with nothing said of the date (found in an editor trial).
    checked = read_front_matter(Path(env.doc2path(docname)))
    if raw is None and not checked.is_policy:
        return
    # A policy's index is reached from the policy list, not from a table of contents.
    env.metadata.setdefault(docname, {})["orphan"] = True
    for problem in checked.problems:
        line = problem.location.line if problem.location else 1
        warn(ClausebookWarning.POLICY_METADATA, problem.message, (docname, line))
    title = env.titles[docname].astext() if docname in env.titles else docname
    meta: dict[str, str] = checked.policy.as_dict() if checked.policy else {}
    meta.setdefault("category", DEFAULT_CATEGORY)
    meta["id"] = docname.split("/")[0] if "/" in docname else docname
    meta["title"] = title
    folder = Path(env.doc2path(docname)).parent
    # The build's own view of the version, never mixed with the editor's fields.
    domain.data["status"][docname] = BuildStatus(
        invalid=checked.policy is None, draft=(folder / DRAFT_MARKER).exists()
    )
    record = folder / RECORD
    if record.is_file():
        env.note_dependency(str(record))
        # One that cannot be read is refused at its line by the integrity check: nothing is published.
        with contextlib.suppress(UnreadableRecordError):
            domain.data["releases"][docname] = read_record(record)
    domain.note_policy(docname, meta)
    if checked.policy is None:
        return
    _insert_policy_details(
        doctree, meta, details_note(env.config, meta["id"]), domain.data["status"][docname].draft
    )


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


DRAFT_DETAILS = ("Status", "Not yet released: a draft, not in force")


def detail_rows(meta: dict[str, str], draft: bool) -> list[tuple[str, str]]:
    """The details shown under a policy's title (page and PDF). A draft's front matter already
    names the date it is meant for, but until it is released it is in force from no date."""
    rows = []
    for key, label in LABELS.items():
        if draft and key == "effective":
            rows.append(DRAFT_DETAILS)
        elif meta.get(key):
            rows.append((label, format_value(key, meta[key])))
    return rows


def _insert_policy_details(doctree: nodes.document, meta: dict[str, str], note: str, draft: bool) -> None:
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is None:
        return
    details = policy_details()
    field_list = nodes.field_list(classes=["cb-policy-details"])
    for label, value in detail_rows(meta, draft):
        field_list += nodes.field(
            "", nodes.field_name(text=label), nodes.field_body("", nodes.paragraph(text=value))
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


def cites(scope: str, policy: str) -> bool:
    """Whether a page of this "citing" scope shows what ``policy`` holds."""
    return scope == "everywhere" or (
        scope.startswith(CITES) and policy in scope.removeprefix(CITES).split(",")
    )


def outdated_citing(
    app: Any, env: BuildEnvironment, added: Set[str], changed: Set[str], removed: Set[str]
) -> list[str]:
    """Re-resolve the pages whose references may point at what changed.

    A page citing only its own policy version depends on its own folder; one citing other
    policies on its folder and theirs; the list of policies on every page.
    """
    touched = {posixpath.dirname(doc) for doc in (*added, *changed, *removed)}
    if not touched:
        return []
    policies = {folder.split("/", 1)[0] for folder in touched}
    domain: ClausebookDomain = env.domains["cb"]  # type: ignore[assignment]

    def affected(doc: str, scope: str) -> bool:
        return posixpath.dirname(doc) in touched or any(cites(scope, policy) for policy in policies)

    return [
        doc
        for doc, scope in domain.data["citing"].items()
        if doc in env.all_docs and doc not in changed and affected(doc, scope)
    ]


def exclude_sealed_guidance(app: Any, config: Any) -> None:
    """A released version's frozen guidance (``_versions/<policy>/<version>/_guidance/``) holds
    files for reviewers, never pages; ``make html`` does not stage it, plain sphinx-build must
    not read it either."""
    config.exclude_patterns = [*config.exclude_patterns, f"**/{GUIDANCE}"]


def setup_domain(app: Any) -> None:
    app.connect("config-inited", exclude_sealed_guidance)
    app.add_domain(ClausebookDomain)
    app.add_role("clause", ClauseRole())
    # Once the build runs (not while Sphinx starts, before the build collects its log records).
    app.connect("env-before-read-docs", check_sources)
    app.add_role("policy", PolicyRole())
    app.connect("doctree-read", read_policy_metadata, priority=900)
    app.connect("env-get-outdated", outdated_citing)
    app.add_node(policy_details, html=(visit_details, depart_details))


__all__ = ["ClausebookDomain", "format_date", "section_anchor", "setup_domain"]


# (target as written, the clause it is written in, line, the link text the editor gave or "")
Reference = tuple[str, str, int, str]


@dataclass(frozen=True)
class Meant:
    """The clause a reference means: its policy, its identity, and the version it was read in."""

    policy: str
    identity: str
    version: str
    index: str | None  # that version's index (None: not read in this build)


@dataclass(frozen=True)
class ReferenceMeaning:
    reference: Reference
    meant: Meant | None  # None: it names no clause
    as_released: bool  # it stands as its policy's last release wrote it
    rewritten: bool = False  # one of that release's references, its number changed since


def same_references(
    working: list[Reference], released: list[Reference], recorded: dict[str, dict[str, str]]
) -> list[tuple[str, dict[str, str] | None]]:
    """What each working reference of a page was written as and meant at its policy's last
    release (its target as then written, and what the release recorded of it: None, a new one).

    A reference is the same one as at the release when it stands in the same clause, in the
    same place among that clause's references to the same policy: the editor may have rewritten
    its number (4.4 to 4.5, as told), and it is then judged by what it meant, not by what its new
    number meant then (found: "4.5 is 4.6", a loop). Where a clause gained or lost references,
    a reference is matched by its target as written.
    """

    def key(reference: Reference) -> tuple[str, str]:
        return reference[1], reference[0].removeprefix("~").rpartition(":")[0]

    groups: dict[tuple[str, str], list[str]] = {}
    for reference in released:
        groups.setdefault(key(reference), []).append(reference[0].removeprefix("~"))
    counts: dict[tuple[str, str], int] = {}
    for reference in working:
        counts[key(reference)] = counts.get(key(reference), 0) + 1
    seen: dict[tuple[str, str], int] = {}
    found: list[tuple[str, dict[str, str] | None]] = []
    for reference in working:
        group = key(reference)
        place = seen.get(group, 0)
        seen[group] = place + 1
        before = groups.get(group, [])
        written = reference[0].removeprefix("~")
        if len(before) == counts[group]:
            same = before[place]
        elif written in before:
            same = written  # the same target in the same clause: the same reference
        else:
            # Not matched within its clause (found: matched page-wide, it took another clause's
            # meaning, and the editor was told to write that clause's number): a new one.
            found.append((written, None))
            continue
        found.append((same, recorded.get(same)))
    return found
