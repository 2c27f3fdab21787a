"""References between clauses and policies: how they read, where they lead, who refers to a clause.

``{clause}`4.4``` (same policy) shows "4.4" and links to the clause in the same version.
``{clause}`code-of-conduct:3.2``` shows "clause 3.2 of the Staff code of conduct" and links to
the clause's permanent link (``code-of-conduct/clause/3.2.html``), which follows it to the
version in force; ``{clause}`~code-of-conduct:3.2``` shows "3.2" alone, for a sentence that
names the policy already, and ``{clause}`words <code-of-conduct:3.2>``` shows the editor's words.
``{policy}`disciplinary``` shows a policy's title: one the handbook holds, or one declared in
``clausebook_external_policies`` (linked to its address, if it has one).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docutils import nodes
from docutils.nodes import Element
from sphinx.addnodes import pending_xref
from sphinx.application import Sphinx
from sphinx.builders import Builder
from sphinx.environment import BuildEnvironment
from sphinx.util.nodes import make_refnode

from clausebook.model import ClauseNumber, is_clause_number, parse_section_heading, section_anchor
from clausebook.sources.declarations import declaration_line
from clausebook.sphinxext.clauses import clause
from clausebook.sphinxext.domain import RENUMBERED_TOLD, ClausebookDomain, as_typed
from clausebook.sphinxext.entries import permalink_page, shown, version_entries
from clausebook.sphinxext.handbook import PolicyRecord, records
from clausebook.sphinxext.warnings_ import ClausebookWarning, notice, warn


def _domain(env: BuildEnvironment) -> ClausebookDomain:
    return env.domains["cb"]  # type: ignore[return-value]


def held_index(domain: ClausebookDomain, fromdocname: str, policy: str) -> str | None:
    """The version of a policy the handbook holds that a reference cites, or None."""
    index = domain.cited_version(fromdocname, policy)
    return index if index and domain.is_valid(index) else None


def _title_of(domain: ClausebookDomain, index: str) -> str:
    record = records(domain).policy(index)
    return record.title if record is not None else ""


def policy_of(domain: ClausebookDomain, docname: str) -> str:
    record = records(domain).policy(domain.policy_index_of(docname))
    return record.id if record is not None else ""


def external(env: BuildEnvironment, policy: str) -> dict[str, str] | None:
    found: dict[str, str] | None = env.config.clausebook_external_policies.get(policy)
    return found


def _shown_text(node: pending_xref, contnode: Element, text: str) -> Element:
    """The words a reference shows: the editor's own if they gave some, else ``text``."""
    classes = [c for c in contnode["classes"] if c not in ("cb-clause", "cb-policy")]
    # The class of a whole clause on a reference gave it a clause's layout (a grid) mid-sentence.
    shown = text if not node.get("refexplicit") else contnode.astext()
    return nodes.inline(shown, shown, classes=[*classes, "cb-clause-ref"])


def _to_page(builder: Builder, fromdocname: str, page: str, inner: Element, title: str) -> Element:
    """A link to a page the build writes that is not a source document (a permanent link)."""
    link = nodes.reference("", "", internal=True, refuri=builder.get_relative_uri(fromdocname, page))
    _title(link, inner, title)
    link += inner
    return link


def _title(link: Element, inner: Element, title: str) -> None:
    # A tooltip only where the link's words do not say it already (a screen reader reads both).
    if inner.astext() != title:
        link["reftitle"] = title


def _to_external(policy: dict[str, str], inner: Element, title: str) -> Element:
    if not policy.get("url"):
        inner["classes"].append("cb-external-policy")
        return inner
    link = nodes.reference("", "", internal=False, refuri=policy["url"])
    _title(link, inner, title)
    link += inner
    return link


