"""What the browser needs to run the guidance engine: Pyodide, our wheel, a lock file naming it.

- The engine (``clausebook.interactive``) ships as a pure-Python ``py3-none-any``
  wheel built by setuptools' standard backend, cached by a hash of its sources.
- Pyodide is self-hosted from the pinned npm package ``pyodide``: only the files a
  page loads are copied, never a CDN.
- The lock file lists one package, our wheel, so the runtime fetches nothing else.

``pyodide-build`` is not used: it needs Python 3.12 or later (see README).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from clausebook import __version__

PACKAGE = Path(__file__).resolve().parent
ENGINE = PACKAGE / "interactive"
DISTRIBUTION = "clausebook-interactive"
WHEEL = f"clausebook_interactive-{__version__}-py3-none-any.whl"
RUNTIME_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip")
LOCK = "pyodide-lock.json"
# Wheels are zip files with dates in them; a fixed date makes the same sources give the same bytes.
REPRODUCIBLE_DATE = "315532800"  # 1980-01-01, the earliest date a zip file can hold

PYPROJECT = f"""\
[build-system]
requires = ["setuptools"]
build-backend = "setuptools.build_meta"

[project]
name = "{DISTRIBUTION}"
version = "{__version__}"
description = "Clausebook's guidance engine (quizzes and decision trees), standard library only."
requires-python = ">=3.11"

[tool.setuptools]
packages = ["clausebook.interactive"]
package-dir = {{"" = "src"}}
"""


class AssetError(RuntimeError):
    """Something the engine needs in the browser is missing; the message says how to get it."""


def engine_sources() -> list[Path]:
    return sorted(ENGINE.glob("*.py"))


def sources_digest() -> str:
    digest = hashlib.sha256(PYPROJECT.encode())
    for path in engine_sources():
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def build_wheel(cache: Path) -> Path:
    """The engine's wheel, built once per version of its sources."""
    folder = cache / f"engine-{sources_digest()[:16]}"
    wheel = folder / WHEEL
    if wheel.is_file():
        return wheel
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp)
        (project / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
        target = project / "src" / "clausebook" / "interactive"
        target.mkdir(parents=True)
        for path in engine_sources():
            shutil.copy2(path, target / path.name)
        out = project / "dist"
        env = {**os.environ, "SOURCE_DATE_EPOCH": REPRODUCIBLE_DATE}
        subprocess.run(
            [
                sys.executable,
                "-c",
                f"from setuptools import build_meta; build_meta.build_wheel({str(out)!r})",
            ],
            cwd=project,
            env=env,
            check=True,
            capture_output=True,
        )
        folder.mkdir(parents=True, exist_ok=True)
        built = out / WHEEL
        # Built wheels come out readable by their owner only; a web server must read them.
        os.chmod(built, 0o644)
        shutil.copy2(built, wheel)
    return wheel


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def find_runtime(start: Path) -> Path:
    """The npm package ``pyodide`` in the nearest ``node_modules`` above ``start`` (or here)."""
    for folder in (start, *start.parents, Path.cwd()):
        candidate = folder / "node_modules" / "pyodide"
        if (candidate / "pyodide.mjs").is_file():
            return candidate
    raise AssetError(
        "Pyodide is not installed, so the quiz and the decision tree cannot run: "
        "run 'npm ci' in the repository ('make html' does it for you)"
    )


def lock_file(runtime: Path, wheel: Path) -> dict[str, object]:
    """A lock file naming only our wheel (the runtime's own lists 357 packages we never load)."""
    info = json.loads((runtime / LOCK).read_text(encoding="utf-8"))["info"]
    return {
        "info": info,
        "packages": {
            DISTRIBUTION: {
                "name": DISTRIBUTION,
                "version": __version__,
                "file_name": wheel.name,
                "install_dir": "site",
                "sha256": sha256(wheel),
                "package_type": "package",
                "imports": ["clausebook"],
                "depends": [],
                "unvendored_tests": False,
            }
        },
    }


def copy_if_changed(source: Path, target: Path) -> None:
    same_size = target.is_file() and target.stat().st_size == source.stat().st_size
    if same_size and target.stat().st_mtime >= source.stat().st_mtime:
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source, target)
    os.chmod(target, 0o644)


def install(outdir: Path, runtime: Path, cache: Path) -> Path:
    """Put the runtime, the wheel and the lock file in ``outdir``; return that folder."""
    wheel = build_wheel(cache)
    for name in RUNTIME_FILES:
        copy_if_changed(runtime / name, outdir / name)
    copy_if_changed(wheel, outdir / wheel.name)
    lock = json.dumps(lock_file(runtime, wheel), indent=1)
    if not (outdir / LOCK).is_file() or (outdir / LOCK).read_text(encoding="utf-8") != lock:
        (outdir / LOCK).write_text(lock, encoding="utf-8")
    return outdir
