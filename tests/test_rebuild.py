"""A rebuild redoes only what changed: an editor waits for their own edit, not for the handbook."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from clausebook.versions.releases import DIGEST, record_digest
from conftest import run_build


def _stamps(folder: Path, pattern: str) -> dict[str, int]:
    return {str(path.relative_to(folder)): path.stat().st_mtime_ns for path in folder.rglob(pattern)}


def _rewritten(before: dict[str, int], after: dict[str, int]) -> list[str]:
    return sorted(name for name, stamp in after.items() if before.get(name) != stamp)


def test_a_build_with_no_change_reads_no_document_and_prints_no_pdf(handbook: Path) -> None:
    # The first build settles the copy (its sources were copied after it was built).
    assert run_build(handbook).returncode == 0
    doctrees = handbook / "_build" / ".work" / "doctrees"
    work = handbook / "_build" / ".work"
    read, printed = _stamps(doctrees, "*.doctree"), _stamps(work, "*.pdf")
    assert read and printed, "the build left no doctrees or no PDF where this test looks"

    result = run_build(handbook)

    assert result.returncode == 0, result.stderr
    assert _rewritten(read, _stamps(doctrees, "*.doctree")) == []
    assert _rewritten(printed, _stamps(work, "*.pdf")) == []
    # Reading nothing, it still tells the editor what stays to be done (Sphinx checks
    # consistency only after reading a page: notices hooked there went silent).
    assert "has changes not yet released" in result.stderr, result.stderr


def test_a_guidance_problem_is_told_by_every_build_until_it_is_fixed(handbook: Path) -> None:
    rules = handbook / "quizzes" / "social-media.rules.yaml"
    text = rules.read_text(encoding="utf-8")
    rules.write_text(text.replace('cites: ["4.2"]', 'cites: ["4.9"]', 1), encoding="utf-8")
    first = run_build(handbook)
    assert first.returncode != 0 and "4.9" in first.stderr, first.stderr
    again = run_build(handbook)
    assert again.returncode != 0 and "4.9" in again.stderr, again.stderr


def test_editing_a_rules_file_reads_again_the_pages_that_show_it(handbook: Path) -> None:
    assert run_build(handbook).returncode == 0
    doctrees = handbook / "_build" / ".work" / "doctrees"
    read = _stamps(doctrees, "*.doctree")
    rules = handbook / "quizzes" / "social-media.rules.yaml"
    rules.write_text(rules.read_text(encoding="utf-8") + "\n# an editor's note\n", encoding="utf-8")

    result = run_build(handbook)

    assert result.returncode == 0, result.stderr
    again = _rewritten(read, _stamps(doctrees, "*.doctree"))
    # The working version's index reads the rules (the released versions keep their own copy).
    assert any(name.startswith("social-media") and name.endswith("index.doctree") for name in again), again
    assert len(again) < len(read), "the whole handbook was read again for one rules file"


def _site(paths: object, files: dict[str, str]) -> None:
    from clausebook.commands.build import Paths

    assert isinstance(paths, Paths)
    for name, text in files.items():
        (paths.outdir / name).parent.mkdir(parents=True, exist_ok=True)
        (paths.outdir / name).write_text(text, encoding="utf-8")


def test_publishing_rewrites_only_what_changed_and_removes_what_went(tmp_path: Path) -> None:
    from clausebook.commands.build import Paths, publish

    paths = Paths(tmp_path)
    _site(paths, {"index.html": "home", "a/page.html": "one", "a/old.html": "gone soon", "b/x.css": "x"})
    publish(paths)
    site = paths.published
    kept = (site / "index.html").stat().st_ino

    (paths.outdir / "a" / "old.html").unlink()
    (paths.outdir / "b" / "x.css").unlink()
    (paths.outdir / "b").rmdir()
    _site(paths, {"index.html": "home", "a/page.html": "two", "c/new.html": "new", ".buildinfo": "no"})
    publish(paths)

    files = {str(p.relative_to(site)): p.read_text(encoding="utf-8") for p in site.rglob("*") if p.is_file()}
    assert files == {"index.html": "home", "a/page.html": "two", "c/new.html": "new"}
    assert not (site / "b").exists()
    # Rewritten with the same bytes, the page is the same file (a copy is a new file, renamed over it).
    assert (site / "index.html").stat().st_ino == kept
    assert not [p for p in site.rglob("*") if p.name.startswith(".publishing-")]


def test_a_sealed_verdict_the_engine_no_longer_gives_refuses_the_build(handbook: Path) -> None:
    """The engine is code: each build reads every released version's guidance again (when its
    inputs changed) and refuses one whose sealed record of verdicts it no longer matches."""
    record = handbook / "handbook" / "_versions" / "social-media" / "1.0" / "_guidance" / "verdicts.md"
    record.chmod(0o644)
    lines = record.read_text(encoding="utf-8").splitlines(keepends=True)
    verdict_lines = [i for i, text in enumerate(lines) if text.startswith("- ")]
    line = verdict_lines[0]
    for i in verdict_lines[:5]:
        lines[i] = lines[i].replace("- ", "- note `invented` (1.1); ", 1)
    record.write_text("".join(lines), encoding="utf-8")
    # Sealed as if released so (a hand edit of a released file is a problem of its own).
    release = record.parent.parent / "release.json"
    sealed = json.loads(release.read_text(encoding="utf-8"))
    sealed["guidance"]["verdicts.md"] = hashlib.sha256(record.read_bytes()).hexdigest()
    sealed[DIGEST] = record_digest(sealed)
    release.chmod(0o644)
    release.write_text(json.dumps(sealed, indent=2) + "\n", encoding="utf-8")

    result = run_build(handbook)

    assert result.returncode != 0
    told = f"_guidance/verdicts.md:{line + 1}: error: this released version's guidance would change"
    assert told in result.stderr, result.stderr
    # One refusal for the version, counting the lines and quoting the first few, never one a line.
    refusals = [text for text in result.stderr.splitlines() if "guidance would change" in text]
    assert len(refusals) == 1, refusals
    assert "5 lines differ" in refusals[0] and "and 2 more" in refusals[0]


def test_a_guidance_file_taken_away_takes_its_page_off_the_site(handbook: Path) -> None:
    (handbook / "quizzes" / "social-media.quiz.yaml").unlink()

    result = run_build(handbook)

    assert result.returncode == 0, result.stderr
    site = handbook / "_build" / "html" / "social-media"
    # The working copy's quiz is gone, with its page and its place in the offline copy; the
    # released version keeps its own sealed quiz, and the working copy keeps its other tool.
    assert not (site / "draft" / "quiz.html").exists()
    offline = json.loads((handbook / "_build" / "html" / "clausebook-offline.json").read_text("utf-8"))
    assert "social-media/draft/quiz.html" not in offline["files"]
    assert (site / "1.0" / "quiz.html").is_file()
    assert (site / "draft" / "should-i-post.html").is_file()
    # No page of the draft still links to it: the sections and the draft's "What changed".
    for page in ("index.html", "changes.html"):
        text = (site / "draft" / page).read_text("utf-8")
        assert 'href="quiz.html"' not in text and 'href="should-i-post.html"' in text, page
