"""What a page fetches to run the guidance engine: little, compiled for Pyodide, cacheable for a year."""

from __future__ import annotations

import functools
import gzip
import hashlib
import http.server
import importlib.util
import json
import re
import threading
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path

import brotli
import pytest
import zstandard

from clausebook.commands.serve import Handler, accepted
from clausebook.web.engine_assets import PRECOMPRESSED, find_runtime

HASHED = re.compile(r"[0-9a-f]{16}")


def engine_folder(site: Path) -> Path:
    (folder,) = (site / "_static" / "pyodide").iterdir()
    return folder


def test_engine_folder_holds_only_what_a_page_loads(site: Path) -> None:
    folder = engine_folder(site)
    assert HASHED.fullmatch(folder.name), "the folder is named by a hash of its contents"
    names = sorted(p.name for p in folder.iterdir())
    wheels = [n for n in names if n.endswith("-py3-none-any.whl")]
    assert len(wheels) == 1
    loaded = ["pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip"]
    compressed = [name + suffix for name in loaded for suffix in (".zst", ".br", ".gz")]
    assert names == sorted([*loaded, *compressed, "pyodide-lock.json", *wheels])


DECODERS = {
    "zst": lambda data: zstandard.ZstdDecompressor().decompress(data),
    "br": brotli.decompress,
    "gz": gzip.decompress,
}


@pytest.mark.parametrize("suffix", DECODERS)
@pytest.mark.parametrize("name", PRECOMPRESSED)
def test_compressed_copy_holds_the_same_bytes(site: Path, name: str, suffix: str) -> None:
    folder = engine_folder(site)
    assert DECODERS[suffix]((folder / f"{name}.{suffix}").read_bytes()) == (folder / name).read_bytes()


@pytest.mark.parametrize("name", PRECOMPRESSED)
def test_zstd_copies_fit_a_browsers_decoder(site: Path, name: str) -> None:
    """Browsers refuse an HTTP zstd stream whose window is over 8 MB (RFC 9659)."""
    frame = zstandard.get_frame_parameters((engine_folder(site) / f"{name}.zst").read_bytes())
    assert frame.window_size <= 8 * 2**20


def test_standard_library_on_the_wire_is_under_a_quarter_of_pyodides(site: Path) -> None:
    """The issue's target: what a browser fetches of the standard library, against the npm
    package's python_stdlib.zip (sizes, not times: the same build gives the same bytes)."""
    npm = find_runtime(Path(__file__).parent) / "python_stdlib.zip"
    for suffix in (".zst", ".br"):  # gzip, for browsers with neither, comes to about 30%
        copy = engine_folder(site) / f"python_stdlib.zip{suffix}"
        assert copy.stat().st_size < 0.25 * npm.stat().st_size, suffix


def test_lock_file_names_only_our_wheel_with_its_hash(site: Path) -> None:
    folder = engine_folder(site)
    lock = json.loads((folder / "pyodide-lock.json").read_text(encoding="utf-8"))
    (package,) = lock["packages"].values()
    wheel = folder / package["file_name"]
    assert wheel.is_file()
    assert package["sha256"] == hashlib.sha256(wheel.read_bytes()).hexdigest()
    assert package["depends"] == []


