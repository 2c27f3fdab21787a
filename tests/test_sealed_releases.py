"""A released version is sealed: its words, its guidance and its references never change meaning.

One history, built once for the module through the real commands, with three policies
(the Trust's and two of the tests' own, one citing the other's clause):

1. conduct 1.0 is released, citing social-media 4.4;
2. social-media 1.1 inserts a clause before 4.2, renumbering 4.2-4.5 to 4.3-4.6, and the
   quiz and the rules are then moved to the new numbers, one question dropped;
3. social-media 1.2 amends 6.4 and drops another question.

(the renumbering is released as 1.1 once the guidance has been moved to the new numbers).

Each earlier version's clauses.json, guidance data and PDF text must come out of every
later build byte for byte as they were.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from clausebook.commands.records import write_tree_records
from clausebook.interactive import quiz, rules, views
from clausebook.interactive.rules import EDITION
from clausebook.versions.released_views import ADVICE, released_views, write_missing
from clausebook.versions.releases import integrity_problems
from clausebook.versions.sealed_guidance import changed_verdicts, sealed_records
from conftest import REPO, BuildResult, copy_built, run_build

SM = "social-media"
FIXTURES = Path(__file__).parent / "fixtures" / "policies"
SUPERSEDED = "This version is no longer in force.\n\n"  # on the PDF's cover, once superseded
RENUMBERED = {"4.2": "4.3", "4.3": "4.4", "4.4": "4.5", "4.5": "4.6"}


def add_policies(root: Path, *names: str) -> None:
    for name in names:
        shutil.copytree(FIXTURES / name, root / "handbook" / name)


def release(root: Path, policy: str, version: str, effective: str, *extra: str) -> BuildResult:
    args = ["--policy", policy, "--version", version, "--effective", effective, *extra]
    done = run_build(root, "release", *args)
    assert done.returncode == 0, done.stderr
    return done


def build(root: Path, *args: str) -> BuildResult:
    done = run_build(root, "build", *args)
    assert done.returncode == 0, done.stderr
    return done


def insert_clause_before_4_2(root: Path) -> None:
    """Renumber 4.2-4.5 to 4.3-4.6 by inserting a clause (the test's own words) before 4.2."""
    page = root / "handbook" / SM / "04-prohibited-use.md"
    text = page.read_text(encoding="utf-8")
    for old, new in sorted(RENUMBERED.items(), reverse=True):
        text = text.replace(f":::{{clause}} {old}\n", f":::{{clause}} {new}\n")
    text = text.replace(
        ":::{clause} 4.3\n", ":::{clause} 4.2\nA clause inserted by this test.\n:::\n\n:::{clause} 4.3\n", 1
    )
    page.write_text(text, encoding="utf-8")


def guidance_file(root: Path, kind: str) -> Path:
    return root / "quizzes" / f"{SM}.{kind}.yaml"


def move_citations(root: Path, moves: dict[str, str]) -> None:
    """The editor's update of the guidance for the new numbers."""
    for kind in ("quiz", "rules"):
        path = guidance_file(root, kind)
        text = path.read_text(encoding="utf-8")
        text = re.sub(r'"(\d+\.\d+)"', lambda m: f'"{moves.get(m[1], m[1])}"', text)
        path.write_text(text, encoding="utf-8")


def drop_question(root: Path, question: str) -> None:
    path = guidance_file(root, "quiz")
    text = path.read_text(encoding="utf-8")
    text, count = re.subn(rf"\n  - id: {re.escape(question)}\n.*?(?=\n  - id: |\Z)", "\n", text, flags=re.S)
    assert count == 1
    path.write_text(text, encoding="utf-8")


def questions(root: Path) -> list[str]:
    return re.findall(r"^  - id: (\S+)$", guidance_file(root, "quiz").read_text(encoding="utf-8"), re.M)


def pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


@dataclass(frozen=True)
class Sealed:
    """What a reader of one version gets: its clauses.json, guidance data and PDF text."""

    clauses: bytes
    guidance: bytes
    pdf: str

    @classmethod
    def of(cls, root: Path, policy: str, version: str) -> Sealed:
        folder = root / "_build" / "html" / policy / version
        return cls(
            (folder / "clauses.json").read_bytes(),
            (folder / "guidance.json").read_bytes(),
            pdf_text(folder / f"{policy}-{version}.pdf"),
        )


@dataclass
class History:
    root: Path
    results: dict[str, BuildResult] = field(default_factory=dict)
    sealed: dict[str, Sealed] = field(default_factory=dict)
    conduct: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    dropped: list[str] = field(default_factory=list)
    pages: dict[str, str] = field(default_factory=dict)


@pytest.fixture(scope="module")
def history(built_handbook: Path, tmp_path_factory: pytest.TempPathFactory) -> History:
    root = tmp_path_factory.mktemp("sealed") / "repo"
    copy_built(built_handbook, root)
    add_policies(root, "conduct", "volunteering")
    story = History(root)
    build(root)
    story.results["release conduct 1.0"] = release(root, "conduct", "1.0", "2024-09-01")
    build(root)
    story.sealed["1.0 as released"] = Sealed.of(root, SM, "1.0")

    insert_clause_before_4_2(root)
    story.results["draft renumbered"] = build(root)
    move_citations(root, RENUMBERED)
    story.dropped.append(questions(root)[0])
    drop_question(root, story.dropped[0])
    story.results["guidance moved"] = build(root)
    # A release seals the record of verdicts only once the editor has reviewed it.
    story.results["refused before tree-record"] = run_build(
        root, "release", "--policy", SM, "--version", "1.1", "--effective", "2025-09-01"
    )
    assert write_tree_records(root) == 0
    story.results["release 1.1"] = release(root, SM, "1.1", "2025-09-01")
    build(root)
    story.sealed["1.0 after 1.1"] = Sealed.of(root, SM, "1.0")
    story.sealed["1.1 as released"] = Sealed.of(root, SM, "1.1")
    story.conduct["conduct 1.0 after 1.1"] = conduct_sealed(root)
    story.pages["conduct 1.0 after 1.1"] = conduct_page(root)

    page = root / "handbook" / SM / "06-responsible-use.md"
    text = page.read_text(encoding="utf-8")
    page.write_text(re.sub(r"(:::\{clause\} 6\.4\n\S+)", r"\1 always", text, count=1), encoding="utf-8")
    story.dropped.append(questions(root)[-1])
    drop_question(root, story.dropped[1])
    story.results["release 1.2"] = release(root, SM, "1.2", "2026-01-01")
    story.results["after 1.2"] = build(root)
    story.sealed["1.0 after 1.2"] = Sealed.of(root, SM, "1.0")
    story.sealed["1.1 after 1.2"] = Sealed.of(root, SM, "1.1")
    story.conduct["conduct 1.0 after 1.2"] = conduct_sealed(root)
    story.pages["conduct 1.0 after 1.2"] = conduct_page(root)
    return story


def conduct_sealed(root: Path) -> tuple[bytes, str]:
    """Conduct 1.0's clauses.json and PDF text (it has no guidance)."""
    folder = root / "_build" / "html" / "conduct" / "1.0"
    return (folder / "clauses.json").read_bytes(), pdf_text(folder / "conduct-1.0.pdf")


def conduct_page(root: Path) -> str:
    """Conduct 1.0's page citing social-media 4.4 (renumbered by 1.1) and 6.4 (amended by 1.2)."""
    return (root / "_build" / "html" / "conduct" / "1.0" / "02-online.html").read_text("utf-8")


def manifest_versions(root: Path, policy: str) -> dict[str, dict]:
    data = json.loads((root / "_build" / "html" / "clausebook.json").read_text(encoding="utf-8"))
    entry = next(p for p in data["policies"] if p["id"] == policy)
    return {v["version"]: v for v in entry["versions"]}


def test_earlier_versions_are_unchanged_byte_for_byte(history: History) -> None:
    """Finding 1: guidance of a superseded version was rebuilt from the live quiz and tree."""
    first, later = history.sealed["1.0 as released"], history.sealed["1.0 after 1.2"]
    assert later.clauses == first.clauses
    assert later.guidance == first.guidance
    # Once superseded, 1.0's PDF says so; from then on, not a character of it changes.
    assert history.sealed["1.0 after 1.1"] == later
    before, after = history.sealed["1.1 as released"], history.sealed["1.1 after 1.2"]
    assert (after.clauses, after.guidance) == (before.clauses, before.guidance)
    # Only the cover's status (a banner pointing to a newer version) may change.
    assert after.pdf.replace(SUPERSEDED, "") == before.pdf and SUPERSEDED in after.pdf
    versions = manifest_versions(history.root, SM)
    assert [versions[v]["status"] for v in ("1.0", "1.1", "1.2")] == ["superseded", "superseded", "current"]


def test_each_version_keeps_its_own_guidance(history: History) -> None:
    site = history.root / "_build" / "html" / SM
    data = {v: json.loads((site / v / "guidance.json").read_text("utf-8")) for v in ("1.0", "1.1", "1.2")}
    ids = {v: [q["id"] for q in bundle["quiz"]["questions"]] for v, bundle in data.items()}
    assert history.dropped[0] in ids["1.0"] and history.dropped[0] not in ids["1.1"]
    assert history.dropped[1] in ids["1.1"] and history.dropped[1] not in ids["1.2"]
    # 1.0's "4.4" is 1.0's 4.4; 1.1 cites the same clause as 4.5, with the same words.
    assert data["1.0"]["clauses"]["4.4"]["text"] == data["1.1"]["clauses"]["4.5"]["text"]


def test_a_released_reference_follows_the_clause_it_meant(history: History) -> None:
    """Finding 2: conduct 1.0's {clause}`social-media:4.4` pointed at the new 4.4 after the renumbering."""
    page = (history.root / "_build" / "html" / "conduct" / "1.0" / "02-online.html").read_text("utf-8")
    assert re.search(r'href="\.\./\.\./social-media/1\.0/04-prohibited-use\.html#clause-4-4"', page), page
    record = json.loads(
        (history.root / "handbook" / "_versions" / "conduct" / "1.0" / "release.json").read_text()
    )
    assert record["references"]["02-online"]["social-media:4.4"] == {
        "policy": SM,
        "identity": "4.4",
        "version": "1.0",
    }
    assert record["references"]["01-scope"]["2.1"] == {
        "policy": "conduct",
        "identity": "2.1",
        "version": "1.0",
    }


def test_a_released_reference_notes_that_a_newer_version_changed_its_words(history: History) -> None:
    """Conduct 1.0 cites social-media 1.0's 6.4; 1.2 amends it: the reference keeps to 1.0's words
    and says they changed in 1.2, linking to the clause now by its number now (editor trial 5: it
    read "(changed in version 1.2: the clause now)"). A renumbering alone is no change."""
    note = re.compile(
        r"\(amended in version (\S+); <a[^>]*href=\"\.\./\.\./social-media/clause/([\d.]+)\.html\"[^>]*>"
        r"(?:<[^>]+>)*now clause ([\d.]+)<"
    )
    after = history.pages["conduct 1.0 after 1.2"]
    assert re.search(r'href="\.\./\.\./social-media/1\.0/06-responsible-use\.html#clause-6-4"', after), after
    assert [m.groups() for m in note.finditer(after)] == [("1.2", "6.4", "6.4")]
    assert not note.search(history.pages["conduct 1.0 after 1.1"])
    # Renumbered only (4.4 is 4.5 since 1.1): the reader is told its number now, by the permanent link.
    renumbered = re.compile(
        r'\(<a[^>]*href="\.\./\.\./social-media/clause/4\.4\.html"[^>]*>(?:<[^>]+>)*now clause 4\.5<'
    )
    for after_release in ("conduct 1.0 after 1.1", "conduct 1.0 after 1.2"):
        assert renumbered.search(history.pages[after_release]), after_release
    # The note points to newer versions, as a banner does: conduct 1.0's own content is sealed.
    assert history.conduct["conduct 1.0 after 1.2"] == history.conduct["conduct 1.0 after 1.1"]
    assert "amended in version" not in history.conduct["conduct 1.0 after 1.2"][1]


def test_a_working_reference_to_a_renumbered_clause_is_told_its_number(history: History) -> None:
    """Finding 2: the working sources of conduct still cite social-media 4.4, which is 4.5 since 1.1."""
    result = working_build(history.root, history.root / "handbook" / "conduct" / "02-online.md", {})
    assert result.returncode != 0
    assert (
        "handbook/conduct/02-online.md:4: error: {clause}`social-media:4.4`: 4.4 is 4.5 since version 1.1: "
        "write {clause}`social-media:4.5`" in result.stderr
    ), result.stderr


def test_a_renumbered_reference_with_the_editor_s_own_words_is_quoted_with_them(history: History) -> None:
    """Editor trial: {clause}`words <social-media:4.4>` was told as {clause}`social-media:4.4`,
    which a search of the page does not find, and the advice dropped the editor's words."""
    page = history.root / "handbook" / "conduct" / "02-online.md"
    assert "{clause}`social-media:4.4`" in page.read_text(encoding="utf-8").splitlines()[3]
    words = {"{clause}`social-media:4.4`": "{clause}`the school's rule on posts <social-media:4.4>`"}
    result = working_build(history.root, page, words)
    assert result.returncode != 0
    assert (
        "handbook/conduct/02-online.md:4: error: {clause}`the school's rule on posts <social-media:4.4>`: "
        "4.4 is 4.5 since version 1.1: write {clause}`the school's rule on posts <social-media:4.5>`"
        in result.stderr
    ), result.stderr


def test_a_renumbered_citation_is_a_citation_moved_not_a_re_pin(history: History) -> None:
    """Finding 3: the build said 'clause 4.4 changed, run make pins'; the clause had moved to 4.5."""
    notices = history.results["draft renumbered"].stderr
    assert "citation moved" in notices and "4.4 is 4.5" in notices
    for line in notices.splitlines():
        if "citation moved" in line:
            assert "make pins" not in line
    # Once the editor cites the new numbers, nothing is held back for the renumbering.
    assert "held back" not in history.results["guidance moved"].stderr
    assert "citation moved" not in history.results["guidance moved"].stderr


def test_a_renumbering_alone_is_not_a_substantive_change(history: History) -> None:
    """Finding 3: make release marked pure renumberings as substantive."""
    lines = [
        line.split() for line in history.results["release 1.1"].stdout.splitlines() if line.startswith("  ")
    ]
    renumbered = [line for line in lines if line[0] == "renumbered"]
    # Editor trial 7: "renumbered 4.3" did not say from what number.
    assert {tuple(line[1:4]) for line in renumbered} == {(old, "->", new) for old, new in RENUMBERED.items()}
    assert all(line[4] == "editorial" for line in renumbered)
    assert [line[1:] for line in lines if line[0] == "added"] == [["4.2", "substantive"]]


def test_the_release_summary_repeats_the_clauses_of_other_policies_that_refer_to_it(history: History) -> None:
    """Editor trial 7: the referring clauses were told only among the check's notices, above."""
    out = history.results["release 1.1"].stdout
    summary = out[out.index("Released social-media 1.1") :]
    assert "Clauses of other policies refer to clauses this release changes" in summary
    # As the editor wrote each (attack: the "~" was dropped, so the editor could not find it).
    for line, target in ((4, "social-media:4.4"), (12, "~social-media:4.5")):
        assert f"  handbook/conduct/02-online.md:{line}: clause 2." in summary, summary
        assert f"refers to {{clause}}`{target}`" in summary
    assert "6.4" not in summary  # 1.1 leaves 6.4 as it was


def test_clauses_json_gives_each_clause_its_permanent_link(history: History) -> None:
    site = history.root / "_build" / "html"
    clauses = json.loads((site / SM / "1.2" / "clauses.json").read_text("utf-8"))["clauses"]
    by_number = {c["number"]: c for c in clauses}
    assert by_number["4.5"]["permalink"] == "social-media/clause/4.4.html"  # 1.0's 4.4, moved
    assert (site / by_number["4.5"]["permalink"]).is_file()
    assert by_number["4.2"]["permalink"] == "social-media/clause/4.2~1.1.html"
    for clause in clauses:
        assert (site / clause["permalink"]).is_file(), clause["permalink"]


def test_a_reference_within_the_policy_is_recorded_in_the_version_released() -> None:
    """A draft's own references resolve in the draft, which the release makes the new version."""
    from clausebook.model import ClauseIdentity, ModelVersion
    from clausebook.versions.releasing import recorded_references

    draft = ModelVersion(
        "1.0",
        "2024-09-01",
        "draft",
        "conduct/draft",
        references=(
            ("01-scope", "2.1", ClauseIdentity("conduct", "2.1", "1.0")),
            # Attack: its own policy named before the colon was recorded as the last release's.
            ("01-scope", "conduct:2.2", ClauseIdentity("conduct", "2.2", "1.0")),
            ("02-online", "social-media:4.4", ClauseIdentity(SM, "4.4", "1.0")),
        ),
    )
    assert recorded_references(draft, "1.1") == {
        "01-scope": {
            "2.1": {"policy": "conduct", "identity": "2.1", "version": "1.1"},
            "conduct:2.2": {"policy": "conduct", "identity": "2.2", "version": "1.1"},
        },
        "02-online": {"social-media:4.4": {"policy": SM, "identity": "4.4", "version": "1.0"}},
    }


def working_build(root: Path, page: Path, edit: dict[str, str]) -> BuildResult:
    """A build of the working sources with ``page`` edited (old -> new), then put back."""
    original = page.read_text(encoding="utf-8")
    text = original
    for old, new in edit.items():
        assert old in text, old
        text = text.replace(old, new)
    page.write_text(text + "\nA sentence added by the test, making a draft.\n", encoding="utf-8")
    try:
        return run_build(root)
    finally:
        page.write_text(original, encoding="utf-8")


def test_a_reference_the_editor_renumbered_is_not_told_to_move_again(history: History) -> None:
    """Editor trial 1: conduct cites social-media 4.4 (clause 2.1) and 4.5 (clause 2.3); 1.1 makes
    them 4.5 and 4.6. Once 2.1 says 4.5 it names the clause it meant: no "4.5 is 4.6" for it
    (a loop that would have made it cite the wrong clause), while 2.3 is still told."""
    page = history.root / "handbook" / "conduct" / "02-online.md"
    half = working_build(history.root, page, {"`social-media:4.4`": "`social-media:4.5`"})
    assert "02-online.md:4:" not in half.stderr, half.stderr
    assert (
        # As written: the "~" (the number alone on the page) stays in the advice (editor trial).
        "handbook/conduct/02-online.md:12: error: {clause}`~social-media:4.5`: 4.5 is 4.6 since version 1.1: "
        "write {clause}`~social-media:4.6`" in half.stderr
    ), half.stderr
    done = working_build(
        history.root,
        page,
        {"`social-media:4.4`": "`social-media:4.5`", "`~social-media:4.5`": "`~social-media:4.6`"},
    )
    assert done.returncode == 0 and "is 4.6 since" not in done.stderr, done.stderr


def test_a_reference_rewritten_to_another_number_is_judged_as_written(history: History) -> None:
    """An editor's new number in a released reference's place is theirs: a clause that does not
    exist is refused as such, not told it "is 4.5 since version 1.1" (the clause it replaced)."""
    page = history.root / "handbook" / "conduct" / "02-online.md"
    result = working_build(history.root, page, {"`social-media:4.4`": "`social-media:4.9`"})
    assert result.returncode != 0
    assert "02-online.md:4: error: {clause}`social-media:4.9` cites a clause that does not exist" in (
        result.stderr
    ), result.stderr
    assert "4.9 is" not in result.stderr, result.stderr


def test_a_citation_of_a_number_a_removal_took_away_is_told_once_with_its_new_number(
    history: History,
) -> None:
    """Editor trial: a draft removes a clause, so the last clause's number is gone. Each guidance
    citation of it was refused "cite an existing clause" and, in a separate notice, told
    "citation moved: ... cite 4.5": two messages for one citation, the error not saying where it went."""
    page = history.root / "handbook" / SM / "04-prohibited-use.md"
    text = page.read_text(encoding="utf-8")
    removed = re.search(r":::\{clause\} 4\.2\n.*?\n:::\n\n", text, re.S)
    assert removed, "1.1 inserted a clause 4.2"
    edit = {removed[0]: ""}
    for old, new in sorted(RENUMBERED.items()):  # 4.3-4.6 back to 4.2-4.5
        edit[f":::{{clause}} {new}\n"] = f":::{{clause}} {old}\n"
    last, now = "4.6", "4.5"
    cites_last = [
        (kind, n)
        for kind in ("quiz", "rules")
        for n, line in enumerate(guidance_file(history.root, kind).read_text("utf-8").splitlines(), 1)
        if line.strip().startswith("cites:") and f'"{last}"' in line
    ]
    assert cites_last, "the guidance cites the last clause"
    # And a reference the draft adds, to the number that is gone.
    other = history.root / "handbook" / SM / "08-breach.md"
    original = other.read_text(encoding="utf-8")
    other.write_text(
        original + f"\nSee clause {{clause}}`{last}`.\n\nAnd {{clause}}`the last one <{last}>`.\n",
        encoding="utf-8",
    )
    try:
        result = working_build(history.root, page, edit)
    finally:
        other.write_text(original, encoding="utf-8")
    assert result.returncode != 0
    line = len(original.splitlines()) + 2
    assert (
        f"handbook/{SM}/08-breach.md:{line}: error: {{clause}}`{last}` cites a clause that does not exist "
        f"in this policy: clause {last} of version 1.2 is {now} now. If that is the clause you mean, "
        f"write {{clause}}`{now}`" in result.stderr
    ), result.stderr
    # With the editor's own words, quoted as typed, and kept in the advice.
    assert (
        f"handbook/{SM}/08-breach.md:{line + 2}: error: {{clause}}`the last one <{last}>` cites a clause "
        f"that does not exist in this policy: clause {last} of version 1.2 is {now} now. If that is the "
        f"clause you mean, write {{clause}}`the last one <{now}>`" in result.stderr
    ), result.stderr
    for kind, line in cites_last:
        assert (
            f"quizzes/{SM}.{kind}.yaml:{line}: error: clause {last} does not exist in this version of the "
            f"policy: it is {now} now (renumbered, the same words). Cite {now} instead" in result.stderr
        ), result.stderr
    assert f"{last} is {now}" not in result.stderr, "no notice repeats what the error says"


def referred_by(html: str, number: str) -> str:
    start = html.index(f'id="clause-{number.replace(".", "-")}"')
    end = html.find('<div class="cb-clause"', start)
    found = re.search(r'<p class="cb-referred-by">(.*?)</p>', html[start : end if end > 0 else None], re.S)
    return re.sub(r"<[^>]+>", "", found[1]) if found else ""


def test_referred_by_follows_recorded_identities_into_each_version(history: History) -> None:
    """Editor trial 2: conduct 1.0 (in force) refers to 1.0's 4.4 and 4.5; in 1.1 and 1.2 they are
    4.5 and 4.6, and their pages said nothing of it."""
    site = history.root / "_build" / "html" / SM
    for version, numbers in (("1.0", ("4.4", "4.5")), ("1.1", ("4.5", "4.6")), ("1.2", ("4.5", "4.6"))):
        html = (site / version / "04-prohibited-use.html").read_text(encoding="utf-8")
        first, second = (referred_by(html, n) for n in numbers)
        assert "clause 2.1 of the" in first and "clause 2.3" not in first, (version, first)
        assert "clause 2.3 of the" in second and "clause 2.1" not in second, (version, second)
    inserted = (site / "1.1" / "04-prohibited-use.html").read_text(encoding="utf-8")
    assert "clause 2." not in referred_by(inserted, "4.4")


def test_guidance_advice_names_the_working_file_never_a_sealed_copy(history: History) -> None:
    """Editor trial 3: notices about guidance named handbook/_versions/.../_guidance/quiz.yaml,
    a file never to be edited."""
    for name, result in history.results.items():
        for line in result.stderr.splitlines():
            assert "_guidance/" not in line, (name, line)


def test_every_released_version_gives_the_verdicts_it_was_released_with(history: History) -> None:
    """The engine is code, not sealed data: each version is read with the edition it was
    released with, and gives its sealed record of verdicts line for line (1.1's was sealed as the
    engine made it, although quizzes/ still held the record from before the citations moved)."""
    records = sealed_records(history.root)
    assert [record.parent.parent.name for record, _ in records] == ["1.0", "1.1", "1.2"]
    assert changed_verdicts(history.root) == []
    editions = {
        v: json.loads((history.root / "handbook" / "_versions" / SM / v / "release.json").read_text())
        for v in ("1.0", "1.1", "1.2")
    }
    assert [editions[v].get("engine") for v in ("1.0", "1.1", "1.2")] == [None, EDITION, EDITION]


def test_a_release_is_refused_until_the_live_record_of_verdicts_is_reviewed(history: History) -> None:
    """Found: released without make tree-record, the live record stayed stale, every build said
    "changes not yet released", and each later release sealed the same guidance again."""
    refused = history.results["refused before tree-record"]
    assert refused.returncode != 0
    assert (
        f"error: quizzes/{SM}.verdicts.md:1: the record of every verdict is not what the guidance rules "
        "give now: run make tree-record and review the change first"
    ) in refused.stderr
    assert "Nothing was released" in refused.stderr and "Traceback" not in refused.stderr
    # Released after the review, it seals the record the editor reviewed, and nothing is left to release.
    sealed = history.root / "handbook" / "_versions" / SM / "1.1" / "_guidance" / "verdicts.md"
    live = history.root / "quizzes" / f"{SM}.verdicts.md"
    assert sealed.read_text(encoding="utf-8") == live.read_text(encoding="utf-8")


def test_a_sealed_verdict_the_engine_would_change_is_found(
    history: History, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An engine that forgot 1.0's edition (it reads every version as the newest) is caught, at
    the sealed record's line, by the comparison every build makes."""
    monkeypatch.setattr(views, "engine_edition", lambda bundle: EDITION)
    changed = changed_verdicts(history.root)
    assert changed and {c.record.parts[-3] for c in changed} == {"1.0"}
    first = changed[0]
    lines = (history.root / first.record).read_text(encoding="utf-8").splitlines()
    assert lines[first.line - 1] == first.sealed and "no rule applies" in first.now
    assert f"{first.record}:{first.line}:" in str(first)


def handbook_copy(history: History, tmp_path: Path) -> Path:
    """The history's handbook (its releases included), to break without a build."""
    return shutil.copytree(history.root / "handbook", tmp_path / "handbook")


def problems_at(handbook: Path) -> dict[str, str]:
    """Each integrity problem, by where it is ("file:line", relative to handbook/), and the line's text."""
    found = {}
    for problem in integrity_problems(handbook):
        assert problem.location is not None and problem.location.line
        path = Path(problem.location.path)
        line = (
            path.read_text(encoding="utf-8").splitlines()[problem.location.line - 1] if path.is_file() else ""
        )
        found[f"{path.relative_to(handbook).as_posix()}:{problem.location.line}"] = (
            f"{line.strip()} | {problem.message}"
        )
    return found


def test_a_released_version_deleted_is_refused_where_another_release_names_it(
    history: History, tmp_path: Path
) -> None:
    """Attack 5, finding 2: rm -rf of social-media 1.0 built; conduct 1.0's reference to 1.0's 4.4
    then linked to another version's 4.4. 1.1's release.json names 1.0 as its previous version,
    and conduct 1.0's names it in its references: both say it was released."""
    handbook = handbook_copy(history, tmp_path)
    shutil.rmtree(handbook / "_versions" / SM / "1.0")
    found = problems_at(handbook)
    assert len(found) == 2, found
    (previous,) = [v for k, v in found.items() if k.startswith(f"_versions/{SM}/1.1/release.json:")]
    assert previous.startswith('"previous": "1.0"') and "as the version before it" in previous
    (reference,) = [v for k, v in found.items() if k.startswith("_versions/conduct/1.0/release.json:")]
    assert reference.startswith('"version": "1.0"') and "in a reference" in reference
    for message in found.values():
        assert f"version 1.0 of {SM} was released" in message
        assert f"handbook/_versions/{SM}/1.0/ is missing" in message and "restore it" in message


def test_a_released_version_that_lost_only_its_release_json_is_refused(
    history: History, tmp_path: Path
) -> None:
    handbook = handbook_copy(history, tmp_path)
    (handbook / "_versions" / SM / "1.0" / "release.json").unlink()
    found = problems_at(handbook)
    assert len(found) == 3, found
    assert sum(f"handbook/_versions/{SM}/1.0/release.json is missing" in m for m in found.values()) == 2
    (lost,) = [v for k, v in found.items() if k.startswith(f"_versions/{SM}/1.0/")]
    assert "has lost its release.json" in lost


def test_the_whole_build_refuses_a_deleted_release(history: History) -> None:
    """The check runs in every build, so make html publishes nothing with 1.0 gone."""
    version = history.root / "handbook" / "_versions" / SM / "1.0"
    aside = version.with_name(".aside-1.0")  # hidden names are not releases
    version.rename(aside)
    try:
        result = run_build(history.root)
    finally:
        aside.rename(version)
    assert result.returncode != 0
    assert re.search(
        rf"handbook/_versions/{SM}/1\.1/release\.json:\d+: error: version 1\.0 of {SM} was released",
        result.stderr,
    ), result.stderr


def test_a_released_policy_renamed_or_removed_is_refused(history: History, tmp_path: Path) -> None:
    """Attack 5, finding 7: handbook/conduct and its _versions folder renamed built gdpr/1.0,
    whose release.json still says conduct, and every conduct/ address went."""
    handbook = handbook_copy(history, tmp_path)
    for folder in (handbook, handbook / "_versions"):
        (folder / "conduct").rename(folder / "gdpr")
    found = problems_at(handbook)
    assert list(found) == ["_versions/gdpr/1.0/release.json:2"], found
    assert found["_versions/gdpr/1.0/release.json:2"].startswith('"policy": "conduct"')
    assert "keeps its folder name" in found["_versions/gdpr/1.0/release.json:2"]

    (handbook / "gdpr").rename(handbook / "gone")
    (handbook / "_versions" / "gdpr").rename(handbook / "_versions" / "conduct")
    found = problems_at(handbook)
    assert len(found) == 1, found
    (message,) = found.values()
    assert "released policy conduct has no folder in handbook/: its pages would disappear" in message


def test_every_released_version_shows_its_readers_what_it_was_released_with(built_handbook: Path) -> None:
    """Attack 5, finding 1: engine edits that dropped citations, scored every quiz as right, or
    stopped combining ticks passed every check, since the sealed record holds only rule ids.
    Each released version of the repository's handbook is rendered as its readers see it and
    compared with the digest committed for it."""
    found = released_views(REPO, model_root=built_handbook)
    assert found, "the handbook has released versions with guidance"
    for item in found:
        where = item.file.relative_to(REPO)
        assert item.committed is not None, (
            f"{where}: no digest of what readers of {item.policy} {item.version} see: "
            "run .venv/bin/python tools/released_views.py after the release, and commit it"
        )
        assert item.committed == item.digest, f"{where}:1: {item.policy} {item.version}: {ADVICE}"


def cite_only_the_first(self: views.Guidance, rule: Any) -> dict[str, Any]:
    return {**ORIGINAL_RULE_VIEW(self, rule), "clauses": self.cite(rule.cites[:1])}


def score_all_right(quiz_: Any, answers: Any) -> Any:
    return quiz.Score(tuple(quiz.Result(q, q.answer) for q in quiz_.questions))


def ticks_apart(condition: Any, answers: Any) -> bool | None:
    if condition[0] == "is" and (given := answers.get(condition[1])) is not None:
        return len(given) == 1 and bool(given & condition[2])
    return ORIGINAL_HOLDS(condition, answers)


ORIGINAL_RULE_VIEW = views.Guidance.rule_view
ORIGINAL_HOLDS = rules.holds
# The three engine edits of the attack (/tmp/attack/e1-engine.diff), each passing the record.
ENGINE_EDITS = {
    "a verdict cites only its first clause": (views.Guidance, "rule_view", cite_only_the_first),
    "every quiz answer is scored right": (views, "score", score_all_right),
    "several ticks no longer combine": (rules, "holds", ticks_apart),
}


@pytest.mark.parametrize("edit", ENGINE_EDITS)
def test_an_engine_change_to_what_a_released_version_shows_is_found(
    history: History, monkeypatch: pytest.MonkeyPatch, edit: str
) -> None:
    """Read with edition 1 (1.0) and with the newest (1.2); 1.1 is as 1.2, and slower to render."""
    root = history.root
    write_missing(root)  # as after each release (an earlier test of the module may have written them)
    target, name, replacement = ENGINE_EDITS[edit]
    monkeypatch.setattr(target, name, replacement)
    read = {i.version: i for i in released_views(root) if i.policy == SM and i.version in ("1.0", "1.2")}
    assert sorted(read) == ["1.0", "1.2"]
    for item in read.values():
        assert item.committed is not None and item.digest != item.committed, item.version
    # The records of verdicts see none of these edits: the digest is what finds them.
    assert changed_verdicts(root) == []


def test_a_committed_digest_is_never_rewritten(history: History, monkeypatch: pytest.MonkeyPatch) -> None:
    root = history.root
    write_missing(root)
    first = next(i for i in released_views(root) if (i.policy, i.version) == (SM, "1.0"))
    assert first.committed == first.digest  # the same views, digested again, give the same digest
    monkeypatch.setattr(views.Guidance, "rule_view", cite_only_the_first)
    assert write_missing(root) == []
    first = next(i for i in released_views(root) if (i.policy, i.version) == (SM, "1.0"))
    assert first.committed is not None and first.committed != first.digest


def test_a_clause_left_out_on_purpose_that_a_draft_renumbers_is_told_its_number(history: History) -> None:
    """The rules file lists 1.1 under not_covered; a draft inserts a clause before it, so 1.1 is
    another clause: the editor is told the number of the clause the release left out (found:
    the new 1.1 was marked as left out on purpose, and nothing was said). Once rewritten, or
    once its reason says why, the item is taken as written."""
    root = history.root
    page = root / "handbook" / SM / "01-introduction.md"
    rules = guidance_file(root, "rules")
    original, original_rules = page.read_text(encoding="utf-8"), rules.read_text(encoding="utf-8")
    count = original.count(":::{clause} 1.")
    text = original
    for n in range(count, 0, -1):
        text = text.replace(f":::{{clause}} 1.{n}\n", f":::{{clause}} 1.{n + 1}\n")
    text = text.replace(
        ":::{clause} 1.2\n", ":::{clause} 1.1\nA clause added by the test.\n:::\n\n:::{clause} 1.2\n", 1
    )
    lines = original_rules.splitlines()
    start = lines.index("not_covered:")
    line = next(n for n, t in enumerate(lines[start:], start + 1) if t.strip() == '- clause: "1.1"')
    told = (
        f"quizzes/{SM}.rules.yaml:{line}: notice: not_covered lists clause 1.1, which the draft gives to "
        "another clause; the clause it listed in version 1.2 is 1.2 now: write 1.2"
    )
    try:
        page.write_text(text, encoding="utf-8")
        renumbered = run_build(root)
        rules.write_text(original_rules.replace('- clause: "1.1"', '- clause: "1.2"', 1), encoding="utf-8")
        rewritten = run_build(root)
    finally:
        page.write_text(original, encoding="utf-8")
        rules.write_text(original_rules, encoding="utf-8")
    assert told in renumbered.stderr, renumbered.stderr
    assert "not_covered lists clause" not in rewritten.stderr, rewritten.stderr
