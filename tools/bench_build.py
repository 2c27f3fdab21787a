"""Benchmark the site build (not a test): ``.venv/bin/python tools/bench_build.py``.

Prints, measured in one run on temporary copies of the handbook:

- a clean build, in seconds;
- a rebuild after a one-clause edit, as a ratio of the clean build (target < 0.20);
- synthetic handbooks of 1, 5 and 25 copies of each policy (8 sections each), in
  seconds per page, and the ratio of the largest to the smallest (target <= 1.5).
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from clausebook.commands.build import build

REPO = Path(__file__).resolve().parent.parent


def copy_handbook(destination: Path) -> Path:
    for name in ("handbook", "templates", "quizzes"):
        if (REPO / name).exists():
            shutil.copytree(REPO / name, destination / name)
    (destination / "node_modules").symlink_to(REPO / "node_modules")
    return destination


def timed_build(root: Path) -> float:
    started = time.perf_counter()
    status = build(root, quiet=True)
    if status != 0:
        sys.exit(f"the build failed in {root}")
    return time.perf_counter() - started


def timed_command(root: Path) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "clausebook", "--root", str(root), "build", "-q"], check=True)
    return time.perf_counter() - started


def policy_folders(handbook: Path) -> list[Path]:
    return [p for p in handbook.iterdir() if p.is_dir() and (p / "index.md").is_file()]


def scaled_handbook(destination: Path, copies: int) -> tuple[Path, int]:
    """The handbook with each policy copied ``copies`` times; returns the root and its page count."""
    root = copy_handbook(destination)
    for folder in policy_folders(root / "handbook"):
        for n in range(2, copies + 1):
            shutil.copytree(folder, folder.with_name(f"{folder.name}-{n}"))
    pages = sum(1 for _ in (root / "handbook").rglob("*.md"))
    return root, pages


def edit_one_clause(root: Path) -> None:
    for page in sorted(sorted(policy_folders(root / "handbook"))[0].glob("*.md")):
        text = page.read_text(encoding="utf-8")
        text, count = re.subn(r"(:::\{clause\} \S+\n)(\S)", r"\1Amended: \2", text, count=1)
        if count:
            page.write_text(text, encoding="utf-8")
            return
    raise SystemExit("no clause to edit")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="1,5,25", help="policy copies to measure (default 1,5,25)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        # Python's imports are paid once per process; a warm-up keeps them out of the figures
        # below, and the `make html` figures show them as an editor meets them.
        timed_build(copy_handbook(Path(tmp) / "warm-up"))
        root = copy_handbook(Path(tmp) / "clean")
        clean = timed_build(root)
        edit_one_clause(root)
        rebuild = timed_build(root)
        print(f"clean build:                 {clean:6.2f} s")
        print(
            f"rebuild after a clause edit: {rebuild:6.2f} s = {rebuild / clean:.2f} x clean (target < 0.20)"
        )
        command = copy_handbook(Path(tmp) / "command")
        clean_cmd = timed_command(command)
        edit_one_clause(command)
        rebuild_cmd = timed_command(command)
        print(
            f"as whole commands (python -m clausebook build): clean {clean_cmd:.2f} s, "
            f"rebuild {rebuild_cmd:.2f} s = {rebuild_cmd / clean_cmd:.2f} x"
        )

        per_page = {}
        for copies in (int(n) for n in args.scales.split(",")):
            scaled, pages = scaled_handbook(Path(tmp) / f"scale-{copies}", copies)
            seconds = timed_build(scaled)
            per_page[copies] = seconds / pages
            edit_one_clause(scaled)
            again = timed_build(scaled)
            print(
                f"{copies:3d} x each policy: {pages:4d} pages in {seconds:6.2f} s"
                f" = {per_page[copies]:.4f} s/page;"
                f" rebuild after a clause edit {again:.2f} s = {again / seconds:.2f} x"
            )
        ratio = per_page[max(per_page)] / per_page[min(per_page)]
        print(f"cost per page, {max(per_page)} vs {min(per_page)}: {ratio:.2f} x (target <= 1.5)")


if __name__ == "__main__":
    main()
