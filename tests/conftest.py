"""Shared fixtures: Sphinx's own test fixtures, and real builds of a copy of the handbook."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

pytest_plugins = ("sphinx.testing.fixtures",)

REPO = Path(__file__).resolve().parent.parent
# The Trust's original text (extracted from its PDF), kept with the tests so a clone needs nothing beside it.
ORIGINAL = REPO / "tests" / "fixtures" / "social-media-policy-original.txt"
CONTENT = ("handbook", "templates", "quizzes")


@pytest.fixture(scope="session")
def rootdir() -> Path:
    """Where ``@pytest.mark.sphinx(testroot=...)`` finds its test projects."""
    return Path(__file__).parent / "roots"


@dataclass(frozen=True)
class BuildResult:
    returncode: int
    stdout: str
    stderr: str


def run_build(root: Path, command: str = "build", *args: str) -> BuildResult:
    """The real command an editor runs (``make html`` calls it), on a copy of the handbook."""
    done = subprocess.run(
        [sys.executable, "-m", "clausebook", "--root", str(root), command, "-q", *args],
        capture_output=True,
        text=True,
        check=False,
    )
    return BuildResult(done.returncode, done.stdout, done.stderr)


def copy_content(destination: Path) -> Path:
    for name in CONTENT:
        if (REPO / name).exists():
            shutil.copytree(REPO / name, destination / name, symlinks=True)
    # The pinned npm packages (Pyodide) as `npm ci` put them in the repository.
    (destination / "node_modules").symlink_to(REPO / "node_modules")
    return destination


# Folders named by the hash of what they hold, written whole and never rewritten in place: the
# browser's Python runtime (65 MB, twice) and its prepared standard library. A copy of a built
# handbook links their files instead of copying them (copying them was most of each test's setup).
IMMUTABLE = ("_static/pyodide/", "engine-cache/prepared-")


def copy_built(source: Path, destination: Path) -> Path:
    """A copy of a built handbook, to build again or break."""

    def copy(src: str, dst: str) -> object:
        if any(part in src for part in IMMUTABLE):
            return os.link(src, dst)
        return shutil.copy2(src, dst)

    shutil.copytree(source, destination, symlinks=True, copy_function=copy)
    return destination


def tree_digest(folder: Path) -> str:
    """One hash for every file name and byte under ``folder``."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(path.relative_to(folder).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


@dataclass(frozen=True)
class Breakable:
    """Where each test's copy of the built handbook goes, and the snapshot it is copied from.

    Sphinx keeps its cache only for the folder it built (a copy elsewhere is read and written
    again in full: "source directory has changed"), so every test of a worker breaks its copy
    at the same place, and its build redoes only what the test changed.
    """

    place: Path
    snapshot: Path


@pytest.fixture(scope="session")
def _breakable(tmp_path_factory: pytest.TempPathFactory) -> Breakable:
    # Per xdist worker: each has a base folder of its own.
    place = tmp_path_factory.getbasetemp() / "repo"
    place.mkdir()
    copy_content(place)
    result = run_build(place)
    assert result.returncode == 0, result.stderr
    snapshot = copy_built(place, tmp_path_factory.mktemp("snapshot") / "repo")
    return Breakable(place, snapshot)


@pytest.fixture(scope="session")
def built_handbook(_breakable: Breakable, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the repository's handbook, built once for the session (tests read its site,
    and may build PDFs in it; they break a copy of their own, ``handbook``)."""
    return copy_built(_breakable.snapshot, tmp_path_factory.mktemp("handbook") / "repo")


@pytest.fixture
def handbook(_breakable: Breakable) -> Path:
    """A private copy of the built handbook, with its published site, to break."""
    shutil.rmtree(_breakable.place, ignore_errors=True)
    return copy_built(_breakable.snapshot, _breakable.place)


@pytest.fixture(scope="session")
def site(built_handbook: Path) -> Path:
    return built_handbook / "_build" / "html"


def working_folder(site: Path, policy: str) -> Path:
    """The site folder of the version of ``policy`` being worked on: the draft, if the working
    copy differs from the last release, or else the newest release (the build's model says;
    the public manifest lists released versions only). The guidance there is the one
    quizzes/ holds now, which the scenarios and the tests of the rules are written for."""
    from clausebook.modelfile import load, model_path

    model = load(model_path(site.parent.parent).read_text(encoding="utf-8"))
    found = model.policy(policy)
    assert found is not None, f"the build read no policy {policy}"
    return site / found.newest.folder
