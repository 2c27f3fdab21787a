"""``make serve``: the published site on localhost, rebuilt whenever a source changes.

It serves ``_build/html`` exactly as a static web server would (that folder is
only ever replaced whole, so a reader never sees a half-built site), with the
types Pyodide needs (``.wasm``, ``.mjs``), the cache headers the README
recommends for a production server, and, like nginx's ``zstd_static``,
``brotli_static`` and ``gzip_static``, the build's compressed copy of a file to a
browser that accepts it.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import io
import os
import re
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterable
from http import HTTPStatus
from pathlib import Path
from typing import TextIO

from markupsafe import escape

from clausebook.commands.build import build
from clausebook.web.compression import ENCODINGS

WATCHED = ("handbook", "quizzes", "templates", "src/clausebook")
# The runtime lives in a folder named by the hash of its contents: safe to cache for a year.
IMMUTABLE = re.compile(r"^/_static/pyodide/[0-9a-f]{16}/")


def accepted(header: str) -> set[str]:
    """The content codings an Accept-Encoding header allows (``br;q=0`` refuses brotli)."""
    codings = set()
    for item in header.split(","):
        name, _, parameters = item.partition(";")
        quality = 1.0
        for parameter in parameters.split(";"):
            key, _, value = parameter.strip().partition("=")
            if key.lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if name.strip() and quality > 0:
            codings.add(name.strip().lower())
    return codings


class Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {  # noqa: RUF012 (the base class declares it so)
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".wasm": "application/wasm",
        ".mjs": "text/javascript",
        ".js": "text/javascript",
        ".json": "application/json",
        ".whl": "application/zip",
    }

    coding: str | None = None  # the precompressed copy being sent, if any
    varies = False  # whether a compressed copy of the file exists, sent or not

    def send_head(self):  # type: ignore[no-untyped-def]  # (untyped in the standard library)
        self.coding, self.varies = None, False  # one connection may carry several requests
        return super().send_head()

    def translate_path(self, path: str) -> str:
        local = super().translate_path(path)
        allowed = accepted(self.headers.get("Accept-Encoding", ""))
        for coding, suffix in ENCODINGS.items():  # best first
            if os.path.isfile(local + suffix):
                self.varies = True
                if coding in allowed or "*" in allowed:
                    self.coding = coding
                    return local + suffix
        return local

    def guess_type(self, path: str | os.PathLike[str]) -> str:
        path = os.fspath(path)
        if self.coding is not None:
            path = path.removesuffix(ENCODINGS[self.coding])
        return super().guess_type(path)

    def end_headers(self) -> None:
        if IMMUTABLE.match(self.path):
            self.send_header("Cache-Control", "public, max-age=31536000, immutable")
        else:
            self.send_header("Cache-Control", "no-cache")
        if self.varies:  # so a cache between keeps one copy for each coding
            self.send_header("Vary", "Accept-Encoding")
        if self.coding is not None:
            self.send_header("Content-Encoding", self.coding)
        super().end_headers()

    def list_directory(self, path: str | os.PathLike[str]) -> io.BytesIO | None:
        """A folder with no index.html: a page of our own naming what is in it, never the standard
        library's raw listing (its names are escaped, and it runs nothing)."""
        try:
            entries = sorted(os.scandir(path), key=lambda e: (not e.is_dir(), e.name.lower()))
        except OSError:
            self.send_error(HTTPStatus.NOT_FOUND, "No such folder")
            return None
        body = folder_page(urllib.parse.unquote(self.path.split("?")[0]), entries).encode("utf-8")
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Content-Security-Policy", "default-src 'none'")
        self.end_headers()
        return io.BytesIO(body)

    def log_message(self, format: str, *args: object) -> None:
        pass  # the editor wants build messages, not a line per request


def folder_page(url: str, entries: Iterable[os.DirEntry[str]]) -> str:
    items = "".join(
        f'<li><a href="{escape(urllib.parse.quote(e.name + ("/" if e.is_dir() else "")))}">'
        f"{escape(e.name)}{'/' if e.is_dir() else ''}</a></li>"
        for e in entries
        if not e.name.startswith(".")
    )
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{escape(url)}: a folder of the site</title></head><body>"
        f"<h1>{escape(url)}</h1><p>This folder of the site has no page of its own "
        "(make serve shows this to editors; a web server would not). "
        '<a href="/index.html">Go to the handbook\'s home page</a>.</p>'
        f"<ul>{items}</ul></body></html>\n"
    )


class ProblemCount(io.TextIOBase):
    """The build's messages, passed on as they are, remembering how many problems it found."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.problems = 0

    def write(self, text: str) -> int:
        found = re.search(r"Refused: (\d+) problem", text)
        if found:
            self.problems = int(found[1])
        return self.out.write(text)

    def flush(self) -> None:
        self.out.flush()


def rebuild(root: Path) -> str:
    """Build once more; what to tell the editor about it."""
    counting = ProblemCount(sys.stderr)
    with contextlib.redirect_stderr(counting):
        status = build(root, quiet=True)
    if status == 0:
        return "Rebuilt."
    count = counting.problems
    plural = "s" if count != 1 else ""
    return f"Rebuild failed: {count} problem{plural} (listed above). The site shown is the last good one."


def snapshot(root: Path, folders: Iterable[str] = WATCHED) -> dict[str, float]:
    seen = {}
    for folder in folders:
        for path in (root / folder).rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                seen[str(path)] = path.stat().st_mtime
    return seen


def watch(root: Path, interval: float = 1.0) -> None:
    before = snapshot(root)
    while True:
        time.sleep(interval)
        now = snapshot(root)
        if now != before:
            print("\nA source changed: rebuilding...", flush=True)
            print(rebuild(root), flush=True)
            before = now


def serve(root: Path, host: str = "127.0.0.1", port: int = 8000) -> int:
    root = root.resolve()
    status = build(root)
    site = root / "_build" / "html"
    if not site.exists():
        return status
    threading.Thread(target=watch, args=(root,), daemon=True).start()
    handler = functools.partial(Handler, directory=os.fspath(site))
    with http.server.ThreadingHTTPServer((host, port), handler) as server:
        print(f"Serving the site on http://{host}:{port}/ (Ctrl+C to stop). Rebuilding on every change.")
        with contextlib.suppress(KeyboardInterrupt):
            server.serve_forever()
    return 0
