"""The guidance tools of a policy version: its quiz and its guidance rules.

They are read with the policy's index (``quiz.yaml`` and ``rules.yaml`` next to
it; the build links them there from ``quizzes/``), checked against the clauses
once every page has been read, and published as a JSON bundle, the engine and
pages rendered from Jinja2 templates: the quiz, the rules' interview, and for
editors "How the guidance reads the policy".
"""

from __future__ import annotations

import datetime as dt
import os
import posixpath
import re
from collections.abc import Iterator, Set
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docutils import nodes
from markupsafe import escape
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from clausebook.interactive.ahead import AHEAD_FILE, in_page, views_ahead
from clausebook.interactive.guidance import CITATION, CONDITION, UNREAD, GuidanceError, Quiz, load_quiz
from clausebook.interactive.rules import DEFAULT_PAGE, OUTCOMES, Rules, describe, load_rules
from clausebook.interactive.views import Guidance
from clausebook.sources.yamlsource import YamlSource, YamlSyntaxError, parse_yaml
from clausebook.sphinxext.domain import ClausebookDomain, format_date
from clausebook.sphinxext.entries import entry_of_page, page_url, released, version_entries, write_json
from clausebook.sphinxext.fingerprints import code_stamp, fingerprint, fingerprints
from clausebook.sphinxext.handbook import GuidanceFile, PolicyRecord, records
from clausebook.sphinxext.warnings_ import LOGGER, ClausebookWarning, notice, warn
from clausebook.versions.comparison import version_key
from clausebook.versions.pins import changed_since_pinned, moved_citations
from clausebook.versions.pins import cited as cited_numbers
from clausebook.versions.pins import items as pin_items
from clausebook.versions.pins import load as load_pins
from clausebook.versions.releases import GUIDANCE, engine_of, quizzes_of
from clausebook.web import engine_assets

KINDS = ("quiz", "rules")
QUIZ_PAGE = "quiz"
READING_PAGE = "how-the-guidance-reads"
READING_TITLE = "How the guidance reads the policy"
PROBLEM_WARNINGS = {
    CONDITION: ClausebookWarning.GUIDANCE_CONDITION,
    UNREAD: ClausebookWarning.GUIDANCE_UNREAD,
    CITATION: ClausebookWarning.GUIDANCE_CITATION,
}
BUNDLE = "guidance.json"
ENGINE_DIR = "_static/pyodide"


def page_names(folder: Path) -> set[str]:
    """The names of the pages the guidance tools write in a version's (staged) folder, from the
    guidance files it holds (the rules' page is named in its file), so the build deletes the
    pages of a guidance file taken away and keeps the others."""
    quiz, rules = folder / "quiz.yaml", folder / "rules.yaml"
    names = {QUIZ_PAGE} if quiz.is_file() else set()
    if rules.is_file():
        names.add(DEFAULT_PAGE)
        try:
            data = parse_yaml(rules.read_text(encoding="utf-8"), str(rules)).data
        except (UnicodeDecodeError, YamlSyntaxError):
            data = None  # reported by the build itself
        if isinstance(data, dict) and isinstance(data.get("page"), str):
            names.add(data["page"])
    if names:
        names.add(READING_PAGE)
    return names


def _domain(env: BuildEnvironment) -> ClausebookDomain:
    return env.domains["cb"]  # type: ignore[return-value]


