"""A released version's frozen files, checked against its release record without a build:
each file changed, deleted or added after the release is one problem at that file, naming
where the amendment belongs instead."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from clausebook.model import Location
from clausebook.versions.releases import DIGEST, integrity_problems, record_digest
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


@pytest.mark.parametrize(
    ("edit", "into"),
    [
        ('"effective": "2024-09-01"', '"effective": "2024-10-01"'),  # when the version is in force
        ('"4.4": "4.4"', '"4.4": "4.5"'),  # the clause a reference to 4.4 means
        ('"released": "2026-11-25"', '"released": "2026-11-24"'),
        ('"files": {', '"files": [], "was": {'),  # a field of another type: found as a traceback
        ('"previous": null', '"previous": 5'),
        ('"1.1": "1.1"', '"1.1": ["1.1"]'),
    ],
)
def test_an_edit_to_the_release_record_itself_is_refused_at_it(tmp_path: Path, edit: str, into: str) -> None:
    """Found: the record was the one released file an edit went unnoticed in, though it says
    when the version is in force and what its references mean."""
    handbook = frozen_copy(tmp_path)
    record = handbook / FROZEN / "release.json"
    text = record.read_text(encoding="utf-8")
    assert edit in text
    record.write_text(text.replace(edit, into, 1), encoding="utf-8")

    (problem,) = integrity_problems(handbook)

    assert problem.location == Location(str(record), 1)
    assert "release record was changed after its release" in problem.message
    assert "git checkout" in problem.message and "make release" in problem.message


def test_the_released_record_carries_the_digest_the_check_reads() -> None:
    record = json.loads((REPO / "handbook" / FROZEN / "release.json").read_text(encoding="utf-8"))
    assert record[DIGEST] == record_digest(record)
    assert record_digest({**record, "effective": "2000-01-01"}) != record[DIGEST]


def test_a_record_that_is_no_longer_json_is_one_problem_at_its_line(tmp_path: Path) -> None:
    handbook = frozen_copy(tmp_path)
    record = handbook / FROZEN / "release.json"
    text = record.read_text(encoding="utf-8")
    record.write_text(
        text.replace('"policy": "social-media",', '"policy": "social-media"', 1), encoding="utf-8"
    )

    (problem,) = integrity_problems(handbook)

    assert problem.location == Location(str(record), 3)
    assert "cannot be read: it is not valid JSON" in problem.message and "git checkout" in problem.message


def test_a_record_whose_digest_was_deleted_is_refused(tmp_path: Path) -> None:
    """Found: deleting the digest let any other edit of the record through."""
    handbook = frozen_copy(tmp_path)
    record = handbook / FROZEN / "release.json"
    data = json.loads(record.read_text(encoding="utf-8"))
    del data[DIGEST]
    data["effective"] = "2024-10-01"
    record.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")

    (problem,) = integrity_problems(handbook)

    assert problem.location == Location(str(record), 1)
    assert "was changed after its release: its digest, which make release writes, is gone" in problem.message


def test_a_field_written_twice_is_refused_at_the_second(tmp_path: Path) -> None:
    """JSON keeps the last of two silently: a reader of the file would take the first for the date."""
    handbook = frozen_copy(tmp_path)
    record = handbook / FROZEN / "release.json"
    text = record.read_text(encoding="utf-8")
    twice = text.replace('  "policy":', '  "effective": "2030-01-01",\n  "policy":', 1)
    record.write_text(twice, encoding="utf-8")

    (problem,) = integrity_problems(handbook)

    assert problem.location == Location(str(record), 5)
    assert '"effective" is written twice in this release record (on lines 2 and 5' in problem.message
