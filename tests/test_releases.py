"""Versions end to end: amend, release, build, through the real commands on a copy of the repository."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path

import pytest
import yaml

from clausebook.commands.records import write_tree_records
from conftest import run_build, tree_digest, working_folder
from sitetext import page_text

POLICY = "social-media"
TODAY = dt.date.today()


def manifest(root: Path) -> dict:
    data = json.loads((root / "_build" / "html" / "clausebook.json").read_text(encoding="utf-8"))
    return next(p for p in data["policies"] if p["id"] == POLICY)


def clause_file(root: Path, number: str) -> Path:
    for path in sorted((root / "handbook" / POLICY).glob("*.md")):
        if f"{{clause}} {number}\n" in path.read_text(encoding="utf-8"):
            return path
    raise AssertionError(f"no clause {number}")


def amend(root: Path, number: str, word: str = "always") -> None:
    """Insert a word into a clause's text (its words are the Trust's: only the test amends them)."""
    path = clause_file(root, number)
    text, count = re.subn(
        rf"(:::\{{clause\}} {re.escape(number)}\n\S+)", rf"\1 {word}", path.read_text("utf-8")
    )
    assert count == 1
    path.write_text(text, encoding="utf-8")


def release(root: Path, version: str, effective: str, *extra: str):
    args = ["--policy", POLICY, "--version", version, "--effective", effective, *extra]
    return run_build(root, "release", *args)


def built_clauses(root: Path, entry: dict) -> list[dict]:
    return json.loads((root / "_build" / "html" / entry["clauses"]).read_text(encoding="utf-8"))["clauses"]


def test_amend_release_build(handbook: Path) -> None:
    site = handbook / "_build" / "html"
    first = manifest(handbook)["versions"][0]
    before = (site / first["clauses"]).read_text(encoding="utf-8")
    amend(handbook, "4.4")
    done = release(handbook, "1.1", TODAY.isoformat())
    assert done.returncode == 0, done.stderr
    result = run_build(handbook)
    assert result.returncode == 0, result.stderr

    policy = manifest(handbook)
    old, new = policy["versions"]
    assert (old["status"], new["status"], policy["current"]) == ("superseded", "current", "1.1")
    assert new["effective"] == TODAY.isoformat() and new["changes"] and old["changes"] is None
    # The old version is word for word as it was, with a banner.
    assert (site / old["clauses"]).read_text(encoding="utf-8") == before
    assert "This version was superseded on" in (site / old["url"]).read_text(encoding="utf-8")
    # The redline names only the changed clause, and links it in both versions.
    changes = (site / new["changes"]).read_text(encoding="utf-8")
    assert re.findall(r"<strong>(?:Changed|Added|Removed|Renumbered)[^<]*</strong>", changes) == [
        "<strong>Changed: clause 4.4</strong>"
    ]
    assert '<ins><span class="cb-visually-hidden">[inserted: </span>always' in changes
    # Both versions' permanent links resolve.
    for entry in (old, new):
        for clause in built_clauses(handbook, entry):
            page, fragment = clause["url"].split("#")
            assert fragment in page_text(site / page)[1]
    # The stable address shows 1.1; the current link of 4.4 leads to 1.1's 4.4.
    assert "Version 1.1, in force from" in (site / policy["stable"]).read_text(encoding="utf-8")
    link = (site / POLICY / "clause" / "4.4.html").read_text(encoding="utf-8")
    assert 'url=../1.1/04-prohibited-use.html#clause-4-4"' in link


def test_in_force_page_answers_before_on_and_after(handbook: Path) -> None:
    amend(handbook, "4.4")
    assert release(handbook, "1.1", TODAY.isoformat()).returncode == 0
    assert run_build(handbook).returncode == 0
    policy = manifest(handbook)
    html = (handbook / "_build" / "html" / policy["in_force"]).read_text(encoding="utf-8")
    rows = re.findall(r'data-start="([\d-]*)" data-end="([\d-]*)">.*?Version ([\d.]+)', html, re.S)

    def answer(day: dt.date) -> str | None:
        return next((v for s, e, v in rows if s <= day.isoformat() and (not e or day.isoformat() <= e)), None)

    first = dt.date.fromisoformat(policy["versions"][0]["effective"])
    assert answer(first - dt.timedelta(days=1)) is None
    assert answer(TODAY - dt.timedelta(days=1)) == "1.0"
    assert answer(TODAY) == "1.1"
    assert answer(TODAY + dt.timedelta(days=400)) == "1.1"


def test_a_future_version_comes_into_force_on_its_date(handbook: Path) -> None:
    later = TODAY + dt.timedelta(days=30)
    amend(handbook, "6.4")
    assert release(handbook, "1.1", later.isoformat()).returncode == 0
    assert run_build(handbook).returncode == 0
    policy = manifest(handbook)
    assert policy["current"] == "1.0" and [v["status"] for v in policy["versions"]] == ["current", "future"]
    stable = (handbook / "_build" / "html" / policy["stable"]).read_text(encoding="utf-8")
    assert "Version 1.1 comes into force on" in stable and "Version 1.0, in force from" in stable
    # The first build on or after the date makes it current.
    assert run_build(handbook, "build", "--today", later.isoformat()).returncode == 0
    assert manifest(handbook)["current"] == "1.1"


def test_renumbered_and_removed_clauses_keep_their_links(handbook: Path) -> None:
    page = clause_file(handbook, "7.2")
    text = page.read_text(encoding="utf-8")
    # Remove 7.2, and insert a new clause before 4.4, renumbering 4.4 and 4.5.
    page.write_text(re.sub(r"\n:::\{clause\} 7\.2\n.*?:::\n", "\n", text, flags=re.S), encoding="utf-8")
    # The editor also takes the removed clause out of the guidance that cited it.
    rules = handbook / "quizzes" / f"{POLICY}.rules.yaml"
    rules.write_text(rules.read_text(encoding="utf-8").replace('["7.1", "7.2"]', '["7.1"]'), encoding="utf-8")
    four = clause_file(handbook, "4.4")
    text = (
        four.read_text(encoding="utf-8")
        .replace("{clause} 4.5\n", "{clause} 4.6\n")
        .replace("{clause} 4.4\n", "{clause} 4.5\n")
    )
    text = text.replace(
        ":::{clause} 4.5\n", ":::{clause} 4.4\nA new clause added by this test.\n:::\n\n:::{clause} 4.5\n", 1
    )
    four.write_text(text, encoding="utf-8")
    assert run_build(handbook).returncode == 0
    # Attack: released with the guidance still citing 4.4 and 4.5, the version in force quoted,
    # under those numbers, the new clause and the one that had been 4.4. Refused now.
    refused = release(handbook, "2.0", TODAY.isoformat(), "--editorial", "4.6")
    assert refused.returncode != 0 and "Nothing was released" in refused.stderr
    assert "clause number(s) that now name other clauses" in refused.stderr, refused.stderr
    # The editor cites them by their numbers now, then reviews the record of verdicts.
    moves = {"4.4": "4.5", "4.5": "4.6"}
    for kind in ("quiz", "rules"):
        path = handbook / "quizzes" / f"{POLICY}.{kind}.yaml"
        path.write_text(
            re.sub(r'"(4\.[45])"', lambda m: f'"{moves[m[1]]}"', path.read_text(encoding="utf-8")), "utf-8"
        )
    assert run_build(handbook).returncode == 0
    assert write_tree_records(handbook) == 0
    done = release(handbook, "2.0", TODAY.isoformat(), "--editorial", "4.6")
    assert done.returncode == 0, done.stderr
    assert run_build(handbook).returncode == 0
    links = handbook / "_build" / "html" / POLICY / "clause"
    moved = (links / "4.4.html").read_text(encoding="utf-8")
    assert "4.4 is 4.5 since version 2.0" in moved and "../2.0/04-prohibited-use.html#clause-4-5" in moved
    assert "4.5 is 4.6 since version 2.0" in (links / "4.5.html").read_text(encoding="utf-8")
    assert (links / "4.4~2.0.html").is_file()
    assert "Clause 7.2 was removed in version 2.0" in (links / "7.2.html").read_text(encoding="utf-8")
    changes = (handbook / "_build" / "html" / manifest(handbook)["versions"][-1]["changes"]).read_text(
        "utf-8"
    )
    # Substantive changes lead; 4.5 -> 4.6 (same words) was marked editorial.
    assert changes.index("Substantive changes") < changes.index("Editorial changes")
    assert changes.index("Renumbered: 4.5 is now 4.6") > changes.index("Editorial changes")


@pytest.mark.parametrize(
    ("version", "effective", "words"),
    [
        ("1.0", None, "already released"),
        ("0.9", None, "not after the last release"),
        ("1.x", None, "not a version number"),
        ("1.1", "2026-13-01", "not a date"),
        ("1.1", "next week", "not a date"),
        ("1.1", "2020-01-01", "before"),
    ],
)
def test_release_refused_and_nothing_written(
    handbook: Path, version: str, effective: str | None, words: str
) -> None:
    amend(handbook, "4.4")
    before = tree_digest(handbook / "handbook")
    result = release(handbook, version, effective or TODAY.isoformat())
    assert result.returncode != 0 and words in result.stderr and "Nothing was released" in result.stderr
    assert tree_digest(handbook / "handbook") == before


def as_released(root: Path) -> None:
    """Make the working copy's guidance exactly what the last release sealed (quizzes/ may hold
    changes not yet released: a draft)."""
    last = sorted((root / "handbook" / "_versions" / POLICY).iterdir(), key=lambda p: p.name)[-1]
    for path in sorted((root / "quizzes").glob(f"{POLICY}.*")):
        path.unlink()
    for path in sorted((last / "_guidance").iterdir()):
        (root / "quizzes" / f"{POLICY}.{path.name}").write_bytes(path.read_bytes())


def test_release_with_no_change_is_refused(handbook: Path) -> None:
    as_released(handbook)
    before = tree_digest(handbook / "handbook")
    result = release(handbook, "1.1", TODAY.isoformat())
    assert result.returncode != 0 and "nothing to release" in result.stderr
    assert tree_digest(handbook / "handbook") == before


# Attack: a name too long for the file system gave a traceback (File name too long), and a path
# was joined to handbook/ as it was typed.
@pytest.mark.parametrize("name", ["no-such", "x" * 300, f"../handbook/{POLICY}", f"{POLICY}/"])
def test_release_of_unknown_policy_is_refused(handbook: Path, name: str) -> None:
    result = run_build(handbook, "release", f"--policy={name}", "--version=1.0", "--effective=2026-01-01")
    assert result.returncode == 1 and f"there is no policy '{name}'" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


def test_release_of_sources_with_a_problem_is_refused(handbook: Path) -> None:
    page = clause_file(handbook, "4.4")
    page.write_text(
        page.read_text(encoding="utf-8").replace("{clause} 4.4", "{clause} 4.9"), encoding="utf-8"
    )
    before = tree_digest(handbook / "handbook")
    result = release(handbook, "1.1", TODAY.isoformat())
    assert result.returncode != 0 and "04-prohibited-use.md" in result.stderr
    assert tree_digest(handbook / "handbook") == before


def test_an_edit_to_a_released_file_is_refused(handbook: Path) -> None:
    frozen = handbook / "handbook" / "_versions" / POLICY / "1.0" / "04-prohibited-use.md"
    frozen.chmod(0o644)
    frozen.write_text(frozen.read_text(encoding="utf-8").replace("must not", "may"), encoding="utf-8")
    published = tree_digest(handbook / "_build" / "html")
    result = run_build(handbook)
    assert result.returncode != 0
    assert "handbook/_versions/social-media/1.0/04-prohibited-use.md:1: error:" in result.stderr
    assert "handbook/social-media/04-prohibited-use.md" in result.stderr and "make release" in result.stderr
    # Editor trial: "has changes not yet released (4.3 changed)" beside it, though none were made.
    assert "changes not yet released" not in result.stderr, result.stderr
    assert tree_digest(handbook / "_build" / "html") == published


def test_unreleased_changes_show_as_a_draft_not_as_the_policy(handbook: Path) -> None:
    amend(handbook, "4.4")
    assert run_build(handbook).returncode == 0
    policy = manifest(handbook)
    assert [v["version"] for v in policy["versions"]] == ["1.0"] and policy["current"] == "1.0"
    draft = handbook / "_build" / "html" / POLICY / "draft"
    assert "Draft: these are changes not yet released" in (draft / "04-prohibited-use.html").read_text(
        "utf-8"
    )
    changes = (draft / "changes.html").read_text("utf-8")
    assert "Changed: clause 4.4" in changes
    # A draft is not version 1.0: named so, its page would compare "1.0" with "version 1.0".
    title = changes.split("<h1>", 1)[1].split("</h1>", 1)[0]
    assert "draft" in title and "1.0" not in title
    assert "4.4 in the draft" in changes and "4.4 in version 1.0" in changes


def guidance(root: Path, entry: dict) -> dict:
    bundle = root / "_build" / "html" / Path(entry["url"]).parent / "guidance.json"
    return json.loads(bundle.read_text(encoding="utf-8"))


def citing(data: dict, number: str) -> tuple[set[str], set[str]]:
    questions = {q["id"] for q in data["quiz"]["questions"] if number in q["cites"]}
    rules = {r["id"] for r in data["rules"]["rules"] if number in r.get("cites", [])}
    return questions, rules


def test_guidance_on_an_amended_clause_is_held_back_until_re_confirmed(handbook: Path) -> None:
    released_questions = citing(guidance(handbook, manifest(handbook)["versions"][0]), "4.4")[0]
    # 1.1 carries the guidance as quizzes/ holds it now (a draft, if it changed since 1.0).
    working = working_folder(handbook / "_build" / "html", POLICY) / "guidance.json"
    before_questions, before_verdicts = citing(json.loads(working.read_text(encoding="utf-8")), "4.4")
    assert before_questions and before_verdicts
    amend(handbook, "4.4")
    done = release(handbook, "1.1", TODAY.isoformat())
    assert done.returncode == 0 and "is held back" in done.stderr  # the amendment publishes anyway
    result = run_build(handbook)
    assert result.returncode == 0
    for question in before_questions:
        assert f"question '{question}' is held back from version 1.1" in result.stderr
    old, new = manifest(handbook)["versions"]
    assert citing(guidance(handbook, new), "4.4")[0] == set()  # those questions left 1.1's quiz
    assert citing(guidance(handbook, old), "4.4")[0] == released_questions  # 1.0 keeps them
    # Every rule on 4.4 still applies in 1.1 (a "don't" must not drop out of a verdict), with a note.
    reviewed = {r["id"] for r in guidance(handbook, new)["rules"]["rules"] if r.get("under_review")}
    assert reviewed == before_verdicts
    for rule in sorted(before_verdicts)[:2]:
        assert f"rule '{rule}' shows a 'being reviewed' note in version 1.1" in result.stderr
    # An editor checks one question and re-confirms it: the pins are part of the guidance, so the
    # re-confirmed question is in the draft, and in force once released; 1.1 stays as released.
    one = sorted(before_questions)[0]
    sealed = guidance(handbook, new)
    confirmed = run_build(handbook, "pins", "--policy", POLICY, "--items", f"quiz:{one}")
    assert confirmed.returncode == 0, confirmed.stderr
    result = run_build(handbook)
    assert result.returncode == 0 and f"question '{one}' is held back from the draft" not in result.stderr
    draft = json.loads((handbook / "_build" / "html" / POLICY / "draft" / "guidance.json").read_text("utf-8"))
    assert one in citing(draft, "4.4")[0]
    assert guidance(handbook, manifest(handbook)["versions"][1]) == sealed
    assert release(handbook, "1.2", TODAY.isoformat()).returncode == 0
    assert run_build(handbook).returncode == 0
    assert one in citing(guidance(handbook, manifest(handbook)["versions"][-1]), "4.4")[0]
    # 1.0 keeps the questions it was released with (a question added since was never in it).
    assert citing(guidance(handbook, old), "4.4")[0] == released_questions


def test_pins_during_a_draft_confirm_the_drafts_words(handbook: Path) -> None:
    """Found: make pins read the public manifest, which leaves drafts out, and did nothing."""
    amend(handbook, "4.4")
    result = run_build(handbook)
    held = re.findall(r"the question '([\w-]+)' is held back from the draft", result.stderr)
    assert result.returncode == 0 and held
    # A pin nothing needs (an item that is gone) is dropped, and the command says so.
    pins_file = handbook / "quizzes" / f"{POLICY}.pins.json"
    pins = json.loads(pins_file.read_text(encoding="utf-8"))
    pins_file.write_text(json.dumps({**pins, "rule:gone": {"3": ["0000000000000000"]}}), encoding="utf-8")
    confirmed = run_build(handbook, "pins", "--policy", POLICY, "--items", f"quiz:{held[0]}")
    assert confirmed.returncode == 0, confirmed.stderr
    assert "to the words of the draft" in confirmed.stdout
    # Editor trial: while pinning it printed "held back ... then run: make pins", the build's notices.
    assert "notice:" not in confirmed.stderr and "make pins" not in confirmed.stderr, confirmed.stderr
    assert "pin(s) no longer needed:" in confirmed.stdout
    assert "\n  rule:gone (no such item now)\n" in confirmed.stdout
    assert "rule:gone" not in pins_file.read_text(encoding="utf-8")
    result = run_build(handbook)
    assert result.returncode == 0 and f"question '{held[0]}' is held back" not in result.stderr


def test_notices_for_a_passed_review_date_and_unreleased_changes(handbook: Path) -> None:
    index = handbook / "handbook" / POLICY / "index.md"
    review = re.search(r"review: (\d{4}-\d{2}-\d{2})", index.read_text(encoding="utf-8"))[1]
    after = (dt.date.fromisoformat(review) + dt.timedelta(days=1)).isoformat()
    result = run_build(handbook, "build", "--today", after)
    assert result.returncode == 0  # a notice, not a failure
    assert f"handbook/{POLICY}/index.md:1: notice:" in result.stderr and "was due for review" in result.stderr
    # The guidance as released, so that only what this test changes is unreleased.
    sealed = handbook / "handbook" / "_versions" / POLICY / "1.0" / "_guidance"
    for name in ("quiz.yaml", "rules.yaml", "pins.json", "verdicts.md"):
        shutil.copy(sealed / name, handbook / "quizzes" / f"{POLICY}.{name}")
    amend(handbook, "6.1")
    result = run_build(handbook)
    assert result.returncode == 0
    assert "has changes not yet released (6.1 changed):" in result.stderr and "make release" in result.stderr
    # Attack: with the rules changed too, the notice still said only "(6.1 changed)".
    rules = handbook / "quizzes" / f"{POLICY}.rules.yaml"
    text = rules.read_text(encoding="utf-8")
    rules.write_text(text.replace("title: The policy covers you\n", "title: The policy covers you too\n", 1))
    assert rules.read_text(encoding="utf-8") != text
    result = run_build(handbook)
    assert "has changes not yet released (6.1 changed; the guidance rules changed):" in result.stderr, (
        result.stderr
    )


def test_a_rebuild_with_no_change_publishes_the_same_site(handbook: Path) -> None:
    amend(handbook, "4.4")
    assert release(handbook, "1.1", TODAY.isoformat()).returncode == 0
    assert run_build(handbook).returncode == 0
    site = handbook / "_build" / "html"
    before = tree_digest(site)
    assert (site / POLICY / "clause" / "4.4.html").is_file()
    assert run_build(handbook).returncode == 0
    assert tree_digest(site) == before


def test_guidance_on_a_clause_amended_and_renumbered_says_its_number_now(handbook: Path) -> None:
    """Editor trial 3: with a clause inserted at 4.2 and the old 4.4 (now 4.5) amended, "clause 4.4
    changed since it was checked" named the number the guidance cites, not the clause's number
    now; and the advice is for the working file in quizzes/."""
    page = clause_file(handbook, "4.2")
    text = page.read_text(encoding="utf-8")
    for old, new in (("4.5", "4.6"), ("4.4", "4.5"), ("4.3", "4.4"), ("4.2", "4.3")):
        text = text.replace(f":::{{clause}} {old}\n", f":::{{clause}} {new}\n")
    text = text.replace(
        ":::{clause} 4.3\n", ":::{clause} 4.2\nA clause inserted by this test.\n:::\n\n:::{clause} 4.3\n", 1
    )
    page.write_text(text, encoding="utf-8")
    amend(handbook, "4.5")
    done = run_build(handbook)
    said = [
        line
        for line in done.stderr.splitlines()
        # (Since the attack on pins: the number 4.4 names the inserted clause's neighbour now.)
        if "clause 4.4 is another clause now (the one it cited is 4.5 now, and its words changed since "
        "it was checked)" in line
    ]
    assert said, done.stderr
    assert all(line.startswith(f"quizzes/{POLICY}.") for line in said), said


def test_a_new_citation_is_told_as_one_not_as_a_change_of_words(handbook: Path) -> None:
    """Found: a rule given one more clause to cite was told "clause 4.3 changed since it was
    checked", though no words changed: the editor was sent to look for an amendment."""
    path = handbook / "quizzes" / f"{POLICY}.rules.yaml"
    text = path.read_text(encoding="utf-8")
    rules = yaml.safe_load(text)["rules"]
    first = rules[0]
    cited = {number for rule in rules for number in rule["cites"]}
    added = sorted(cited - set(first["cites"]))[0]
    start = text.index(f"  - id: {first['id']}\n")
    line = text.index("    cites: ", start)
    end = text.index("\n", line)
    text = text[:line] + f"    cites: {json.dumps([*first['cites'], added])}" + text[end:]
    path.write_text(text, encoding="utf-8")
    done = run_build(handbook)
    said = [line for line in done.stderr.splitlines() if f"rule '{first['id']}'" in line]
    assert said, done.stderr
    assert f"it now cites {added}, which it was not checked against" in said[0]
    assert "changed since it was checked" not in said[0]