def read_guidance(app: Sphinx, doctree: nodes.document) -> None:
    """With a policy's index, read its quiz and rules (a syntax error is reported with its line)."""
    env = app.env
    domain = _domain(env)
    if records(domain).policy(env.docname) is None:
        return
    folder = Path(env.doc2path(env.docname)).parent
    found: dict[str, tuple[str, Any, dict[Any, int]]] = {}
    for kind in KINDS:
        path = folder / f"{kind}.yaml"
        if not path.is_file():
            continue
        env.note_dependency(str(path))
        try:
            source = parse_yaml(path.read_text(encoding="utf-8"), str(path))
        except UnicodeDecodeError:
            warn(
                ClausebookWarning.SOURCE,
                "this file is not saved as UTF-8: save it again as UTF-8",
                f"{path}:1",
            )
            continue
        except YamlSyntaxError as error:
            warn(ClausebookWarning.SOURCE, str(error), f"{path}:{error.line}")
            continue
        if not isinstance(source.data, dict):
            warn(
                ClausebookWarning.SOURCE, f"the {kind} file must be a set of fields (title, ...)", f"{path}:1"
            )
            continue
        found[kind] = (source.path, source.data, source.lines)
    pins = folder / "pins.json"
    if pins.is_file() and found:
        env.note_dependency(str(pins))
        found["pins"] = (str(pins), load_pins(pins), {})
    domain.note_guidance(env.docname, found)


def _source(file: GuidanceFile) -> YamlSource:
    return YamlSource(file.path, file.data, dict(file.lines))


def loaded(domain: ClausebookDomain, index: str) -> tuple[Quiz | None, Rules | None]:
    """The version's quiz and rules, or None where absent or broken (broken ones are reported).

    Loaded once per build: every page of the policy asks for its tools.
    """
    cache: dict[str, tuple[Quiz | None, Rules | None]] = domain.env.__dict__.setdefault("_cb_guidance", {})
    if index not in cache:
        cache[index] = _load(domain, index)
    return cache[index]


def forget_loaded(app: Sphinx, env: BuildEnvironment) -> None:
    env.__dict__.pop("_cb_guidance", None)


MISSING_CLAUSE = re.compile(r"clause (\S+) does not exist in this version of the policy")


@dataclass(frozen=True)
class HeldBack:
    key: str  # "quiz:<id>" or "rule:<id>"
    source: str  # the YAML file
    path: tuple[str | int, ...]  # the item in it
    numbers: tuple[str, ...]  # the clauses that changed (or are missing) in this version
    moved: tuple[tuple[str, str], ...] = ()  # (cited number, its number now): renumbered, same words


def prepared(domain: ClausebookDomain, index: str) -> tuple[Any, Any, list[HeldBack]]:
    """The version's quiz and rules data as staff will see them, and the items held back.

    A quiz question whose clauses changed since it was pinned, or which cites a clause
    this version does not have, leaves this version's quiz. A rule in that case stays
    (leaving it out could drop a "don't" from a verdict) with the version's clauses and a
    note that its guidance is being reviewed after the amendment.
    """
    files = records(domain).guidance(index)
    texts = {number: item.text for number, item in domain.citable(index).items()}
    pins = _pins(files)
    held: list[HeldBack] = []

    def check(key: str, cites: list[str], source: str, path: tuple[str | int, ...]) -> bool:
        numbers = [str(n) for n in cites]
        gone = [n for n in numbers if n not in texts]
        changed = changed_since_pinned(key, numbers, texts, pins) + gone
        if changed:
            moved = moved_citations(key, numbers, texts, pins)
            held.append(HeldBack(key, source, path, tuple(changed), tuple(sorted(moved.items()))))
        return not changed

    quiz = rules = None
    if "quiz" in files:
        source, data = files["quiz"].path, files["quiz"].data
        questions = [
            q
            for i, q in enumerate(data.get("questions") or [])
            if not isinstance(q, dict)
            or check(f"quiz:{q.get('id')}", cited_numbers(q), source, ("questions", i, "id"))
        ]
        quiz = {**data, "questions": questions} if questions else None
    if "rules" in files:
        source, data = files["rules"].path, files["rules"].data
        kept = []
        for i, rule in enumerate(data.get("rules") or []):
            if isinstance(rule, dict) and not check(
                f"rule:{rule.get('id')}", cited_numbers(rule), source, ("rules", i, "id")
            ):
                cites = [c for c in cited_numbers(rule) if c in texts]
                rule = {**rule, "cites": cites, "under_review": True}
            kept.append(rule)
        rules = {**data, "rules": kept}
    return quiz, rules, held


