"""What the browser needs to run the guidance engine: Pyodide, our wheel, a lock file naming it.

- The engine (``clausebook.interactive``) ships as a pure-Python ``py3-none-any``
  wheel built by setuptools' standard backend, cached by a hash of its sources, then
  byte-compiled by Pyodide's own interpreter (as ``pyodide py-compile`` does), so the
  page compiles nothing.
- Pyodide is self-hosted from the pinned npm package ``pyodide``: only the files a
  page loads are copied, never a CDN.
- The lock file lists one package, our wheel, so the runtime fetches nothing else
  (the page unpacks the wheel itself; the runtime still reads a lock file as it starts).
- The memory snapshot a later visit restores is made in the browser, by the engine's worker from its
  own first start (fetching one made here cost a first visit 4 MB more from a plain server).
- The runtime and the standard library sit beside zstd, brotli and gzip copies
  of themselves (``clausebook.web.compression``), for a server to send to browsers that accept them
  (a quarter to a third of the bytes).

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
from collections.abc import Callable
from pathlib import Path

import clausebook
from clausebook import __version__
from clausebook.web import compression

PACKAGE = Path(clausebook.__file__).resolve().parent
ENGINE = PACKAGE / "interactive"
DISTRIBUTION = "clausebook-interactive"
WHEEL = f"clausebook_interactive-{__version__}-py3-none-any.whl"
RUNTIME_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm")
STDLIB = "python_stdlib.zip"
PREPARE_SCRIPT = PACKAGE / "web" / "prepare_engine.mjs"
# The wheel is already deflated and the lock file is a few hundred bytes: not worth a copy.
PRECOMPRESSED = (*RUNTIME_FILES, STDLIB)
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


PAGE_SCRIPTS = tuple(
    PACKAGE / "web" / "static" / name
    for name in ("clausebook-engine.js", "clausebook-widget.js", "clausebook-worker.js")
)


def page_scripts_version() -> str:
    """One content hash for the guidance pages' scripts, put on their addresses (``?v=``) as Sphinx
    does for its own: after an upgrade a browser's kept copy of one is never run with a new page.
    One for the three, because each imports the next with its own ``?v=``: a module at two
    addresses would be two modules, and start two workers."""
    digest = hashlib.sha256()
    for path in PAGE_SCRIPTS:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:8]


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


def file_hash(path: Path, cache: Path) -> str:
    """The content hash of a large file, remembered while its size and time stay the same
    (hashing the 12 MB runtime on every build was most of a build with nothing to do)."""
    info = path.stat()
    memo = cache / "hashes.json"
    try:
        known: dict[str, str] = json.loads(memo.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        known = {}
    key = f"{path.resolve()}:{info.st_size}:{info.st_mtime_ns}"
    if key not in known:
        known[key] = sha256(path)
        memo.write_text(json.dumps(known), encoding="utf-8")
    return known[key]


def node() -> str:
    found = shutil.which("node")
    if found is None:
        raise AssetError("Node.js is needed to prepare the guidance engine: install Node 20 or later")
    return found


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


def prepared(runtime: Path, wheel: Path, bundles: list[Path], cache: Path) -> Path:
    """A folder with the standard library cut down to what the engine loads and the wheel
    byte-compiled, both as .pyc from Pyodide's own compiler.

    Made by running the engine under Pyodide (Node) over the bundles; cached by the hashes
    of the runtime, the wheel and the script, since the engine's imports change only with them.
    """
    key = hashlib.sha256()
    for path in (runtime / STDLIB, runtime / "pyodide.asm.wasm", wheel, PREPARE_SCRIPT):
        key.update(file_hash(path, cache).encode())
    target = cache / f"prepared-{key.hexdigest()[:16]}"
    made = (STDLIB, wheel.name)
    if all((target / name).is_file() for name in made):
        return target
    partial = target.with_suffix(".tmp")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    done = subprocess.run(
        [node(), str(PREPARE_SCRIPT), str(runtime), str(wheel), str(partial), *map(str, bundles)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0 or not all((partial / name).is_file() for name in made):
        shutil.rmtree(partial, ignore_errors=True)
        raise AssetError(f"preparing Python for the browser failed: {done.stderr.strip()[-600:]}")
    shutil.rmtree(target, ignore_errors=True)
    os.replace(partial, target)
    return target


def compressed_store(runtime: Path) -> Path:
    """Where compressed files are kept, by the hash of what they hold: beside the npm packages,
    so every build from this checkout (the tests' too) compresses the 10 MB runtime only once
    (brotli's best takes about 25 s on it), and `npm ci` clears them with the runtime."""
    return runtime.parent / ".cache" / "clausebook"


def install(
    engine_root: Path,
    runtime: Path,
    cache: Path,
    bundles: list[Path],
    progress: Callable[[str], None] = lambda message: None,
) -> Path:
    """Put the runtime, the trimmed standard library, the wheel and the lock file, with
    compressed copies, in a folder named by the hash of its contents (so a server may cache it
    for a year); return that folder."""
    cache.mkdir(parents=True, exist_ok=True)
    ready = prepared(runtime, build_wheel(cache), bundles, cache)
    wheel = ready / WHEEL
    files = {name: runtime / name for name in RUNTIME_FILES}
    files[STDLIB] = ready / STDLIB
    files[wheel.name] = wheel
    lock = json.dumps(lock_file(runtime, wheel), indent=1).encode("utf-8")
    digest = hashlib.sha256(lock + compression.SCHEME.encode())
    for name in sorted(files):
        digest.update(name.encode() + file_hash(files[name], cache).encode())
    folder = engine_root / digest.hexdigest()[:16]
    if not (folder / LOCK).is_file():
        partial = engine_root / f".{folder.name}.tmp"
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir(parents=True)
        compressible = {name: files[name] for name in PRECOMPRESSED}
        copies = compression.precompressed(
            compressible, compressed_store(runtime), lambda path: file_hash(path, cache), progress
        )
        for name, source in {**files, **copies}.items():
            shutil.copyfile(source, partial / name)
            os.chmod(partial / name, 0o644)
        (partial / LOCK).write_bytes(lock)
        os.replace(partial, folder)
    for old in engine_root.iterdir():
        if old != folder:  # an earlier build's runtime: nothing links to it any more
            shutil.rmtree(old) if old.is_dir() else old.unlink()
    return folder
