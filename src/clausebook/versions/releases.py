"""Releases: frozen copies of a policy's sources, one per version, kept in the repository.

``handbook/_versions/<policy>/<version>/`` holds the section files and index as
they were released (read-only) and ``release.json``: the effective date, a hash
of every file, each clause's identity, and what changed from the version before,
each change marked editorial or substantive by the editor. Any checkout can
rebuild every version; no git history or tags are needed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import stat
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from clausebook.interactive.rules import EDITION, EDITIONS
from clausebook.model import Location, Problem
from clausebook.sources.frontmatter import read_front_matter
from clausebook.versions.comparison import VERSION, version_key

VERSIONS = "_versions"
RECORD = "release.json"
IGNORED = ("_", ".")
# The guidance a version was released with (quizzes/<policy>.*, whatever their format, pins included),
# frozen beside its sources: a reader of the version sees the guidance it was published with.
GUIDANCE = "_guidance"
QUIZZES = "quizzes"


def engine_of(record: Mapping[str, Any] | None) -> int:
    """The guidance engine edition a version is read with: the one its release recorded
    (releases before editions were recorded are edition 1), the newest if not released."""
    if record is None:
        return EDITION
    edition = record.get("engine", 1)
    # An edition this engine does not know is refused at its line by integrity_problems, so the
    # build is refused and publishes nothing; reading with the newest meanwhile lets it go on
    # to list every other problem.
    return edition if edition in EDITIONS and not isinstance(edition, bool) else EDITION


class ReleaseError(ValueError):
    """A release that cannot be made; the message says why and what to do."""


class UnreadableRecordError(ValueError):
    """A release.json that is not the record make release wrote: its JSON broken (found: a
    traceback), or any field edited by hand (its digest no longer matches). The message is the
    editor's; ``line`` where the fault is, or 1."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


DIGEST = "digest"  # in release.json: the digest of the rest of the record
_NEVER_EDITED = (
    "What a released version means (its date, its clauses' identities, its references) is never "
    "edited: restore the file (git checkout), and make any amendment in a new release with make release"
)


def record_digest(record: Mapping[str, Any]) -> str:
    """The digest of a release record, leaving out its own: make release writes it into the
    record, so that an edit to the record itself (a date, an identity, a reference, a change
    called editorial) is found as an edit to a released file is, before any field is used."""
    body = {key: value for key, value in record.items() if key != DIGEST}
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class _DuplicateKeyError(ValueError):
    pass


def _refuse_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise _DuplicateKeyError(key)  # JSON keeps the last silently: the file would mislead
        found[key] = value
    return found


def read_record(path: Path) -> dict[str, Any]:
    """A release.json's fields, as make release wrote them; :class:`UnreadableRecordError` if not."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise UnreadableRecordError(
            f"this release record cannot be read: it is not UTF-8 text. {_NEVER_EDITED}", 1
        ) from None
    try:
        data = json.loads(text, object_pairs_hook=_refuse_duplicates)
    except _DuplicateKeyError as error:
        key = str(error)
        lines = [
            n for n, line in enumerate(text.splitlines(), 1) if re.match(rf'^\s*"{re.escape(key)}"\s*:', line)
        ]
        raise UnreadableRecordError(
            f'"{key}" is written twice in this release record (on lines {" and ".join(map(str, lines[:2]))}; '
            f"JSON keeps only the last). {_NEVER_EDITED}",
            lines[1] if len(lines) > 1 else 1,
        ) from None
    except json.JSONDecodeError as error:
        raise UnreadableRecordError(
            f"this release record cannot be read: it is not valid JSON ({error.msg}). {_NEVER_EDITED}",
            error.lineno,
        ) from None
    if not isinstance(data, dict) or DIGEST not in data or data[DIGEST] != record_digest(data):
        what = (
            "it no longer matches the digest make release wrote into it"
            if isinstance(data, dict) and DIGEST in data
            else "its digest, which make release writes, is gone"
        )
        raise UnreadableRecordError(
            f"this release record was changed after its release: {what}. {_NEVER_EDITED}", 1
        )
    return data


@dataclass(frozen=True)
class Release:
    policy: str
    version: str
    effective: str
    folder: Path
    files: dict[str, str] = field(default_factory=dict)  # relative path -> sha256
    identities: dict[str, str] = field(default_factory=dict)  # clause number -> identity
    changes: tuple[dict[str, Any], ...] = ()
    previous: str | None = None
    released: str = ""
    # File name in _guidance/ -> sha256. None for a release made before guidance was sealed.
    guidance: dict[str, str] | None = None
    # Each {clause} reference of its sources, resolved when it was released: docname -> target -> identity.
    references: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)

    @classmethod
    def load(cls, folder: Path) -> Release:
        data = read_record(folder / RECORD)
        return cls(
            data["policy"],
            data["version"],
            data["effective"],
            folder,
            data.get("files", {}),
            data.get("identities", {}),
            tuple(data.get("changes", ())),
            data.get("previous"),
            data.get("released", ""),
            data.get("guidance"),
            data.get("references", {}),
        )

    @property
    def guidance_folder(self) -> Path:
        return self.folder / GUIDANCE


def versions_folder(handbook: Path, policy: str) -> Path:
    return handbook / VERSIONS / policy


def releases(handbook: Path, policy: str) -> list[Release]:
    """The policy's releases, oldest version first."""
    folder = versions_folder(handbook, policy)
    found = []
    for path in sorted(folder.iterdir()) if folder.is_dir() else ():
        if path.is_dir() and not path.name.startswith(IGNORED) and (path / RECORD).is_file():
            try:
                found.append(Release.load(path))
            except UnreadableRecordError:
                continue  # refused by integrity_problems, at its line: the build publishes nothing
    return sorted(found, key=lambda r: version_key(r.version))


