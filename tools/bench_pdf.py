"""Benchmark the PDFs (not a test): ``.venv/bin/python tools/bench_pdf.py``.

Prints, measured in one run on a temporary copy of the handbook:

- seconds per page of rendering a policy's PDF with WeasyPrint (target < 0.5 s);
- for a handbook with ten policy versions, the time of a second build, when every
  PDF comes from the content-hash cache, as a ratio of the first (target < 0.10).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_build import copy_handbook  # noqa: E402 (a sibling tool)
from bench_build import timed_build as timed  # noqa: E402


def pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M)[1])  # type: ignore[index]


def ten_versions(root: Path) -> int:
    """Ten versions of the policy to print: versions that exist, or else numbered copies of the policy."""
    handbook = root / "handbook"
    policy = next(p for p in handbook.iterdir() if (p / "index.md").is_file() and p.name == "social-media")
    for n in range(2, 11):
        copy = handbook / f"{policy.name}-{n}"
        shutil.copytree(policy, copy)
        guidance = root / "quizzes"
        for kind in ("quiz", "rules"):
            source = guidance / f"{policy.name}.{kind}.yaml"
            if source.is_file():
                shutil.copy(source, guidance / f"{policy.name}-{n}.{kind}.yaml")
    return 10


def main() -> None:
    from weasyprint import HTML

    with tempfile.TemporaryDirectory() as tmp:
        root = copy_handbook(Path(tmp) / "one")
        timed(root)
        cache = root / "_build" / ".work" / "pdf-cache"
        html = next(cache.glob("*.html")).read_text(encoding="utf-8")
        HTML(string=html).render()  # warm up WeasyPrint's own start (fonts, stylesheets)
        started = time.perf_counter()
        document = HTML(string=html).render()
        document.write_pdf()
        seconds = time.perf_counter() - started
        count = len(document.pages)
        per_page = seconds / count
        print(
            f"rendering one policy: {count} pages in {seconds:.2f} s = {per_page:.3f} s/page (target < 0.5)"
        )

        many = copy_handbook(Path(tmp) / "ten")
        versions = ten_versions(many)
        first = timed(many)
        second = timed(many)
        pdfs = sorted((many / "_build" / "html").rglob("*.pdf"))
        total = sum(pages(p) for p in pdfs)
        print(f"{versions} versions, {len(pdfs)} PDFs, {total} pages: first build {first:.2f} s")
        ratio = second / first
        print(f"second build, every PDF from the cache: {second:.2f} s = {ratio:.3f} x first (target < 0.10)")


if __name__ == "__main__":
    main()
