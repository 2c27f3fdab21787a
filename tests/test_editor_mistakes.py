"""An editor's mistakes, through the real build: named with file and line, every one listed,
a non-zero exit, and the site already published left exactly as it was."""

from __future__ import annotations

import re
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import Breakable, BuildResult, copy_built, run_build, tree_digest

POLICY = Path("handbook/social-media")


def line_of(path: Path, text: str) -> int:
    """The 1-based line of the first line containing ``text``."""
    for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
        if text in line:
            return number
    raise AssertionError(f"{text!r} not in {path}")


def section_file(root: Path, number: int) -> Path:
    return next((root / POLICY).glob(f"{number:02d}-*.md"))


# The mistakes themselves are data: tests/fixtures/editor-mistakes.yaml says how to read it.
CASES: list[dict[str, Any]] = yaml.safe_load(
    (Path(__file__).parent / "fixtures" / "editor-mistakes.yaml").read_text(encoding="utf-8")
)
BY_ID = {case["id"]: case for case in CASES}
assert len(BY_ID) == len(CASES), "two cases of one id in editor-mistakes.yaml"


def case_file(root: Path, where: dict[str, Any]) -> Path:
    if "section" in where:
        return section_file(root, where["section"])
    return root / where["file"]


def apply_edit(root: Path, step: dict[str, Any]) -> None:
    path = case_file(root, step)
    if "create" in step:
        path.write_text(step["create"], encoding="utf-8")
    elif step.get("delete"):
        path.unlink()
    elif "append" in step:
        with path.open("a", encoding="utf-8") as out:
            out.write(step["append"])
    elif "regex" in step:
        text = path.read_text(encoding="utf-8")
        text, count = re.subn(step["regex"], step["with"], text, count=1, flags=re.S)
        assert count == 1, (step, "matched nothing")
        path.write_text(text, encoding="utf-8")
    else:
        encoding = step.get("encoding", "utf-8")
        old, new = step["replace"].encode("utf-8"), step["with"].encode(encoding)
        data, at = path.read_bytes(), -1
        for _ in range(step.get("nth", 1)):
            at = data.index(old, at + 1)
        path.write_bytes(data[:at] + new + data[at + len(old) :])


def expected_line(root: Path, at: dict[str, Any]) -> int:
    if "line" in at:
        return int(at["line"])
    path = case_file(root, at)
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    found = [number for number, line in enumerate(lines, 1) if at["find"] in line]
    assert found, (at, "not found")
    nth = at.get("nth", 1)
    return found[nth - 1 if nth > 0 else nth] + at.get("offset", 0)


def make(root: Path, name: str) -> tuple[Path, int, str]:
    """Make the mistake ``name`` in the copy at ``root``: (file, line, words the message must contain)."""
    case = BY_ID[name]
    for step in case["edits"]:
        apply_edit(root, step)
    return case_file(root, case["at"]), expected_line(root, case["at"]), case["says"]


@dataclass(frozen=True)
class Refusal:
    """One mistake, and what the build it was made in told the editor."""

    where: str  # "handbook/social-media/04-prohibited-use.md:12: error:"
    words: str
    result: BuildResult
    site_unchanged: bool


def refuse(root: Path, names: Sequence[str]) -> dict[str, Refusal]:
    """Make the mistakes ``names`` in the copy at ``root``, build once, and say what each was told."""
    published = root / "_build" / "html"
    before = tree_digest(published)
    made = {name: make(root, name) for name in names}
    result = run_build(root)
    unchanged = tree_digest(published) == before
    return {
        name: Refusal(f"{page.relative_to(root).as_posix()}:{line}: error:", words, result, unchanged)
        for name, (page, line, words) in made.items()
    }


def assert_refused(refusal: Refusal) -> None:
    result = refusal.result
    assert result.returncode != 0
    reported = [message for message in result.stderr.splitlines() if message.startswith(refusal.where)]
    assert any(refusal.words in message for message in reported), (refusal.where, result.stderr)
    assert "the published site is unchanged." in result.stderr
    assert refusal.site_unchanged
    # A refusal an editor can act on, never the build's own failure (found: "a bug in Clausebook").
    assert "Traceback" not in result.stderr and "a bug in Clausebook" not in result.stderr, result.stderr


def test_every_problem_is_listed_in_one_run(handbook: Path) -> None:
    expected = [make(handbook, name) for name in ("out_of_order", "unknown_reference", "file_in_no_contents")]
    result = run_build(handbook)
    assert result.returncode != 0
    for page, line, words in expected:
        assert f"{page.relative_to(handbook).as_posix()}:{line}: error:" in result.stderr
        assert words in result.stderr


def test_a_fixed_mistake_builds_again(handbook: Path) -> None:
    page = section_file(handbook, 4)
    original = page.read_text(encoding="utf-8")
    make(handbook, "out_of_order")
    assert run_build(handbook).returncode != 0
    page.write_text(original, encoding="utf-8")
    result = run_build(handbook)
    assert result.returncode == 0, result.stderr


def test_a_numbering_mistake_is_told_as_one_never_as_a_renumbering(handbook: Path) -> None:
    """Editor trial: 4.5 typed as 4.7 came out as 21 errors saying "it is 4.7 now: cite 4.7",
    and a draft notice "4.5 renumbered to 4.7", before the one error that said 4.7 should be 4.5."""
    page = section_file(handbook, 4)
    text = page.read_text(encoding="utf-8")
    assert ":::{clause} 4.5\n" in text and ":::{clause} 4.6\n" not in text
    page.write_text(text.replace(":::{clause} 4.5\n", ":::{clause} 4.7\n"), encoding="utf-8")
    result = run_build(handbook)
    assert result.returncode != 0
    assert "clause 4.7 is out of order: the clause here should be 4.5" in result.stderr, result.stderr
    assert "4.7 now" not in result.stderr and "Cite 4.7" not in result.stderr, result.stderr
    assert "renumber" not in result.stderr, result.stderr
    assert "fix that first, and this may go" in result.stderr, result.stderr