def policy_files(folder: Path) -> Iterator[Path]:
    """The files of a policy folder that a release freezes (relative paths)."""
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith(IGNORED))
        for name in sorted(files):
            if not name.startswith(IGNORED) and name != RECORD:
                yield Path(root, name).relative_to(folder)


def guidance_sources(quizzes: Path, policy: str) -> dict[str, Path]:
    """The policy's guidance files in quizzes/ (``<policy>.<name>``), by name without the policy."""
    if not quizzes.is_dir():
        return {}
    return {
        path.name.removeprefix(f"{policy}."): path
        for path in sorted(quizzes.glob(f"{policy}.*"))
        if path.is_file() and not path.name.startswith(IGNORED)
    }


def quizzes_of(working: Path) -> Path:
    """quizzes/ beside handbook/, for a policy's working folder handbook/<policy>."""
    return working.parent.parent / QUIZZES


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


FRONT_MATTER_FIELD = r"^(?P<lead>\s+{name}:\s*)(?P<value>\"[^\"\n]*\"|'[^'\n]*'|[^#\n]*?)(?P<tail>\s*(#.*)?)$"


def set_front_matter(text: str, version: str, effective: str) -> str:
    """The index's text with its policy's version and effective date replaced, comments kept."""
    end = text.find("\n---", 3)
    head, rest = text[:end], text[end:]
    for name, value in (("version", f'"{version}"'), ("effective", effective)):
        pattern = re.compile(FRONT_MATTER_FIELD.format(name=name), re.M)
        if not pattern.search(head):
            raise ReleaseError(f"the policy's index.md has no '{name}:' in its front matter: add it first")
        head = pattern.sub(_replacement(value), head, count=1)
    return head + rest


def _replacement(value: str) -> Callable[[re.Match[str]], str]:
    return lambda match: f"{match['lead']}{value}{match['tail']}"


# Sealed with a release, but shown to no reader: the editors' scenarios test the guidance, so a
# change to them alone is not a change to the version (found: it made a draft, and the build
# asked for a release that would change nothing staff see).
UNSHOWN_GUIDANCE = frozenset({"scenarios.yaml"})


def differs_from(working: Path, release: Release) -> list[str]:
    """The working files that differ from a release, byte for byte (a release leaves the working
    copy exactly like its snapshot, so any edit since, even to the index's date, shows)."""
    changed = []
    names = {p.as_posix() for p in policy_files(working)} | set(release.files)
    for name in sorted(names):
        path, frozen = working / name, release.folder / name
        if not path.is_file() or not frozen.is_file():
            changed.append(name)
            continue
        if path.read_bytes() != frozen.read_bytes():
            changed.append(name)
    if release.guidance is not None:  # the guidance is part of the version: a change to it is a draft too
        live = guidance_sources(quizzes_of(working), release.policy)
        for name in sorted(set(live) | set(release.guidance)):
            if name in UNSHOWN_GUIDANCE:
                continue
            frozen = release.guidance_folder / name
            if name not in live or not frozen.is_file() or live[name].read_bytes() != frozen.read_bytes():
                changed.append(f"{QUIZZES}/{release.policy}.{name}")
    return changed


