"""``handbook/conf.py`` and ``templates/`` are the handbook's code: what they may reach.

They are reviewed like code (README), but a slip in them must still not publish a file of the
build machine or let a script run. So:

- templates load only templates: a name written absolute (``/etc/passwd``) or climbing out of
  its folder (``../x``) is refused, with the template's file and line when it is written in one,
  and never read (Sphinx's loader joins such a name to its folders and opens whatever it names);
- the folders conf.py publishes or reads templates from (``html_static_path``,
  ``html_extra_path``, ``templates_path``, ``html_theme_path``), and the logo and favicon, must
  be in the handbook's folder or ``templates/``;
- ``html_js_files`` and ``html_css_files`` name the site's own files: another site's address is
  refused (every reader's browser would ask it), and so is a script written inline (``body``),
  which the Content-Security-Policy would have to allow (it allows only the package's and the
  theme's own scripts: clausebook.sphinxext.csp);
- a file taken out of ``html_extra_path`` leaves the site (Sphinx copies those files on every
  build and never deletes one).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from jinja2 import Environment
from sphinx.application import Sphinx
from sphinx.errors import ConfigError
from sphinx.jinja2glue import BuiltinTemplateLoader

from clausebook.sources.confinement import is_inside
from clausebook.sphinxext.safety import is_other_origin
from clausebook.sphinxext.warnings_ import ClausebookWarning, warn

LOADER = f"{__name__}.ConfinedTemplateLoader"
# {% include "x" %}, {% extends 'x' %}, {% import "x" as y %}, {% from "x" import y %}, and the
# lists {% include ["a", "b"] %} take.
TEMPLATE_TAG = re.compile(r"{%-?\s*(?:include|extends|import|from)\s+(\[[^\]]*\]|\"[^\"]*\"|'[^']*')")
QUOTED = re.compile(r"\"([^\"]*)\"|'([^']*)'")


def leaves_folder(template: str) -> bool:
    """Whether a template name would be read from outside the folders templates are read from."""
    name = template.removeprefix("!").replace("\\", "/")
    return name.startswith("/") or ".." in name.split("/") or bool(re.match(r"^[A-Za-z]:", name))


def _refusal(name: str) -> str:
    return (
        f"this template reads {name!r}, which is not a template of the handbook or its theme: "
        "a template may include only templates in templates/ (by a name such as "
        "'sidebar/navigation.html'), the theme's, or the package's: delete it"
    )


class ConfinedTemplateLoader(BuiltinTemplateLoader):
    """Sphinx's loader (the handbook's templates, the package's, then the theme's), reading
    nothing but templates."""

    refused: set[str]

    def init(self, builder: Any, theme: Any = None, dirs: list[str] | None = None) -> None:
        super().init(builder, theme, dirs)
        self.refused = set()

    def get_source(self, environment: Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        if leaves_folder(template):
            if template not in self.refused:  # reported once, not on every page
                self.refused.add(template)
                warn(ClausebookWarning.OUTSIDE_TEMPLATE, _refusal(template))
            # Rendered as nothing, so not a byte of it is written even by a build told to go on.
            return "", "<refused>", lambda: True
        return super().get_source(environment, template)


def template_problems(folder: Path) -> list[tuple[str, int, str]]:
    """(file, line, name) of each name written in a template under ``folder`` that leaves it."""
    found = []
    for path in sorted(folder.rglob("*")) if folder.is_dir() else ():
        if not path.is_file() or path.is_symlink():
            continue  # a link is refused by the staging step (clausebook.sources.confinement)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        for tag in TEMPLATE_TAG.finditer(text):
            line = text.count("\n", 0, tag.start()) + 1
            for double, single in QUOTED.findall(tag[1]):
                if leaves_folder(double or single):
                    found.append((str(path), line, double or single))
    return found


def check_templates(app: Sphinx, env: Any, docnames: list[str]) -> None:
    loader = getattr(app.builder, "templates", None)
    refused: set[str] = getattr(loader, "refused", set())
    for entry in app.config.templates_path:
        for path, line, name in template_problems(Path(os.path.normpath(Path(app.confdir, entry)))):
            refused.add(name)  # named here with its line; the loader need not say it again
            warn(ClausebookWarning.OUTSIDE_TEMPLATE, _refusal(name), f"{path}:{line}")


def _entry_name(entry: Any) -> tuple[str, dict[str, Any]]:
    if isinstance(entry, tuple | list) and entry:
        attributes = entry[1] if len(entry) > 1 and isinstance(entry[1], dict) else {}
        return str(entry[0] or ""), attributes
    return str(entry or ""), {}


def config_problems(confdir: Path, config: Any) -> list[str]:
    """What conf.py asks for that reaches outside the handbook, each with what to do."""
    roots = [confdir.resolve(), (confdir.parent / "templates").resolve()]
    where = "handbook/ (for example handbook/_static) or templates/"
    problems = []
    for setting in ("html_static_path", "html_extra_path", "templates_path", "html_theme_path"):
        for entry in getattr(config, setting, None) or []:
            if not is_inside(confdir / str(entry), roots):
                problems.append(
                    f"{setting} lists {str(entry)!r}, a folder outside the handbook: the site publishes "
                    f"only the handbook's own files. Copy what it needs into {where} and name it from there"
                )
    for setting in ("html_logo", "html_favicon"):
        value = getattr(config, setting, None)
        if value and is_other_origin(str(value)):
            problems.append(
                f"{setting} is on another site ({value}): every reader's browser would ask that site "
                "for it. Save the file in handbook/_static/ and write its name instead"
            )
        elif value and not is_inside(confdir / str(value), roots):
            problems.append(
                f"{setting} is {str(value)!r}, a file outside the handbook: copy it into "
                "handbook/_static/ and write its name from there"
            )
    for setting in ("html_js_files", "html_css_files"):
        for entry in getattr(config, setting, None) or []:
            name, attributes = _entry_name(entry)
            if is_other_origin(name):
                problems.append(
                    f"{setting} lists {name!r}, a file on another site: every reader's browser would "
                    "ask that site for it (and the site's Content-Security-Policy would block it). "
                    "Save the file in handbook/_static/ and list its name instead"
                )
            if "body" in attributes:
                problems.append(
                    f"{setting} writes a script into every page ({name!r} with a 'body'), which the "
                    "site's Content-Security-Policy does not allow: put the script in a file in "
                    "handbook/_static/ and list its name instead"
                )
    bridge = getattr(config, "template_bridge", None)
    if bridge and bridge != LOADER:
        problems.append(
            f"template_bridge is set ({bridge!r}): the site loads its templates itself, so that they "
            "read only templates: delete the setting"
        )
    return problems


def check_config(app: Sphinx, config: Any) -> None:
    problems = config_problems(Path(app.confdir), config)
    if problems:
        raise ConfigError("; and ".join(problems))
    config.template_bridge = LOADER


EXTRA_RECORD = "clausebook-extra-files.json"  # in the work folder: the extra files the last build copied


def extra_files(confdir: Path, extra_paths: list[str]) -> set[str]:
    """The files ``html_extra_path`` copies to the site's root, by their names there."""
    names = set()
    for entry in extra_paths:
        folder = confdir / entry
        for path in folder.rglob("*") if folder.is_dir() else ():
            if path.is_file():
                names.add(path.relative_to(folder).as_posix())
    return names


