"""Benchmark versions (not a test): ``.venv/bin/python tools/bench_versions.py``.

Prints, measured in one run on temporary copies of the handbook:

- a clean build with 1, 10 and 50 versions of the policy, in seconds per version
  (target: the cost per version within 1.5x from 1 to 50);
- a rebuild after an amendment to the current version, as a ratio of the full
  build with 50 versions (target < 0.25).

The versions are made with the release code (``clausebook.versions.releases.freeze``),
each amending one clause; only the check build each real release runs first is
skipped, to keep the benchmark short.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
import tempfile
from pathlib import Path

from clausebook.versions.releases import freeze, releases

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_build import copy_handbook
from bench_build import timed_build as timed

POLICY = "social-media"


def amend(root: Path, n: int) -> None:
    """Add a word to one clause, a different clause each time."""
    pages = sorted((root / "handbook" / POLICY).glob("0*.md"))
    clauses = [
        (p, m.start()) for p in pages for m in re.finditer(r":::\{clause\} \S+\n", p.read_text("utf-8"))
    ]
    page, _ = clauses[n % len(clauses)]
    text = page.read_text(encoding="utf-8")
    matches = list(re.finditer(r"(:::\{clause\} \S+\n)", text))
    match = matches[[c for c in clauses if c[0] == page].index(clauses[n % len(clauses)])]
    page.write_text(text[: match.end()] + f"Amendment {n}: " + text[match.end() :], encoding="utf-8")


def with_versions(root: Path, count: int) -> Path:
    handbook = root / "handbook"
    last = releases(handbook, POLICY)[-1]
    start = dt.date.fromisoformat(last.effective)
    for n in range(1, count):
        amend(root, n)
        version = f"{last.version.split('.')[0]}.{n}"
        effective = (start + dt.timedelta(days=10 * n)).isoformat()
        freeze(
            handbook,
            POLICY,
            version,
            effective,
            dict(last.identities),
            [],
            releases(handbook, POLICY)[-1].version,
            dt.date.today(),
        )
    return root


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counts", default="1,10,50")
    args = parser.parse_args()
    counts = [int(n) for n in args.counts.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        timed(copy_handbook(Path(tmp) / "warm-up"))  # imports and first-use costs, once
        per_version = {}
        for count in counts:
            root = with_versions(copy_handbook(Path(tmp) / f"v{count}"), count)
            seconds = timed(root)
            per_version[count] = seconds / count
            print(
                f"{count:3d} versions: clean build {seconds:6.2f} s = {per_version[count]:.3f} s per version"
            )
            if count == max(counts):
                amend(root, 999)
                again = timed(root)
                print(
                    f"rebuild after amending the current version ({count} versions): {again:.2f} s"
                    f" = {again / seconds:.3f} x the full build (target < 0.25)"
                )
        ratio = per_version[max(counts)] / per_version[min(counts)]
        print(f"cost per version, {max(counts)} vs {min(counts)}: {ratio:.2f} x (target within 1.5)")


if __name__ == "__main__":
    main()
