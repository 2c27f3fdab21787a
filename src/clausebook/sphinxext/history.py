"""A policy's history on the site: its stable address, what changed in each version,
which version was in force on a date, and a permanent link to the current version of each clause.

All of it comes from the versions the build read (each frozen release and its
``release.json``), through :mod:`clausebook.versions.comparison`; nothing here parses sources.
"""

from __future__ import annotations

import datetime as dt
import posixpath
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markupsafe import escape
from sphinx.application import Sphinx

from clausebook.sphinxext.domain import TAMPERED, ClausebookDomain, format_date
from clausebook.sphinxext.entries import (
    CLAUSE_LINKS,
    VersionEntry,
    page_url,
    permalink,
    permalink_page,
    released,
    shown,
    stable_page,
    version_entries,
)
from clausebook.sphinxext.fingerprints import code_stamp, doctree_stamp, fingerprint, fingerprints
from clausebook.sphinxext.guidance_pages import tool_pages, tool_titles
from clausebook.sphinxext.handbook import policy_record, records
from clausebook.sphinxext.warnings_ import notice
from clausebook.versions.comparison import Change, VersionClause, compare, periods, redline
from clausebook.versions.releases import RECORD, versions_folder

CHANGES = "changes"
IN_FORCE = "in-force"


def stable_url(policy: str) -> str:
    return f"{stable_page(policy)}.html"


def in_force_url(policy: str) -> str:
    return f"{policy}/{IN_FORCE}.html"


def changes_page(entry: VersionEntry) -> str:
    return posixpath.join(entry.folder, CHANGES)


def _domain(app: Sphinx) -> ClausebookDomain:
    return app.env.domains["cb"]  # type: ignore[return-value]


def previous_of(app: Sphinx, entry: VersionEntry) -> VersionEntry | None:
    """The version this one amends: its release record says; a draft amends the last release."""
    versions = released(version_entries(app).get(entry.model.policy, []))
    if entry.status == "draft":
        return versions[-1] if versions else None
    record = records(app).release(entry.index)
    previous = record.previous if record is not None else None
    return next((v for v in versions if v.model.version == previous), None)


def changes_url(app: Sphinx, entry: VersionEntry) -> str | None:
    return f"{changes_page(entry)}.html" if previous_of(app, entry) else None


@dataclass(frozen=True)
class ShownChange:
    kind: str
    nature: str  # "substantive" or "editorial"
    old: str | None
    new: str | None
    old_url: str | None
    new_url: str | None
    redline: list[tuple[str, str]]


def clauses_of(app: Sphinx, entry: VersionEntry) -> list[VersionClause]:
    """A version's clauses, and its sections without clauses (cited by their number)."""
    return [VersionClause(number, item.text) for number, item in _domain(app).citable(entry.index).items()]


def shown_changes(app: Sphinx, entry: VersionEntry, before: VersionEntry) -> list[ShownChange]:
    """The version's changes, substantive first; links are relative to the version's folder."""
    domain = _domain(app)
    record = records(app).release(entry.index)
    old_citable, new_citable = domain.citable(before.index), domain.citable(entry.index)
    if record is not None:
        natures = {(c.old, c.new): c.nature for c in record.changes}
        changes = [(c.kind, c.old, c.new) for c in record.changes]
    else:  # a draft: what would change if it were released now
        found = compare(clauses_of(app, before), clauses_of(app, entry)).changes
        changes = [(c.kind, c.old, c.new) for c in found]
        natures = {}

    def url(citable: Any, number: str | None) -> str | None:
        if number is None or number not in citable:
            return None
        item = citable[number]
        return posixpath.relpath(page_url(app, item.docname, item.anchor), entry.folder)

    shown_list = []
    for kind, old, new in changes:
        old_text = old_citable[old].text if old in old_citable else ""
        new_text = new_citable[new].text if new in new_citable else ""
        shown_list.append(
            ShownChange(
                kind,
                natures.get((old, new), "substantive"),
                old,
                new,
                url(old_citable, old),
                url(new_citable, new),
                redline(old_text, new_text),
            )
        )
    return sorted(shown_list, key=lambda c: c.nature != "substantive")


def identity_history(
    app: Sphinx, versions: list[VersionEntry]
) -> dict[str, list[tuple[VersionEntry, str | None]]]:
    """identity -> [(version, the clause's number there, or None where it is absent)], oldest first."""
    domain = _domain(app)
    history: dict[str, list[tuple[VersionEntry, str | None]]] = {}
    for position, entry in enumerate(versions):
        numbers = list(domain.citable(entry.index))
        identities = domain.identities(entry.index)
        present = {identities.get(n, n): n for n in numbers}
        for identity in present:
            history.setdefault(identity, [(earlier, None) for earlier in versions[:position]])
        for identity, trail in history.items():
            trail.append((entry, present.get(identity)))
    return history


@dataclass(frozen=True)
class ClauseLink:
    identity: str
    target: str | None  # page#anchor of the clause in the version in force, relative to the link's page
    number: str | None  # its number there
    note: str  # what to tell the reader when the number moved or the clause went