def _load(domain: ClausebookDomain, index: str) -> tuple[Quiz | None, Rules | None]:
    quiz_data, rules_data, _held = prepared(domain, index)
    citable = domain.citable(index)
    result: dict[str, Any] = {}
    loaders: tuple[tuple[str, Any, Any], ...] = (
        ("quiz", quiz_data, load_quiz),
        ("rules", rules_data, load_rules),
    )
    for kind, data, load in loaders:
        if data is not None:
            try:
                result[kind] = load(data, citable)
            except GuidanceError:
                result[kind] = None  # reported by check_guidance for the newest version
    return result.get("quiz"), result.get("rules")


def newest_versions(domain: ClausebookDomain) -> set[str]:
    """Each policy's newest version (a draft, or else the highest version): its guidance must
    be right, as written; older versions keep what still fits them."""
    newest: dict[str, tuple[Any, str]] = {}
    for index, record in records(domain).policies().items():
        if not domain.is_valid(index):
            continue
        key = (1 if domain.is_draft(index) else 0, version_key(record.version))
        if record.id not in newest or key > newest[record.id][0]:
            newest[record.id] = (key, index)
    return {index for _, index in newest.values()}


def check_guidance(app: Sphinx, env: BuildEnvironment) -> None:
    domain = _domain(env)
    newest = newest_versions(domain)
    today = app.config.clausebook_today or dt.date.today().isoformat()
    read = records(domain)
    policies = read.policies()
    for index, files in sorted(read.guidance_read().items()):
        meta = policies.get(index)
        if meta is None or not domain.is_valid(index):
            continue
        citable = domain.citable(index)
        held = prepared(domain, index)[2]
        # (item's place in its file, cited number): a citation whose clause is gone but whose
        # words moved to another number; the error says so, and no notice repeats it.
        told_moved: set[tuple[Any, str]] = set()
        errored: set[Any] = set()  # items refused for a citation: the error says it, no notice too
        # A numbering mistake is told as such: no advice here follows from matching its clauses
        # with the last release's ("it is 4.7 now: cite 4.7" would spread the mistake).
        misnumbered = domain.misnumbered(index)
        if index in newest:
            moved_by_item = {item.path[:2]: dict(item.moved) for item in held}
            checks: tuple[tuple[str, Any], ...] = (("quiz", load_quiz), ("rules", load_rules))
            for kind, load in checks:
                if kind not in files:
                    continue
                source = _source(files[kind])
                try:
                    load(source.data, citable)
                except GuidanceError as error:
                    for problem in error.problems:
                        message = problem.message
                        if problem.kind == CITATION:
                            errored.add(problem.path[:2])
                        gone = MISSING_CLAUSE.match(message) if problem.kind == CITATION else None
                        moved_to = (
                            moved_by_item.get(problem.path[:2], {}).get(gone[1])
                            or domain.moved_number(index, gone[1])
                            if gone and not misnumbered
                            else None
                        )
                        if gone and misnumbered:
                            message += (
                                " (this version's clause numbering has a mistake, told with its file "
                                "and line: fix that first, and this may go)"
                            )
                        if gone and moved_to:
                            message = (
                                f"clause {gone[1]} does not exist in this version of the policy: it is "
                                f"{moved_to} now (renumbered, the same words). Cite {moved_to} instead; "
                                "nothing needs re-checking"
                            )
                            told_moved.add((problem.path[:2], gone[1]))
                        elif gone and not misnumbered and (version := removed_since(domain, index, gone[1])):
                            # Found in an editor trial: "cite an existing clause" for one the draft removed.
                            message = (
                                f"clause {gone[1]} does not exist in this version of the policy: it was "
                                f"removed since version {version}. Take it out of this item's citations "
                                "(or take out the item, if it rests on that clause alone)"
                            )
                        warn(
                            PROBLEM_WARNINGS.get(problem.kind, ClausebookWarning.GUIDANCE),
                            message,
                            f"{source.path}:{source.line(problem.path)}",
                        )
            if not misnumbered:
                moved = _notice_moved_not_covered(domain, index, files)
                _notice_uncovered(domain, index, files, told=moved)
        superseded = not domain.is_draft(index) and any(
            other.id == meta.id
            and not domain.is_draft(other_index)
            and today >= other.effective > meta.effective
            for other_index, other in policies.items()
            if domain.is_valid(other_index)
        )
        if superseded or misnumbered:
            continue
        where = "the draft" if domain.is_draft(index) else f"version {meta.version}"
        now = numbers_now(domain, index)
        for item in held:
            kind, _, item_id = item.key.partition(":")
            advised = working_file(domain, index, item.source)
            if advised is None:
                continue  # sealed guidance keeps what it meant; the working file is told
            what = "question" if kind == "quiz" else "rule"
            effect = "is held back from" if kind == "quiz" else "shows a 'being reviewed' note in"
            lines = _source(files["quiz" if kind == "quiz" else "rules"]).line(item.path)
            if item.moved and {old for old, _new in item.moved} >= set(item.numbers):
                untold = [(old, new) for old, new in item.moved if (item.path[:2], old) not in told_moved]
                if not untold:
                    continue
                moves = ", ".join(f"{old} is {new}" for old, new in untold)
                notice(
                    f"citation moved: the {what} '{item_id}' {effect} {where}: clause {moves} "
                    f"(renumbered, the same words). Cite {', '.join(new for _old, new in untold)} "
                    "instead; nothing needs re-checking (until then, a release is refused)",
                    f"{advised}:{lines}",
                )
                continue
            if item.path[:2] in errored:
                continue
            # Found: a number a removal gave to the next clause was told "changed since it was
            # checked: run make pins", and make pins then pinned the item to the wrong clause.
            # (Only a number the item was checked against: a citation new since is the editor's.)
            checked = _pins(files).get(item.key, {})
            replaced = [n for n in item.numbers if n in checked and domain.holds_another_clause(index, n)]
            if replaced:
                moved_only = dict(item.moved)
                parts = []
                for n in replaced:
                    now_at = domain.moved_number(index, n)
                    if now_at is None:
                        parts.append(f"clause {n} is another clause now (the one it cited was removed)")
                    elif moved_only.get(n) == now_at:
                        parts.append(f"clause {n} is another clause now (the one it cited is {now_at} now)")
                    else:
                        parts.append(
                            f"clause {n} is another clause now (the one it cited is {now_at} now, and "
                            "its words changed since it was checked)"
                        )
                recheck = any("words changed" in part for part in parts)
                notice(
                    f"citation moved: the {what} '{item_id}' {effect} {where}: {'; '.join(parts)}. Cite "
                    "the clause it means by its number now"
                    + (
                        f", check it still fits, then run: make pins POLICY={meta.id} ITEMS={item.key}"
                        if recheck
                        else ""
                    )
                    + " (until then, a release is refused)",
                    f"{advised}:{lines}",
                )
                continue
            # A clause the item never had a pin for is a new citation, not a change of words
            # (found: adding 4.3 to a rule was told as "clause 4.3 changed since it was checked").
            pinned = _pins(files).get(item.key, {})
            added = [number for number in item.numbers if number not in pinned]
            changed = ", ".join(
                f"{number} (now {now[number]})" if now.get(number, number) != number else number
                for number in item.numbers
                if number not in added
            )
            reasons = []
            if changed:
                reasons.append(f"clause {changed} changed since it was checked")
            if added:
                reasons.append(f"it now cites {', '.join(added)}, which it was not checked against")
            notice(
                f"the {what} '{item_id}' {effect} {where}: {'; and '.join(reasons)}. "
                f"Check it still fits, then run: make pins POLICY={meta.id} ITEMS={item.key}",
                f"{advised}:{lines}",
            )
        if index in newest and files.get("quiz", files.get("rules")):
            unpinned = [
                key
                for key, _ in pin_items(_data(files, "quiz"), _data(files, "rules"))
                if key not in _pins(files)
            ]
            if unpinned:
                notice(
                    f"{len(unpinned)} guidance {'item' if len(unpinned) == 1 else 'items'} of {meta.id} "
                    f"{'is' if len(unpinned) == 1 else 'are'} not pinned "
                    "to the clause words they were "
                    f"written against ({', '.join(unpinned[:3])}{'...' if len(unpinned) > 3 else ''}): "
                    f"run make pins POLICY={meta.id}"
                )


