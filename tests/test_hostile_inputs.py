"""Tried as an attacker with an editor's access would: nothing typed into a source runs in a
reader's browser or makes it ask another site for anything (the data: tests/hostile/)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from markupsafe import escape

from hostile.sites import build, copy_handbook, data, make_escaped, make_refused, refused_page
from pagecode import pages, read, script_hashes, sha256

REFUSED: list[dict[str, Any]] = data("refused")["cases"]


@pytest.fixture(scope="module")
def refused_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, int]:
    root = copy_handbook(tmp_path_factory.mktemp("refused"))
    make_refused(root)
    done = build(root)
    return root, done.stderr, done.returncode


@pytest.fixture(scope="module")
def escaped_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    root = copy_handbook(tmp_path_factory.mktemp("escaped"))
    ids = make_escaped(root)
    done = build(root)
    assert done.returncode == 0, done.stderr
    return root / "_build" / "html", ids


def test_nothing_is_published_when_a_page_holds_code(refused_build: tuple[Path, str, int]) -> None:
    root, stderr, status = refused_build
    assert status != 0
    assert not (root / "_build" / "html").exists(), "a refused build publishes nothing"
    last = stderr.rstrip().splitlines()[-1]
    assert re.fullmatch(
        r"Refused: \d+ problems in the sources, in .+; the published site is unchanged\.", last
    )
    assert last.count("handbook/") <= 5 and "more files" in last, "a long list is cut short"


@pytest.mark.parametrize("case", REFUSED, ids=[c["id"] for c in REFUSED])
def test_each_hostile_page_is_refused_with_file_and_line(
    refused_build: tuple[Path, str, int], case: dict[str, Any]
) -> None:
    _root, stderr, _status = refused_build
    where = f"{refused_page(case).as_posix()}:{case['line']}: error:"
    reported = [line for line in stderr.splitlines() if line.startswith(where)]
    assert any(case["words"] in line for line in reported), f"{where} ... {case['words']}\n{stderr}"


def test_a_refusal_is_in_our_words_only(refused_build: tuple[Path, str, int]) -> None:
    _root, stderr, _status = refused_build
    inserted = [line for line in stderr.splitlines() if "instead of inserting a file" in line]
    assert len(inserted) >= 5, stderr  # {raw}, {eval-rst} raw, {include}, {literalinclude}, {csv-table}
    assert not any("disabled" in line or "deactivated" in line for line in inserted), inserted


def test_a_refusal_never_names_a_file_outside_the_handbook(refused_build: tuple[Path, str, int]) -> None:
    _root, stderr, _status = refused_build
    assert "/etc/hostname" not in stderr.replace("../etc/hostname", "")


@pytest.fixture(scope="module")
def escaped_pages(escaped_site: tuple[Path, dict[str, str]]) -> dict[str, Any]:
    site, _ids = escaped_site
    return {page.relative_to(site).as_posix(): read(page) for page in pages(site)}


def test_no_page_runs_or_fetches_anything_an_editor_wrote(escaped_pages: dict[str, Any]) -> None:
    problems = [f"{name}: {problem}" for name, code in escaped_pages.items() for problem in code.problems]
    assert problems == []
    editors = [
        f"{name}: {script[:60]}"
        for name, code in escaped_pages.items()
        for script in code.inline_scripts
        if "alert" in script or "example.com" in script
    ]
    assert editors == []


def test_every_hostile_string_is_published_as_words(
    escaped_site: tuple[Path, dict[str, str]], escaped_pages: dict[str, Any]
) -> None:
    _site, shown = escaped_site
    text = "\n".join("".join(code.text) for code in escaped_pages.values())
    missing = [case_id for case_id, words in shown.items() if words not in text]
    assert missing == [], "these strings were dropped instead of shown as words"


def test_every_page_has_one_policy_allowing_only_its_templates_scripts(
    escaped_pages: dict[str, Any],
) -> None:
    for name, code in escaped_pages.items():
        assert len(code.policies) == 1, name
        allowed = script_hashes(code.policies[0])
        # Each hash the policy allows is a script the page's template wrote: none is the editor's.
        assert allowed <= {sha256(s) for s in code.inline_scripts}, name


def test_the_policy_is_the_builds_whatever_the_page_holds(escaped_pages: dict[str, Any], site: Path) -> None:
    """The pages with hostile words carry exactly the policy of the same page built without them."""
    compared = 0
    for name, code in escaped_pages.items():
        clean = site / name
        if clean.is_file():
            assert code.policies == read(clean).policies, name
            compared += 1
    assert compared > 10


def test_the_quiz_title_stays_inside_its_attribute(escaped_site: tuple[Path, dict[str, str]]) -> None:
    site, _ids = escaped_site
    manifest = json.loads((site / "clausebook.json").read_text(encoding="utf-8"))
    policy = next(p for p in manifest["policies"] if p["id"] == "social-media")
    current = next(v for v in policy["versions"] if v["status"] == "current")
    # The released version keeps its sealed quiz; the changed one is the draft's.
    draft = site / "social-media" / "draft" / "quiz.html"
    quiz = draft if draft.is_file() else site / current["quiz"]
    code = read(quiz)
    assert code.problems == []
    html = quiz.read_text(encoding="utf-8")
    title = json.loads((quiz.parent / "guidance.json").read_text(encoding="utf-8"))["quiz"]["title"]
    assert "onerror" in title
    assert f'aria-label="{escape(title)}"' in html
