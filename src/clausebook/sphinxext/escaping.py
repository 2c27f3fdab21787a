"""Every string from the sources is escaped wherever it is put into HTML.

Quiz titles, tree questions, front matter and headings are the editors' words: in a
page they must stay words. Clausebook's templates and the handbook's own template
overrides are rendered with Jinja2's autoescaping on, so ``{{ value }}`` is always
escaped (a ``"`` cannot end an attribute, a ``<script>`` is text); HTML built on
purpose in Python is marked with :class:`markupsafe.Markup`, and Python builds
attributes with :func:`start_tag`, never by joining strings.

The theme's own templates (Furo, Sphinx's ``basic``) are left as they are: they put
HTML that Sphinx has already escaped (the page's body, its navigation) into the page.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from markupsafe import Markup, escape
from sphinx.application import Sphinx

PACKAGE_PREFIX = "clausebook/"


def start_tag(tag: str, **attributes: str | int | None) -> Markup:
    """``<tag name="value" ...>`` with every value escaped; a ``None`` value is left out.

    A trailing underscore is dropped and other underscores become hyphens:
    ``class_="x", aria_label="y"`` gives ``class="x" aria-label="y"``.
    """
    parts = [Markup("<{}").format(tag)]
    for name, value in attributes.items():
        if value is None:
            continue
        parts.append(Markup(' {}="{}"').format(name.rstrip("_").replace("_", "-"), escape(str(value))))
    return Markup("").join(parts) + Markup(">")


def handbook_template_names(app: Sphinx) -> frozenset[str]:
    """The names of the templates a handbook or Clausebook writes (the ``templates_path`` folders).

    The package's own overrides of the theme's pages (``search.html``) count too: a page's
    root template decides whether ``super()`` returns markup, so a theme page extended by an
    escaping template and an escaping ``page.html`` must escape alike (found: the search page
    published as escaped text).
    """
    names = set()
    for folder in app.config.templates_path:
        root = (Path(app.confdir) / folder).resolve()
        if not root.is_dir():
            continue
        names |= {p.relative_to(root).as_posix() for p in root.rglob("*.html")}
    return frozenset(names)


def escaping_rule(own: frozenset[str]) -> Callable[[str | None], bool]:
    def autoescape(name: str | None) -> bool:
        return name is not None and (name.startswith(PACKAGE_PREFIX) or name in own)

    return autoescape


def turn_on_autoescape(app: Sphinx) -> None:
    environment = getattr(getattr(app.builder, "templates", None), "environment", None)
    if environment is not None:
        environment.autoescape = escaping_rule(handbook_template_names(app))


def setup_escaping(app: Sphinx) -> None:
    # Before the templates are cached (the bytecode cache keeps what was compiled with it).
    app.connect("builder-inited", turn_on_autoescape, priority=400)