def coverage(domain: ClausebookDomain, index: str) -> list[dict[str, Any]]:
    """Clause by clause: the rules that apply it and when, the quiz questions that test it,
    and, for a clause neither covers, the reason the guidance file gives (or none)."""
    quiz, rules = loaded(domain, index)
    found = []
    for number, item in sorted(domain.citable(index).items(), key=lambda pair: _number_key(pair[0])):
        applying = (
            [
                {"rule": rule, "when": describe(rules, rule.when), "outcome": rules.outcomes[rule.outcome]}
                for rule in rules.rules
                if number in rule.cites
            ]
            if rules
            else []
        )
        testing = [q for q in (quiz.questions if quiz else ()) if number in q.cites]
        reason = next((n.reason for n in (rules.not_covered if rules else ()) if n.clause == number), "")
        found.append(
            {
                "number": number,
                "label": item.label,
                "text": item.text,
                "rules": applying,
                "questions": testing,
                "not_covered": reason,
                "fallback": bool(rules and number in rules.no_rule.cites),
            }
        )
    return found


def _notice_uncovered(
    domain: ClausebookDomain, index: str, files: dict[str, GuidanceFile], told: Set[str] = frozenset()
) -> None:
    """A clause that no rule applies and no quiz question tests must be marked as
    deliberately not covered in the rules file, with a reason. Not one that a not_covered item
    was told to move to (``told``): that notice says what to write."""
    if "rules" not in files:
        return
    if loaded(domain, index)[1] is None:
        return
    source = _source(files["rules"])
    advised = working_file(domain, index, source.path)
    if advised is None:
        return
    for item in coverage(domain, index):
        if item["number"] in told:
            continue
        if not item["rules"] and not item["questions"] and not item["not_covered"]:
            # A notice (the build goes on), listed in the editors' guide under notice.
            notice(
                f"no rule applies {_clause_name(item['label'])} and no quiz question tests it: cover it, "
                "or list it under not_covered: with the reason it is left out",
                f"{advised}:{source.line(('not_covered',)) if 'not_covered' in source.data else 1}",
            )