def _tampered(
    folder: Path,
    recorded: dict[str, str],
    present: set[str],
    *,
    version: str,
    kind: str,
    amend: str,
    added_to: str,
    home: str,
) -> list[Problem]:
    """The files of one frozen folder that differ from what its release recorded, or were added.

    ``kind`` names its files to the editor ("file", "guidance file"), ``amend`` says where an
    amendment belongs instead (``{name}`` is the file's name), ``home`` where a new file belongs.
    """
    problems = []
    for name, digest in sorted(recorded.items()):
        path = folder / name
        if not path.is_file() or sha256(path) != digest:
            what = "was deleted" if not path.is_file() else "was changed"
            problems.append(
                Problem(
                    f"this {kind} of the released version {version} {what} after its release. "
                    "A released version is never edited: restore the file (git checkout), then "
                    f"{amend.format(name=name)} and publish it with make release",
                    Location(str(path), 1),
                )
            )
    for extra in sorted(present - set(recorded)):
        problems.append(
            Problem(
                f"this file was added to the {added_to} {version}: delete it, "
                f"and add it to {home} instead, then make release",
                Location(str(folder / extra), 1),
            )
        )
    return problems


def _engine_problems(record: Path) -> list[Problem]:
    """The engine edition a release recorded must be one this engine knows (found: "engine": 99
    stopped the build as "a bug in Clausebook", with no file named)."""
    try:
        text = record.read_text(encoding="utf-8")
        data = json.loads(text)
    except ValueError:
        return []  # not JSON: told as such
    edition = data.get("engine", 1) if isinstance(data, dict) else 1
    if edition in EDITIONS and not isinstance(edition, bool):
        return []
    line = _line_of(text, r'^\s*"engine":')
    known = ", ".join(map(str, EDITIONS))
    return [
        Problem(
            f'"engine": {json.dumps(edition)} is not an edition of the guidance engine this Clausebook '
            f"knows ({known}): a release records the edition it was made with, and this file is sealed. "
            "Restore the value it was released with (git diff shows it)",
            Location(str(record), line),
        )
    ]


def _line_of(text: str, pattern: str, start: int = 1) -> int:
    """The first line (1-based, from ``start``) of a release.json matching ``pattern``; else ``start``."""
    for number, line in enumerate(text.splitlines()[start - 1 :], start):
        if re.search(pattern, line):
            return number
    return start


def _named_versions(record: Path, release: Release) -> Iterator[tuple[str, str, int, str]]:
    """Each other version a release.json names, as (policy, version, line, how it names it): the
    version before it, and the version of each reference into another version. Each is evidence
    that the version named was released."""
    text = record.read_text(encoding="utf-8")
    if release.previous:
        yield release.policy, release.previous, _line_of(text, r'^\s*"previous":'), "as the version before it"
    # json.dumps(indent=2) gives each field a line, "policy" before "version": pair them by line.
    start = _line_of(text, r'^\s*"references":')
    policy = None
    for number, line in enumerate(text.splitlines()[start - 1 :], start):
        if found := re.match(r'^\s*"policy":\s*"([^"]*)"', line):
            policy = found[1]
        elif (found := re.match(r'^\s*"version":\s*"([^"]*)"', line)) and policy is not None:
            if (policy, found[1]) != (release.policy, release.version):
                yield policy, found[1], number, "in a reference"
            policy = None


def _working_version(handbook: Path, policy: str) -> str | None:
    index = handbook / policy / "index.md"
    try:
        front = read_front_matter(index).policy if index.is_file() else None
    except UnicodeDecodeError:
        return None
    return front.version if front is not None else None


