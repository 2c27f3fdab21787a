"""A Content-Security-Policy on every page: nothing may load from anywhere but the site itself.

The policy is a ``<meta>`` tag, the first thing after the charset, so it holds on any
static web server. The theme writes a few inline snippets (a script that restores the
reader's light or dark choice, a style block, ``style`` attributes on its icons);
rather than allowing inline code in general, the policy lists the hash of each.

The policy is decided by the build from what the templates emit, never from what a
page contains: for each template, the page is rendered once more with everything that
comes from the sources left out (the Markdown's body, its table of contents, its
navigation, its meta tags), and only the snippets of that skeleton are hashed. The
result is kept per template for the whole build, so a snippet pasted into a source can
never be allowed by it, and no string in a page can change or remove it. Of the skeleton's
scripts, only those written as they are in a template the package or the theme ships are
allowed: a script added in the handbook's own templates/ (or by conf.py) is published but
never runs.
``'wasm-unsafe-eval'`` lets Pyodide compile its WebAssembly; nothing else is relaxed.
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markupsafe import Markup
from sphinx.application import Sphinx

PACKAGE_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
INLINE_SCRIPT = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>(.*?)</script>", re.S
)
INLINE_STYLE = re.compile(r"<style[^>]*>(.*?)</style>", re.S)
STYLE_ATTRIBUTE = re.compile(r"""\sstyle=(?:"([^"]*)"|'([^']*)')""")

# What a page's context holds from the sources; the skeleton is rendered without it.
FROM_SOURCES: dict[str, Any] = {
    "body": "",
    "toc": "",
    "display_toc": False,
    "metatags": "",
    "title": "",
    "meta": {},
    "next": None,
    "prev": None,
    "parents": [],
    "furo_navigation_tree": "",
    "furo_hide_toc": True,
}


def _hash(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


@dataclass(frozen=True)
class Policy:
    """The hashes of a template's inline snippets, and the policy they make."""

    scripts: tuple[str, ...]
    styles: tuple[str, ...]
    style_attributes: tuple[str, ...]

    @classmethod
    def of_skeleton(cls, html: str, shipped: frozenset[str] | None = None) -> Policy:
        """The policy of a skeleton; with ``shipped``, only the scripts among them are allowed."""
        scripts = [m for m in INLINE_SCRIPT.findall(html) if shipped is None or m in shipped]
        return cls(
            tuple(sorted({_hash(m) for m in scripts})),
            tuple(sorted({_hash(m) for m in INLINE_STYLE.findall(html)})),
            tuple(sorted({_hash(a or b) for a, b in STYLE_ATTRIBUTE.findall(html)})),
        )

    def header(self) -> str:
        style_src = ["'self'", *self.styles]
        if self.style_attributes:
            style_src += ["'unsafe-hashes'", *self.style_attributes]
        script_src = ["'self'", "'wasm-unsafe-eval'", *self.scripts]
        directives = [
            "default-src 'self'",
            "script-src " + " ".join(script_src),
            "style-src " + " ".join(style_src),
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            # The guidance engine's Web Worker and the offline service worker, both the site's own.
            "worker-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
        ]
        return "; ".join(directives)

    def meta(self) -> Markup:
        header = self.header()
        # Made of the directives above and base64 digests only: nothing in it needs escaping.
        assert not set(header) & set('"<>&'), header
        return Markup(f'<meta http-equiv="Content-Security-Policy" content="{header}">')


def shipped_scripts(app: Sphinx) -> frozenset[str]:
    """The inline scripts written, word for word, in the templates of the package and the theme
    (never of the handbook's templates_path, which comes first in the loader's folders)."""
    loader = app.builder.templates  # type: ignore[attr-defined]
    folders = [Path(p) for sub in loader.loaders[loader.templatepathlen :] for p in sub.searchpath]
    scripts: set[str] = set()
    for folder in [PACKAGE_TEMPLATES, *folders]:
        for path in sorted(folder.rglob("*.html")) if folder.is_dir() else ():
            scripts.update(INLINE_SCRIPT.findall(path.read_text(encoding="utf-8")))
    return frozenset(scripts)


def skeleton_policy(app: Sphinx, templatename: str, context: dict[str, Any]) -> Policy:
    """The policy of every page made from ``templatename`` in this build."""
    cache: dict[str, Policy] = app.builder.__dict__.setdefault("_cb_policies", {})
    if templatename not in cache:
        if "_cb_shipped_scripts" not in app.builder.__dict__:
            app.builder._cb_shipped_scripts = shipped_scripts(app)  # type: ignore[attr-defined]
        shipped: frozenset[str] = app.builder._cb_shipped_scripts  # type: ignore[attr-defined]
        skeleton = app.builder.templates.render(templatename, {**context, **FROM_SOURCES})  # type: ignore[attr-defined]
        cache[templatename] = Policy.of_skeleton(skeleton, shipped)
    return cache[templatename]


def add_policy(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    if app.builder.format != "html":
        return
    policy = skeleton_policy(app, templatename, context)
    # First in the head (the theme writes meta tags right after the charset), before anything it governs.
    context["metatags"] = policy.meta() + Markup(context.get("metatags", ""))


def setup_csp(app: Sphinx) -> None:
    # Last, so the skeleton is the page as every other handler left it.
    app.connect("html-page-context", add_policy, priority=999)
