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
import os
import re
import threading
import time
from collections.abc import Iterable
from pathlib import Path

from clausebook.build import build
from clausebook.compression import ENCODINGS

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

    def log_message(self, format: str, *args: object) -> None:
        pass  # the editor wants build messages, not a line per request


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
            build(root, quiet=True)
            print("Rebuilt." if (root / "_build" / "html").exists() else "", flush=True)
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