def clause_links(app: Sphinx, policy: str) -> Iterator[ClauseLink]:
    """A permanent "current version of clause X" link for every clause that has been in force."""
    every = version_entries(app).get(policy, [])
    current = shown(every)
    if current is None:
        return
    versions = released(every)
    versions = versions[: versions.index(current) + 1]
    citable = _domain(app).citable(current.index)
    for identity, trail in identity_history(app, versions).items():
        original = identity.split("~")[0]
        number = trail[-1][1]
        if number is not None:
            item = citable[number]
            target = posixpath.relpath(page_url(app, item.docname, item.anchor), f"{policy}/{CLAUSE_LINKS}")
            note = ""
            if number != original:
                since = trail[-1][0]
                for entry, earlier in reversed(trail):
                    if earlier != number:
                        break
                    since = entry
                note = f"{original} is {number} since version {since.model.version}."
            yield ClauseLink(identity, target, number, note)
        else:
            last_seen = max(i for i, (_, n) in enumerate(trail) if n is not None)
            gone = trail[last_seen + 1][0]
            yield ClauseLink(
                identity,
                None,
                None,
                f"Clause {original} was removed in version {gone.model.version}, "
                f"in force from {format_date(gone.model.effective)}.",
            )


def collect_pages(app: Sphinx) -> Iterator[tuple[str, dict[str, Any], str]]:
    if app.builder.format != "html":
        return
    today = (
        dt.date.fromisoformat(app.config.clausebook_today) if app.config.clausebook_today else dt.date.today()
    )
    record = fingerprints(app)
    stamp = code_stamp(app)
    domain = _domain(app)
    read = records(app)
    for policy, versions in version_entries(app).items():
        published = released(versions)
        current = shown(versions)
        if current is None:
            continue
        # These pages show the versions, their clauses' numbers and places, and the release records.
        key = fingerprint(
            stamp,
            today.isoformat(),
            [(v.index, v.model.version, v.model.effective, v.status) for v in versions],
            [read.remembered("navigation").get(v.index) for v in versions],
            [release.raw if (release := read.release(v.index)) else None for v in versions],
            [sorted(domain.citable(v.index)) for v in versions],
            [doctree_stamp(app, [s.page for s in v.model.sections]) for v in versions],
            # Their menus link to each version's guidance tools, which come and go with its files.
            [(sorted(tool_pages(app, v.index).items()), tool_titles(app, v.index)) for v in versions],
        )
        links = [Path(app.outdir) / permalink(policy, link.identity) for link in clause_links(app, policy)]
        outputs = [Path(app.outdir) / stable_url(policy), Path(app.outdir) / in_force_url(policy), *links]
        if record.unchanged(f"history:{policy}", key, *outputs):
            continue
        base = {"cb_policy_id": policy, "cb_title": current.model.title}
        listing = [
            {
                "version": v.model.version,
                "effective": format_date(v.model.effective),
                "status": v.status,
                "url": page_url(app, v.index),
                "changes": changes_url(app, v),
            }
            for v in reversed(published)
        ]
        contents = [
            {"number": s.number, "title": s.title, "label": s.label, "url": page_url(app, s.page)}
            for s in current.model.sections
        ]
        upcoming = [v for v in published if v.status == "future" and v is not current]
        yield (
            stable_page(policy),
            {
                **base,
                "title": escape(current.model.title),
                "cb_current": current,
                "cb_effective": format_date(current.model.effective),
                "cb_upcoming": [(v, format_date(v.model.effective)) for v in upcoming],
                "cb_contents": contents,
                "cb_versions": listing,
                "cb_in_force": in_force_url(policy),
            },
            "clausebook/policy-landing.html",
        )
        spans = periods([(v.model.version, v.model.effective) for v in published])
        by_version = {v.model.version: v for v in published}
        yield (
            f"{policy}/{IN_FORCE}",
            {
                **base,
                "title": escape(f"{current.model.title}: in force on a date"),
                "cb_periods": [
                    {
                        "version": p.version,
                        "from": format_date(p.start.isoformat()),
                        "until": format_date(p.end.isoformat()) if p.end else None,
                        "url": page_url(app, by_version[p.version].index),
                        "now": p.start <= today and (p.end is None or today <= p.end),
                        "start": p.start.isoformat(),
                        "end": p.end.isoformat() if p.end else "",
                    }
                    for p in reversed(spans)
                ],
                "cb_today": format_date(today.isoformat()),
            },
            "clausebook/in-force.html",
        )
        for entry in versions:
            before = previous_of(app, entry)
            if before is None:
                continue
            yield (
                changes_page(entry),
                {
                    **base,
                    # A draft carries the number of the version it amends: named by it, the page
                    # would say the same version twice ("What changed in 1.0 ... compared with 1.0").
                    "title": escape(
                        f"What the draft of the {entry.model.title} changes"
                        if entry.status == "draft"
                        else f"What changed in {entry.model.title} {entry.model.version}"
                    ),
                    "cb_entry": entry,
                    "cb_before": before,
                    "cb_changes": shown_changes(app, entry, before),
                    "cb_effective": format_date(entry.model.effective),
                    "cb_entry_url": posixpath.relpath(page_url(app, entry.index), entry.folder),
                    "cb_before_url": posixpath.relpath(page_url(app, before.index), entry.folder),
                },
                "clausebook/changes.html",
            )
        for link in clause_links(app, policy):
            yield (
                permalink_page(policy, link.identity),
                {**base, "title": escape(f"Clause {link.identity.split('~')[0]}"), "cb_link": link},
                "clausebook/clause-link.html",
            )