def resolve_reference(
    domain: ClausebookDomain,
    builder: Builder,
    fromdocname: str,
    typ: str,
    target: str,
    node: pending_xref,
    contnode: Element,
) -> Element | None:
    env = domain.env
    if typ == "policy":
        return _resolve_policy(domain, builder, fromdocname, target, node, contnode)
    policy, _, number = target.rpartition(":")
    if not is_clause_number(number):
        return None
    number = str(ClauseNumber.parse(number))
    cross = bool(policy) and policy != policy_of(domain, fromdocname)
    index = held_index(domain, fromdocname, policy)
    words = reference_words(domain, fromdocname, target)
    if index is None and cross and (declared := external(env, policy)) is not None:
        inner = _shown_text(node, contnode, number if node.get("cb_short") else words)
        return _to_external(declared, inner, words)
    found = domain.find_clause(fromdocname, target)
    if found is None or index is None:
        return None
    inner = _shown_text(node, contnode, words if cross and not node.get("cb_short") else number)
    if not cross:
        return make_refnode(builder, fromdocname, found[0], found[1], inner, f"Clause {number}")
    recorded = domain.recorded_reference(fromdocname, target)
    if recorded is not None or domain.is_draft(index):
        # (A policy not yet released has no permanent links: its draft is all there is.)
        # A released version's reference keeps to the clause in the version it named, whatever
        # has been renumbered since; the working sources link to the permanent link.
        link = make_refnode(builder, fromdocname, found[0], found[1], inner, words)
        if recorded is None:
            return link
        return _with_changed_note(
            domain, builder, fromdocname, link, recorded, domain.changed_since(recorded)
        )
    release = records(domain).release(index)
    identity = release.identity(number) if release is not None else number
    return _to_page(builder, fromdocname, permalink_page(policy, identity), inner, words)


def _with_changed_note(
    domain: ClausebookDomain,
    builder: Builder,
    fromdocname: str,
    link: Element,
    recorded: dict[str, str],
    version: str | None,
) -> Element:
    """The reference, then "(amended in version 1.2; now clause 4.5)", or "(now clause 4.5)" when
    it was only renumbered: the words it cited are still the ones shown, and the reader learns
    what has become of them in the version in force (hidden in print: a PDF is one version as
    released). The reference alone when the clause is as it was, under the same number."""
    now = permalink_page(recorded["policy"], recorded["identity"])
    current = domain.cited_version(fromdocname, recorded["policy"])
    number = domain.number_of(current, recorded["identity"]) if current else None
    named = domain.index_of_version(recorded["policy"], recorded["version"])
    then = domain.number_of(named, recorded["identity"]) if named else None
    if version is None and (number is None or number == then):
        return link
    note = nodes.inline("", "", classes=["cb-changed-since"])
    note += nodes.Text(f" (amended in version {version}; " if version else " (")
    words = nodes.inline("", f"now clause {number}" if number else "the clause now")
    note += _to_page(builder, fromdocname, now, words, "the clause as it reads now")
    note += nodes.Text(")")
    both = nodes.inline("", "")
    both += link
    both += note
    return both


def reference_words(domain: ClausebookDomain, fromdocname: str, target: str) -> str:
    """What {clause}`target` says in full: "clause 3.2 of the Staff code of conduct", or "clause
    3.2" within its own policy; the bare target when it leads nowhere (the build refuses it)."""
    policy, _, number = target.rpartition(":")
    if not is_clause_number(number):
        return target
    number = str(ClauseNumber.parse(number))
    if not policy or policy == policy_of(domain, fromdocname):
        return f"clause {number}"
    index = held_index(domain, fromdocname, policy)
    if index is not None:
        return f"clause {number} of the {_title_of(domain, index)}"
    declared = external(domain.env, policy)
    return f"clause {number} of the {declared['title']}" if declared else target


def readable_text(domain: ClausebookDomain, docname: str, text: str) -> str:
    """A clause's collected words (read before references resolve) with each reference to
    another policy's clause as the page shows it."""
    for reference in records(domain).references(docname):
        target = reference.target
        if ":" in target:
            short = target.startswith("~")
            plain = target.removeprefix("~")
            words = reference_words(domain, docname, plain)
            text = text.replace(plain, plain.rpartition(":")[2] if short else words)
    return text


def _resolve_policy(
    domain: ClausebookDomain,
    builder: Builder,
    fromdocname: str,
    target: str,
    node: pending_xref,
    contnode: Element,
) -> Element | None:
    index = held_index(domain, fromdocname, target)
    if index is not None:
        title = _title_of(domain, index)
        inner = _shown_text(node, contnode, title)
        if domain.is_draft(index):
            return make_refnode(builder, fromdocname, index, "", inner, title)
        return _to_page(builder, fromdocname, f"{target}/index", inner, title)
    declared = external(domain.env, target)
    if declared is None:
        return None
    return _to_external(declared, _shown_text(node, contnode, declared["title"]), declared["title"])


def known_policies(domain: ClausebookDomain) -> str:
    held = {record.id for record in records(domain).policies().values() if record.id}
    # A policy both held and (still) declared is one policy.
    declared = set(domain.env.config.clausebook_external_policies)
    return ", ".join(sorted(held | declared)) or "none"


