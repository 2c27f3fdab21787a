"""Build the site without ever leaving a half-written one behind.

Sphinx builds into a work folder (kept between runs, so a rebuild only redoes
what changed). Any warning fails the build: the editor sees every problem with
its file and line, and ``_build/html`` is replaced only after a clean build.
"""

from __future__ import annotations

import contextlib
import fcntl
import io
import os
import re
import shutil
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TextIO, cast

from clausebook.model import Problem
from clausebook.staging import editor_path, stage

WARNING_LINE = re.compile(
    r"^(?P<path>/[^\n]*?)(?::(?P<line>\d+))?: "
    r"(?P<level>WARNING|ERROR|CRITICAL|SEVERE): (?P<message>.*)$"
)


@dataclass(frozen=True)
class Paths:
    root: Path

    @property
    def handbook(self) -> Path:
        return self.root / "handbook"

    @property
    def build(self) -> Path:
        return self.root / "_build"

    @property
    def work(self) -> Path:
        return self.build / ".work"

    @property
    def srcdir(self) -> Path:
        return self.work / "src"

    @property
    def outdir(self) -> Path:
        return self.work / "html"

    @property
    def doctrees(self) -> Path:
        return self.work / "doctrees"

    @property
    def decoded(self) -> Path:
        return self.work / "decoded"

    @property
    def published(self) -> Path:
        return self.build / "html"


@dataclass
class Report:
    """What the editor is told: problems as 'file:line: message', counted."""

    out: TextIO
    root: Path
    problems: list[str] = field(default_factory=list)

    def problem(self, problem: Problem) -> None:
        where = ""
        if problem.location is not None:
            path = editor_path(problem.location.path, self.root, Paths(self.root).decoded)
            where = f"{path}:{problem.location.line}: " if problem.location.line else f"{path}: "
        self.add(f"{where}error: {problem.message}")

    def add(self, line: str) -> None:
        self.problems.append(line)
        print(line, file=self.out, flush=True)

    def notice(self, line: str) -> None:
        """Printed, but not a problem: the build still succeeds."""
        print(line, file=self.out, flush=True)


class WarningStream(io.TextIOBase):
    """Sphinx's warning stream, rewritten for editors as lines arrive."""

    def __init__(self, report: Report) -> None:
        self.report = report
        self.pending = ""

    def write(self, text: str) -> int:
        self.pending += text
        while "\n" in self.pending:
            line, self.pending = self.pending.split("\n", 1)
            if not line.strip():
                continue
            if line.rstrip().endswith("[clausebook.notice]"):
                self.report.notice(self.translate(line, "notice"))
            else:
                self.report.add(self.translate(line))
        return len(text)

    def translate(self, line: str, label: str = "error") -> str:
        match = WARNING_LINE.match(line)
        if not match:
            # A problem with no place in the sources (a missing package, a wrong setting).
            bare = re.match(r"^(?:WARNING|ERROR): (?P<message>.*?)(?:\s*\[[\w.-]+\])?$", line)
            return f"{label}: {bare['message']}" if bare else line
        decoded = Paths(self.report.root).decoded
        path = editor_path(match["path"], self.report.root, decoded)
        # Every problem names a line: a whole-file problem points at the file's first line.
        where = f"{path}:{match['line'] or 1}"
        message = re.sub(r"\s*\[[\w.-]+\]$", "", match["message"])
        # Messages may mention another place in the sources ("first at ..."): name the editor's file.
        message = STAGED_PATH.sub(lambda m: editor_path(m[0], self.report.root, decoded), message)
        return f"{where}: {label}: {explain(message)}"


STAGED_PATH = re.compile(r"/[^\s:()'\"]+\.md")

# Sphinx's own messages, with what an editor should do about them.
HINTS = (
    (
        "document isn't included in any toctree",
        "this file is in no table of contents, so it would never be published: add its name "
        "to the toctree list in the policy's index.md, or delete the file",
    ),
    (
        "toctree contains reference to nonexisting document",
        "the table of contents lists a file that does not exist (deleted or renamed?): "
        "restore the file, or remove its name from this list",
    ),
)


def explain(message: str) -> str:
    for sphinx_says, hint in HINTS:
        if sphinx_says in message:
            return f"{hint} ({message})"
    return message


