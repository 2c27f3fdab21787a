"""The editor's commands as the Makefile offers them: help, serve's port, starting a new policy."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from clausebook.commands.cli import parser
from conftest import REPO

INTERNAL = {"pdf-libraries", "test-tools"}  # steps other targets run, not commands


def make(*args: str) -> str:
    done = subprocess.run(["make", "--no-print-directory", *args], cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_make_help_lists_every_target() -> None:
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    targets = set(re.findall(r"^([a-z][a-z-]*):", makefile, re.MULTILINE)) - INTERNAL - {"help"}
    listed = set(re.findall(r"^\s+make ([a-z-]+)", make("help"), re.MULTILINE))
    assert {"release", "pins", "policy", "serve", "html"} <= targets
    assert targets == listed


def test_make_serve_takes_a_port() -> None:
    command = next(line for line in make("-n", "serve", "PORT=8123").splitlines() if " serve " in line)
    args = parser().parse_args(command.split("-m clausebook ", 1)[1].replace('"', "").split())
    assert (args.command, args.port) == ("serve", 8123)


def new_policy(root: Path, name: str, title: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "clausebook",
            "--root",
            str(root),
            "policy",
            f"--name={name}",
            f"--title={title}",
        ],
        capture_output=True,
        text=True,
    )


def test_make_policy_writes_the_folder_index_and_a_first_section(tmp_path: Path) -> None:
    (tmp_path / "handbook").mkdir()
    done = new_policy(tmp_path, "code-of-conduct", "Staff code of conduct")
    assert done.returncode == 0, done.stderr
    folder = tmp_path / "handbook" / "code-of-conduct"
    index = (folder / "index.md").read_text(encoding="utf-8")
    assert "# Staff code of conduct" in index
    assert 'version: "1.0"' in index and "effective: " in index and "category: Policies" in index
    assert "01-introduction" in index
    assert (folder / "01-introduction.md").read_text(encoding="utf-8").startswith("# 1. Introduction")
    assert "make release POLICY=code-of-conduct VERSION=1.0" in done.stdout


def make_in(
    folder: Path, target: str, *values: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """The real `make <target>` on a handbook of its own, with the repository's tools installed
    already (STAMP= NODE_STAMP= : no install step)."""
    return subprocess.run(
        [
            "make",
            "--no-print-directory",
            "-f",
            str(REPO / "Makefile"),
            f"BIN={REPO / '.venv' / 'bin'}",
            "STAMP=",
            "NODE_STAMP=",
            target,
            *values,
        ],
        cwd=folder,
        capture_output=True,
        text=True,
        env=env,
    )


@pytest.mark.parametrize(
    ("target", "values"),
    [
        ("release", ("POLICY=-x", "VERSION=1.1", "EFFECTIVE=2027-01-01")),
        ("pins", ("POLICY=-x", "ITEMS=-rule:logo")),
    ],
)
def test_a_value_starting_with_a_hyphen_reaches_the_command(
    tmp_path: Path, target: str, values: tuple[str, ...]
) -> None:
    """Attack: POLICY=-x or ITEMS=-x was read by the command line as an option of its own, and
    the editor was told "expected one argument" instead of what was wrong with the value."""
    (tmp_path / "handbook" / "social-media").mkdir(parents=True)
    (tmp_path / "handbook" / "social-media" / "index.md").write_text("# Social media\n", encoding="utf-8")
    done = make_in(tmp_path, target, *values)
    assert done.returncode != 0
    assert "expected one argument" not in done.stderr
    assert "there is no policy '-x'" in done.stderr, done.stderr


def test_make_policy_keeps_quotes_apostrophes_and_dollars_in_the_title(tmp_path: Path) -> None:
    """Editor trial: TITLE='The "Gifts" policy' lost its quotes on the way through make; attack:
    make read the "$5" of "gifts over $50" as a variable of its own, and the title lost it."""
    (tmp_path / "handbook").mkdir()
    title = 'The "Gifts and hospitality" policy: a head\'s guide to gifts over $50 ($$)'
    done = make_in(tmp_path, "policy", "NAME=gifts", f"TITLE={title}")
    assert done.returncode == 0, done.stdout + done.stderr
    index = (tmp_path / "handbook" / "gifts" / "index.md").read_text(encoding="utf-8")
    assert f"\n# {title}\n" in index, index


@pytest.mark.parametrize(
    ("name", "title", "says"),
    [
        ("Code of Conduct", "Staff code of conduct", "lower-case letters, digits and hyphens"),
        ("code_of_conduct", "Staff code of conduct", "lower-case letters, digits and hyphens"),
        ("-conduct", "Staff code of conduct", "starting with a letter"),
        # Editor trial: refused, but told to use "letters, digits and hyphens", as they had.
        ("expenses-", "Expenses policy", "one hyphen between words and none at the end"),
        ("code--of-conduct", "Staff code of conduct", "one hyphen between words and none at the end"),
        ("social-media", "Social media policy", "handbook/social-media/ exists already"),
        ("code-of-conduct", "  ", "say the policy's title"),
        # Attack: accepted, then the build refused the index.md written, or the marks vanished.
        ("code-of-conduct", "<b>Staff</b> code of conduct", "TITLE must be plain words: < >"),
        ("code-of-conduct", "Staff *code* of conduct", "TITLE must be plain words: *"),
        ("code-of-conduct", "# Staff code of conduct", "TITLE must be plain words: #"),
        # Found: 301 characters gave a traceback (File name too long).
        ("a" * 301, "Staff code of conduct", "NAME is 301 characters long"),
        ("a" * 61, "Staff code of conduct", "of at most 60 characters"),
        # Found: accepted, and they collide with the site's own addresses.
        ("draft", "Draft policy", "a name the site already uses"),
        ("clause", "Clause policy", "a name the site already uses"),
        ("quizzes", "Quizzes policy", "a name the site already uses"),
        ("search", "Search policy", "a name the site already uses"),
        ("_static", "Static policy", "starting with a letter"),
    ],
)
def test_make_policy_refuses_clearly_and_writes_nothing(
    tmp_path: Path, name: str, title: str, says: str
) -> None:
    (tmp_path / "handbook" / "social-media").mkdir(parents=True)
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    done = new_policy(tmp_path, name, title)
    assert done.returncode == 1
    assert says in done.stderr and "Nothing was written" in done.stderr
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before


def test_make_policy_warns_of_a_declaration_of_the_same_policy_in_conf_py(tmp_path: Path) -> None:
    """Editor trial 4: the handbook's conf.py declares code-of-conduct as a policy it does not hold."""
    (tmp_path / "handbook").mkdir()
    shutil.copy(REPO / "handbook" / "conf.py", tmp_path / "handbook" / "conf.py")
    lines = (tmp_path / "handbook" / "conf.py").read_text(encoding="utf-8").splitlines()
    line = next(n for n, text in enumerate(lines, 1) if text.strip().startswith('"code-of-conduct":'))
    done = new_policy(tmp_path, "code-of-conduct", "Staff code of conduct")
    assert done.returncode == 0, done.stderr
    assert f"warning: handbook/conf.py:{line} declares 'code-of-conduct' in clausebook_external_policies" in (
        done.stderr
    )
    quiet = new_policy(tmp_path, "expenses", "Staff expenses policy")
    assert quiet.returncode == 0 and "warning" not in quiet.stderr, quiet.stderr


def test_make_policy_takes_its_values_from_the_command_line_only(tmp_path: Path) -> None:
    """Attack: WSL sets NAME to the computer's name, and `make policy TITLE=...` made a policy
    folder of that name, which the editor never asked for."""
    (tmp_path / "handbook").mkdir()
    done = make_in(
        tmp_path, "policy", "TITLE=Staff code of conduct", env={**os.environ, "NAME": "desktop-pc"}
    )
    assert done.returncode == 2 and "Say the folder name and the title" in done.stdout + done.stderr
    assert list((tmp_path / "handbook").iterdir()) == []