def test_a_citation_of_a_number_that_now_names_another_clause_stops_pins_and_release(handbook: Path) -> None:
    """Attack: after a clause was removed, guidance citing its number (now the next clause's) was
    told "changed since it was checked: run make pins"; make pins then confirmed it against the
    other clause's words, and a release sealed the wrong clause under the old number."""
    page = clause_file(handbook, "4.3")
    text = re.sub(r":::\{clause\} 4\.3\n.*?\n:::\n\n", "", page.read_text(encoding="utf-8"), flags=re.S)
    page.write_text(
        text.replace("{clause} 4.4\n", "{clause} 4.3\n").replace("{clause} 4.5\n", "{clause} 4.4\n"),
        encoding="utf-8",
    )
    # The editor moves the citations of the clauses that moved, as told; those of 4.3 stay.
    moves = {"4.4": "4.3", "4.5": "4.4"}
    for kind in ("quiz", "rules"):
        path = handbook / "quizzes" / f"{POLICY}.{kind}.yaml"
        path.write_text(
            re.sub(r'"(4\.[45])"', lambda m: f'"{moves[m[1]]}"', path.read_text(encoding="utf-8")), "utf-8"
        )
    built = run_build(handbook)
    assert built.returncode == 0, built.stderr
    told = [line for line in built.stderr.splitlines() if "clause 4.3 is another clause now" in line]
    assert told, built.stderr
    assert all("citation moved: " in line and "(the one it cited was removed)" in line for line in told)
    assert not any("4.3 changed since it was checked" in line for line in built.stderr.splitlines())
    pins = handbook / "quizzes" / f"{POLICY}.pins.json"
    before = pins.read_bytes()
    pinned = run_build(handbook, "pins", "--policy", POLICY)
    assert pinned.returncode != 0 and "No pin was changed" in pinned.stderr, pinned.stderr
    assert pins.read_bytes() == before
    released = release(handbook, "1.1", TODAY.isoformat())
    assert released.returncode != 0 and "Nothing was released" in released.stderr, released.stderr
    assert not (handbook / "handbook" / "_versions" / POLICY / "1.1").exists()


