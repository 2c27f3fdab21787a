"""Lay out the handbook's sources the way the site is addressed, without copying them.

The editor's folder ``handbook/social-media/`` holds the policy; the site serves
it as ``social-media/<version>/``, so that every version keeps its own permanent
URL. The staging folder mirrors the handbook with symbolic links at those places;
Sphinx reads it (the editor's files stay the only copy), and warnings are mapped
back to the editor's files by :func:`editor_path`.

Nothing here parses Markdown: only the policy's front matter is read, for its
version number, which decides the folder the policy is served from.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from clausebook.model import Location, Problem
from clausebook.sources.confinement import confined
from clausebook.sources.frontmatter import read_front_matter
from clausebook.sources.yamlsource import YamlSyntaxError, parse_yaml
from clausebook.versions.releases import (
    QUIZZES,
    RECORD,
    differs_from,
    guidance_sources,
    integrity_problems,
    releases,
)

SOURCE_SUFFIX = ".md"
IGNORED = ("_", ".")  # folders and files that are the build's, not pages


@dataclass(frozen=True)
class PolicySource:
    """A policy folder the editor works in, and the version it declares."""

    policy: str
    folder: Path
    version: str | None


def declared_version(index: Path) -> str | None:
    """The version the policy's front matter declares, when its front matter is right."""
    policy = read_front_matter(index).policy
    return policy.version if policy else None


def is_policy_folder(folder: Path) -> bool:
    index = folder / "index.md"
    if not index.is_file():
        return False
    try:
        return read_front_matter(index).is_policy
    except UnicodeDecodeError:
        return True  # reported by encoding_problems; still a policy folder


def policies(handbook: Path) -> list[PolicySource]:
    found = []
    for folder in sorted(p for p in handbook.iterdir() if p.is_dir() and not p.name.startswith(IGNORED)):
        if is_policy_folder(folder):
            try:
                version = declared_version(folder / "index.md")
            except UnicodeDecodeError:
                version = None
            found.append(PolicySource(folder.name, folder, version))
    return found


def _files(folder: Path) -> Iterator[Path]:
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith(IGNORED))
        for name in sorted(files):
            if not name.startswith(IGNORED):
                yield Path(root, name)


# What quizzes/ may hold for a policy: anything else there would be sealed into its next release.
GUIDANCE_KINDS = ("quiz.yaml", "rules.yaml", "scenarios.yaml", "pins.json", "verdicts.md")


def guidance_problems(handbook: Path) -> list[Problem]:
    known = {p.policy for p in policies(handbook)}
    quizzes = handbook.parent / QUIZZES
    files = sorted(p for p in quizzes.iterdir() if p.is_file()) if quizzes.is_dir() else []
    problems = []
    for path in files:
        if path.name.startswith(IGNORED):
            continue
        policy, _, kind = path.name.partition(".")
        if policy not in known:
            problems.append(
                Problem(
                    f"this file is for a policy called '{policy}', and handbook/ has no folder of that "
                    f"name: rename the file after its policy's folder ({', '.join(sorted(known)) or 'none'})",
                    Location(str(path), 1),
                )
            )
        elif kind not in GUIDANCE_KINDS:
            kinds = ", ".join(f"{policy}.{k}" for k in GUIDANCE_KINDS)
            problems.append(
                Problem(
                    f"quizzes/ holds only a policy's guidance files ({kinds}), and '{kind}' is none of "
                    "them: rename the file to one of those names, or move it out of quizzes/",
                    Location(str(path), 1),
                )
            )
        elif kind.endswith(".yaml"):
            problems += _policy_named(path, policy)
    return problems


def _policy_named(path: Path, policy: str) -> list[Problem]:
    """A guidance file's ``policy:`` must name the policy its file name is for (found: a quiz
    copied from another policy, its 'policy:' left as it was, accepted)."""
    try:
        source = parse_yaml(path.read_text(encoding="utf-8"), str(path))
    except (UnicodeDecodeError, YamlSyntaxError):
        return []  # reported with its line when the guidance is read
    named = source.data.get("policy") if isinstance(source.data, dict) else None
    if named is None or named == policy:
        return []
    return [
        Problem(
            f"'policy: {named}' names another policy, and this file is {policy}'s (its name begins "
            f"'{policy}.'): write policy: {policy}, or rename the file after the policy it is for",
            Location(str(path), source.line(("policy",))),
        )
    ]


DRAFT = "draft"
DRAFT_MARKER = "DRAFT"  # in a staged folder: these are unreleased changes, shown as a draft


