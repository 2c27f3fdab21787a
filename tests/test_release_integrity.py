"""A released version's frozen files, checked against its release record without a build:
each file changed, deleted or added after the release is one problem at that file, naming
where the amendment belongs instead."""

from __future__ import annotations

import shutil
from pathlib import Path

from clausebook.model import Location
from clausebook.versions.releases import integrity_problems
from conftest import REPO

FROZEN = Path("_versions/social-media/1.0")


def frozen_copy(tmp_path: Path) -> Path:
    handbook = tmp_path / "handbook"
    shutil.copytree(REPO / "handbook" / "_versions", handbook / "_versions")
    # A released policy has its working folder beside its versions.
    shutil.copytree(REPO / "handbook" / "social-media", handbook / "social-media")
    for path in handbook.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)  # released files are read-only
    return handbook


def test_an_untouched_release_has_no_problem(tmp_path: Path) -> None:
    assert integrity_problems(frozen_copy(tmp_path)) == []


def test_each_changed_deleted_or_added_file_is_one_problem_at_that_file(tmp_path: Path) -> None:
    handbook = frozen_copy(tmp_path)
    version = handbook / FROZEN
    section = version / "04-prohibited-use.md"
    section.write_text(section.read_text(encoding="utf-8").replace("must not", "may"), encoding="utf-8")
    (version / "_guidance" / "quiz.yaml").unlink()
    (version / "09-added.md").write_text("# 9. Added\n", encoding="utf-8")
    (version / "_guidance" / "extra.yaml").write_text("{}\n", encoding="utf-8")

    found = {Path(p.location.path).relative_to(handbook).as_posix(): p for p in integrity_problems(handbook)}

    assert sorted(found) == sorted(
        f"{FROZEN}/{name}"
        for name in ("04-prohibited-use.md", "_guidance/quiz.yaml", "09-added.md", "_guidance/extra.yaml")
    )
    assert {p.location.line for p in found.values()} == {1}
    changed = found[f"{FROZEN}/04-prohibited-use.md"].message
    assert "was changed after its release" in changed
    assert "handbook/social-media/04-prohibited-use.md" in changed and "make release" in changed
    deleted = found[f"{FROZEN}/_guidance/quiz.yaml"].message
    assert (
        "guidance file" in deleted
        and "was deleted" in deleted
        and "quizzes/social-media.quiz.yaml" in deleted
    )
    assert "added to the released version 1.0" in found[f"{FROZEN}/09-added.md"].message
    assert "handbook/social-media/ instead" in found[f"{FROZEN}/09-added.md"].message
    added_guidance = found[f"{FROZEN}/_guidance/extra.yaml"].message
    assert (
        "added to the released guidance of version 1.0" in added_guidance
        and "quizzes/ instead" in added_guidance
    )


def test_an_engine_edition_the_engine_does_not_know_is_refused_at_its_line(tmp_path: Path) -> None:
    """Found: "engine": 99 in a release.json stopped the build as "a bug in Clausebook"."""
    handbook = frozen_copy(tmp_path)
    record = handbook / FROZEN / "release.json"
    text = record.read_text(encoding="utf-8").replace(
        '  "previous": null,', '  "previous": null,\n  "engine": 99,'
    )
    record.write_text(text, encoding="utf-8")

    (problem,) = integrity_problems(handbook)

    assert problem.location == Location(str(record), text.splitlines().index('  "engine": 99,') + 1)
    assert '"engine": 99 is not an edition' in problem.message and "Restore the value" in problem.message
