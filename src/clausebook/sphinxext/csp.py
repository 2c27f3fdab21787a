"""A Content-Security-Policy on every page: nothing may load from anywhere but the site itself.

The policy is a ``<meta>`` tag, so it holds on any static web server. The theme
writes a few inline snippets (a script that restores the reader's light or dark
choice, a style block, ``style`` attributes on its icons); rather than allowing
inline code in general, the policy lists the hash of each snippet on the page.
``'wasm-unsafe-eval'`` lets Pyodide compile its WebAssembly; nothing else is relaxed.
"""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

from sphinx.application import Sphinx

MARKER = 'http-equiv="Content-Security-Policy"'
INLINE_SCRIPT = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>(.*?)</script>", re.S
)
INLINE_STYLE = re.compile(r"<style[^>]*>(.*?)</style>", re.S)
STYLE_ATTRIBUTE = re.compile(r"""\sstyle=(?:"([^"]*)"|'([^']*)')""")
HEAD = re.compile(r"<head[^>]*>\s*(<meta charset=[^>]*>)?", re.I)


def _hash(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


def policy_for(html: str) -> str:
    scripts = sorted({_hash(m) for m in INLINE_SCRIPT.findall(html)})
    styles = sorted({_hash(m) for m in INLINE_STYLE.findall(html)})
    attributes = sorted({_hash(a or b) for a, b in STYLE_ATTRIBUTE.findall(html)})
    style_src = ["'self'", *styles]
    if attributes:
        style_src += ["'unsafe-hashes'", *attributes]
    script_src = ["'self'", "'wasm-unsafe-eval'", *scripts]
    directives = [
        "default-src 'self'",
        "script-src " + " ".join(script_src),
        "style-src " + " ".join(style_src),
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ]
    return "; ".join(directives)


def with_policy(html: str) -> str:
    if MARKER in html:
        return html
    meta = f'<meta {MARKER} content="{policy_for(html)}">'
    match = HEAD.search(html)
    if match is None:
        return html
    # After the charset declaration, before anything the policy governs.
    return html[: match.end()] + "\n    " + meta + html[match.end() :]


def add_policies(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    for page in Path(app.outdir).rglob("*.html"):
        if page.is_relative_to(Path(app.outdir) / "_static"):
            continue
        html = page.read_text(encoding="utf-8")
        updated = with_policy(html)
        if updated != html:
            page.write_text(updated, encoding="utf-8")


def setup_csp(app: Sphinx) -> None:
    app.connect("build-finished", add_policies, priority=900)
