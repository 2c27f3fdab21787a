"""A policy's front matter is the editor's data: checked in one place, every mistake named with its line.

The cases are data (``fixtures/front-matter-mistakes.txt``); a few go through the real
commands too, where the mistake once did harm (a release under the wrong number, a
release that never came into force, a crash).
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from clausebook.sources.frontmatter import read_front_matter
from conftest import run_build, tree_digest

CASES_FILE = Path(__file__).parent / "fixtures" / "front-matter-mistakes.txt"
INDEX = Path("handbook/social-media/index.md")


@dataclass(frozen=True)
class Case:
    name: str
    front_matter: str
    line: int
    words: str


def cases() -> list[Case]:
    text = CASES_FILE.read_text(encoding="utf-8")
    found = []
    for block in re.split(r"^== ", text, flags=re.M)[1:]:
        name, rest = block.split("\n", 1)
        source, expect = rest.split("-- expect\n", 1)
        line, words = expect.strip().split("\n", 1)
        found.append(
            Case(name.strip(), source.strip() + "\n", int(line.removeprefix("line: ")), words.strip())
        )
    return found


@pytest.mark.parametrize("case", cases(), ids=lambda c: c.name)
def test_front_matter_mistake_is_named_with_its_line(tmp_path: Path, case: Case) -> None:
    index = tmp_path / "index.md"
    index.write_text(case.front_matter + "\n# A policy\n", encoding="utf-8")
    checked = read_front_matter(index)
    assert checked.policy is None and checked.is_policy
    assert [
        (p.location.line if p.location else None) for p in checked.problems if case.words in p.message
    ] == [case.line], [str(p) for p in checked.problems]


def test_right_front_matter_reads_as_data() -> None:
    checked = read_front_matter(Path(__file__).parent / "roots" / "test-policy" / "pay" / "index.md")
    assert checked.policy is not None and not checked.problems
    assert checked.policy.as_dict() == {"version": "2.0", "effective": "2024-01-01", "owner": "Finance"}


def with_case(root: Path, name: str) -> tuple[Path, Case]:
    """The repository's policy index with its front matter replaced by a case's."""
    case = next(c for c in cases() if c.name == name)
    index = root / INDEX
    body = index.read_text(encoding="utf-8").split("\n---\n", 1)[1]
    index.write_text(case.front_matter + body, encoding="utf-8")
    return index, case


@pytest.mark.parametrize("name", ["draft-as-a-field", "invalid-as-a-field", "duplicate-version"])
def test_release_with_a_front_matter_mistake_is_refused(handbook: Path, name: str) -> None:
    """Found: 'draft: true' released a version that never came into force; 'invalid: "no"' hid the
    policy and crashed the release; a repeated version: released as 1.1, published as 1.5."""
    _index, case = with_case(handbook, name)
    before = tree_digest(handbook / "handbook")
    result = run_build(
        handbook, "release", "--policy", "social-media", "--version", "1.1", "--effective", "2026-12-01"
    )
    assert result.returncode != 0 and "Nothing was released" in result.stderr
    assert f"{INDEX}:{case.line}: error:" in result.stderr and case.words in result.stderr
    assert "Traceback" not in result.stderr and "Released" not in result.stdout
    assert tree_digest(handbook / "handbook") == before


def test_a_malformed_version_is_named_not_a_crash(handbook: Path) -> None:
    """Found: version "2.0-rc" stopped the build with 'a bug in Clausebook' and no file or line."""
    _index, case = with_case(handbook, "release-candidate-version")
    result = run_build(handbook)
    assert result.returncode != 0
    assert f"{INDEX}:{case.line}: error: version: '2.0-rc' is not a version number" in result.stderr
    assert "bug in Clausebook" not in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("name", ["release-candidate-version", "duplicate-version", "misspelt-owner"])
def test_a_refused_front_matter_brings_no_follow_on_errors(handbook: Path, name: str) -> None:
    """Editor trial 6: besides the front matter's own error, the build said the policy's
    {clause}`4.1` "cites a clause that does not exist in this policy" (and another policy's
    reference to it that no such policy exists)."""
    conduct = handbook / "handbook" / "conduct"
    shutil.copytree(Path(__file__).parent / "fixtures" / "policies" / "conduct", conduct)
    # The policy refused refers to its own clause; another policy refers to one of its clauses.
    for index in (handbook / INDEX, conduct / "index.md"):
        body = index.read_text(encoding="utf-8").split("\n---\n", 1)[1]
        case = next(c for c in cases() if c.name == name)
        index.write_text(case.front_matter + body, encoding="utf-8")
    result = run_build(handbook)
    assert result.returncode != 0
    errors = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert any(line.startswith(f"{INDEX}:{case.line}: error:") for line in errors), result.stderr
    assert all(line.split(":", 1)[0].endswith("/index.md") for line in errors), errors


def test_a_new_category_waits_for_the_release_and_the_build_says_why(handbook: Path) -> None:
    """Editor trial: a new category moved the policy on the home page only after a release, and
    nothing said why (front matter is part of the version, released with it)."""
    index = handbook / INDEX
    text = index.read_text(encoding="utf-8")
    text = text.replace("policy:\n", "policy:\n  category: Safeguarding and conduct\n", 1)
    # The attack: a new effective date was not named (only the fields beside it were).
    text = re.sub(r"effective: \S+", "effective: 2024-09-02", text, count=1)
    index.write_text(text, "utf-8")
    result = run_build(handbook)
    assert result.returncode == 0, result.stderr
    told = next(line for line in result.stderr.splitlines() if "has changes not yet released" in line)
    assert told.startswith("handbook/social-media/index.md:1: notice: "), told
    assert "category, effective changed, shown on the site once released" in told, told
    home = (handbook / "_build" / "html" / "index.html").read_text(encoding="utf-8")
    assert "Safeguarding and conduct" not in home
