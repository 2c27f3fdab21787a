"""Offline after one visit: a service worker at the site's root and the list of files it keeps.

``clausebook_offline`` (on by default) decides it. The build writes

- ``clausebook-sw.js`` (from ``web/clausebook-sw.js``) with the build's stamp in it, so each build
  is a new service worker that the browser picks up on the next visit;
- ``clausebook-offline.json``: every file of the site a reader may need offline, each with a hash
  of its content (the service worker fetches only what changed), and the runtime's folder;
- ``_offline/<hash>.gz``: a gzip copy of each text file in the list, named by its content hash,
  which the service worker fetches and decodes itself (DecompressionStream), so a server that
  compresses nothing (``python3 -m http.server``) still sends the offline copies small;
- on every page, ``_static/clausebook-offline.js``, which registers the service worker, or, when
  the setting is off, removes it and its copies; the setting itself is a ``<meta>`` in the head,
  so the guidance engine reads it too before it keeps anything.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx

from clausebook.web.compression import ENCODINGS
from clausebook.web.engine_assets import LOCK, WHEEL

WEB = Path(__file__).resolve().parent.parent / "web"
WORKER = "clausebook-sw.js"
LIST = "clausebook-offline.json"
SCRIPT = "clausebook-offline.js"
ENGINE_DIR = "_static/pyodide"
COPIES_DIR = "_offline"
# The files worth a gzip copy, with the type the service worker gives the decoded copy (a kept
# copy answers in place of the server's own when offline). Images and fonts are compressed already.
COPY_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".svg": "image/svg+xml",
    ".txt": "text/plain; charset=utf-8",
}
# Printed copies are for printing, and the rest is for Sphinx and tools, not for readers.
LEFT_OUT = (".pdf", ".buildinfo", ".inv", ".map", *ENCODINGS.values())
# The runtime's small files; the engine's worker keeps the large ones as it fetches them.
ENGINE_FILES = ("pyodide.mjs", LOCK, WHEEL)


META = "clausebook-offline"


def add_script(app: Sphinx) -> None:
    app.add_js_file(SCRIPT, type="module")


def add_setting(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    """The setting in the page's head, where every script finds it before it runs."""
    state = "on" if app.config.clausebook_offline else "off"
    context["metatags"] = context.get("metatags", "") + f'\n    <meta name="{META}" content="{state}">'


HASHES = "offline-hashes.json"  # in the doctree folder: the hashes of the last build, by size and time


def _load_hashes(cache: Path | None) -> dict[str, list[Any]]:
    if cache is None:
        return {}
    try:
        data = json.loads(cache.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}  # none yet, or damaged: every file is hashed again
    return data if isinstance(data, dict) else {}


def offline_files(outdir: Path, cache: Path | None = None) -> dict[str, str]:
    """Each file a reader may need offline, with a hash of its content. Hashing every page of a
    large handbook took seconds on each build: a file whose size and time are those of the last
    build keeps its hash (Sphinx writes a page again only when it changes)."""
    before = _load_hashes(cache)
    after: dict[str, list[Any]] = {}
    files = {}
    for path in sorted(outdir.rglob("*")):
        relative = path.relative_to(outdir).as_posix()
        if (
            not path.is_file()
            or relative.startswith((f"{ENGINE_DIR}/", f"{COPIES_DIR}/", "_sources/", "."))
            or relative in (WORKER, LIST)
            or relative.endswith(LEFT_OUT)
        ):
            continue
        stat = path.stat()
        known = before.get(relative)
        if isinstance(known, list) and known[:2] == [stat.st_size, stat.st_mtime_ns]:
            digest = str(known[2])
        else:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
        after[relative] = [stat.st_size, stat.st_mtime_ns, digest]
        files[relative] = digest
    if cache is not None and after != before:
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_text(json.dumps(after), encoding="utf-8")
    return files


def _write_if_changed(path: Path, text: str) -> None:
    # The same list and worker are not written again, so publishing has nothing to copy.
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def write_copies(outdir: Path, files: dict[str, str]) -> str:
    """The gzip copies, named by content hash; a copy no file needs any more is removed."""
    folder = outdir / COPIES_DIR
    folder.mkdir(exist_ok=True)
    wanted = set()
    for relative, digest in files.items():
        if Path(relative).suffix in COPY_TYPES:
            copy = folder / f"{digest}.gz"
            wanted.add(copy.name)
            if copy.is_file():  # named by its content: an existing copy is the same copy
                continue
            data = (outdir / relative).read_bytes()
            # mtime 0: the same bytes every build, so a server's ETag stays the same too.
            partial = copy.with_name(f".{copy.name}.part")
            partial.write_bytes(gzip.compress(data, compresslevel=9, mtime=0))
            partial.replace(copy)
    for old in folder.iterdir():
        if old.name not in wanted:
            old.unlink()
    return f"{COPIES_DIR}/"


def write_service_worker(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    if not app.config.clausebook_offline:
        for name in (WORKER, LIST):
            (outdir / name).unlink(missing_ok=True)
        shutil.rmtree(outdir / COPIES_DIR, ignore_errors=True)
        return
    engines = sorted(p for p in (outdir / ENGINE_DIR).glob("*/") if p.is_dir())
    files = offline_files(outdir, Path(app.doctreedir) / HASHES)
    engine = f"{ENGINE_DIR}/{engines[0].name}/" if engines else ""
    listing = {
        "engine": engine,
        "engine_files": [f"{engine}{name}" for name in ENGINE_FILES] if engine else [],
        "files": files,
        "copies": write_copies(outdir, files),
        "copy_types": COPY_TYPES,
    }
    text = json.dumps(listing, indent=1, sort_keys=True)
    _write_if_changed(outdir / LIST, text)
    stamp = hashlib.sha256(text.encode()).hexdigest()[:16]
    source = (WEB / WORKER).read_text(encoding="utf-8")
    _write_if_changed(outdir / WORKER, source.replace("__CLAUSEBOOK_BUILD__", stamp))


def setup_offline(app: Sphinx) -> None:
    app.connect("builder-inited", add_script)
    app.connect("html-page-context", add_setting)
    # After the Content-Security-Policy is written into the pages (priority 900): the hashes
    # are of the pages as served.
    app.connect("build-finished", write_service_worker, priority=950)