def _refused(domain: ClausebookDomain, fromdocname: str, policy: str) -> bool:
    """Whether the policy a reference cites ("" for its own) is one whose front matter the build
    refused: every version of it the handbook holds is refused (found: a false "cites a clause
    that does not exist" after a front matter mistake)."""
    if not policy or policy == policy_of(domain, fromdocname):
        index = domain.policy_index_of(fromdocname)
        return index is not None and not domain.is_valid(index)
    held = [index for index, record in records(domain).policies().items() if record.id == policy]
    return bool(held) and not any(domain.is_valid(index) for index in held)


def removed_in(domain: ClausebookDomain, cited: str, number: str) -> str | None:
    """The version whose clause ``number`` the version ``cited`` removed (None: none it follows had
    such a clause, or that clause is in ``cited`` under some number)."""
    record = records(domain).policy(cited)
    if record is None:
        return None
    earlier = [domain.last_release(record.id)]
    release = records(domain).release(cited)
    if release is not None and release.previous:
        earlier.append(domain.index_of_version(record.id, release.previous))
    for index in earlier:
        if index is None or index == cited:
            continue
        identity = domain.identities(index).get(number)
        if identity is not None and domain.number_of(cited, identity) is None:
            meta = records(domain).policy(index)
            return meta.version if meta is not None else None
    return None


def typed_line(ref: pending_xref, line: int) -> int:
    """The line a reference is typed on. Docutils gives each node in a paragraph the paragraph's
    first line (found: four references on four lines were all told at the first): the line is
    found in the source, from there, by the reference's target as typed."""
    target = ref.get("reftarget", "")
    needles = (
        (f"<{target}>`",) if ref.get("refexplicit") else (f"{'~' if ref.get('cb_short') else ''}{target}`",)
    )
    try:
        lines = Path(ref.source or "").read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return line
    start = max(line, 1)
    for number, text in enumerate(lines[start - 1 : start + 200], start):
        if any(needle in text for needle in needles):
            return number
    return line


def typed_words(ref: pending_xref, line: int) -> str:
    """The link text the editor typed ({clause}`their words <4.4>`), as typed: the page's text
    has had its quotes made typographic (found: advice to paste turned "policy's" into "policy’s")."""
    if not ref.get("refexplicit"):
        return ""
    shown = ref.astext()
    try:
        text = "\n".join(Path(ref.source or "").read_text(encoding="utf-8").splitlines()[max(line, 1) - 1 :])
    except (OSError, UnicodeDecodeError):
        return shown
    target = re.escape(ref.get("reftarget", ""))
    found = re.search(rf"\{{clause\}}(`+)(.+?)\s*<{target}>\1", text, re.S)
    return " ".join(found[2].split()) if found else shown


def warn_missing_reference(app: Sphinx, domain: Any, node: pending_xref) -> bool | None:
    """Refuse a reference that leads nowhere, saying what to write instead (with file and line)."""
    if domain.name != "cb":
        return None
    target = node["reftarget"]
    policy, _, number = target.rpartition(":")
    if _refused(domain, node["refdoc"], target if node["reftype"] == "policy" else policy):
        return True  # its front matter's error is the problem to fix: nothing follows from it
    line = typed_line(node, node.line) if node.line else None
    if (node["refdoc"], target, line) in domain.env.__dict__.get(RENUMBERED_TOLD, ()):
        return True  # told already, with the clause's number now
    written = ("~" if node.get("cb_short") else "") + target
    words = typed_words(node, node.line or 0)  # from the paragraph's first line: words may wrap
    unknown_policy = (
        f"no policy is called '{{name}}': the handbook holds or declares {known_policies(domain)}. "
        "Use a policy's folder name, or declare a policy the handbook does not hold in "
        "handbook/conf.py (clausebook_external_policies)"
    )
    if node["reftype"] == "policy":
        message = f"{{policy}}`{target}`: " + unknown_policy.format(name=target)
    elif not is_clause_number(number):
        message = (
            as_typed(written, words) + " is not a clause number: cite a clause by its number, "
            "like {clause}`4.2`, or {clause}`other-policy:4.2` for another policy"
        )
    elif policy and held_index(domain, node["refdoc"], policy) is None:
        message = as_typed(written, words) + ": " + unknown_policy.format(name=policy)
    else:
        where = "this policy"
        if policy and policy != policy_of(domain, node["refdoc"]):
            index = held_index(domain, node["refdoc"], policy)
            meta = records(domain).policy(index)
            where = f"the {meta.title} (version {meta.version})" if meta is not None else "that policy"
        cited = domain.target_index(node["refdoc"], target)
        moved = domain.moved_number(cited, number) if cited else None
        if moved:
            last = domain.release_before(cited)
            released = records(domain).policy(last) if last else None
            rewrite = f"{written.rpartition(':')[0]}:{moved}" if policy else moved
            message = (
                as_typed(written, words) + f" cites a clause that does not exist in {where}: clause {number} "
                f"of version {released.version if released else 'released last'} is {moved} now. "
                f"If that is the clause you mean, write {as_typed(rewrite, words)}"
            )
        elif cited and (gone := removed_in(domain, cited, number)):
            # Found: "cite the clause's current number" for a clause that has none.
            message = (
                as_typed(written, words) + f" cites a clause that does not exist in {where}: clause {number} "
                f"of version {gone} was removed. Cite another clause, or take the reference out"
            )
        else:
            message = (
                as_typed(written, words) + f" cites a clause that does not exist in {where}: it may have "
                "been renumbered or removed, or its section file deleted. Cite the clause's current number."
            )
    # The PDF step resolves the same pages again: one reference is one problem.
    seen: set[tuple[Any, ...]] = app.env.__dict__.setdefault("_cb_missing_seen", set())
    key = (node.source, line, target)
    if key not in seen:
        seen.add(key)
        warn(ClausebookWarning.UNKNOWN_CLAUSE, message, (node["refdoc"], line) if line else node)
    return True