def test_check_reports_without_publishing(handbook: Path) -> None:
    published = handbook / "_build" / "html"
    before = tree_digest(published)
    page = section_file(handbook, 1)
    page.write_text(page.read_text(encoding="utf-8") + "\nMore words.\n", encoding="utf-8")
    result = run_build(handbook, "check")
    assert result.returncode == 0, result.stderr
    assert tree_digest(published) == before


# ---- the guidance in quizzes/: refused with the YAML's file and line ------------------

QUIZ = Path("quizzes/social-media.quiz.yaml")
RULES = Path("quizzes/social-media.rules.yaml")


def edit(root: Path, relative: Path, old: str, new: str, nth: int = 1) -> tuple[Path, str]:
    path = root / relative
    text = path.read_text(encoding="utf-8")
    at = -1
    for _ in range(nth):
        at = text.index(old, at + 1)
    path.write_text(text[:at] + new + text[at + len(old) :], encoding="utf-8")
    return path, new


def test_removed_clause_still_cited_by_the_guidance(handbook: Path) -> None:
    page = section_file(handbook, 5)
    page.write_text(re.sub(r":::\{clause\} 5\.3\n.*?:::\n", "", page.read_text(encoding="utf-8"), flags=re.S))
    text = (handbook / RULES).read_text(encoding="utf-8").replace('cites: ["6.5"]', 'cites: ["5.3"]')
    text = text.replace('cites: ["5.1", "5.3"]', 'cites: ["5.1"]').replace(
        'cites: ["5.1", "5.3", "4.4"]', 'cites: ["5.1", "4.4"]'
    )
    (handbook / RULES).write_text(text, encoding="utf-8")
    quiz = (handbook / QUIZ).read_text(encoding="utf-8").replace('cites: ["5.1", "5.3"]', 'cites: ["5.1"]')
    (handbook / QUIZ).write_text(quiz, encoding="utf-8")
    result = run_build(handbook)
    assert result.returncode != 0
    assert (
        f"{RULES.as_posix()}:{line_of(handbook / RULES, '5.3')}: error: clause 5.3 does not exist"
        in result.stderr
    )
    # Editor trial: it said "cite an existing clause", as for a number that never was.
    assert "it was removed since version 1.0. Take it out of this item's citations" in result.stderr, (
        result.stderr
    )


def test_an_uncovered_clause_is_a_notice_naming_the_rules_file(handbook: Path) -> None:
    path, _ = edit(handbook, RULES, 'not_covered:\n  - clause: "1.1"', 'not_covered:\n  - clause: "1.2"')
    result = run_build(handbook)
    assert result.returncode == 0, result.stderr
    assert (
        f"{RULES.as_posix()}:{line_of(path, 'not_covered:')}: notice: no rule applies clause 1.1 "
        "and no quiz question tests it"
    ) in result.stderr


# The shared builds, in the order they run: a build per mistake was most of these tests' time.
BUILDS = sorted({case["build"] for case in CASES})


@pytest.fixture(scope="module")
def refusals(_breakable: Breakable) -> dict[str, Refusal]:
    found: dict[str, Refusal] = {}
    for build in BUILDS:
        shutil.rmtree(_breakable.place, ignore_errors=True)
        names = [case["id"] for case in CASES if case["build"] == build]
        found |= refuse(copy_built(_breakable.snapshot, _breakable.place), names)
    return found


@pytest.mark.parametrize("name", list(BY_ID))
def test_each_mistake_is_refused_with_file_and_line(refusals: dict[str, Refusal], name: str) -> None:
    assert_refused(refusals[name])


def test_a_misspelt_correct_is_one_message_not_a_missing_right_answer(refusals: dict[str, Refusal]) -> None:
    assert "no choice is marked" not in refusals["misspelt_field_in_the_quiz"].result.stderr


@pytest.mark.parametrize("name", ["impossible_effective_date", "front_matter_field_without_its_colon"])
def test_front_matter_myst_cannot_read_leaves_the_policy_a_policy(
    refusals: dict[str, Refusal], name: str
) -> None:
    """Editor trial: its sections were each told they belong to no policy."""
    told = refusals[name].result.stderr
    assert "not in a policy's folder" not in told and "no table of contents" not in told, told


def test_an_index_saved_with_a_bom_is_still_a_policy(handbook: Path) -> None:
    index = handbook / "handbook" / "social-media" / "index.md"
    index.write_bytes(b"\xef\xbb\xbf" + index.read_bytes())
    result = run_build(handbook)
    assert result.returncode == 0, result.stderr


def test_pages_of_a_failed_build_are_never_published_later(handbook: Path) -> None:
    """Found: a build refused with a policy's front matter deleted left its sections staged as loose
    pages, which the next good build published (in no table of contents, unmarked)."""
    published = handbook / "_build" / "html"
    pages = {p.relative_to(published) for p in published.rglob("*.html")}
    index = handbook / POLICY / "index.md"
    text = index.read_text(encoding="utf-8")
    index.write_text(text.split("\n---\n", 1)[1], encoding="utf-8")
    assert run_build(handbook).returncode != 0
    index.write_text(text, encoding="utf-8")
    assert run_build(handbook).returncode == 0
    assert not (published / "social-media" / "01-introduction.html").exists()
    assert {p.relative_to(published) for p in published.rglob("*.html")} == pages
