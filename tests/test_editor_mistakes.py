"""An editor's mistakes, through the real build: named with file and line, every one listed,
a non-zero exit, and the site already published left exactly as it was."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import Breakable, BuildResult, copy_built, run_build, tree_digest

POLICY = Path("handbook/social-media")


def line_of(path: Path, text: str) -> int:
    """The 1-based line of the first line containing ``text``."""
    for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
        if text in line:
            return number
    raise AssertionError(f"{text!r} not in {path}")


def first_clause(page: Path) -> str:
    match = re.search(r"\{clause\} (\d+\.\d+)", page.read_text(encoding="utf-8"))
    assert match
    return match[1]


def section_file(root: Path, number: int) -> Path:
    return next((root / POLICY).glob(f"{number:02d}-*.md"))


def renumber(page: Path, old: str, new: str) -> int:
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace(f"{{clause}} {old}\n", f"{{clause}} {new}\n", 1), encoding="utf-8")
    return line_of(page, f"{{clause}} {new}")


# Each mistake: (make it in the copy) -> (file, line, words the message must contain)
Mistake = Callable[[Path], tuple[Path, int, str]]


def duplicated_number(root: Path) -> tuple[Path, int, str]:
    page = section_file(root, 4)
    line = renumber(page, "4.3", "4.2")
    assert line
    return page, line_of_nth(page, "{clause} 4.2", 2), "4.2 appears twice"


def line_of_nth(path: Path, text: str, nth: int) -> int:
    lines = [n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in line]
    return lines[nth - 1]


def out_of_order(root: Path) -> tuple[Path, int, str]:
    page = section_file(root, 4)
    return page, renumber(page, "4.2", "4.7"), "out of order"


def wrong_section(root: Path) -> tuple[Path, int, str]:
    page = section_file(root, 5)
    return page, renumber(page, "5.1", "6.1"), "is in section 5"


def unknown_reference(root: Path) -> tuple[Path, int, str]:
    page = section_file(root, 3)
    with page.open("a", encoding="utf-8") as out:
        out.write("\nSee {clause}`4.99` for more.\n")
    return page, line_of(page, "4.99"), "does not exist"


def deleted_section_still_cited(root: Path) -> tuple[Path, int, str]:
    gone = section_file(root, 7)
    cited = first_clause(gone)
    gone.unlink()
    page = section_file(root, 3)
    with page.open("a", encoding="utf-8") as out:
        out.write(f"\nSee {{clause}}`{cited}`.\n")
    return page, line_of(page, cited), "does not exist"


def empty_clause(root: Path) -> tuple[Path, int, str]:
    page = section_file(root, 8)
    with page.open("a", encoding="utf-8") as out:
        out.write("\n:::{clause} 8.3\n:::\n")
    return page, line_of(page, "{clause} 8.3"), "has no text"


def file_in_no_contents(root: Path) -> tuple[Path, int, str]:
    page = root / POLICY / "09-forgotten.md"
    page.write_text("# 9. Forgotten\n\nWords.\n", encoding="utf-8")
    return page, 1, "no table of contents"


def not_utf8(root: Path) -> tuple[Path, int, str]:
    page = section_file(root, 7)
    data = page.read_bytes().replace(b"monitor,", "monitor, café,".encode("latin-1"), 1)
    page.write_bytes(data)
    return page, line_of(page, "monitor,"), "not saved as UTF-8"


def unnumbered_heading(root: Path) -> tuple[Path, int, str]:
    page = section_file(root, 6)
    text = page.read_text(encoding="utf-8")
    page.write_text(re.sub(r"^# 6\. ", "# ", text, count=1), encoding="utf-8")
    return page, 1, "has no number"


def bad_front_matter(root: Path) -> tuple[Path, int, str]:
    page = root / POLICY / "index.md"
    text = page.read_text(encoding="utf-8")
    page.write_text(re.sub(r"effective: \S+", "effective: next spring", text, count=1), encoding="utf-8")
    return page, line_of(page, "effective:"), "is not a date"


def misplaced_sub_clause(root: Path) -> tuple[Path, int, str]:
    page = section_file(root, 4)
    with page.open("a", encoding="utf-8") as out:
        out.write("\n:::{clause} 4.1.1\nA sub-clause written by this test.\n:::\n")
    return page, line_of(page, "{clause} 4.1.1"), "must come straight after clause 4.1"


def sub_clause_inside_its_clause(root: Path) -> tuple[Path, int, str]:
    page = section_file(root, 4)
    text, count = re.subn(
        r":::\{clause\} 4\.1\n(.*?)\n:::\n",
        "::::{clause} 4.1\n\\1\n\n:::{clause} 4.1.1\nA sub-clause written by this test.\n:::\n::::\n",
        page.read_text(encoding="utf-8"),
        count=1,
        flags=re.S,
    )
    assert count == 1
    page.write_text(text, encoding="utf-8")
    return page, line_of(page, "{clause} 4.1"), "is written inside clause 4.1"


def fourth_level(root: Path) -> tuple[Path, int, str]:
    page = section_file(root, 4)
    with page.open("a", encoding="utf-8") as out:
        out.write("\n:::{clause} 4.1.1.1\nWritten by this test.\n:::\n")
    return page, line_of(page, "{clause} 4.1.1.1"), "more than three levels"


MISTAKES = [
    duplicated_number,
    out_of_order,
    wrong_section,
    unknown_reference,
    deleted_section_still_cited,
    empty_clause,
    file_in_no_contents,
    not_utf8,
    unnumbered_heading,
    bad_front_matter,
    misplaced_sub_clause,
    sub_clause_inside_its_clause,
    fourth_level,
]


@dataclass(frozen=True)
class Refusal:
    """One mistake, and what the build it was made in told the editor."""

    where: str  # "handbook/social-media/04-prohibited-use.md:12: error:"
    words: str
    result: BuildResult
    site_unchanged: bool


def refuse(root: Path, mistakes: Sequence[Mistake]) -> dict[str, Refusal]:
    """Make ``mistakes`` in the copy at ``root``, build once, and say what each was told."""
    published = root / "_build" / "html"
    before = tree_digest(published)
    made = {mistake.__name__: mistake(root) for mistake in mistakes}
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


def test_every_problem_is_listed_in_one_run(handbook: Path) -> None:
    expected = [mistake(handbook) for mistake in (out_of_order, unknown_reference, file_in_no_contents)]
    result = run_build(handbook)
    assert result.returncode != 0
    for page, line, words in expected:
        assert f"{page.relative_to(handbook).as_posix()}:{line}: error:" in result.stderr
        assert words in result.stderr


def test_a_fixed_mistake_builds_again(handbook: Path) -> None:
    page = section_file(handbook, 4)
    original = page.read_text(encoding="utf-8")
    out_of_order(handbook)
    assert run_build(handbook).returncode != 0
    page.write_text(original, encoding="utf-8")
    result = run_build(handbook)
    assert result.returncode == 0, result.stderr


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


def _last_line(path: Path, text: str) -> int:
    return [n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in line][-1]


def cites_missing_clause(root: Path) -> tuple[Path, int, str]:
    path, new = edit(root, RULES, 'cites: ["5.2"]', 'cites: ["5.9"]')
    return path, line_of(path, new), "clause 5.9 does not exist"


def rule_citing_nothing(root: Path) -> tuple[Path, int, str]:
    path, new = edit(root, RULES, 'cites: ["6.5"]', "cites: []")
    return path, line_of(path, new), "cite at least one clause"


def unknown_answer_in_a_condition(root: Path) -> tuple[Path, int, str]:
    path, new = edit(
        root,
        RULES,
        "when: {activity: takedown, asked-by: school}",
        "when: {activity: takedown, asked-by: the-head}",
    )
    return path, line_of(path, new), "'the-head' is not an answer to 'asked-by'"


def unknown_fact_in_a_condition(root: Path) -> tuple[Path, int, str]:
    path, new = edit(
        root, RULES, "when: {activity: seen, seen: misuse}", "when: {activity: seen, seeing: misuse}"
    )
    return path, line_of(path, new), "'seeing' is not the id of a question"


def condition_that_never_holds(root: Path) -> tuple[Path, int, str]:
    path, new = edit(
        root,
        RULES,
        'when: {activity: enquiry, written-approval: "yes"}',
        'when: {activity: [enquiry], written-approval: "yes", all: [{activity: seen}]}',
    )
    return path, line_of(path, new), "can never hold"


def question_no_rule_reads(root: Path) -> tuple[Path, int, str]:
    path, _ = edit(
        root,
        RULES,
        "\nrules:\n",
        "\n  - id: year-group\n    fact: Year group\n    question: Which year do you teach?\n"
        "    answers:\n      - {id: y1, label: Year 1}\n      - {id: y2, label: Year 2}\n\nrules:\n",
    )
    return path, line_of(path, "id: year-group"), "no rule reads the answers to 'year-group'"


def duplicate_id(root: Path) -> tuple[Path, int, str]:
    path, new = edit(root, QUIZ, "id: which-sites", "id: who-is-covered")
    return path, _last_line(path, new), "used twice"


def no_correct_answer(root: Path) -> tuple[Path, int, str]:
    path = root / QUIZ
    text = path.read_text(encoding="utf-8")
    start = text.index("id: logo")
    end = text.index("cites:", start)
    path.write_text(
        text[:start] + text[start:end].replace("correct: true", "correct: false") + text[end:], "utf-8"
    )
    return path, line_of(path, "id: logo") + 2, "no choice is marked"


def misspelt_field_in_the_quiz(root: Path) -> tuple[Path, int, str]:
    path = root / QUIZ
    text = path.read_text(encoding="utf-8")
    start = text.index("id: logo")
    at = text.index("correct: true", start)
    path.write_text(text[:at] + "corect: true" + text[at + len("correct: true") :], "utf-8")
    return path, line_of(path, "corect: true"), "'corect' is not a field here: use label or correct"


def misspelt_field_in_the_rules(root: Path) -> tuple[Path, int, str]:
    path, new = edit(root, RULES, "    hint: ", "    hnit: ")
    return (
        path,
        line_of(path, new),
        "'hnit' is not a field here: use id, fact, question, hint, select or answers",
    )


def yaml_syntax_error(root: Path) -> tuple[Path, int, str]:
    path, _ = edit(root, QUIZ, "  - id: journalist\n", "  - id: journalist\n   prompt: [unclosed\n")
    return path, line_of(path, "[unclosed"), "not valid YAML"


GUIDANCE_MISTAKES = [
    cites_missing_clause,
    rule_citing_nothing,
    unknown_answer_in_a_condition,
    unknown_fact_in_a_condition,
    condition_that_never_holds,
    question_no_rule_reads,
    duplicate_id,
    no_correct_answer,
    misspelt_field_in_the_quiz,
    misspelt_field_in_the_rules,
    yaml_syntax_error,
]


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


def test_an_uncovered_clause_is_a_notice_naming_the_rules_file(handbook: Path) -> None:
    path, _ = edit(handbook, RULES, 'not_covered:\n  - clause: "1.1"', 'not_covered:\n  - clause: "1.2"')
    result = run_build(handbook)
    assert result.returncode == 0, result.stderr
    assert (
        f"{RULES.as_posix()}:{line_of(path, 'not_covered:')}: notice: no rule applies clause 1.1 "
        "and no quiz question tests it"
    ) in result.stderr


def unclosed_clause(root: Path) -> tuple[Path, int, str]:
    page = section_file(root, 5)
    text = page.read_text(encoding="utf-8")
    first = re.search(r":::\{clause\} (\d+\.\d+)\n", text)
    assert first
    end = text.index("\n:::\n", first.end())
    page.write_text(text[:end] + text[end + len("\n:::") :], encoding="utf-8")
    return page, line_of(page, f"{{clause}} {first[1]}"), "is not closed"


# Mistakes that cannot hide one another (each in a file of its own; none refuses a whole policy
# or a whole guidance file another one is in) are made together and refused by one build: each
# is still a test of its own, and a build per mistake was most of these tests' time.
TOGETHER: tuple[tuple[Mistake, ...], ...] = (
    (
        out_of_order,
        wrong_section,
        unknown_reference,
        empty_clause,
        file_in_no_contents,
        unnumbered_heading,
        not_utf8,
        cites_missing_clause,
        duplicate_id,
    ),
    (duplicated_number, deleted_section_still_cited, rule_citing_nothing, no_correct_answer),
    (unknown_answer_in_a_condition, yaml_syntax_error, misplaced_sub_clause),
    (unknown_fact_in_a_condition, unclosed_clause),
    (condition_that_never_holds, misspelt_field_in_the_quiz, sub_clause_inside_its_clause),
    (question_no_rule_reads, misspelt_field_in_the_rules, fourth_level),
    (bad_front_matter,),
)
ALL_MISTAKES = [mistake for group in TOGETHER for mistake in group]
assert sorted(m.__name__ for m in ALL_MISTAKES) == sorted(
    m.__name__ for m in [*MISTAKES, *GUIDANCE_MISTAKES, unclosed_clause]
)


@pytest.fixture(scope="module")
def refusals(_breakable: Breakable) -> dict[str, Refusal]:
    found: dict[str, Refusal] = {}
    for group in TOGETHER:
        shutil.rmtree(_breakable.place, ignore_errors=True)
        found |= refuse(copy_built(_breakable.snapshot, _breakable.place), group)
    return found


@pytest.mark.parametrize("mistake", ALL_MISTAKES, ids=lambda m: m.__name__)
def test_each_mistake_is_refused_with_file_and_line(refusals: dict[str, Refusal], mistake: Mistake) -> None:
    assert_refused(refusals[mistake.__name__])


def test_a_misspelt_correct_is_one_message_not_a_missing_right_answer(refusals: dict[str, Refusal]) -> None:
    assert "no choice is marked" not in refusals["misspelt_field_in_the_quiz"].result.stderr


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
