"""Shared fixtures: Sphinx's own test fixtures, and real builds of a copy of the handbook."""

from __future__ import annotations

import hashlib
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


def tree_digest(folder: Path) -> str:
    """One hash for every file name and byte under ``folder``."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(path.relative_to(folder).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


@pytest.fixture(scope="session")
def built_handbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the repository's handbook, built once for the session."""
    root = copy_content(tmp_path_factory.mktemp("handbook"))
    result = run_build(root)
    assert result.returncode == 0, result.stderr
    return root


@pytest.fixture
def handbook(built_handbook: Path, tmp_path: Path) -> Path:
    """A private copy of the built handbook, with its published site, to break."""
    root = tmp_path / "repo"
    shutil.copytree(built_handbook, root, symlinks=True)
    return root


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
