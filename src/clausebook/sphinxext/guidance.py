"""The guidance tools of a policy version: its quiz and its "Should I post this?" tree.

They are read with the policy's index (``quiz.yaml`` and ``tree.yaml`` next to
it; the build links them there from ``quizzes/``), checked against the clauses
once every page has been read, and published as a JSON bundle, the engine and
two pages rendered from Jinja2 templates.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from clausebook import engine_assets
from clausebook.interactive.guidance import (
    VERDICT_KINDS,
    GuidanceError,
    Quiz,
    Tree,
    load_quiz,
    load_tree,
    paths,
)
from clausebook.interactive.views import Guidance
from clausebook.sphinxext.domain import ClausebookDomain, format_date
from clausebook.sphinxext.fingerprints import code_stamp, fingerprint, fingerprints
from clausebook.sphinxext.outputs import page_url, version_entries, write_json
from clausebook.sphinxext.warnings_ import ClausebookWarning, warn
from clausebook.yamlsource import YamlSource, YamlSyntaxError, parse_yaml

KINDS = ("quiz", "tree")
PAGES = {"tree": "should-i-post", "quiz": "quiz", "map": "should-i-post-map"}
BUNDLE = "guidance.json"
ENGINE_DIR = "_static/pyodide"


def _domain(env: BuildEnvironment) -> ClausebookDomain:
    return env.domains["cb"]  # type: ignore[return-value]


def read_guidance(app: Sphinx, doctree: nodes.document) -> None:
    """With a policy's index, read its quiz and tree (a syntax error is reported with its line)."""
    env = app.env
    domain = _domain(env)
    if env.docname not in domain.data["policies"]:
        return
    folder = Path(env.doc2path(env.docname)).parent
    found: dict[str, tuple[str, Any, dict[Any, int]]] = {}
    for kind in KINDS:
        path = folder / f"{kind}.yaml"
        if not path.is_file():
            continue
        env.note_dependency(str(path))
        try:
            source = parse_yaml(path.read_text(encoding="utf-8"), str(path))
        except UnicodeDecodeError:
            warn(
                ClausebookWarning.SOURCE,
                "this file is not saved as UTF-8: save it again as UTF-8",
                f"{path}:1",
            )
            continue
        except YamlSyntaxError as error:
            warn(ClausebookWarning.SOURCE, str(error), f"{path}:{error.line}")
            continue
        if not isinstance(source.data, dict):
            warn(
                ClausebookWarning.SOURCE, f"the {kind} file must be a set of fields (title, ...)", f"{path}:1"
            )
            continue
        found[kind] = (source.path, source.data, source.lines)
    domain.data["guidance"][env.docname] = found


def _source(entry: tuple[str, Any, dict[Any, int]]) -> YamlSource:
    return YamlSource(*entry)


def loaded(domain: ClausebookDomain, index: str) -> tuple[Quiz | None, Tree | None]:
    """The version's quiz and tree, or None where absent or broken (broken ones are reported).

    Loaded once per build: every page of the policy asks for its tools.
    """
    cache: dict[str, tuple[Quiz | None, Tree | None]] = domain.env.__dict__.setdefault("_cb_guidance", {})
    if index not in cache:
        cache[index] = _load(domain, index)
    return cache[index]


def forget_loaded(app: Sphinx, env: BuildEnvironment) -> None:
    env.__dict__.pop("_cb_guidance", None)


def _load(domain: ClausebookDomain, index: str) -> tuple[Quiz | None, Tree | None]:
    files = domain.data["guidance"].get(index, {})
    citable = domain.citable(index)
    result: dict[str, Any] = {}
    for kind, load in (("quiz", load_quiz), ("tree", load_tree)):
        if kind in files:
            try:
                result[kind] = load(files[kind][1], citable)
            except GuidanceError:
                result[kind] = None
    return result.get("quiz"), result.get("tree")


def check_guidance(app: Sphinx, env: BuildEnvironment) -> None:
    domain = _domain(env)
    for index, files in sorted(domain.data["guidance"].items()):
        if index not in domain.data["policies"]:
            continue
        citable = domain.citable(index)
        for kind, load in (("quiz", load_quiz), ("tree", load_tree)):
            if kind not in files:
                continue
            source = _source(files[kind])
            try:
                load(source.data, citable)
            except GuidanceError as error:
                for problem in error.problems:
                    warn(
                        ClausebookWarning.GUIDANCE,
                        problem.message,
                        f"{source.path}:{source.line(problem.path)}",
                    )


