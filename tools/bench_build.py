"""Benchmark the site build (not a test): ``.venv/bin/python tools/bench_build.py``.

Builds synthetic handbooks of 1, 10 and 40 policies (``--scales``), each of 25 clauses in
5 sections, with 5 released versions each (frozen by the release code itself, as
``make release`` freezes them), and prints, each measured in one run:

- the clean build (``python -m clausebook build``, as ``make html`` runs it), in seconds
  per policy-version, and the ratio of the largest scale's to the smallest's
  (target: flat within 1.5x from 5 to 200 policy-versions);
- the rebuild after editing one clause of one policy, as a ratio of the clean build
  (target at 40 policies: at most 0.10);
- the peak memory (maximum resident set) of each build process (target: under 2 GB).

Each build is its own process, so its peak memory and its processor time are its own
(``os.wait4``). The machine may be shared: the figures are ratios taken in one run, and the load
is printed with them; the processor time (user and system, the build's subprocesses included)
is printed beside the wall time, since another's work slows the wall clock but not it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from clausebook.versions.releases import freeze

REPO = Path(__file__).resolve().parent.parent
SECTIONS = 5
CLAUSES_PER_SECTION = 5  # 25 clauses per policy
VERSIONS = 5
WORDS = (
    "Employees must keep the information they hold about pupils, parents and colleagues "
    "confidential, and use the school's systems only for the purposes of their work."
)


def section_text(section: int, version: int, policy: int) -> str:
    lines = [f"# {section}. Section {section} of policy {policy}", ""]
    for item in range(1, CLAUSES_PER_SECTION + 1):
        # Each version amends one clause, so every release has a change to record.
        amended = f" (amended in version {version})" if (section, item) == (1 + version % SECTIONS, 1) else ""
        lines += [f":::{{clause}} {section}.{item}", f"Clause {section}.{item}{amended}. {WORDS}", ":::", ""]
    return "\n".join(lines)


def index_text(policy: int) -> str:
    toc = "\n".join(f"{s:02d}-section" for s in range(1, SECTIONS + 1))
    return (
        f'---\npolicy:\n  version: "1.0"\n  effective: 2020-01-01\n  category: Group {policy % 4}\n---\n'
        f"# Synthetic policy {policy}\n\n```{{toctree}}\n:maxdepth: 1\n\n{toc}\n```\n"
    )


def write_policy(handbook: Path, policy: int, version: int) -> Path:
    folder = handbook / f"policy-{policy:02d}"
    folder.mkdir(parents=True, exist_ok=True)
    if not (folder / "index.md").exists():
        (folder / "index.md").write_text(index_text(policy), encoding="utf-8")
    for section in range(1, SECTIONS + 1):
        (folder / f"{section:02d}-section.md").write_text(
            section_text(section, version, policy), encoding="utf-8"
        )
    return folder


def synthetic_handbook(destination: Path, policies: int) -> Path:
    """``policies`` policies, each released ``VERSIONS`` times, the working copy equal to the last release."""
    handbook = destination / "handbook"
    handbook.mkdir(parents=True)
    shutil.copy(REPO / "handbook" / "conf.py", handbook / "conf.py")
    shutil.copytree(REPO / "handbook" / "_static", handbook / "_static")
    shutil.copytree(REPO / "templates", destination / "templates")
    (handbook / "index.md").write_text(
        "# Staff handbook\n\n```{clause-search}\n```\n\n## Policies\n\n```{policy-list}\n```\n",
        encoding="utf-8",
    )
    (destination / "node_modules").symlink_to(REPO / "node_modules")
    today = dt.date(2026, 1, 1)
    numbers = [f"{s}.{i}" for s in range(1, SECTIONS + 1) for i in range(1, CLAUSES_PER_SECTION + 1)]
    for policy in range(1, policies + 1):
        previous = None
        for version in range(1, VERSIONS + 1):
            write_policy(handbook, policy, version)
            name, number = f"policy-{policy:02d}", f"{version}.0"
            freeze(
                handbook, name, number, f"202{version}-01-01", {n: n for n in numbers}, [], previous, today
            )
            previous = number
    return destination


def edit_one_clause(root: Path) -> None:
    page = root / "handbook" / "policy-01" / "02-section.md"
    page.write_text(
        page.read_text(encoding="utf-8").replace("Clause 2.2.", "Clause 2.2, amended."), encoding="utf-8"
    )


def measured_build(root: Path) -> tuple[float, float, float]:
    """(seconds, processor seconds, peak resident memory in MB) of one ``python -m clausebook build``,
    as make html runs it."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "clausebook", "--root", str(root), "build", "-q"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    _pid, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        assert process.stderr is not None
        sys.exit(f"the build failed in {root}:\n{process.stderr.read().decode()[-3000:]}")
    # As wait4 reports it: the build's own processor time and that of the subprocesses it waited for.
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024  # Linux reports kilobytes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="1,10,40", help="numbers of policies (default 1,10,40)")
    args = parser.parse_args()
    scales = [int(n) for n in args.scales.split(",")]
    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    per_version: dict[int, float] = {}
    cpu_per_version: dict[int, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for policies in scales:
            root = synthetic_handbook(Path(tmp) / f"scale-{policies}", policies)
            count = policies * VERSIONS
            clean, clean_cpu, clean_mb = measured_build(root)
            edit_one_clause(root)
            again, again_cpu, again_mb = measured_build(root)
            per_version[count] = clean / count
            cpu_per_version[count] = clean_cpu / count
            print(
                f"{policies:3d} policies, {count:4d} policy-versions: clean {clean:7.1f} s"
                f" = {clean / count:.3f} s per policy-version (processor {clean_cpu:6.1f} s ="
                f" {clean_cpu / count:.3f} s), peak {clean_mb:5.0f} MB;"
                f" rebuild after one clause edit {again:6.1f} s = {again / clean:.3f} x clean"
                f" (processor {again_cpu:5.1f} s = {again_cpu / clean_cpu:.3f} x)"
                f" (target at 40 policies <= 0.10), peak {again_mb:5.0f} MB (target < 2048)",
                flush=True,
            )
            shutil.rmtree(root)
    low, high = min(per_version), max(per_version)
    print(
        f"cost per policy-version, {high} vs {low} policy-versions: "
        f"{per_version[high] / per_version[low]:.2f} x (target <= 1.5)"
    )
    # The ratio of the ends can hide a costly middle (or a fixed start-up cost that dominates
    # the smallest scale): the spread is the dearest scale over the cheapest.
    costs = per_version.values()
    print(
        f"spread of cost per policy-version across the scales: {max(costs) / min(costs):.2f} x"
        " (target <= 1.5)"
    )
    cpu = cpu_per_version.values()
    print(f"spread of processor time per policy-version across the scales: {max(cpu) / min(cpu):.2f} x")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
