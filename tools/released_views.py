"""Record, or check, what readers of each released version see: ``.venv/bin/python tools/released_views.py``.

After a release (and a build, whose model it reads), run it without options: it writes
tests/fixtures/released-views/<policy>-<version>.sha256 for each released version that has no
digest yet, and never rewrites one. ``--check`` writes nothing and says which released version's
views differ from its committed digest (the tests check the same).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from clausebook.versions.released_views import ADVICE, released_views, write_missing


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent)
    parser.add_argument("--check", action="store_true", help="write nothing; report differences")
    options = parser.parse_args()
    root = options.root
    if not options.check:
        for item in write_missing(root):
            print(f"wrote {item.file.relative_to(root)}")
    failed = 0
    for item in released_views(root):
        if item.committed is None:
            print(
                f"{item.file.relative_to(root)}: no digest for {item.policy} {item.version}: "
                "run this without --check"
            )
            failed += 1
        elif item.committed != item.digest:
            print(f"{item.file.relative_to(root)}:1: {item.policy} {item.version}: {ADVICE}")
            failed += 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