def _notice_moved_not_covered(
    domain: ClausebookDomain, index: str, files: dict[str, GuidanceFile]
) -> set[str]:
    """A clause listed under not_covered as the last release listed it (same number, same
    reason), whose number the draft gives to another clause: the release left out the clause
    it meant, which has another number now (found: the wrong clause was marked as left out on
    purpose, and nothing was said). One the editor rewrote since is taken as written."""
    rules = loaded(domain, index)[1] if "rules" in files and domain.is_draft(index) else None
    last = domain.last_release(_record(domain, index).id) if rules is not None else None
    released = loaded(domain, last)[1] if last is not None else None
    told: set[str] = set()
    if rules is None or last is None or released is None:
        return told
    then, now = domain.identities(last), domain.identities(index)
    number_now = {identity: number for number, identity in now.items()}
    as_released = {(item.clause, item.reason) for item in released.not_covered}
    version = _record(domain, last).version
    source = _source(files["rules"])
    for place, item in enumerate(rules.not_covered):
        meant = then.get(item.clause)
        if (item.clause, item.reason) not in as_released or meant is None or now.get(item.clause) == meant:
            continue
        moved = number_now.get(meant)
        if moved:
            told.add(moved)
        what = (
            f"the clause it listed in version {version} is {moved} now: write {moved}"
            if moved
            else f"the clause it listed in version {version} was removed: take the item out"
        )
        notice(
            f"not_covered lists clause {item.clause}, which the draft gives to another clause; {what} "
            f"(if it is the draft's {item.clause} you mean to leave out, say why in its reason)",
            f"{source.path}:{source.line(('not_covered', place, 'clause'))}",
        )
    return told


