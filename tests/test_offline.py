"""Offline after one visit: what the build gives the service worker, and the setting that turns it off."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
from pathlib import Path

import pytest
from sphinx.testing.util import SphinxTestApp


def listing(site: Path) -> dict:
    return json.loads((site / "clausebook-offline.json").read_text(encoding="utf-8"))


def test_the_service_worker_sits_at_the_root_with_the_builds_stamp(site: Path) -> None:
    worker = (site / "clausebook-sw.js").read_text(encoding="utf-8")
    assert "__CLAUSEBOOK_BUILD__" not in worker
    assert re.search(r'const BUILD = "[0-9a-f]{16}";', worker)


def test_every_page_and_the_manifest_are_kept_by_the_hash_of_their_content(site: Path) -> None:
    files = listing(site)["files"]
    pages = {p.relative_to(site).as_posix() for p in site.rglob("*.html")}
    assert pages <= set(files), pages - set(files)
    for name in ("clausebook.json", "social-media/1.0/clauses.json", "social-media/1.0/guidance.json"):
        assert name in files
    for name, digest in files.items():
        assert hashlib.sha256((site / name).read_bytes()).hexdigest()[:16] == digest, name


def test_printed_copies_and_the_runtimes_large_files_are_not_in_the_list(site: Path) -> None:
    found = listing(site)
    assert not [name for name in found["files"] if name.endswith((".pdf", ".gz", ".zst", ".br"))]
    assert not [name for name in found["files"] if name.startswith("_static/pyodide/")]
    (engine,) = (site / "_static" / "pyodide").iterdir()
    assert found["engine"] == f"_static/pyodide/{engine.name}/"
    for name in found["engine_files"]:
        assert (site / name).is_file(), name
        assert (site / name).stat().st_size < 100_000, "the worker keeps the large files as it fetches them"


def test_every_page_says_it_keeps_copies_and_may_start_workers(site: Path) -> None:
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert '<meta name="clausebook-offline" content="on">' in html, page
        assert "clausebook-offline.js" in html, page
        assert "worker-src 'self'" in html, page


@pytest.mark.sphinx("html", testroot="policy", freshenv=True, confoverrides={"clausebook_offline": False})
def test_a_site_that_must_not_keep_copies_has_no_service_worker(app: SphinxTestApp) -> None:
    app.build()
    out = Path(app.outdir)
    assert not (out / "clausebook-sw.js").exists()
    assert not (out / "clausebook-offline.json").exists()
    # The pages still load the script: it removes a service worker an earlier build installed.
    html = (out / "index.html").read_text(encoding="utf-8")
    assert '<meta name="clausebook-offline" content="off">' in html
    assert "clausebook-offline.js" in html


@pytest.mark.sphinx("html", testroot="policy", freshenv=True)
def test_every_policys_pages_are_listed_on_a_site_without_guidance(app: SphinxTestApp) -> None:
    app.build()
    out = Path(app.outdir)
    files = json.loads((out / "clausebook-offline.json").read_text(encoding="utf-8"))["files"]
    for page in ("index.html", "pay/01-scope.html", "leave/01-leave.html", "pay/clauses.json"):
        assert page in files
    assert json.loads((out / "clausebook-offline.json").read_text(encoding="utf-8"))["engine"] == ""


def test_offline_hashes_are_kept_between_builds_and_follow_a_changed_file(tmp_path: Path) -> None:
    from clausebook.sphinxext.offline import offline_files

    site, cache = tmp_path / "html", tmp_path / "doctrees" / "hashes.json"
    site.mkdir()
    page = site / "page.html"
    page.write_text("first", encoding="utf-8")
    first = offline_files(site, cache)["page.html"]
    assert first == hashlib.sha256(b"first").hexdigest()[:16]

    # Same size and time as the last build: the hash kept is used, the file is not read again.
    stamp = page.stat().st_mtime_ns
    page.write_text("other", encoding="utf-8")
    os.utime(page, ns=(stamp, stamp))
    assert offline_files(site, cache)["page.html"] == first

    page.write_text("changed!", encoding="utf-8")
    assert offline_files(site, cache)["page.html"] == hashlib.sha256(b"changed!").hexdigest()[:16]


def test_each_text_file_has_a_gzip_copy_named_by_its_hash_that_decodes_to_it(site: Path) -> None:
    found = listing(site)
    folder = site / found["copies"]
    copied = [name for name in found["files"] if Path(name).suffix in found["copy_types"]]
    assert "social-media/1.0/should-i-post.html" in copied and "clausebook.json" in copied
    for name in copied:
        copy = folder / f"{found['files'][name]}.gz"
        assert copy.is_file(), f"{name} has no gzip copy"
        assert gzip.decompress(copy.read_bytes()) == (site / name).read_bytes(), name
    # Nothing else in the folder: an old build's copies are not left for a server to send.
    assert {p.name for p in folder.iterdir()} == {f"{found['files'][name]}.gz" for name in copied}
    sent = sum((folder / f"{found['files'][name]}.gz").stat().st_size for name in copied)
    assert sent < sum((site / name).stat().st_size for name in copied) / 2