@contextlib.contextmanager
def exclusive(paths: Paths) -> Iterator[None]:
    """One build at a time (``make serve`` rebuilds while an editor may run ``make html``)."""
    paths.work.mkdir(parents=True, exist_ok=True)
    with open(paths.work / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def run_sphinx(
    paths: Paths, report: Report, status: TextIO | None, jobs: int, overrides: dict[str, str] | None = None
) -> bool:
    from sphinx.application import Sphinx
    from sphinx.errors import ExtensionError, SphinxError
    from sphinx.util.console import nocolor
    from sphinx.util.docutils import docutils_namespace, patch_docutils

    if status is None or not status.isatty():
        nocolor()

    warnings = WarningStream(report)
    try:
        with patch_docutils(paths.handbook), docutils_namespace():
            app = Sphinx(
                srcdir=paths.srcdir,
                confdir=paths.handbook,
                outdir=paths.outdir,
                doctreedir=paths.doctrees,
                buildername="html",
                status=status,
                warning=cast(IO[str], warnings),
                parallel=jobs,
                keep_going=True,
                confoverrides=overrides or {},
            )
            app.build()
    except ExtensionError as error:
        report.add(f"error: the build stopped unexpectedly (a bug in Clausebook, not in your files): {error}")
        return False
    except SphinxError as error:
        report.add(f"handbook/conf.py: error: {error}")
        return False
    warnings.write("\n")
    return app.statuscode == 0


def publish(paths: Paths) -> None:
    """Replace ``_build/html`` by the new site in one step."""
    fresh = paths.build / ".html-new"
    old = paths.build / ".html-old"
    for leftover in (fresh, old):
        shutil.rmtree(leftover, ignore_errors=True)
    shutil.copytree(paths.outdir, fresh, ignore=shutil.ignore_patterns(".buildinfo", ".doctrees"))
    if paths.published.exists():
        os.rename(paths.published, old)
    os.rename(fresh, paths.published)
    shutil.rmtree(old, ignore_errors=True)


def remove_stale_output(paths: Paths) -> None:
    """Sphinx never deletes the pages of documents that are gone (a draft once released, a deleted
    section). Remove output folders whose sources are gone, and pages with no source that the
    extension does not generate."""
    from clausebook.sphinxext.guidance import page_names
    from clausebook.sphinxext.history import CHANGES, CLAUSE_LINKS

    generated = {*page_names(paths.root / "quizzes"), CHANGES}
    generated_folders = {CLAUSE_LINKS}  # pages the extension writes in a folder of their own
    if not paths.outdir.is_dir():
        return
    for page in sorted(paths.outdir.rglob("*.html")):
        relative = page.relative_to(paths.outdir)
        if relative.parts[0].startswith("_") or not page.exists():
            continue
        if relative.parent.name in generated_folders and (paths.srcdir / relative.parent.parent).is_dir():
            continue
        if len(relative.parts) > 1 and not (paths.srcdir / relative.parent).is_dir():
            shutil.rmtree(paths.outdir / relative.parent)  # a whole version gone; generated folders come back
        elif (
            (paths.srcdir / relative.parent / "index.md").exists()
            and relative.stem not in generated
            and not (paths.srcdir / relative.with_suffix(".md")).exists()
        ):
            page.unlink()


def forget_environment(paths: Paths) -> None:
    # A failed build may have read documents whose warnings would not be repeated by an
    # incremental build; the next build reads everything again so no problem is missed.
    shutil.rmtree(paths.doctrees, ignore_errors=True)


def build(
    root: Path,
    *,
    publish_site: bool = True,
    jobs: int = 1,
    quiet: bool = False,
    overrides: dict[str, str] | None = None,
) -> int:
    """Build the handbook at ``root``; return the exit status (0 on success)."""
    paths = Paths(root.resolve())
    report = Report(sys.stderr, paths.root)
    started = time.perf_counter()
    with exclusive(paths):
        for problem in stage(paths.handbook, paths.srcdir, paths.decoded):
            report.problem(problem)
        remove_stale_output(paths)
        ok = run_sphinx(paths, report, None if quiet else sys.stdout, jobs, overrides) and not report.problems
        if not ok:
            forget_environment(paths)
            count = len(report.problems)
            kept = "The published site in _build/html was not changed." if publish_site else ""
            print(
                f"\nThe build found {count} problem{'s' if count != 1 else ''} (listed above). {kept}",
                file=sys.stderr,
            )
            return 1
        if publish_site:
            publish(paths)
    seconds = time.perf_counter() - started
    if not quiet:
        done = (
            f"Built the site in {seconds:.1f} s: open _build/html/index.html"
            if publish_site
            else "No problems found."
        )
        print(done)
    return 0
