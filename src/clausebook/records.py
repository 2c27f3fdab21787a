"""``make tree-record``: the committed record of every distinct verdict of each policy's guidance rules.

The record is made by the engine from the bundle the build published for the
version being edited, so it shows exactly what staff will be told.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from clausebook.interactive.record import verdicts_record
from clausebook.interactive.views import Guidance


def record_path(root: Path, policy: str) -> Path:
    return root / "quizzes" / f"{policy}.verdicts.md"


def expected_records(root: Path) -> dict[Path, str]:
    """Record file -> its content, for the newest version of each policy with guidance rules."""
    site = root / "_build" / "html"
    manifest = json.loads((site / "clausebook.json").read_text(encoding="utf-8"))
    records = {}
    for policy in manifest["policies"]:
        newest = policy["versions"][-1]
        if not newest.get("tree"):
            continue
        bundle = site / Path(newest["tree"]).parent / "guidance.json"
        guidance = Guidance.from_json(bundle.read_text(encoding="utf-8"))
        assert guidance.rules is not None
        source = f"quizzes/{policy['id']}.rules.yaml"
        records[record_path(root, policy["id"])] = verdicts_record(guidance.rules, source)
    return records


def write_tree_records(root: Path) -> int:
    if not (root / "_build" / "html" / "clausebook.json").is_file():
        print("Build the site first: make html", file=sys.stderr)
        return 1
    for path, text in expected_records(root).items():
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path.relative_to(root)}")
    return 0
