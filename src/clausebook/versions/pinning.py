"""``make pins``: record that guidance items fit the clauses as they now read.

Items never pinned are pinned to the newest version's words; items named in
ITEMS are re-confirmed after an amendment (their older pins stay, so earlier
versions keep them too). Pins nothing needs any more (an item that is gone, a
clause an item no longer cites) are dropped, and listed.
"""

from __future__ import annotations

import sys
from pathlib import Path

from clausebook.commands.build import Paths, build
from clausebook.modelfile import read_model
from clausebook.sources.yamlsource import read_yaml
from clausebook.versions.pins import confirm, drop_stale, items, load, moved_citation_notices, pins_path, save
from clausebook.versions.releases import policy_folders


def confirm_pins(root: Path, policy: str, only: set[str]) -> int:
    paths = Paths(root.resolve())
    known = policy_folders(paths.handbook)
    if policy not in known:  # before the build: it takes a minute, and could not change this
        print(
            f"error: there is no policy '{policy}' in handbook/ (policies: {', '.join(known) or 'none'}). "
            "No pin was changed.",
            file=sys.stderr,
        )
        return 1
    # Its notices are left out: "not pinned: run make pins" is what this command is doing.
    told: list[str] = []
    if build(paths.root, publish_site=False, quiet=True, show_notices=False, told=told) != 0:
        return 1  # the build's last line said why, and that nothing was written
    moved = moved_citation_notices(told, policy)
    if moved:
        # Found: pinning such an item confirmed it against the words of another clause.
        for line in moved:
            print(line, file=sys.stderr)
        print(
            "error: the guidance cites clauses by numbers that now name other clauses (above): "
            "cite each by its number now first. No pin was changed.",
            file=sys.stderr,
        )
        return 1
    entry = read_model(paths.root).policy(policy)
    if entry is None:
        listed = ", ".join(p.id for p in read_model(paths.root).policies)
        print(
            f"error: there is no policy '{policy}' (policies: {listed}). No pin was changed.", file=sys.stderr
        )
        return 1
    # The version being worked on: the draft when there is one (the public manifest leaves it out).
    newest = entry.newest
    texts = newest.texts()
    quizzes = paths.root / "quizzes"
    data = {
        kind: read_yaml(quizzes / f"{policy}.{kind}.yaml").data
        if (quizzes / f"{policy}.{kind}.yaml").is_file()
        else None
        for kind in ("quiz", "rules")
    }
    found = items(data["quiz"], data["rules"])
    unknown = sorted(only - {key for key, _ in found})
    if unknown:
        print(
            f"error: no guidance item {', '.join(unknown)}: "
            "name items as quiz:<question id> or rule:<rule id>. "
            "No pin was changed.",
            file=sys.stderr,
        )
        return 1
    path = pins_path(quizzes, policy)
    pins = load(path)
    updated = confirm(pins, found, texts, only)
    dropped = drop_stale(pins, found, texts)
    save(path, pins)
    print(
        f"Pinned {len(updated)} item(s) of {policy} to the words of "
        f"{'the draft' if newest.status == 'draft' else 'version ' + newest.version}: "
        f"{path.relative_to(paths.root)}"
    )
    for key in updated:
        print(f"  {key}")
    if dropped:
        print(f"Dropped {len(dropped)} pin(s) no longer needed:")
        for what in dropped:
            print(f"  {what}")
    return 0
