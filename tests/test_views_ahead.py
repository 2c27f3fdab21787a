"""Answers from the first paint: the views an interview's page embeds are the engine's own."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from clausebook.interactive import entry
from clausebook.interactive.ahead import AHEAD_FILE, DEPTH, IN_PAGE, MAX_COMBINED, in_page, views_ahead
from clausebook.interactive.views import Guidance

CLAUSES = {n: {"label": n, "text": f"Words of {n}.", "url": f"p.html#clause-{n}"} for n in ("1.1", "1.2")}


def site_guidance(site: Path) -> Guidance:
    return Guidance.from_json((site / "social-media" / "1.0" / "guidance.json").read_text(encoding="utf-8"))


def rules_guidance(first_answers: int, select: str) -> Guidance:
    """Two questions: the first with ``first_answers`` answers (one of them, or all that apply)."""
    answers = [{"id": f"a{i}", "label": f"A{i}"} for i in range(first_answers)]
    rules = {
        "title": "T",
        "questions": [
            {"id": "first", "fact": "First", "question": "First?", "select": select, "answers": answers},
            {
                "id": "second",
                "fact": "Second",
                "question": "Second?",
                "answers": [{"id": "x", "label": "X"}, {"id": "y", "label": "Y"}],
            },
        ],
        "rules": [
            {
                "id": "r1",
                "cites": ["1.1"],
                "when": {"first": "a0" if select == "one" else ["a0"], "second": "x"},
                "outcome": "must-not",
                "title": "t",
                "text": "t",
            },
            {
                "id": "r2",
                "cites": ["1.2"],
                "when": {"second": "y"},
                "outcome": "care",
                "title": "t",
                "text": "t",
            },
        ],
    }
    bundle = {"policy": "p", "version": "1", "clauses": CLAUSES, "quiz": None, "rules": rules}
    return Guidance.from_bundle(bundle)


def addresses_within(guidance: Guidance, depth: int) -> set[str]:
    """Every address a reader reaches by choosing answers on the page, within ``depth`` answers."""
    found: set[str] = set()
    level = {""}
    for step in range(depth + 1):
        found |= level
        following: set[str] = set()
        for address in level if step < depth else ():
            view = guidance.tree_view(address)
            if "question" not in view:
                continue
            question = view["question"]
            ids = [a["id"] for a in question["answers"]]
            picks = [[i] for i in ids] if question["select"] == "one" else subsets(ids, question["answers"])
            for chosen in picks:
                part = f"{question['id']}:{','.join(sorted(chosen))}"
                following.add(f"{question['prefix']};{part}" if question["prefix"] else part)
        level = following
    return found


def subsets(ids: list[str], answers: list[dict[str, Any]]) -> list[list[str]]:
    exclusive = {a["id"] for a in answers if a["exclusive"]}
    every = [[i for n, i in enumerate(ids) if mask >> n & 1] for mask in range(1, 2 ** len(ids))]
    return [s for s in every if len(s) == 1 or not set(s) & exclusive]


def test_the_policys_first_answers_are_embedded_as_the_engine_gives_them(site: Path) -> None:
    guidance = site_guidance(site)
    ahead = views_ahead(guidance)
    assert ahead["complete"] is True
    assert set(ahead["views"]) == addresses_within(guidance, DEPTH)
    for address, view in ahead["views"].items():
        assert view == guidance.tree_view(address)
        # The page goes to the address it looked the view up by: the engine's own.
        assert view["walk"] == address


def test_a_short_select_all_question_is_embedded_with_every_combination() -> None:
    guidance = rules_guidance(3, "all")
    ahead = views_ahead(guidance, depth=1)
    assert ahead["complete"] is True
    assert len(ahead["views"]) == 1 + (2**3 - 1)
    assert set(ahead["views"]) == addresses_within(guidance, 1)


def test_a_long_select_all_question_is_embedded_one_answer_at_a_time() -> None:
    guidance = rules_guidance(MAX_COMBINED + 2, "all")
    ahead = views_ahead(guidance, depth=1)
    assert ahead["complete"] is False  # combinations of answers wait for the engine
    assert set(ahead["views"]) == {"", *(f"first:a{i}" for i in range(MAX_COMBINED + 2))}


def test_the_table_stops_at_its_limit() -> None:
    guidance = rules_guidance(30, "one")
    ahead = views_ahead(guidance, depth=2, limit=10)
    assert len(ahead["views"]) == 10
    assert ahead["complete"] is False


def test_a_policy_version_without_rules_embeds_nothing() -> None:
    bundle = {"policy": "p", "version": "1", "clauses": {}, "quiz": None, "rules": None}
    assert views_ahead(Guidance.from_bundle(bundle)) == {"views": {}, "complete": True}


def test_the_tree_page_embeds_exactly_what_the_engine_computes(site: Path) -> None:
    folder = site / "social-media" / "1.0"
    html = (folder / "should-i-post.html").read_text(encoding="utf-8")
    pattern = r'<script type="application/json" class="cb-views-ahead">(.*?)</script>'
    (table,) = re.findall(pattern, html, re.S)
    assert "</" not in table, "nothing in the table can close the script element"
    guidance = site_guidance(site)
    # The first answer's views in the page; every first answers' views in the file it names.
    assert json.loads(table)["views"] == views_ahead(guidance, depth=IN_PAGE)["views"]
    assert f'data-ahead="{AHEAD_FILE}"' in html
    written = (folder / AHEAD_FILE).read_text(encoding="utf-8")
    assert json.loads(written) == views_ahead(guidance)
    # Fetched on every first visit: no indentation or spaces between items to send.
    compact = json.dumps(json.loads(written), separators=(",", ":"), ensure_ascii=False) + "\n"
    assert written == compact, f"{folder / AHEAD_FILE} is not written compact"


def test_the_page_holds_the_first_answers_views_and_the_file_the_rest() -> None:
    guidance = rules_guidance(3, "one")
    ahead = views_ahead(guidance, depth=2)
    page = in_page(ahead, depth=1)
    assert set(page["views"]) == addresses_within(guidance, 1)
    assert page["complete"] is False  # the second answer's views are in the file only
    second = addresses_within(guidance, 2) - addresses_within(guidance, 1)
    assert set(ahead["views"]) - set(page["views"]) == second


def test_the_workers_one_door_takes_and_gives_json(site: Path) -> None:
    bundle = (site / "social-media" / "1.0" / "guidance.json").read_text(encoding="utf-8")
    assert json.loads(entry.call("load", f"[{bundle}]")) == {"policy": "social-media", "version": "1.0"}
    guidance = site_guidance(site)
    first = next(iter(views_ahead(guidance)["views"].keys() - {""}))
    assert json.loads(entry.call("tree_view", json.dumps([first]))) == guidance.tree_view(first)
    assert json.loads(entry.call("views_ahead", "[]")) == views_ahead(guidance)
    with pytest.raises(LookupError, match="no call 'exec'"):
        entry.call("exec", "[]")


def test_the_tree_page_loads_no_stylesheet_it_never_uses(site: Path) -> None:
    html = (site / "social-media" / "1.0" / "should-i-post.html").read_text(encoding="utf-8")
    sheets = re.findall(r'<link rel="stylesheet"[^>]*href="([^"]+)"', html)
    assert any("furo.css" in sheet for sheet in sheets), sheets
    assert not [sheet for sheet in sheets if "pygments" in sheet or "sphinx-design" in sheet], sheets
    # What those stylesheets style is absent from the page, so dropping them changes nothing seen.
    assert not re.search(r'class="[^"]*\b(sd-[a-z]|highlight)', html)
    # Other pages keep them.
    other = (site / "social-media" / "1.0" / "index.html").read_text(encoding="utf-8")
    assert "sphinx-design.min.css" in other


def test_the_tree_page_loads_no_script_it_never_uses(site: Path) -> None:
    html = (site / "social-media" / "1.0" / "should-i-post.html").read_text(encoding="utf-8")
    scripts = re.findall(r'<script[^>]*src="([^"]+)"', html)
    assert any("clausebook-widget.js" in script for script in scripts), scripts
    assert not [script for script in scripts if "design-tabs" in script], scripts
    # Nothing on the page is a sphinx-design tab for it to look for.
    assert not re.search(r'class="[^"]*\bsd-tab', html)
    other = (site / "social-media" / "1.0" / "index.html").read_text(encoding="utf-8")
    assert "design-tabs.js" in other
