"""Build the site without ever leaving a half-written one behind.

Sphinx builds into a work folder (kept between runs, so a rebuild only redoes
what changed). Any warning fails the build: the editor sees every problem with
its file and line, and ``_build/html`` is replaced only after a clean build.
"""

from __future__ import annotations

import contextlib
import copy
import fcntl
import io
import logging
import os
import re
import shutil
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO, cast

from sphinx.util.logging import WarningLogRecordTranslator, is_suppressed_warning

from clausebook.problems import NOTICES
from clausebook.sources.confinement import remove_stale_static
from clausebook.sources.staging import editor_path, stage


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
    notices: list[str] = field(default_factory=list)
    show_notices: bool = True

    def add(self, line: str) -> None:
        if line in self.problems:
            return
        self.problems.append(line)
        print(line, file=self.out, flush=True)

    def notice(self, line: str) -> None:
        """Printed, but not a problem: the build still succeeds."""
        if line in self.notices:
            return
        self.notices.append(line)
        if self.show_notices:
            print(line, file=self.out, flush=True)

    def describe(self, location: str | None, message: str, is_notice: bool = False) -> str:
        """'file:line: error: message', the file being the editor's (not the staged link)."""
        label = "notice" if is_notice else "error"
        message = re.sub(r"\s*\[[\w.-]+\]$", "", message)
        if not location or location.startswith("<"):
            # A problem with no place in the sources (a missing package, a wrong setting).
            return f"{label}: {explain(message)}"
        path, _, line = location.rpartition(":") if re.search(r":\d*$", location) else (location, "", "")
        decoded = Paths(self.root).decoded
        # Every problem names a line: a whole-file problem points at the file's first line.
        where = f"{editor_path(path, self.root, decoded)}:{line or 1}"
        # Messages may mention another place in the sources ("first at ..."): name the editor's file.
        message = STAGED_PATH.sub(lambda m: editor_path(m[0], self.root, decoded), message)
        return f"{where}: {label}: {explain(message)}"


class ProblemHandler(logging.Handler):
    """Sphinx's log records, told to the editor as problems and notices, each once.

    The records themselves are read (their level, type, subtype and location), never
    Sphinx's printed text; a problem met twice (the PDF step resolves the same pages
    again) is one problem.
    """

    def __init__(self, report: Report, app: Any) -> None:
        super().__init__(logging.INFO)
        self.report = report
        self.app = app

    def emit(self, record: logging.LogRecord) -> None:
        kind, subtype = getattr(record, "type", "") or "", getattr(record, "subtype", "") or ""
        is_notice = kind == "clausebook" and subtype in NOTICES
        if record.levelno < logging.WARNING and not is_notice:
            return
        if is_suppressed_warning(kind, subtype, getattr(self.app.config, "suppress_warnings", ())):
            return
        located = copy.copy(record)
        WarningLogRecordTranslator(self.app).filter(located)  # type: ignore[arg-type]
        message = logging.LogRecord.getMessage(record)  # without the location Sphinx's record classes prepend
        line = self.report.describe(getattr(located, "location", None), message, is_notice)
        if is_notice:
            self.report.notice(line)
        else:
            self.report.add(line)


def without_notices(record: logging.LogRecord) -> bool:
    return not (getattr(record, "type", "") == "clausebook" and getattr(record, "subtype", "") in NOTICES)


# Sphinx's and MyST's own reports, which the build says in its own words or an editor has no use
# for: the summary ("build finished with problems, 12 warnings (with warnings treated as
# errors)."; the build ends with its own line) and MyST's configuration, printed on every run.
CHATTER = re.compile(r"^(?:\x1b\[[0-9;]*m)*(?:build (?:succeeded|finished)|myst v)")


def without_chatter(record: logging.LogRecord) -> bool:
    return not CHATTER.match(str(record.msg))  # (a message may be a translation proxy)


# Sphinx's steps an editor has nothing to do with (the editor trial: "the output is noisy"):
# what is left is what is read and written, with its progress, the PDFs, and the problems.
STEPS = re.compile(
    r"^(?:\x1b\[[0-9;]*m)*(?:Running Sphinx v|loading translations|making output directory|"
    r"building \[mo\]|loading pickled environment|pickling environment|checking consistency|"
    r"preparing documents|copying |Writing evaluated template result|generating indices|"
    r"writing additional pages|dumping |looking for now-outdated files|no targets are out of date|"
    r"The configuration has changed|building \[html\]: targets for 0 )"
)


