"""Compressed copies of the runtime's large files, made once at build time, for a web server to
send as they are (nginx's ``zstd_static``, ``brotli_static`` and ``gzip_static``; ``make serve``).

Three codings, because browsers and servers differ: zstd decodes several times faster than
brotli (on a first visit over a fast network, brotli's decoding of the 10 MB runtime competes with
the page's first paint: measured 0.05 s later on loopback, and 0.1 s later to the first answer);
brotli reaches browsers without zstd, such as older Safari; gzip reaches every browser and every
server.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import brotli
import zopfli.gzip
import zstandard

# The content codings a server may send, by the suffix of the copy, best first.
ENCODINGS = {"zstd": ".zst", "br": ".br", "gzip": ".gz"}
# Browsers decode HTTP's zstd with at most an 8 MB window (RFC 9659).
ZSTD_WINDOW_LOG = 23
ZSTD_LEVEL = 19
# Brotli's best quality takes 25 s on the 10 MB runtime (once per runtime), and about a minute on a
# 30 MB file; quality 9 takes 1.3 s on that.
BROTLI_LARGE = 16 * 2**20
# zopfli's default of 15 takes three times as long for under 1% more.
ZOPFLI_ITERATIONS = 5
# Copies made by another version of these settings are not reused: a change here makes new ones.
SCHEME = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:12]


def compressed(data: bytes, coding: str) -> bytes:
    if coding == "zstd":
        parameters = zstandard.ZstdCompressionParameters.from_level(
            ZSTD_LEVEL, source_size=len(data), window_log=ZSTD_WINDOW_LOG
        )
        return zstandard.ZstdCompressor(compression_params=parameters).compress(data)
    if coding == "br":
        return bytes(brotli.compress(data, quality=9 if len(data) > BROTLI_LARGE else 11))
    if coding == "gzip":
        # The copy a page decodes itself from a server that compresses nothing, so its size is a
        # first visit's: zopfli's gzip is 3-5% smaller than zlib's best (the runtime 3446 -> 3332 KB),
        # for about a minute once per runtime. Its header has mtime 0: the same bytes every build.
        return bytes(zopfli.gzip.compress(data, numiterations=ZOPFLI_ITERATIONS))
    raise ValueError(f"unknown content coding {coding!r}")


def copies(target: Path) -> dict[str, Path]:
    return {coding: target.with_name(target.name + suffix) for coding, suffix in ENCODINGS.items()}


def write_copy(source: Path, coding: str, destination: Path) -> None:
    """Whole or not at all: an interrupted build leaves no truncated copy for a server to send."""
    partial = destination.with_name(f"{destination.name}.{os.getpid()}.tmp")
    partial.write_bytes(compressed(source.read_bytes(), coding))
    os.replace(partial, destination)


def precompressed(
    files: dict[str, Path],
    store: Path,
    key: Callable[[Path], str],
    progress: Callable[[str], None],
) -> dict[str, Path]:
    """Each file's compressed copies, named as a server looks for them (``name.zst``), kept in
    ``store`` by ``key(file)`` (a hash of its contents) so they are made once."""
    store.mkdir(parents=True, exist_ok=True)
    targets = {name: store / f"{key(path)}-{SCHEME}" for name, path in files.items()}
    with open(store / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another build may be compressing the same files
        todo = [
            (files[name], coding, copy)
            for name, target in targets.items()
            for coding, copy in copies(target).items()
            if not copy.is_file()
        ]
        if todo:
            progress(
                "Compressing the Python runtime for web servers "
                "(once for each version of it, about half a minute)..."
            )
            # The compressors release the GIL: the copies are made side by side.
            with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
                for done in [pool.submit(write_copy, *job) for job in todo]:
                    done.result()
        made = {
            name + ENCODINGS[coding]: copy
            for name, target in targets.items()
            for coding, copy in copies(target).items()
        }
        forget_unused(store, in_use=set(made.values()))
    return made


def forget_unused(store: Path, in_use: set[Path], days: float = 14) -> None:
    """A new runtime makes new copies: copies no build has used for two weeks go."""
    now = time.time()
    for path in in_use:
        os.utime(path, (now, now))
    for path in store.iterdir():
        if path.name != "lock" and path not in in_use and path.stat().st_mtime < now - days * 86400:
            path.unlink(missing_ok=True)