def removed_since(domain: ClausebookDomain, index: str, number: str) -> str | None:
    """The version of the release ``index`` follows, if ``number`` named a clause there that
    ``index`` does not have under any number (removed, not renumbered)."""
    before = domain.release_before(index)
    identity = domain.identities(before).get(number) if before is not None else None
    if before is None or identity is None or domain.number_of(index, identity) is not None:
        return None
    return _record(domain, before).version


def working_file(domain: ClausebookDomain, index: str, path: str) -> str | None:
    """The file to name in advice about guidance read from ``path``: the editor's own, in quizzes/.

    A released version's guidance is a sealed copy, never to be edited (found: notices named
    handbook/_versions/<policy>/<version>/_guidance/quiz.yaml). Advice about it goes to the
    working file when that still holds the same guidance (no draft yet), else nowhere: the
    draft's own check advises on the working file.
    """
    real = Path(os.path.realpath(path))
    if domain.is_draft(index) or real.parent.name != GUIDANCE:
        return path  # the working file (or guidance released before it was sealed)
    policy = _record(domain, index).id
    working = quizzes_of(real.parents[4] / policy) / f"{policy}.{real.name}"
    if domain.draft_index(policy) is not None or not working.is_file():
        return None
    return str(working) if working.read_bytes() == real.read_bytes() else None


def numbers_now(domain: ClausebookDomain, index: str) -> dict[str, str]:
    """Each number of the version released before ``index`` -> its clause's number in ``index``
    (guidance written for that version cites its numbers: "clause 4.4 (now 4.5)")."""
    meta = _record(domain, index)
    earlier = [
        (version_key(other.version), other_index)
        for other_index, other in records(domain).policies().items()
        if other.id == meta.id
        and domain.is_valid(other_index)
        and not domain.is_draft(other_index)
        and (domain.is_draft(index) or version_key(other.version) < version_key(meta.version))
    ]
    if not earlier:
        return {}
    before = max(earlier)[1]
    found = {}
    for number, identity in domain.identities(before).items():
        moved = domain.number_of(index, identity)
        if moved is not None:
            found[number] = moved
    return found


def _clause_name(label: str) -> str:
    return label if label.startswith("Section") else f"clause {label}"


def _data(files: dict[str, GuidanceFile], kind: str) -> Any:
    return files[kind].data if kind in files else None


def _pins(files: dict[str, GuidanceFile]) -> Any:
    return files["pins"].data if "pins" in files else {}


def _record(domain: ClausebookDomain, index: str) -> PolicyRecord:
    record = records(domain).policy(index)
    if record is None:
        raise KeyError(index)  # asked only of a version the domain read
    return record


def bundle(app: Sphinx, index: str) -> dict[str, Any] | None:
    """What the browser's engine reads: the quiz, the rules, and the words and links of what they cite."""
    domain = _domain(app.env)
    quiz, rules = loaded(domain, index)
    if quiz is None and rules is None:
        return None
    quiz_data, rules_data, _held = prepared(domain, index)
    citable = domain.citable(index)
    folder = posixpath.dirname(index)
    cited = {number for q in quiz.questions for number in q.cites} if quiz else set()
    if rules:
        cited |= {number for rule in rules.rules for number in rule.cites} | set(rules.no_rule.cites)
        cited |= {item.clause for item in rules.not_covered}
    meta = _record(domain, index)
    release = records(domain).release(index)
    return {
        "policy": meta.id,
        "version": meta.version,
        "title": meta.title,
        "engine": release.engine if release is not None else engine_of(None),
        "quiz": quiz_data if quiz else None,
        "rules": rules_data if rules else None,
        "clauses": {
            number: {
                "label": citable[number].label,
                "text": citable[number].text,
                # Relative to the version's folder, where the tools' pages are.
                "url": posixpath.relpath(
                    page_url(app, citable[number].docname, citable[number].anchor), folder
                ),
            }
            for number in sorted(cited, key=_number_key)
        },
    }


def _number_key(number: str) -> tuple[int, ...]:
    return tuple(int(part) for part in number.split("."))


