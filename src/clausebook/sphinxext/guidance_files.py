"""A policy's guidance files (quiz.yaml, rules.yaml, pins.json beside its index) are read with the
index, so the index is read again when one appears, changes or goes, though no policy file
changed; and every page of the version is rewritten when the tools it links to change.

Sphinx itself notices a changed or deleted dependency (``env.note_dependency``), but not a
new file: this compares what is on disk with what was read.
"""

from __future__ import annotations

from collections.abc import Set
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from clausebook.sphinxext.domain import ClausebookDomain
from clausebook.sphinxext.guidance_pages import KINDS
from clausebook.sphinxext.handbook import records


def _domain(env: BuildEnvironment) -> ClausebookDomain:
    return env.domains["cb"]  # type: ignore[return-value]


def on_disk(folder: Path) -> set[str]:
    """The guidance a version's folder holds, named as the read guidance is ("quiz", "rules", "pins").

    The kinds are those ``read_guidance`` reads: a name of its own here (once "tree") would never
    match what was read, and every version with guidance would be read and printed again on
    every build."""
    found = {kind for kind in KINDS if (folder / f"{kind}.yaml").is_file()}
    if found and (folder / "pins.json").is_file():
        found.add("pins")
    return found


def outdated_guidance(
    app: Sphinx, env: BuildEnvironment, added: Set[str], changed: Set[str], removed: Set[str]
) -> list[str]:
    read = records(env)
    # A file that failed to read is not in "guidance": read again until it is fixed, so the
    # build keeps saying what is wrong.
    return sorted(
        index
        for index in read.indexes()
        if index in env.all_docs
        and index not in changed
        and index not in removed
        and on_disk(Path(env.doc2path(index)).parent) != set(read.guidance(index))
    )


def rewrite_tool_links(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """Every page of a version links to its tools (the sidebar): rewrite them when the tools change."""
    now = {index: sorted(found) for index, found in records(env).guidance_read().items()}
    before: dict[str, list[str]] = _domain(env).remember("guidance_kinds", now)
    stale: list[str] = []
    for index in set(now) | set(before):
        if now.get(index) != before.get(index) and index in env.all_docs:
            stale += [index, *(doc for doc in env.toctree_includes.get(index, []) if doc in env.all_docs)]
    return sorted(set(stale))


def setup_guidance_files(app: Sphinx) -> None:
    app.connect("env-get-outdated", outdated_guidance)
    app.connect("env-updated", rewrite_tool_links, priority=650)