def lost_release_problems(handbook: Path) -> list[Problem]:
    """A released version that is gone, or lost its release.json, or a released policy renamed or
    removed: each breaks permanent addresses, and references released elsewhere would silently
    point at another version's clause."""
    problems: list[Problem] = []
    root = handbook / VERSIONS
    if not root.is_dir():
        return problems
    present = {(record.parent.parent.name, record.parent.name) for record in root.glob(f"*/*/{RECORD}")}
    reported: set[tuple[Path, str, str]] = set()
    for record in sorted(root.glob(f"*/*/{RECORD}")):
        try:
            release = Release.load(record.parent)
        except UnreadableRecordError:
            continue  # told by integrity_problems
        text = record.read_text(encoding="utf-8")
        folder_policy, folder_version = record.parent.parent.name, record.parent.name
        if release.policy != folder_policy:
            problems.append(
                Problem(
                    f"this release.json is of the policy '{release.policy}', but it is in "
                    f"handbook/{VERSIONS}/{folder_policy}/. A released policy keeps its folder name (its "
                    f"pages' addresses are permanent): rename handbook/{VERSIONS}/{folder_policy}/ and "
                    f"handbook/{folder_policy}/ back to {release.policy}",
                    Location(str(record), _line_of(text, r'^\s*"policy":')),
                )
            )
        if release.version != folder_version:
            problems.append(
                Problem(
                    f"this release.json is of version {release.version}, but it is in the folder "
                    f"{folder_version}: rename the folder back to {release.version}",
                    Location(str(record), _line_of(text, r'^\s*"version":')),
                )
            )
        for policy, version, line, how in _named_versions(record, release):
            if (policy, version) in present or (record, policy, version) in reported:
                continue
            if how == "in a reference" and version == _working_version(handbook, policy):
                # A reference into a policy not released yet names its draft's version: that
                # version is still to come, not lost (found: leave 1.0 citing the draft pay 2.0).
                continue
            reported.add((record, policy, version))
            missing = f"handbook/{VERSIONS}/{policy}/{version}"
            what = (
                f"{missing}/{RECORD} is missing"
                if (root / policy / version).is_dir()
                else f"{missing}/ is missing"
            )
            problems.append(
                Problem(
                    f"version {version} of {policy} was released (this file names it {how}), but "
                    f"{what}. A released version is never removed (its pages' addresses are permanent, "
                    f"and other versions refer to it): restore it (git checkout {missing})",
                    Location(str(record), line),
                )
            )
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(IGNORED)):
        for kept in sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(IGNORED)):
            frozen = sorted(kept / name for name in policy_files(kept))
            if not (kept / RECORD).is_file() and frozen:
                # Located at a file still there: the record itself is gone.
                problems.append(
                    Problem(
                        f"the released version {kept.name} of {folder.name} has lost its {RECORD}, "
                        "which says what was released: restore it "
                        f"(git checkout handbook/{VERSIONS}/{folder.name}/{kept.name}/{RECORD})",
                        Location(str(frozen[0]), 1),
                    )
                )
        records = sorted(folder.glob(f"*/{RECORD}"))
        if records and not (handbook / folder.name / "index.md").is_file():
            problems.append(
                Problem(
                    f"released policy {folder.name} has no folder in handbook/: its pages would "
                    f"disappear. Restore handbook/{folder.name}/ (git checkout handbook/{folder.name}); "
                    "a released policy is never renamed or removed",
                    Location(str(records[-1]), 1),
                )
            )
    return problems


def integrity_problems(handbook: Path) -> list[Problem]:
    """Every released file must be exactly as released: an edit there would rewrite history."""
    problems = lost_release_problems(handbook)
    root = handbook / VERSIONS
    for record in sorted(root.glob(f"*/*/{RECORD}")) if root.is_dir() else ():
        try:
            release = Release.load(record.parent)
        except UnreadableRecordError as error:
            # An engine edition it does not know is named at its line; else the record's fault.
            problems += _engine_problems(record) or [Problem(str(error), Location(str(record), error.line))]
            continue
        working = f"handbook/{release.policy}/"
        problems += _tampered(
            release.folder,
            release.files,
            {p.as_posix() for p in policy_files(release.folder)},
            version=release.version,
            kind="file",
            amend=f"make the amendment in {working}{{name}}",
            added_to="released version",
            home=working,
        )
        problems += _engine_problems(record)
        frozen_guidance = release.guidance_folder
        problems += _tampered(
            frozen_guidance,
            release.guidance or {},
            {p.name for p in frozen_guidance.iterdir()} if frozen_guidance.is_dir() else set(),
            version=release.version,
            kind="guidance file",
            amend=f"change quizzes/{release.policy}.{{name}}",
            added_to="released guidance of version",
            home="quizzes/",
        )
    return problems