def tool_pages(app: Sphinx, index: str) -> dict[str, str]:
    """Page name (without .html) of each tool the version has: {"quiz": ..., "tree": ..., "reading": ...}.

    "tree" is the rules' interview (the name the manifest has always used); its page name
    comes from the rules file.
    """
    quiz, rules = loaded(_domain(app.env), index)
    folder = posixpath.dirname(index)
    pages = {}
    if rules:
        pages["tree"] = posixpath.join(folder, rules.page)
    if quiz:
        pages["quiz"] = posixpath.join(folder, QUIZ_PAGE)
    if rules or quiz:
        pages["reading"] = posixpath.join(folder, READING_PAGE)
    return pages


def tool_titles(app: Sphinx, index: str) -> dict[str, str]:
    quiz, rules = loaded(_domain(app.env), index)
    titles = {}
    if rules:
        titles["tree"] = rules.title
    if quiz:
        titles["quiz"] = quiz.title
    if rules or quiz:
        titles["reading"] = READING_TITLE
    return titles


def publish_engine(app: Sphinx) -> str | None:
    """Write every version's bundle and the engine the pages load; return the engine's folder,
    relative to the site, or None when no policy has guidance."""
    outdir = Path(app.outdir)
    bundles = []
    for versions in version_entries(app).values():
        for entry in versions:
            data = bundle(app, entry.index)
            if data is not None:
                path = outdir / entry.folder / BUNDLE
                write_json(path, data)
                bundles.append(path)
    if not bundles:
        return None
    try:
        runtime = engine_assets.find_runtime(Path(app.confdir))
        folder = engine_assets.install(
            outdir / ENGINE_DIR,
            runtime,
            Path(app.doctreedir).parent / "engine-cache",
            bundles,
            progress=LOGGER.info,
        )
    except engine_assets.AssetError as error:
        warn(ClausebookWarning.TOOLING, str(error))
        return None
    return folder.relative_to(outdir).as_posix()


def collect_pages(app: Sphinx) -> Iterator[tuple[str, dict[str, Any], str]]:
    if app.builder.format != "html":
        return
    engine = publish_engine(app)
    if engine is None:
        return
    record = fingerprints(app)
    stamp = [*code_stamp(app), engine]
    scripts_version = engine_assets.page_scripts_version()
    for versions in version_entries(app).values():
        for entry in versions:
            data = bundle(app, entry.index)
            if data is None:
                continue
            # The pages show the bundle, and the policy's sidebar and versions around it.
            key = fingerprint(data, stamp, navigation_of(app, entry.index), [v.status for v in versions])
            outputs = [Path(app.outdir) / f"{page}.html" for page in tool_pages(app, entry.index).values()]
            ahead_file = Path(app.outdir) / entry.folder / AHEAD_FILE
            if data.get("rules"):
                outputs.append(ahead_file)
            if record.unchanged(f"pages:{entry.index}", key, *outputs):
                continue
            guidance = Guidance.from_bundle(data)
            pages = tool_pages(app, entry.index)
            common = {
                "cb_pages": pages,
                "cb_titles": tool_titles(app, entry.index),
                "cb_bundle": data,
                "cb_guidance": guidance,
                "cb_outcomes": OUTCOMES,
                "cb_engine_dir": engine,
                "cb_engine_wheel": engine_assets.WHEEL,
                "cb_scripts_version": scripts_version,
                "cb_effective": format_date(entry.model.effective),
                "cb_policy_title": entry.model.title,
                "cb_policy_version": entry.model.version,
                # A draft's guidance is not that of the version it amends: never say it is.
                "cb_version_words": (
                    f"version {entry.model.version}"
                    if entry.status != "draft"
                    else f"a draft of changes to version {entry.model.version}, not released"
                    if released(versions)
                    else "a draft of a policy not yet released"  # there is no version to amend
                ),
            }
            if guidance.rules is not None:
                start = guidance.tree_view("")
                ahead = views_ahead(guidance)
                write_json(ahead_file, ahead, compact=True)
                yield (
                    pages["tree"],
                    {
                        **common,
                        "title": escape(guidance.rules.title),
                        "cb_start": start,
                        # The first answers' views, for taps before Python has started: the
                        # first answer's in the page, all of them in the file beside it.
                        "cb_ahead": in_page(ahead),
                        "cb_ahead_file": AHEAD_FILE,
                        "cb_checklist": checklist(guidance),
                    },
                    "clausebook/tree.html",
                )
            yield (
                pages["reading"],
                {
                    **common,
                    "title": READING_TITLE,
                    "cb_coverage": coverage(_domain(app.env), entry.index),
                },
                "clausebook/tree-map.html",
            )
            if guidance.quiz is not None:
                yield pages["quiz"], {**common, "title": escape(guidance.quiz.title)}, "clausebook/quiz.html"