# The ends of those steps' lines, which may come after another message ("loading pickled
# environment... ", "The configuration has changed ...", "done").
STEP_ENDS = ("done\n", "none found\n")


class WithoutSteps(io.TextIOBase):
    """Sphinx's progress stream, without its routine steps. A step is written in parts
    ("copying static files... ", then "done"): the parts after the first go too, up to the
    end of its line. Said as Sphinx starts, so a stream, not a log filter (set up later)."""

    def __init__(self, out: TextIO) -> None:
        super().__init__()
        self.out = out
        self.in_step = False
        self.heading = ""  # "reading sources... ", held until something is read

    def write(self, text: str) -> int:
        if self.in_step or STEPS.match(text) or text in STEP_ENDS:
            self.in_step = not text.endswith("\n")
            return len(text)
        if self.heading:
            heading, self.heading = self.heading, ""
            if text == "\n":
                return len(text)  # a step with nothing to do
            self.out.write(heading)
        if text.endswith("... "):
            self.heading = text
            return len(text)
        return self.out.write(text)

    def flush(self) -> None:
        self.out.flush()

    def isatty(self) -> bool:
        return self.out.isatty()


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
    from clausebook.sphinxext.safety import HINTS as SAFETY_HINTS

    for sphinx_says, hint in HINTS:
        if sphinx_says in message:
            return f"{hint} ({message})"
    for docutils_says, hint in SAFETY_HINTS:
        # docutils' words ('"raw" directive disabled.') say nothing an editor can act on.
        if docutils_says in message:
            return hint
    return message


