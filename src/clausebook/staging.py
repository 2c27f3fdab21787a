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
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

from clausebook.model import Location, Problem
from clausebook.releases import RECORD, differs_from, integrity_problems, releases

SOURCE_SUFFIX = ".md"
IGNORED = ("_", ".")  # folders and files that are the build's, not pages


@dataclass(frozen=True)
class PolicySource:
    """A policy folder the editor works in, and the version it declares."""

    policy: str
    folder: Path
    version: str | None


def front_matter(path: Path) -> dict[str, object] | None:
    """The YAML between the first two ``---`` lines of a Markdown file, if any."""
    # utf-8-sig: Windows editors may save "UTF-8 with BOM", which Sphinx reads as UTF-8 too.
    text = path.read_text(encoding="utf-8-sig")
    if not text.startswith("---"):
        return None
    end = text.find("\n---", 3)
    if end == -1:
        return None
    try:
        data = yaml.safe_load(text[3:end])
    except yaml.YAMLError:
        return None  # Sphinx reports malformed front matter with its line.
    return data if isinstance(data, dict) else None


def declared_version(index: Path) -> str | None:
    data = front_matter(index)
    policy = data.get("policy") if data else None
    version = policy.get("version") if isinstance(policy, dict) else None
    return version if isinstance(version, str) and version.strip() else None


def is_policy_folder(folder: Path) -> bool:
    index = folder / "index.md"
    if not index.is_file():
        return False
    try:
        data = front_matter(index)
    except UnicodeDecodeError:
        return True  # reported by encoding_problems; still a policy folder
    return bool(data) and "policy" in data  # type: ignore[operator]


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


UNVERSIONED = "unversioned"
GUIDANCE_KINDS = ("quiz", "rules")


def guidance_files(quizzes: Path) -> dict[tuple[str, str], Path]:
    """(policy, kind) -> file, for quizzes/<policy>.quiz.yaml and quizzes/<policy>.rules.yaml."""
    found = {}
    for kind in GUIDANCE_KINDS:
        for path in sorted(quizzes.glob(f"*.{kind}.yaml")) if quizzes.is_dir() else ():
            found[(path.name.removesuffix(f".{kind}.yaml"), kind)] = path
    return found


def guidance_problems(handbook: Path) -> list[Problem]:
    known = {p.policy for p in policies(handbook)}
    return [
        Problem(
            f"this {kind} is for a policy called '{policy}', and handbook/ has no folder of that name: "
            f"rename the file after its policy's folder ({', '.join(sorted(known)) or 'none yet'})",
            Location(str(path), 1),
        )
        for (policy, kind), path in guidance_files(handbook.parent / "quizzes").items()
        if policy not in known
    ]


DRAFT = "draft"
DRAFT_MARKER = "DRAFT"  # in a staged folder: these are unreleased changes, shown as a draft


def policy_plan(source: PolicySource, handbook: Path) -> dict[str, Path]:
    """Where each version of one policy is staged: every release, and the working copy as a draft
    when it differs from the last release (or as its own version, before the first release)."""
    plan: dict[str, Path] = {}
    done = releases(handbook, source.policy)
    for release in done:
        for relative in (*release.files, RECORD):
            plan[f"{source.policy}/{release.version}/{relative}"] = (release.folder / relative).resolve()
    if not done:
        folder = f"{source.policy}/{source.version or UNVERSIONED}"
    elif differs_from(source.folder, done[-1]):
        folder = f"{source.policy}/{DRAFT}"
        plan[f"{folder}/{DRAFT_MARKER}"] = (source.folder / "index.md").resolve()
    else:
        folder = ""
    if folder:
        for path in _files(source.folder):
            plan[f"{folder}/{path.relative_to(source.folder).as_posix()}"] = path.resolve()
    # Every version reads the policy's guidance (quiz.yaml, rules.yaml, pins.json) from its own folder.
    guidance = guidance_files(handbook.parent / "quizzes")
    pins = handbook.parent / "quizzes" / f"{source.policy}.pins.json"
    for version_folder in {key.rsplit("/", 1)[0] for key in plan if key.count("/") == 2}:
        for kind in GUIDANCE_KINDS:
            if (source.policy, kind) in guidance:
                plan[f"{version_folder}/{kind}.yaml"] = guidance[(source.policy, kind)].resolve()
        if pins.is_file():
            plan[f"{version_folder}/pins.json"] = pins.resolve()
    return plan


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
    plan = planned_links(handbook)
    for problem in problems:
        assert problem.location is not None
        bad = Path(problem.location.path).resolve()
        for relative, target in plan.items():
            if target == bad:
                plan[relative] = decoded_stand_in(bad, handbook, decoded)
    srcdir.mkdir(parents=True, exist_ok=True)
    for root, dirs, files in os.walk(srcdir, topdown=False):
        for name in files:
            staged = Path(root, name)
            relative = staged.relative_to(srcdir).as_posix()
            wanted = plan.get(relative)
            if wanted is None or not staged.is_symlink() or Path(os.readlink(staged)) != wanted:
                staged.unlink()
        for name in dirs:
            folder = Path(root, name)
            if not any(folder.iterdir()):
                folder.rmdir()
    for relative, target in plan.items():
        staged = srcdir / relative
        if not staged.is_symlink():
            staged.parent.mkdir(parents=True, exist_ok=True)
            staged.symlink_to(target)
    return problems


def editor_path(staged: str, root: Path, decoded: Path | None = None) -> str:
    """The editor's file behind a staged path, relative to the repository when inside it."""
    real = Path(os.path.realpath(staged))
    if decoded is not None and real.is_relative_to(decoded.resolve()):
        real = root.resolve() / "handbook" / real.relative_to(decoded.resolve())
    try:
        return real.relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(real)
