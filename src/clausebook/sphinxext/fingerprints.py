"""Skip work whose inputs did not change since the last successful build.

Sphinx itself only rewrites pages whose sources changed; the pages and PDFs this
extension adds are keyed here by a fingerprint of everything they are made from.
The record lives with Sphinx's own state in the work folder, which a failed build
deletes, so a fingerprint never outlives a build that did not finish.
"""

from __future__ import annotations

import hashlib
import json
import types
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx

from clausebook import __version__

RECORD = "clausebook-fingerprints.json"
PACKAGE = Path(__file__).resolve().parent.parent


def fingerprint(*parts: Any) -> str:
    digest = hashlib.sha256(__version__.encode())
    for part in parts:
        digest.update(json.dumps(part, sort_keys=True, default=str).encode())
    return digest.hexdigest()


def _plain(value: Any) -> Any:
    """A setting's value as JSON, the same in every run (a set's order, and a function's address
    in its repr, change from one run to the next)."""
    if isinstance(value, set | frozenset):
        return sorted(json.dumps(v, sort_keys=True, default=_plain) for v in value)
    if isinstance(value, type | types.FunctionType | types.BuiltinFunctionType):
        return f"{value.__module__}.{value.__qualname__}"
    return str(value)


def config_stamp(app: Sphinx) -> str:
    """The settings that shape the pages (those Sphinx rereads or rewrites its own pages for:
    html_title, clausebook_offline, clausebook_organisation...), as one hash. A generated page
    written before a change in conf.py would otherwise keep the old title, or the old offline
    switch, for good."""
    values = {item.name: item.value for item in app.config.filter(frozenset({"env", "html"}))}
    return hashlib.sha256(json.dumps(values, sort_keys=True, default=_plain).encode()).hexdigest()


def code_stamp(app: Sphinx) -> list[Any]:
    """What every generated file depends on besides its content: templates, styles, settings."""
    stamp: list[Any] = [
        str(app.config.clausebook_school),
        str(app.config.clausebook_site_url),
        config_stamp(app),
    ]
    # The extension's own code too: what it escapes and the policy it sets are part of every page.
    folders = [PACKAGE / "templates", PACKAGE / "web", PACKAGE / "sphinxext"] + [
        Path(app.confdir, t) for t in app.config.templates_path
    ]
    for folder in folders:
        for path in sorted(folder.rglob("*")) if folder.is_dir() else ():
            if path.is_file() and "__pycache__" not in path.parts:
                stamp.append((str(path), path.stat().st_mtime_ns))
    return stamp


def doctree_stamp(app: Sphinx, docnames: list[str]) -> list[Any]:
    stamp = []
    for docname in docnames:
        path = Path(app.doctreedir) / f"{docname}.doctree"
        stamp.append((docname, path.stat().st_mtime_ns if path.is_file() else None))
    return stamp


class Fingerprints:
    def __init__(self, app: Sphinx) -> None:
        self.path = Path(app.doctreedir) / RECORD
        try:
            self.before: dict[str, str] = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.before = {}
        self.now: dict[str, str] = dict(self.before)

    def unchanged(self, key: str, value: str, *outputs: Path) -> bool:
        self.now[key] = value
        return self.before.get(key) == value and all(path.is_file() for path in outputs)

    def save(self) -> None:
        self.path.write_text(json.dumps(self.now, indent=1, sort_keys=True), encoding="utf-8")


def fingerprints(app: Sphinx) -> Fingerprints:
    """One record per build, shared by everything that writes."""
    record: Fingerprints | None = getattr(app.builder, "_cb_fingerprints", None)
    if record is None:
        record = Fingerprints(app)
        app.builder._cb_fingerprints = record  # type: ignore[attr-defined]
    return record


def save_fingerprints(app: Sphinx, exception: Exception | None) -> None:
    record: Fingerprints | None = getattr(app.builder, "_cb_fingerprints", None)
    if exception is None and record is not None:
        record.save()


def setup_fingerprints(app: Sphinx) -> None:
    app.connect("build-finished", save_fingerprints, priority=950)
