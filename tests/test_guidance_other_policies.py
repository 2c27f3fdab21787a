"""Nothing belongs to one policy: two more policies with guidance rules of their own build beside the
social media policy, each tool with its own title, page name, introduction and outcome headings."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import REPO, copy_content, run_build

LEAVE_RULES = """\
# Written by the tests: guidance we add, not policy.
policy: leave
title: Can I take this leave?
page: can-i-take-leave
intro: Answer a question about the leave you want.
outcomes:
  ask-first: Check before you book
questions:
  - id: kind
    fact: The leave
    question: What leave do you want?
    answers:
      - {id: holiday, label: A holiday}
      - {id: other, label: Something else}
rules:
  - id: ask
    cites: ["1.1"]
    when: {kind: holiday}
    outcome: ask-first
    title: Ask before booking
    text: Our words about asking first.
no_rule:
  title: Nothing here covers it
  text: Ask your manager.
not_covered:
  - clause: "1.2"
    reason: It points to the pay policy.
"""

PAY_RULES = """\
policy: pay
title: Will this be paid?
page: will-it-be-paid
questions:
  - id: hours
    fact: The hours
    question: Which hours?
    select: all
    answers:
      - {id: overtime, label: Overtime}
      - {id: normal, label: Normal hours}
      - {id: none, label: None of these, exclusive: true}
rules:
  - id: overtime
    cites: ["2.1"]
    when: {hours: overtime}
    outcome: ask-first
    title: Get approval
    text: Our words about approval.
  - id: normal
    cites: ["1.1"]
    when: {hours: normal}
    outcome: note
    title: Paid on time
    text: Our words about pay days.
"""


@pytest.fixture(scope="module")
def three(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_content(tmp_path_factory.mktemp("three"))
    for policy in ("leave", "pay"):
        shutil.copytree(REPO / "tests" / "roots" / "test-policy" / policy, root / "handbook" / policy)
    (root / "quizzes" / "leave.rules.yaml").write_text(LEAVE_RULES, encoding="utf-8")
    (root / "quizzes" / "pay.rules.yaml").write_text(PAY_RULES, encoding="utf-8")
    # A new policy is a draft until its first release; these are published, as an editor would.
    logs = []
    for policy, version, effective in (("leave", "1.0", "2024-06-01"), ("pay", "2.0", "2024-01-01")):
        args = ("--policy", policy, "--version", version, "--effective", effective)
        released = run_build(root, "release", *args)
        assert released.returncode == 0, released.stdout + released.stderr
        logs.append(released.stderr)
    result = run_build(root)
    assert result.returncode == 0, result.stderr
    (root / "build.log").write_text("".join(logs) + result.stderr, encoding="utf-8")
    return root


def entry(root: Path, policy: str) -> dict:
    manifest = json.loads((root / "_build" / "html" / "clausebook.json").read_text(encoding="utf-8"))
    return next(p for p in manifest["policies"] if p["id"] == policy)


@pytest.mark.parametrize(
    ("policy", "title", "page"),
    [
        ("leave", "Can I take this leave?", "can-i-take-leave"),
        ("pay", "Will this be paid?", "will-it-be-paid"),
        ("social-media", "Should I post this?", "should-i-post"),
    ],
)
def test_each_policy_has_its_own_tool_named_by_its_rules_file(
    three: Path, policy: str, title: str, page: str
) -> None:
    found = entry(three, policy)["versions"][-1]
    assert found["tree"].endswith(f"/{page}.html") and found["tree_title"] == title
    assert found["guidance_reading"].endswith("/how-the-guidance-reads.html")
    html = (three / "_build" / "html" / found["tree"]).read_text(encoding="utf-8")
    assert f"<h1>{title}</h1>" in html
    if policy != "social-media":
        assert "post" not in html.split("<main", 1)[-1].lower().replace("postpone", "")  # nothing of ours


def test_outcome_headings_and_the_honest_verdict_come_from_the_file(three: Path) -> None:
    from clausebook.interactive.views import Guidance

    found = entry(three, "leave")["versions"][-1]
    bundle = three / "_build" / "html" / Path(found["tree"]).parent / "guidance.json"
    guidance = Guidance.from_json(bundle.read_text(encoding="utf-8"))
    assert guidance.tree_view("kind:holiday")["verdict"]["groups"][0]["heading"] == "Check before you book"
    assert guidance.tree_view("kind:other")["verdict"]["title"] == "Nothing here covers it"
    pay = entry(three, "pay")["versions"][-1]
    bundle = three / "_build" / "html" / Path(pay["tree"]).parent / "guidance.json"
    guidance = Guidance.from_json(bundle.read_text(encoding="utf-8"))
    verdict = guidance.tree_view("hours:normal,overtime")["verdict"]
    assert [g["heading"] for g in verdict["groups"]] == ["Ask first", "Keep in mind"]  # generic defaults


def test_the_reading_page_lists_every_clause_with_its_coverage(three: Path) -> None:
    for policy in ("leave", "pay", "social-media"):
        found = entry(three, policy)["versions"][-1]
        html = (three / "_build" / "html" / found["guidance_reading"]).read_text(encoding="utf-8")
        clauses = json.loads((three / "_build" / "html" / found["clauses"]).read_text(encoding="utf-8"))
        for clause in clauses["clauses"]:
            assert f'id="coverage-{clause["number"]}"' in html
    leave = (three / "_build" / "html" / entry(three, "leave")["versions"][-1]["guidance_reading"]).read_text(
        "utf-8"
    )
    assert "Deliberately: It points to the pay policy." in leave


def test_a_clause_no_guidance_covers_is_a_notice(three: Path) -> None:
    # pay's rules leave 1.2 uncovered and unmarked; the build said so (as its release checked the
    # sources, and again while anything it depends on changes) and still published.
    log = (three / "build.log").read_text(encoding="utf-8")
    assert "quizzes/pay.rules.yaml:1: notice: no rule applies clause 1.2" in log
    assert "leave.rules.yaml" not in log  # 1.2 is marked as not covered, with a reason