def policy_folders(handbook: Path) -> list[str]:
    """The policies' folder names. A name an editor typed is looked up here, never joined to a
    path: one too long for the file system, or one like "../x", is a policy the handbook does not
    hold, not a crash."""
    if not handbook.is_dir():
        return []
    return sorted(p.name for p in handbook.iterdir() if p.is_dir() and (p / "index.md").is_file())


def check_new_release(handbook: Path, policy: str, version: str, effective: str) -> list[Release]:
    """Refuse, before anything is written, a release that cannot be made. Returns the releases so far."""
    known = policy_folders(handbook)
    if policy not in known:
        raise ReleaseError(
            f"there is no policy '{policy}' in handbook/ (policies: {', '.join(known) or 'none'})"
        )
    if not VERSION.match(version):
        raise ReleaseError(
            f"'{version}' is not a version number: write two numbers with a dot, like 1.1 or 2.0, "
            "with no leading zero"
        )
    try:
        day = dt.date.fromisoformat(effective)
    except ValueError:
        raise ReleaseError(f"'{effective}' is not a date: write the effective date as YYYY-MM-DD") from None
    done = releases(handbook, policy)
    if any(r.version == version for r in done):
        raise ReleaseError(f"version {version} of {policy} was already released: choose a higher number")
    if done:
        last = done[-1]
        if version_key(version) <= version_key(last.version):
            raise ReleaseError(
                f"version {version} is not after the last release, {last.version}: choose a higher number"
            )
        if day < dt.date.fromisoformat(last.effective):
            raise ReleaseError(
                f"{effective} is before {last.effective}, when version {last.version} came into force: "
                "a new version cannot come into force before the one it replaces"
            )
        if not differs_from(handbook / policy, last):
            raise ReleaseError(
                f"handbook/{policy}/ is the same as version {last.version}: there is nothing to release. "
                "Amend the policy's files first"
            )
    return done


def freeze(
    handbook: Path,
    policy: str,
    version: str,
    effective: str,
    identities: dict[str, str],
    changes: list[dict[str, Any]],
    previous: str | None,
    today: dt.date,
    references: dict[str, dict[str, dict[str, str]]] | None = None,
    generated: Mapping[str, str] | None = None,
) -> Path:
    """Write the snapshot: all or nothing, then read-only, then the working index gets the new version."""
    working = handbook / policy
    target = versions_folder(handbook, policy) / version
    staging = target.with_name(f".{version}.in-progress")
    shutil.rmtree(staging, ignore_errors=True)
    try:
        files = {}
        for relative in policy_files(working):
            source, copy = working / relative, staging / relative
            copy.parent.mkdir(parents=True, exist_ok=True)
            data = source.read_bytes()
            if relative.as_posix() == "index.md":
                data = set_front_matter(data.decode("utf-8"), version, effective).encode("utf-8")
            copy.write_bytes(data)
            files[relative.as_posix()] = hashlib.sha256(data).hexdigest()
        guidance = {}
        # A generated file (the record of verdicts) is sealed as the engine makes it now, never
        # a copy an editor forgot to regenerate: it is what the released version will say.
        contents: dict[str, Path | str] = dict(guidance_sources(quizzes_of(working), policy))
        contents.update(generated or {})
        for name, content in sorted(contents.items()):
            copy = staging / GUIDANCE / name
            copy.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, str):
                copy.write_text(content, encoding="utf-8")
            else:
                shutil.copyfile(content, copy)
            guidance[name] = sha256(copy)
        record = {
            "policy": policy,
            "version": version,
            "effective": effective,
            "released": today.isoformat(),
            "previous": previous,
            "files": files,
            "identities": identities,
            "changes": changes,
            "guidance": guidance,
            "engine": EDITION,
            "references": references or {},
            "note": "Written by 'make release' (Clausebook). Never edit a released version.",
        }
        record[DIGEST] = record_digest(record)
        (staging / RECORD).write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
        for path in staging.rglob("*"):
            if path.is_file():
                path.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
        os.rename(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    index = working / "index.md"
    index.write_text(
        set_front_matter(index.read_text(encoding="utf-8"), version, effective), encoding="utf-8"
    )
    return target
