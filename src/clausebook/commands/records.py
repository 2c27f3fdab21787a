"""``make tree-record``: the committed record of every distinct verdict of each policy's guidance rules.

The record is made by the engine from the bundle the build made for the version
being edited (the draft, if any; read from the build's model file, not the site),
so it shows exactly what staff will be told.
"""

from __future__ import annotations

import sys
from pathlib import Path

from clausebook.interactive.record import RECORD_NAME, verdicts_record
from clausebook.interactive.views import Guidance
from clausebook.modelfile import model_path, read_model


def record_path(root: Path, policy: str) -> Path:
    return root / "quizzes" / f"{policy}.{RECORD_NAME}"


def expected_records(root: Path) -> dict[Path, str]:
    """Record file -> its content, for the newest version of each policy with guidance rules."""
    records = {}
    for policy in read_model(root).policies:
        newest = policy.newest
        if not newest.guidance or not newest.guidance.get("rules"):
            continue
        guidance = Guidance.from_bundle(newest.guidance)
        assert guidance.rules is not None
        source = f"quizzes/{policy.id}.rules.yaml"
        records[record_path(root, policy.id)] = verdicts_record(guidance.rules, source)
    return records


def write_tree_records(root: Path) -> int:
    if not model_path(root).is_file():
        print("Build the site first: make html", file=sys.stderr)
        return 1
    for path, text in expected_records(root).items():
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path.relative_to(root)}")
    return 0