# -- who refers to a clause ------------------------------------------------------------


def collect_references(app: Sphinx, doctree: nodes.document) -> None:
    """Note each {clause} reference of the page and the clause it is written in."""
    env = app.env
    domain = _domain(env)
    found = []
    for ref in doctree.findall(pending_xref):
        if ref.get("refdomain") != "cb":
            continue
        if ref["reftype"] == "policy":
            domain.note_citing(env.docname, "everywhere")  # it shows the policy's title
            continue
        within = ref.parent
        while within is not None and not isinstance(within, clause):
            within = within.parent
        number = within["number"] if within is not None else ""
        target = ("~" if ref.get("cb_short") else "") + ref["reftarget"]
        line = typed_line(ref, ref.line) if ref.line else (within.line if within is not None else 0) or 0
        found.append((target, number, line, typed_words(ref, ref.line or line)))
    if found:
        domain.note_references(env.docname, found)


@dataclass(frozen=True, order=True)
class Referrer:
    docname: str
    anchor: str
    label: str  # "clause 1.2", "clause 1.2 of the Leave policy", "section 2"


def referrers(app: Sphinx) -> dict[tuple[str, str], list[Referrer]]:
    """(docname, clause anchor) -> the clauses that refer to it, computed once per build."""
    cached: dict[tuple[str, str], list[Referrer]] | None = getattr(app.builder, "_cb_referrers", None)
    if cached is None:
        cached = _referrers(app)
        app.builder._cb_referrers = cached  # type: ignore[attr-defined]
    return cached


def _published_as_shown(app: Sphinx) -> set[str]:
    return {entry.index for entries in version_entries(app).values() if (entry := shown(entries))}


def _referrers(app: Sphinx) -> dict[tuple[str, str], list[Referrer]]:
    domain = _domain(app.env)
    read = records(domain)
    shown_versions = _published_as_shown(app)
    found: dict[tuple[str, str], set[Referrer]] = {}
    for docname, references in read.referring_pages():
        index = domain.policy_index_of(docname)
        if index is None or docname not in app.env.all_docs:
            continue
        meta = read.policy(index)
        for reference in references:
            target, number = reference.target.removeprefix("~"), reference.in_clause
            policy = target.rpartition(":")[0]
            cross = bool(policy) and policy != (meta.id if meta is not None else None)
            # Another policy is referred to by the versions staff read now, not by superseded ones.
            if cross and index not in shown_versions:
                continue
            referrer = _referrer(domain, docname, number, meta, cross)
            for clause_at in _clauses_referred_to(domain, docname, target):
                # Within a policy, each version's clauses are referred to by that version's own
                # (found: "clause 6.4, clause 6.4 and clause 6.4", one of them the draft's).
                if not cross and domain.policy_index_of(clause_at[0]) != index:
                    continue
                found.setdefault(clause_at, set()).add(referrer)
    return {key: sorted(value) for key, value in found.items()}


