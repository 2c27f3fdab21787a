"""What `make html` prints: the build's own words, each thing once, and nothing an editor has no
use for (Sphinx's summary and output folder, MyST's configuration)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


def build(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`make html` as an editor runs it: not quiet."""
    command = [sys.executable, "-m", "clausebook", "--root", str(root), "build", *args]
    return subprocess.run(command, capture_output=True, text=True, check=False)


def test_a_build_ends_by_saying_where_the_site_is_and_names_each_pdf_once(handbook: Path) -> None:
    for printed in (handbook / "_build" / ".work" / "html").rglob("*.pdf"):
        printed.unlink()  # so that both PDFs (the release's and the draft's) are printed again
    page = next((handbook / "handbook" / "social-media").glob("03-*.md"))
    os.utime(page)  # read again, so the build has pages to read and write
    done = build(handbook)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.rstrip().splitlines()
    assert lines[-1].startswith("Built the site in") and lines[-1].endswith(": open _build/html/index.html")
    # Notices were printed as they were found; the last line says there are some to read.
    notices = [line for line in done.stderr.splitlines() if "notice: " in line]
    assert notices, "the repository's handbook has a notice (no accessibility contact)"
    assert f"({len(notices)} notice{'s' if len(notices) != 1 else ''} above)" in lines[-1], lines[-1]
    assert "The HTML pages are in" not in done.stdout and "build succeeded" not in done.stdout
    assert "MdParserConfig" not in done.stdout and "myst v" not in done.stdout
    # Sphinx's routine steps are left out (editor trial: "noisy"); the progress of the work stays.
    for step in ("Running Sphinx", "copying static files", "Writing evaluated template", "dumping "):
        assert step not in done.stdout, step
    assert "reading sources... [100%]" in done.stdout and "writing output... [100%]" in done.stdout
    assert not [line for line in lines if line.strip() == "done"], "no step's 'done' left on its own"
    title = json.loads((handbook / "_build/html/clausebook.json").read_text("utf-8"))["policies"][0]["title"]
    pdfs = sorted(line.split(":")[0] for line in lines if line.startswith("PDF of "))
    assert pdfs == [f"PDF of {title} 1.0", f"PDF of {title}, draft of changes to 1.0"], pdfs


def test_a_refused_build_ends_with_one_line_in_the_editors_words(handbook: Path) -> None:
    page = next((handbook / "handbook" / "social-media").glob("03-*.md"))
    page.write_text(page.read_text(encoding="utf-8") + "\nSee {clause}`3.99`.\n", "utf-8")
    done = build(handbook)
    assert done.returncode != 0
    line = page.read_text(encoding="utf-8").splitlines().index("See {clause}`3.99`.") + 1
    # The problem was printed where it was found, higher up; the last line says where it is.
    assert done.stderr.rstrip().splitlines()[-1] == (
        f"Refused: 1 problem in the sources, in handbook/social-media/{page.name} (line {line}); "
        "the published site is unchanged."
    )
    assert "warnings treated as errors" not in done.stdout + done.stderr
    assert "build finished with problems" not in done.stdout
