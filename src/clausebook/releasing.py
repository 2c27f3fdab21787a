"""``make release``: publish the amended policy as a new frozen version.

It refuses, before writing anything: an unknown policy, a version that exists or
is not after the last, a date that is not a date or is before the last version's,
a release with no change, and sources with any problem. Then it compares the new
clauses with the last release's (both from the build's clauses.json, so the
sources are parsed once, by the build) and freezes the sources.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

from clausebook.build import Paths, build
from clausebook.releases import ReleaseError, check_new_release, freeze
from clausebook.staging import DRAFT, declared_version
from clausebook.versions import Clause, compare


def built_clauses(paths: Paths, folder: str) -> list[Clause]:
    """A built version's clauses, and its sections without clauses, from its clauses.json."""
    data = json.loads((paths.outdir / folder / "clauses.json").read_text(encoding="utf-8"))
    found = [Clause(c["number"], c["text"]) for c in data["clauses"]]
    found += [
        Clause(s["number"], s["text"]) for s in data.get("sections", []) if s.get("text") and s["number"]
    ]
    return found


def release(
    root: Path, policy: str, version: str, effective: str, editorial: set[str], today: dt.date
) -> int:
    paths = Paths(root.resolve())
    try:
        done = check_new_release(paths.handbook, policy, version, effective)
    except ReleaseError as error:
        print(f"error: {error}. Nothing was released.", file=sys.stderr)
        return 1
    print(f"Checking the sources of {policy} before releasing version {version}...")
    if build(paths.root, publish_site=False, quiet=True) != 0:
        print("error: fix the problems above first. Nothing was released.", file=sys.stderr)
        return 1
    folder = (
        f"{policy}/{DRAFT}" if done else f"{policy}/{declared_version(paths.handbook / policy / 'index.md')}"
    )
    new = built_clauses(paths, folder)
    changes: list[dict[str, Any]] = []
    if done:
        last = done[-1]
        used = {identity for r in done for identity in r.identities.values()}
        comparison = compare(
            built_clauses(paths, f"{policy}/{last.version}"), new, last.identities, used, version
        )
        numbers = {c.number for c in comparison.changes}
        unknown = sorted(editorial - numbers)
        if unknown:
            print(
                f"error: EDITORIAL names {', '.join(unknown)}, which did not change "
                f"(changed: {', '.join(sorted(numbers)) or 'none'}). Nothing was released.",
                file=sys.stderr,
            )
            return 1
        identities = dict(comparison.identities)
        for c in comparison.changes:
            nature = "editorial" if c.number in editorial else "substantive"
            changes.append(
                {"kind": c.kind, "old": c.old, "new": c.new, "identity": c.identity, "nature": nature}
            )
    else:
        identities = {c.number: c.number for c in new}
    target = freeze(
        paths.handbook,
        policy,
        version,
        effective,
        identities,
        changes,
        done[-1].version if done else None,
        today,
    )
    print(f"Released {policy} {version}, in force from {effective}: {target.relative_to(paths.root)}")
    for change in changes:
        label = change["new"] or change["old"]
        print(f"  {change['kind']:<10} {label:<6} {change['nature']}")
    if done and not changes:
        print("  No clause changed (headings or other text did).")
    print("Now run: make html")
    return 0