@contextlib.contextmanager
def exclusive(paths: Paths) -> Iterator[None]:
    """One build at a time (``make serve`` rebuilds while an editor may run ``make html``)."""
    paths.work.mkdir(parents=True, exist_ok=True)
    with open(paths.work / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def run_sphinx(
    paths: Paths,
    report: Report,
    status: TextIO | None,
    jobs: int,
    overrides: dict[str, str] | None = None,
    verbose: bool = False,
) -> bool:
    from sphinx.application import Sphinx
    from sphinx.errors import ExtensionError, SphinxError
    from sphinx.util.console import nocolor
    from sphinx.util.docutils import docutils_namespace, patch_docutils
    from sphinx.util.logging import NAMESPACE as SPHINX_LOGGER

    if status is None or not status.isatty():
        nocolor()

    handler: ProblemHandler | None = None
    # MyST reports its configuration while Sphinx starts, before Sphinx's own handlers exist.
    myst = logging.getLogger(f"{SPHINX_LOGGER}.myst_parser.sphinx_ext.main")
    if not verbose:
        myst.addFilter(without_chatter)
    try:
        with patch_docutils(paths.handbook), docutils_namespace():
            app = Sphinx(
                srcdir=paths.srcdir,
                confdir=paths.handbook,
                outdir=paths.outdir,
                doctreedir=paths.doctrees,
                buildername="html",
                status=status if status is None or verbose else cast(TextIO, WithoutSteps(status)),
                # Problems are collected from the log records (below), not from Sphinx's text.
                warning=io.StringIO(),
                parallel=jobs,
                warningiserror=True,
                confoverrides=overrides or {},
            )
            handler = ProblemHandler(report, app)
            # Notices are told once, by the handler; Sphinx's own progress stream leaves them out.
            for sphinx_handler in logging.getLogger(SPHINX_LOGGER).handlers:
                sphinx_handler.addFilter(without_notices)
                if not verbose:
                    sphinx_handler.addFilter(without_chatter)
            # "The HTML pages are in _build/.work/html.": the site is where the build ends by saying.
            app.builder.epilog = ""  # type: ignore[misc]
            logging.getLogger(SPHINX_LOGGER).addHandler(handler)
            app.build()
    except ExtensionError as error:
        report.add(f"error: the build stopped unexpectedly (a bug in Clausebook, not in your files): {error}")
        return False
    except SphinxError as error:
        report.add(f"handbook/conf.py: error: {error}")
        return False
    finally:
        myst.removeFilter(without_chatter)
        if handler is not None:
            logging.getLogger(SPHINX_LOGGER).removeHandler(handler)
    return app.statuscode == 0


# Sphinx's own records (.buildinfo.bak is the old one, kept when the settings change).
PUBLISH_IGNORED = (".buildinfo", ".buildinfo.bak", ".doctrees")
PUBLISHING = ".publishing-"  # the prefix of a file being written; never a name the site uses


def _same_file(source: Path, target: Path) -> bool:
    """Whether ``target`` already holds ``source``: size and time first (a copy keeps the
    time), then the bytes, since Sphinx rewrites many pages with the same content."""
    if not target.is_file() or target.is_symlink():
        return False
    mine, theirs = source.stat(), target.stat()
    if mine.st_size != theirs.st_size:
        return False
    if mine.st_mtime_ns == theirs.st_mtime_ns:
        return True
    with source.open("rb") as a, target.open("rb") as b:
        while True:
            chunk = a.read(1 << 20)
            if chunk != b.read(1 << 20):
                return False
            if not chunk:
                break
    os.utime(target, ns=(theirs.st_atime_ns, mine.st_mtime_ns))  # the next build skips the bytes
    return True


def _make_folder(folder: Path, top: Path) -> None:
    # A file where the new site has a folder (or the reverse) goes: the new site wins.
    for parent in [*reversed(folder.relative_to(top).parents), folder.relative_to(top)]:
        place = top / parent
        if place.is_symlink() or (place.exists() and not place.is_dir()):
            place.unlink()
    folder.mkdir(parents=True, exist_ok=True)


def publish(paths: Paths) -> None:
    """Bring ``_build/html`` up to the new site, copying only the files that changed.

    Each file is written under a temporary name in its own folder and renamed over the old one,
    so a reader (``make serve``) never sees half a file and a failure leaves none half-written.
    New and changed files go first and stale ones last, so no page ever links to a file that is
    not there yet. Copying the whole site on every build was most of a rebuild after one edit.
    """
    source, target = paths.outdir, paths.published
    for leftover in (paths.build / ".html-new", paths.build / ".html-old"):  # the old way of publishing
        shutil.rmtree(leftover, ignore_errors=True)
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        target.unlink()
    wanted: set[Path] = set()
    folders: set[Path] = {Path(".")}
    for path in sorted(source.rglob("*")):
        relative = path.relative_to(source)
        if any(part in PUBLISH_IGNORED for part in relative.parts):
            continue
        if path.is_dir():
            folders.add(relative)
            continue
        wanted.add(relative)
        destination = target / relative
        if _same_file(path, destination):
            continue
        _make_folder(destination.parent, target)
        if destination.is_dir() and not destination.is_symlink():
            shutil.rmtree(destination)
        temporary = destination.with_name(PUBLISHING + destination.name)
        try:
            shutil.copy2(path, temporary)
            os.replace(temporary, destination)
        finally:
            temporary.unlink(missing_ok=True)
    for path in sorted(target.rglob("*"), reverse=True):  # deepest first, so folders empty before they go
        relative = path.relative_to(target)
        if path.is_dir() and not path.is_symlink():
            if relative not in folders:
                shutil.rmtree(path)
        elif relative not in wanted:
            path.unlink()


def remove_stale_output(paths: Paths) -> None:
    """Sphinx never deletes the pages of documents that are gone (a draft once released, a deleted
    section). Remove output folders whose sources are gone, and pages with no source that the
    extension does not generate."""
    from clausebook.sphinxext.guidance_pages import page_names
    from clausebook.sphinxext.history import CHANGES, CLAUSE_LINKS

    generated_folders = {CLAUSE_LINKS}  # pages the extension writes in a folder of their own
    generated: dict[Path, set[str]] = {}  # by version folder: the pages its guidance files write
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
            and not (paths.srcdir / relative.with_suffix(".md")).exists()
            and relative.stem != CHANGES
        ):
            if relative.parent not in generated:
                generated[relative.parent] = page_names(paths.srcdir / relative.parent)
            if relative.stem not in generated[relative.parent]:
                page.unlink()