def policy_plan(source: PolicySource, handbook: Path) -> dict[str, Path]:
    """Where each version of one policy is staged: every release, and the working copy as a draft
    when it differs from the last release, and always before the first release: a new policy is
    a draft, not in force, until ``make release`` publishes its first version."""
    plan: dict[str, Path] = {}
    done = releases(handbook, source.policy)
    for release in done:
        for relative in (*release.files, RECORD):
            plan[f"{source.policy}/{release.version}/{relative}"] = (release.folder / relative).resolve()
    if not done or differs_from(source.folder, done[-1]):
        folder = f"{source.policy}/{DRAFT}"
        plan[f"{folder}/{DRAFT_MARKER}"] = (source.folder / "index.md").resolve()
    else:
        folder = ""
    if folder:
        for path in _files(source.folder):
            plan[f"{folder}/{path.relative_to(source.folder).as_posix()}"] = path.resolve()
    # A released version reads the guidance it was released with; the working copy, quizzes/ as it is.
    live = guidance_sources(handbook.parent / QUIZZES, source.policy)
    for release in done:
        frozen = (
            {name: release.guidance_folder / name for name in release.guidance}
            if release.guidance is not None
            else live  # released before guidance was sealed
        )
        _stage_guidance(plan, f"{source.policy}/{release.version}", frozen)
    if folder:
        _stage_guidance(plan, folder, live)
    return plan


def _stage_guidance(plan: dict[str, Path], version_folder: str, files: dict[str, Path]) -> None:
    for name, path in files.items():
        # A Markdown file there (the record of a tree's paths) is for reviewers, never a page.
        if not name.endswith(SOURCE_SUFFIX):
            plan[f"{version_folder}/{name}"] = path.resolve()


def planned_links(handbook: Path) -> dict[str, Path]:
    """Staged path (relative, POSIX) -> the editor's file it stands for."""
    plan: dict[str, Path] = {}
    policy_folders = {p.folder: p for p in policies(handbook)}
    for path in _files(handbook):
        relative = path.relative_to(handbook)
        if relative.as_posix() == "conf.py" or handbook / relative.parts[0] in policy_folders:
            continue
        plan[relative.as_posix()] = path.resolve()
    for source in policy_folders.values():
        plan.update(policy_plan(source, handbook))
    return plan


def encoding_problems(handbook: Path) -> list[Problem]:
    problems = []
    for path in _files(handbook):
        if path.suffix != SOURCE_SUFFIX:
            continue
        data = path.read_bytes()
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as error:
            line = data.count(b"\n", 0, error.start) + 1
            problems.append(
                Problem(
                    f"this file is not saved as UTF-8 (byte 0x{data[error.start]:02x} on this line): "
                    "open it and save it again with the encoding UTF-8",
                    Location(str(path), line),
                )
            )
    return problems


def decoded_stand_in(source: Path, handbook: Path, decoded: Path) -> Path:
    """A UTF-8 copy of a file that is not UTF-8, so the rest of the build can still check it.

    The file itself is reported (see :func:`encoding_problems`); the stand-in only
    lets one run list every other problem too.
    """
    stand_in = decoded / source.relative_to(handbook.resolve())
    stand_in.parent.mkdir(parents=True, exist_ok=True)
    text = source.read_bytes().decode("utf-8", errors="replace")
    if not stand_in.exists() or stand_in.read_text(encoding="utf-8") != text:
        stand_in.write_text(text, encoding="utf-8")
    return stand_in


def stage(handbook: Path, srcdir: Path, decoded: Path) -> list[Problem]:
    """Make ``srcdir`` mirror the handbook as the site addresses it; return problems found."""
    problems = encoding_problems(handbook) + guidance_problems(handbook) + integrity_problems(handbook)
    plan = confined(planned_links(handbook), handbook.parent)
    for problem in problems:
        assert problem.location is not None
        bad = Path(problem.location.path).resolve()
        if not bad.is_relative_to(handbook.resolve()):
            continue  # a guidance file in quizzes/ is read as it is: its problems are not its encoding
        for relative, target in plan.items():
            if target == bad:
                plan[relative] = decoded_stand_in(bad, handbook, decoded)
    # Laid out afresh from the sources every time, never patched: nothing a failed build staged
    # (the sections of a policy whose front matter was missing, found published) survives it.
    # Links are cheap, and Sphinx compares the files they point to, so its cache still holds.
    fresh = srcdir.with_name(f".{srcdir.name}-new")
    shutil.rmtree(fresh, ignore_errors=True)
    for relative, target in plan.items():
        staged = fresh / relative
        staged.parent.mkdir(parents=True, exist_ok=True)
        staged.symlink_to(target)
    fresh.mkdir(parents=True, exist_ok=True)
    old = srcdir.with_name(f".{srcdir.name}-old")
    shutil.rmtree(old, ignore_errors=True)
    if srcdir.exists():
        os.rename(srcdir, old)
    os.rename(fresh, srcdir)
    shutil.rmtree(old, ignore_errors=True)
    return problems


def editor_path(staged: str, root: Path, decoded: Path | None = None) -> str:
    """The editor's file behind a staged path, relative to the repository when inside it."""
    real = Path(os.path.realpath(staged))
    given = Path(staged)
    if given.is_relative_to(root.resolve()) and not given.is_relative_to(root.resolve() / "_build"):
        real = given  # already the editor's: a link is named as itself, never as where it leads
    if decoded is not None and real.is_relative_to(decoded.resolve()):
        real = root.resolve() / "handbook" / real.relative_to(decoded.resolve())
    try:
        return real.relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(real)