def compiled_files(archive: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(archive) as zipped:
        return {name: zipped.read(name) for name in zipped.namelist() if name.endswith((".py", ".pyc"))}


@pytest.mark.parametrize("archive", ["python_stdlib.zip", "wheel"])
def test_python_ships_byte_compiled_by_pyodides_own_interpreter(site: Path, archive: str) -> None:
    folder = engine_folder(site)
    path = next(folder.glob("*.whl")) if archive == "wheel" else folder / archive
    files = compiled_files(path)
    assert files, f"{archive} holds no Python"
    sources = [name for name in files if name.endswith(".py")]
    assert not sources, f"{archive} ships source the page would compile on every visit: {sources[:5]}"
    magics = {data[:4] for data in files.values()}
    # One interpreter compiled them all, and not the build machine's: a .pyc from the host
    # Python fails in Pyodide with a bad magic number.
    assert len(magics) == 1
    assert magics != {importlib.util.MAGIC_NUMBER}


def test_standard_library_is_trimmed(site: Path) -> None:
    """Pyodide's own start needs about 140 modules; the archive must not carry the other 600."""
    shipped = engine_folder(site) / "python_stdlib.zip"
    with zipfile.ZipFile(shipped) as zipped:
        names = set(zipped.namelist())
    assert "json/__init__.pyc" in names  # the engine reads its bundle with json
    for unused in ("email/mime/text.pyc", "http/client.pyc", "unittest/case.pyc", "sqlite3/__init__.pyc"):
        assert unused not in names
    assert len(names) < 200


@pytest.fixture
def served(tmp_path: Path) -> Iterator[str]:
    """``make serve``'s handler on a free port, over a folder shaped like a built site."""
    engine = tmp_path / "_static" / "pyodide" / "0123456789abcdef"
    engine.mkdir(parents=True)
    (engine / "pyodide.asm.wasm").write_bytes(b"\0asm")
    (engine / "pyodide.asm.wasm.zst").write_bytes(b"zstd's copy")
    (engine / "pyodide.asm.wasm.br").write_bytes(b"brotli's copy")
    (engine / "pyodide.asm.wasm.gz").write_bytes(b"gzip's copy")
    (engine / "pyodide.mjs").write_text("export {};", encoding="utf-8")
    (tmp_path / "index.html").write_text("<!doctype html><title>home</title>", encoding="utf-8")
    (tmp_path / "_static" / "pyodide" / "pyodide.mjs").write_text("export {};", encoding="utf-8")
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Handler, directory=str(tmp_path))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def fetch(url: str, accept_encoding: str | None = None) -> tuple[dict[str, str], bytes]:
    request = urllib.request.Request(url)
    if accept_encoding is not None:
        request.add_header("Accept-Encoding", accept_encoding)
    with urllib.request.urlopen(request) as response:
        return {k.lower(): v for k, v in response.headers.items()}, response.read()


def headers(url: str) -> dict[str, str]:
    return fetch(url)[0]


def test_serve_lets_browsers_keep_the_hashed_runtime_for_a_year(served: str) -> None:
    wasm = headers(f"{served}/_static/pyodide/0123456789abcdef/pyodide.asm.wasm")
    assert wasm["cache-control"] == "public, max-age=31536000, immutable"
    assert wasm["content-type"] == "application/wasm"  # or Pyodide hangs
    module = headers(f"{served}/_static/pyodide/0123456789abcdef/pyodide.mjs")
    assert module["content-type"].startswith("text/javascript")


@pytest.mark.parametrize("path", ["/index.html", "/_static/pyodide/pyodide.mjs"])
def test_serve_has_every_other_file_revalidated(served: str, path: str) -> None:
    assert headers(served + path)["cache-control"] == "no-cache"


@pytest.mark.parametrize(
    ("accept_encoding", "coding", "body"),
    [
        ("gzip, deflate, br, zstd", "zstd", b"zstd's copy"),
        ("gzip, deflate, br", "br", b"brotli's copy"),
        ("gzip, deflate", "gzip", b"gzip's copy"),
        ("br;q=0, gzip;q=0.5", "gzip", b"gzip's copy"),
        ("", None, b"\0asm"),
        ("identity", None, b"\0asm"),
    ],
)
def test_serve_sends_the_compressed_copy_a_browser_accepts(
    served: str, accept_encoding: str, coding: str | None, body: bytes
) -> None:
    got, data = fetch(f"{served}/_static/pyodide/0123456789abcdef/pyodide.asm.wasm", accept_encoding)
    assert got.get("content-encoding") == coding
    assert data == body
    assert got["content-type"] == "application/wasm"  # the file's type, whichever copy is sent
    assert got["content-length"] == str(len(body))
    assert got["vary"] == "Accept-Encoding"  # a cache between must not mix the copies


def test_serve_sends_a_file_without_copies_as_it_is(served: str) -> None:
    got, data = fetch(f"{served}/_static/pyodide/0123456789abcdef/pyodide.mjs", "br, gzip")
    assert "content-encoding" not in got and "vary" not in got
    assert data == b"export {};"


@pytest.mark.parametrize(
    ("header", "codings"),
    [
        ("gzip, deflate, br, zstd", {"gzip", "deflate", "br", "zstd"}),
        ("BR;q=0.8, gzip;q=0", {"br"}),
        ("br;q=zero", set()),
        ("", set()),
    ],
)
def test_accept_encoding_is_read_with_its_weights(header: str, codings: set[str]) -> None:
    assert accepted(header) == codings