def forget_environment(paths: Paths) -> None:
    # A failed build may have read documents whose warnings would not be repeated by an
    # incremental build; the next build reads everything again so no problem is missed.
    # Its pages go too: a page written from sources that were refused (a policy's sections
    # staged as loose pages while its front matter was broken) must never reach the site.
    shutil.rmtree(paths.doctrees, ignore_errors=True)
    shutil.rmtree(paths.outdir, ignore_errors=True)


@contextlib.contextmanager
def kept_model(paths: Paths) -> Iterator[Any]:
    """The model the commands read (release, pins, tree-record) stays the last good build's: a
    refused build, one with a released version missing say, would otherwise leave a model
    without it (found: a later command read a handbook with no 1.0)."""
    from clausebook.modelfile import MODEL

    model = paths.work / MODEL
    last = model.with_name(MODEL + ".last-good")
    if model.is_file():
        shutil.copy2(model, last)
    refused: list[bool] = []
    try:
        yield refused.append
    finally:
        if refused and refused[-1] and last.is_file():
            os.replace(last, model)
        else:
            last.unlink(missing_ok=True)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count != 1 else ''}"


SHOWN_FILES = 5  # the last line stays readable; every problem was printed above


def where_problems_are(problems: list[str]) -> str:
    """The files and lines of the problems, as one phrase: "handbook/a.md (lines 3, 9) and
    conf.py (line 2)". Each problem was printed as it was found, higher up a long output; the
    last line says where they all are, without printing any twice."""
    lines: dict[str, set[int]] = {}
    for problem in problems:
        found = re.match(r"(.+?):(\d+): ", problem)
        if found:
            lines.setdefault(found[1], set()).add(int(found[2]))
    if not lines:
        return ""
    files = [
        f"{path} ({'line' if len(numbers) == 1 else 'lines'} {', '.join(map(str, sorted(numbers)))})"
        for path, numbers in sorted(lines.items())
    ]
    if len(files) > SHOWN_FILES:
        return f"{', '.join(files[:SHOWN_FILES])} and {_plural(len(files) - SHOWN_FILES, 'more file')}"
    return files[0] if len(files) == 1 else f"{', '.join(files[:-1])} and {files[-1]}"


def refusal(problems: list[str], publish_site: bool) -> str:
    """The build's last line when it refused: how many problems, where, and that nothing changed."""
    if not problems:
        found = "Refused: the build failed (a bug in Clausebook, not in your files: please report it)"
    else:
        where = where_problems_are(problems)
        found = f"Refused: {_plural(len(problems), 'problem')} in the sources"
        found += f", in {where}" if where else ""
    return f"{found}; {'the published site is unchanged' if publish_site else 'nothing was written'}."


def build(
    root: Path,
    *,
    publish_site: bool = True,
    jobs: int = 1,
    quiet: bool = False,
    overrides: dict[str, str] | None = None,
    told: list[str] | None = None,
    verbose: bool = False,
    show_notices: bool = True,
) -> int:
    """Build the handbook at ``root``; return the exit status (0 on success). The notices
    printed are added to ``told``, if given (``make release`` repeats some in its summary)."""
    paths = Paths(root.resolve())
    report = Report(
        sys.stderr, paths.root, notices=told if told is not None else [], show_notices=show_notices
    )
    started = time.perf_counter()
    with exclusive(paths):
        # Its problems are reported by the extension (so plain sphinx-build reports them too).
        stage(paths.handbook, paths.srcdir, paths.decoded)
        remove_stale_output(paths)
        remove_stale_static(paths.outdir)
        status = None if quiet else sys.stdout
        with kept_model(paths) as keep:
            ok = run_sphinx(paths, report, status, jobs, overrides, verbose) and not report.problems
            keep(not ok)
        if not ok:
            forget_environment(paths)
            print(f"\n{refusal(report.problems, publish_site)}", file=sys.stderr)
            return 1
        if publish_site:
            publish(paths)
    seconds = time.perf_counter() - started
    if not quiet:
        noticed = f" ({_plural(len(report.notices), 'notice')} above)" if report.notices else ""
        done = (
            f"Built the site in {seconds:.1f} s{noticed}: open _build/html/index.html"
            if publish_site
            else f"No problems found{noticed}."
        )
        print(done)
    return 0
