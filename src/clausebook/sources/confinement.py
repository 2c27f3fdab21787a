"""Only the handbook's own files are published.

The editor's folders (``handbook/``, ``quizzes/``, ``templates/``) are the only
sources. A symbolic link in them that leads elsewhere (``handbook/_static/x.txt ->
/etc/passwd``) would copy a file of the build machine into the site, so it is
refused, named by the link (its target is the machine's business, not the
reader's), and never followed: it is left out of the staged sources and out of the
static files Sphinx copies. Static files are copied afresh on every build, so a file
deleted from the sources leaves the published site on the next build.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

from clausebook.model import Location, Problem

SOURCE_FOLDERS = ("handbook", "quizzes", "templates")
# Made by the build itself, content-addressed and managed by clausebook.web.engine_assets.
KEPT_STATIC = ("pyodide",)


def source_roots(root: Path) -> list[Path]:
    return [(root / name).resolve() for name in SOURCE_FOLDERS]


def is_inside(path: Path, roots: list[Path]) -> bool:
    real = Path(os.path.realpath(path))
    return any(real.is_relative_to(folder) for folder in roots)


def links(folder: Path) -> Iterator[Path]:
    """Every symbolic link under ``folder`` (links to folders are not entered)."""
    for parent, dirs, files in os.walk(folder):
        for name in [*dirs, *files]:
            path = Path(parent, name)
            if path.is_symlink():
                yield path


def outside_links(root: Path) -> list[Path]:
    """The links in the editor's folders that lead out of them (or nowhere)."""
    roots = source_roots(root)
    found = []
    for folder in SOURCE_FOLDERS:
        for link in links(root / folder):
            if not link.exists() or not is_inside(link, roots):
                found.append(link)
    return sorted(found)


def outside_link_problems(root: Path) -> list[Problem]:
    resolved = root.resolve()
    return [
        Problem(
            f"'{link.name}' is a link to a file outside the handbook, and the site publishes only the "
            "handbook's own files: delete the link and copy the file itself into the handbook "
            "(if it is meant to be published)",
            # Named as the link, inside the repository: never as the file it leads to.
            Location(str(resolved / link.relative_to(root)), 1),
        )
        for link in outside_links(root)
    ]


def confined(plan: dict[str, Path], root: Path) -> dict[str, Path]:
    """The staging plan without the files that lie outside the editor's folders."""
    roots = source_roots(root)
    return {staged: target for staged, target in plan.items() if is_inside(target, roots)}


def static_exclusions(confdir: Path, static_paths: list[str], root: Path) -> list[str]:
    """Patterns, relative to each static folder, for the links Sphinx must not copy."""
    patterns = []
    outside = set(outside_links(root))
    for entry in static_paths:
        folder = confdir / entry
        for link in outside:
            if link.is_relative_to(folder):
                relative = link.relative_to(folder).as_posix()
                # Sphinx matches the top folder's entries as "./name".
                patterns += [relative, f"{relative}/**", f"./{relative}", f"./{relative}/**"]
    return patterns


def remove_stale_static(outdir: Path) -> None:
    """Empty ``_static`` before Sphinx copies the static files again (it does so on every build,
    but never deletes one whose source is gone)."""
    static = outdir / "_static"
    if not static.is_dir():
        return
    for entry in static.iterdir():
        if entry.name in KEPT_STATIC:
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