def test_a_clause_referred_to_within_its_policy_lists_that_version_s_referrer_once(handbook: Path) -> None:
    """Attack: after a release and with a draft, the version in force's 4.4 read "Referred to by
    clause 8.2, clause 8.2 and clause 8.2", one link to each version, one of them the draft."""
    page = clause_file(handbook, "8.2")
    page.write_text(
        re.sub(r"(:::\{clause\} 8\.2\n[^\n]*)", r"\1 (See clause {clause}`4.4`.)", page.read_text("utf-8")),
        encoding="utf-8",
    )
    assert run_build(handbook).returncode == 0
    assert write_tree_records(handbook) == 0
    assert release(handbook, "1.1", TODAY.isoformat()).returncode == 0
    amend(handbook, "6.1")  # a draft of changes after 1.1
    assert run_build(handbook).returncode == 0
    for version in ("1.1", "draft"):
        html = (
            (handbook / "_build" / "html" / POLICY / version / clause_file(handbook, "4.4").name)
            .with_suffix(".html")
            .read_text(encoding="utf-8")
        )
        said = re.findall(r'<p class="cb-referred-by">(.*?)</p>', html, re.S)
        assert len(said) == 1, (version, said)
        assert re.sub(r"<[^>]+>", "", said[0]) == "Referred to by clause 8.2.", (version, said)
        assert 'href="08-breach.html#clause-8-2"' in said[0], (version, said)