def _clauses_referred_to(domain: ClausebookDomain, docname: str, target: str) -> list[tuple[str, str]]:
    """(docname, anchor) of the clause a reference cites, in each version of the policy it cites
    that has it: a released reference follows the identity it was recorded with into the versions
    after the one it named (found: the in-force version's pages did not say who refers to them)."""
    recorded = domain.recorded_reference(docname, target)
    if recorded is None:
        clause_at = domain.find_clause(docname, target)
        return [clause_at] if clause_at is not None else []
    named = domain.index_of_version(recorded["policy"], recorded["version"])
    versions = [named] if named else []
    versions += domain.released_after(recorded["policy"], recorded["version"])
    if (draft := domain.draft_index(recorded["policy"])) is not None:
        versions.append(draft)
    found = []
    for index in versions:
        number = domain.number_of(index, recorded["identity"])
        clause_at = domain.clause_in(index, number) if number is not None else None
        if clause_at is not None:
            found.append(clause_at)
    return found


def _referrer(
    domain: ClausebookDomain, docname: str, number: str, meta: PolicyRecord | None, cross: bool
) -> Referrer:
    of = f" of the {meta.title if meta is not None else ''}" if cross else ""
    if number:
        return Referrer(docname, ClauseNumber.parse(number).anchor, f"clause {number}{of}")
    found = records(domain).section(docname)
    section, title = parse_section_heading(found.heading if found is not None else "")
    if section is None:
        return Referrer(docname, "", f"{title}{of}")
    return Referrer(docname, section_anchor(section), f"section {section}{of}")


def add_referred_by(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Under each clause, the clauses that refer to it (hidden in print: the PDF is one version)."""
    found = referrers(app)
    for item in doctree.findall(clause):
        by = found.get((docname, item["ids"][0] if item["ids"] else ""))
        if not by:
            continue
        para = nodes.paragraph(classes=["cb-referred-by"])
        para += nodes.Text("Referred to by ")
        for place, referrer in enumerate(by):
            if place:
                para += nodes.Text(", " if place < len(by) - 1 else " and ")
            uri = app.builder.get_relative_uri(docname, referrer.docname)
            uri += f"#{referrer.anchor}" if referrer.anchor else ""
            para += nodes.reference(referrer.label, referrer.label, internal=True, refuri=uri)
        para += nodes.Text(".")
        item += para


def _by_page(found: dict[tuple[str, str], list[Referrer]]) -> dict[str, list[Any]]:
    pages: dict[str, list[Any]] = {}
    for (docname, anchor), by in sorted(found.items()):
        pages.setdefault(docname, []).append((anchor, [(r.docname, r.anchor, r.label) for r in by]))
    return pages


def rewrite_referred_pages(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """A page whose clauses gained or lost a referrer is rewritten, though its source did not change."""
    app.builder._cb_referrers = None  # type: ignore[attr-defined]
    domain = _domain(env)
    now = _by_page(referrers(app))
    before: dict[str, list[Any]] = domain.remember("referred_by", now)
    return sorted(
        doc for doc in set(now) | set(before) if now.get(doc) != before.get(doc) and doc in env.all_docs
    )


def stale_declarations(app: Sphinx, env: BuildEnvironment) -> None:
    """A policy declared as external in conf.py that the handbook now holds: the held one is used."""
    held = {record.id for record in records(env).policies().values()}
    conf = Path(app.confdir) / "conf.py"
    for policy in sorted(set(env.config.clausebook_external_policies) & held):
        message = (
            f"the handbook now holds the policy '{policy}': references to it link to it, so remove "
            f"'{policy}' from clausebook_external_policies"
        )
        # A location without a line is taken for a document's name (found: "conf.py.rst.rst").
        line = declaration_line(conf, policy)
        if line is None:
            notice(f"{conf}: {message}")
        else:
            notice(message, f"{conf}:{line}")


def setup_references(app: Sphinx) -> None:
    app.connect("warn-missing-reference", warn_missing_reference)
    app.connect("doctree-read", collect_references, priority=910)
    app.connect("doctree-resolved", add_referred_by)
    # After the build's cached versions are forgotten (outputs, priority 500).
    app.connect("env-updated", rewrite_referred_pages, priority=700)
    # After every read, even of nothing: Sphinx checks consistency only when a page was
    # read again, and these tell the editor of problems that stay until they are fixed.
    app.connect("env-updated", stale_declarations, priority=900)