def checklist(guidance: Guidance) -> list[dict[str, Any]]:
    """The rules on paper, by outcome, strongest first: "If ...: Don't ... (4.4)"."""
    rules = guidance.rules
    if rules is None:
        return []
    groups = []
    for outcome, heading in rules.outcomes.items():
        items = [
            {"when": describe(rules, rule.when), "rule": guidance.rule_view(rule)}
            for rule in rules.rules
            if rule.outcome == outcome
        ]
        if items:
            groups.append({"outcome": outcome, "heading": heading, "entries": items})
    return groups


# Stylesheets the tree page never uses (checked by tests/test_views_ahead.py).
UNUSED_ON_TREE = ("_static/pygments.css", "_static/sphinx-design.min.css")
# Scripts it never uses: sphinx-design's tabs script looks for tabs on the page when its DOM is
# ready, in the one task that runs every script's DOMContentLoaded handler (a long task on a
# phone-like CPU).
UNUSED_SCRIPTS_ON_TREE = ("_static/design-tabs.js",)


def page_context(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Links from every page of a policy version to its tools."""
    # A policy's landing page shows the version in force, and so its PDF and tools.
    entry = entry_of_page(app, pagename) or context.get("cb_current")
    context["cb_tools"] = {
        kind: app.builder.get_relative_uri(pagename, page) if pagename != page else "#"
        for kind, page in (tool_pages(app, entry.index).items() if entry else ())
    }
    context["cb_tool_titles"] = tool_titles(app, entry.index) if entry else {}
    if entry and tool_pages(app, entry.index).get("tree") == pagename:
        # The tree page has no code and no sphinx-design element, and every stylesheet in the head
        # holds back its first paint (on a phone-like CPU the first question comes later).
        context["css_files"] = [
            css
            for css in context.get("css_files", [])
            if not str(getattr(css, "filename", css)).startswith(UNUSED_ON_TREE)
        ]
        context["script_files"] = [
            js
            for js in context.get("script_files", [])
            if not str(getattr(js, "filename", js)).startswith(UNUSED_SCRIPTS_ON_TREE)
        ]


def manifest_fields(app: Sphinx, index: str) -> dict[str, str | None]:
    pages = tool_pages(app, index)
    titles = tool_titles(app, index)
    fields: dict[str, str | None] = {
        kind: f"{pages[kind]}.html" if kind in pages else None for kind in ("quiz", "tree")
    }
    fields["guidance_reading"] = f"{pages['reading']}.html" if "reading" in pages else None
    for kind in ("quiz", "tree"):
        fields[f"{kind}_title"] = titles.get(kind)
    return fields


def navigation_of(app: Sphinx, index: str) -> Any:
    return records(app).remembered("navigation").get(index), sorted(app.env.toctree_includes.get("index", []))


def setup_guidance(app: Sphinx) -> None:
    app.connect("env-updated", forget_loaded)
    app.connect("doctree-read", read_guidance, priority=950)
    # After every read, even of nothing: Sphinx checks consistency only when a page was
    # read again, and these tell the editor of problems that stay until they are fixed.
    app.connect("env-updated", check_guidance, priority=900)
    app.connect("html-collect-pages", collect_pages)
    # Before the site's own handler, which renders the links into the policy's index.
    app.connect("html-page-context", page_context, priority=400)