def remove_stale_extra_files(app: Sphinx) -> None:
    """Sphinx copies the extra files on every build but never deletes one taken out of them, so a
    file removed from html_extra_path (or from its folder) would stay published for good."""
    record = Path(app.doctreedir) / EXTRA_RECORD
    try:
        before = set(json.loads(record.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        before = set()
    outdir = Path(app.outdir).resolve()
    for name in sorted(before - extra_files(Path(app.confdir), list(app.config.html_extra_path))):
        stale = outdir / name
        if stale.resolve().is_relative_to(outdir):
            stale.unlink(missing_ok=True)


def record_extra_files(app: Sphinx, exception: Exception | None) -> None:
    if exception is None:
        names = sorted(extra_files(Path(app.confdir), list(app.config.html_extra_path)))
        record = Path(app.doctreedir) / EXTRA_RECORD
        record.parent.mkdir(parents=True, exist_ok=True)
        record.write_text(json.dumps(names), encoding="utf-8")


def setup_handbook_code(app: Sphinx) -> None:
    # Before the package adds its own folders (clausebook.sphinxext.site.add_paths): only what
    # conf.py itself lists is checked.
    app.connect("config-inited", check_config, priority=400)
    # When the build starts, not when Sphinx does: the command collects problems from then on.
    app.connect("env-before-read-docs", check_templates)
    app.connect("builder-inited", remove_stale_extra_files)
    app.connect("build-finished", record_extra_files)
