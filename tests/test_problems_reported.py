"""Problems are collected from Sphinx's log records: each one reported once, with its file and line,
and plain ``sphinx-build -W`` on the handbook fails exactly when ``make html`` does."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import run_build

FIXTURES = Path(__file__).parent / "fixtures" / "policies"


def add_volunteering_with_bad_references(root: Path) -> Path:
    """A second policy, never released (so the PDF step prints it), citing three clauses it lacks."""
    shutil.copytree(FIXTURES / "volunteering", root / "handbook" / "volunteering")
    page = root / "handbook" / "volunteering" / "01-volunteers.md"
    with page.open("a", encoding="utf-8") as out:
        out.write("\nSee {clause}`1.7`, {clause}`1.8`\nand {clause}`1.9`.\n")
    return page


def test_each_problem_is_reported_once(handbook: Path) -> None:
    """Found: 3 errors came out as "6 problems" (the PDF step repeated them)."""
    add_volunteering_with_bad_references(handbook)
    result = run_build(handbook)
    assert result.returncode != 0
    errors = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert len(errors) == 3, result.stderr
    assert all(line.startswith("handbook/volunteering/01-volunteers.md:") for line in errors)
    assert sorted(re.findall(r"\{clause\}`(1\.\d)`", "\n".join(errors))) == ["1.7", "1.8", "1.9"]
    lines = sorted({int(line.split(":")[1]) for line in errors})
    assert (
        "Refused: 3 problems in the sources, in handbook/volunteering/01-volunteers.md "
        f"({'line' if len(lines) == 1 else 'lines'} {', '.join(map(str, lines))}); "
        "the published site is unchanged."
    ) in result.stderr


def sphinx_build(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "sphinx", "-W", "-q", "-b", "html", *args]
    return subprocess.run(
        [*command, str(root / "handbook"), str(root / "plain")], capture_output=True, text=True, check=False
    )


def test_plain_sphinx_build_fails_exactly_when_make_html_does(handbook: Path) -> None:
    index = handbook / "handbook" / "social-media" / "index.md"
    review = re.search(r"review: (\d{4}-\d{2}-\d{2})", index.read_text(encoding="utf-8"))
    assert review
    # A notice (the review date has passed) is not a problem, for either.
    after = (dt.date.fromisoformat(review[1]) + dt.timedelta(days=1)).isoformat()
    made = run_build(handbook, "build", "--today", after)
    assert made.returncode == 0 and "was due for review" in made.stderr
    plain = sphinx_build(handbook, "-D", f"clausebook_today={after}")
    assert plain.returncode == 0, plain.stderr
    # A problem fails both.
    add_volunteering_with_bad_references(handbook)
    assert run_build(handbook).returncode != 0
    plain = sphinx_build(handbook)
    assert plain.returncode != 0 and "1.7" in plain.stderr