def next_version(version: str) -> str:
    parts = version.split(".")
    return ".".join([*parts[:-1], str(int(parts[-1]) + 1)]) if parts[-1].isdigit() else f"{version}.1"


def change_words(change: Change) -> str:
    """One change, as the notice lists it: "4.4 renumbered to 4.3", "4.3 removed"."""
    if change.kind == "renumbered":
        return f"{change.old} renumbered to {change.new}"
    if change.kind == "changed" and change.old != change.new:
        return f"{change.old} changed and renumbered to {change.new}"
    # A section without clauses is compared as a whole (found: "3 changed" read as a count).
    return f"{'section ' if '.' not in str(change.number) else ''}{change.number} {change.kind}"


GUIDANCE_KINDS = {"quiz": "the quiz", "rules": "the guidance rules"}


def guidance_words(app: Sphinx, before: VersionEntry, draft: VersionEntry) -> str:
    """ "the guidance rules changed", when the draft's guidance differs from the release's (found:
    the notice said only "6.1 changed" when the rules had changed too)."""
    read = records(app)
    then, now = read.guidance(before.index), read.guidance(draft.index)
    changed = [
        words
        for kind, words in GUIDANCE_KINDS.items()
        if (then[kind].data if kind in then else None) != (now[kind].data if kind in now else None)
    ]
    return f"{' and '.join(changed)} changed" if changed else ""


def notices(app: Sphinx, env: Any) -> None:
    """Tell editors what needs them without failing the build: a review date passed, changes not released."""
    today = (
        dt.date.fromisoformat(app.config.clausebook_today) if app.config.clausebook_today else dt.date.today()
    )
    handbook = Path(app.confdir)
    for policy, versions in version_entries(app).items():
        working = f"{handbook / policy / 'index.md'}:1"
        current = shown(versions)
        review = policy_record(app, current.index).review if current else None
        if current is not None and current.status == "current" and review and review < today.isoformat():
            notice(
                f"the {current.model.title} was due for review on {format_date(review)}: review it, set the "
                "next review date in this file, and publish the result with make release",
                working,
            )
        draft = next((v for v in versions if v.status == "draft"), None)
        before = previous_of(app, draft) if draft else None
        # A policy whose release records cannot be read is refused at them: not told to release again.
        if (
            draft is not None
            and not released(versions)
            and not any(versions_folder(handbook, policy).glob(f"*/{RECORD}"))
        ):
            notice(
                f"the {draft.model.title} has not been released: it is a draft, not in force and not "
                f"listed on the home page; preview it at {policy}/draft/. To publish its first version: "
                "make release "
                f"POLICY={policy} VERSION={draft.model.version} EFFECTIVE=YYYY-MM-DD",
                working,
            )
        # A draft with a numbering mistake is told that mistake, not a renumbering made of it; one
        # made by editing a released file is told that edit.
        told_else = policy in app.env.__dict__.get(TAMPERED, ()) or (
            draft is not None and _domain(app).misnumbered(draft.index)
        )
        if draft is not None and before is not None and not told_else:
            changes = compare(clauses_of(app, before), clauses_of(app, draft)).changes
            listed = ", ".join(change_words(c) for c in changes[:6])
            if len(changes) > 6:  # found: the seventh and later were left out, with nothing said
                listed += f" and {len(changes) - 6} more (the draft's changes page lists them all)"
            # Found: a new category moved the policy on the home page only after a release, and
            # nothing said why: front matter is part of the version, released with it.
            then, now = policy_record(app, before.index), policy_record(app, draft.index)
            fields = [
                name
                for name in sorted({*dict(then.fields), *dict(now.fields)})
                if then.field(name) != now.field(name)
            ]
            fields = (["title"] if then.title != now.title else []) + fields
            front = f"{', '.join(fields)} changed, shown on the site once released" if fields else ""
            what = (
                "; ".join(part for part in (listed, front, guidance_words(app, before, draft)) if part)
                or "no clause in what it says: other text, the guidance, or a reference's new number"
            )
            notice(
                f"handbook/{policy}/ has changes not yet released ({what}): the site still shows version "
                f"{before.model.version}, and the draft is at {policy}/draft/. To publish them: make release "
                f"POLICY={policy} VERSION={next_version(released(versions)[-1].model.version)} "
                "EFFECTIVE=YYYY-MM-DD",
                working,
            )


def setup_history(app: Sphinx) -> None:
    app.connect("html-collect-pages", collect_pages)
    # After every read, even of nothing: Sphinx checks consistency only when a page was
    # read again, and these tell the editor of problems that stay until they are fixed.
    app.connect("env-updated", notices, priority=900)