def bundle(app: Sphinx, index: str) -> dict[str, Any] | None:
    """What the browser's engine reads: the quiz, the tree, and the words and links of what they cite."""
    domain = _domain(app.env)
    files = domain.data["guidance"].get(index, {})
    quiz, tree = loaded(domain, index)
    if quiz is None and tree is None:
        return None
    citable = domain.citable(index)
    folder = posixpath.dirname(index)
    cited = {number for q in quiz.questions for number in q.cites} if quiz else set()
    if tree:
        cited |= {number for node in tree.nodes.values() if node.verdict for number in node.verdict.cites}
    meta = domain.data["policies"][index]
    return {
        "policy": meta["id"],
        "version": meta["version"],
        "title": meta["title"],
        "quiz": files["quiz"][1] if quiz else None,
        "tree": files["tree"][1] if tree else None,
        "clauses": {
            number: {
                "label": citable[number].label,
                "text": citable[number].text,
                # Relative to the version's folder, where the tools' pages are.
                "url": posixpath.relpath(
                    page_url(app, citable[number].docname, citable[number].anchor), folder
                ),
            }
            for number in sorted(cited, key=_number_key)
        },
    }


def _number_key(number: str) -> tuple[int, ...]:
    return tuple(int(part) for part in number.split("."))


def tool_pages(app: Sphinx, index: str) -> dict[str, str]:
    """Page name (without .html) of each tool the version has: {"quiz": ..., "tree": ..., "map": ...}."""
    quiz, tree = loaded(_domain(app.env), index)
    folder = posixpath.dirname(index)
    pages = {}
    if tree:
        pages["tree"] = posixpath.join(folder, PAGES["tree"])
        pages["map"] = posixpath.join(folder, PAGES["map"])
    if quiz:
        pages["quiz"] = posixpath.join(folder, PAGES["quiz"])
    return pages


def collect_pages(app: Sphinx) -> Iterator[tuple[str, dict[str, Any], str]]:
    if app.builder.format != "html":
        return
    record = fingerprints(app)
    stamp = code_stamp(app)
    for versions in version_entries(app).values():
        for entry in versions:
            data = bundle(app, entry.index)
            if data is None:
                continue
            # The pages show the bundle, and the policy's sidebar and versions around it.
            key = fingerprint(data, stamp, navigation_of(app, entry.index), [v.status for v in versions])
            outputs = [Path(app.outdir) / f"{page}.html" for page in tool_pages(app, entry.index).values()]
            if record.unchanged(f"pages:{entry.index}", key, *outputs):
                continue
            guidance = Guidance.from_bundle(data)
            pages = tool_pages(app, entry.index)
            common = {
                "cb_pages": pages,
                "cb_bundle": data,
                "cb_guidance": guidance,
                "cb_verdict_kinds": VERDICT_KINDS,
                "cb_engine_dir": ENGINE_DIR,
                "cb_effective": format_date(entry.model.effective),
                "cb_policy_title": entry.model.title,
                "cb_policy_version": entry.model.version,
            }
            if guidance.tree is not None:
                start = guidance.tree_view("")
                yield (
                    pages["tree"],
                    {**common, "title": guidance.tree.title, "cb_start": start},
                    "clausebook/tree.html",
                )
                yield (
                    pages["map"],
                    {
                        **common,
                        "title": f"{guidance.tree.title}: every path",
                        "cb_paths": list(paths(guidance.tree)),
                    },
                    "clausebook/tree-map.html",
                )
            if guidance.quiz is not None:
                yield pages["quiz"], {**common, "title": guidance.quiz.title}, "clausebook/quiz.html"


def write_guidance(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    needed = False
    for versions in version_entries(app).values():
        for entry in versions:
            data = bundle(app, entry.index)
            if data is not None:
                needed = True
                write_json(outdir / entry.folder / BUNDLE, data)
    if needed:
        try:
            runtime = engine_assets.find_runtime(Path(app.confdir))
        except engine_assets.AssetError as error:
            warn(ClausebookWarning.SOURCE, str(error))
            return
        engine_assets.install(outdir / ENGINE_DIR, runtime, Path(app.doctreedir).parent / "engine-cache")


def page_context(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Links from every page of a policy version to its tools."""
    domain = _domain(app.env)
    index = domain.policy_index_of(pagename)
    if index is None or "invalid" in domain.data["policies"].get(index, {"invalid": 1}):
        context["cb_tools"] = {}
        return
    context["cb_tools"] = {
        kind: app.builder.get_relative_uri(pagename, page) if pagename != page else "#"
        for kind, page in tool_pages(app, index).items()
    }


def manifest_fields(app: Sphinx, index: str) -> dict[str, str | None]:
    pages = tool_pages(app, index)
    return {kind: f"{pages[kind]}.html" if kind in pages else None for kind in ("quiz", "tree")}


def navigation_of(app: Sphinx, index: str) -> Any:
    domain = _domain(app.env)
    return domain.data.get("navigation", {}).get(index), sorted(app.env.toctree_includes.get("index", []))


def setup_guidance(app: Sphinx) -> None:
    app.connect("env-updated", forget_loaded)
    app.connect("doctree-read", read_guidance, priority=950)
    app.connect("env-check-consistency", check_guidance)
    app.connect("html-collect-pages", collect_pages)
    # Before the site's own handler, which renders the links into the policy's index.
    app.connect("html-page-context", page_context, priority=400)
    app.connect("build-finished", write_guidance)