def test_a_reference_to_a_removed_clause_says_it_was_removed(handbook: Path) -> None:
    """Attack: a reference to a clause the draft removes was told to "cite the clause's current
    number", which a removed clause does not have."""
    prohibited = clause_file(handbook, "4.5")
    text = prohibited.read_text(encoding="utf-8")
    prohibited.write_text(
        re.sub(r"\n:::\{clause\} 4\.5\n.*?\n:::\n", "\n", text, flags=re.S), encoding="utf-8"
    )
    personal = handbook / "handbook" / POLICY / "03-personal-use.md"
    personal.write_text(
        personal.read_text(encoding="utf-8") + "\nSee also {clause}`4.5`.\n", encoding="utf-8"
    )
    line = personal.read_text(encoding="utf-8").splitlines().index("See also {clause}`4.5`.") + 1
    result = run_build(handbook)
    assert result.returncode != 0
    told = next(row for row in result.stderr.splitlines() if f"03-personal-use.md:{line}:" in row)
    assert "clause 4.5 of version 1.0 was removed. Cite another clause, or take the reference out" in told, (
        told
    )


def test_a_change_to_the_scenarios_alone_makes_no_draft(handbook: Path) -> None:
    """Attack: editing only quizzes/<policy>.scenarios.yaml (never shown to staff) made a draft,
    and the build asked for a release that would change nothing a reader sees."""
    sealed = handbook / "handbook" / "_versions" / POLICY / "1.0" / "_guidance"
    for frozen in sealed.iterdir():
        shutil.copy(frozen, handbook / "quizzes" / f"{POLICY}.{frozen.name}")
    result = run_build(handbook)
    assert result.returncode == 0 and "has changes not yet released" not in result.stderr, result.stderr
    scenarios = handbook / "quizzes" / f"{POLICY}.scenarios.yaml"
    scenarios.write_text(scenarios.read_text(encoding="utf-8").replace("situation: ", "situation: Say ", 1))
    result = run_build(handbook)
    assert result.returncode == 0 and "has changes not yet released" not in result.stderr, result.stderr
