"""What the site's templates know: the policy a page belongs to, its sections and versions.

Context keys are prefixed ``cb_`` (as Furo prefixes its own), so a handbook's
templates can use them without clashing with the theme's.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from clausebook.sphinxext.domain import ClausebookDomain, cites, format_date, format_value
from clausebook.sphinxext.entries import (
    VersionEntry,
    entry_of_page,
    released,
    shown,
    stable_page,
    version_entries,
)
from clausebook.sphinxext.handbook import PolicyRecord, SectionRecord, policy_record, records

PACKAGE = Path(__file__).resolve().parent.parent
WEB = PACKAGE / "web"
TEMPLATES = PACKAGE / "templates"

STATUS_WORDS = {
    "current": "in force",
    "superseded": "superseded",
    "future": "not yet in force",
    "draft": "draft, not released",
}


class policy_list(nodes.General, nodes.Element):  # noqa: N801
    """Placeholder for the list of policies, filled in once every policy has been read."""


class PolicyListDirective(SphinxDirective):
    """``{policy-list}``: the handbook's policies, each linked to the version in force."""

    def run(self) -> list[nodes.Node]:
        domain: ClausebookDomain = self.env.domains["cb"]  # type: ignore[assignment]
        domain.note_citing(self.env.docname, "everywhere")
        return [policy_list()]


def fill_policy_lists(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    placeholders = list(doctree.findall(policy_list))
    if not placeholders:
        return
    groups: dict[str, list[tuple[VersionEntry, PolicyRecord]]] = {}
    for versions in version_entries(app).values():
        entry = shown(versions)
        if entry is not None:
            record = policy_record(app, entry.index)
            groups.setdefault(record.category, []).append((entry, record))
    for placeholder in placeholders:
        if not groups:
            placeholder.replace_self(nodes.paragraph(text="No policies have been published yet."))
            continue
        listing: list[nodes.Node] = []
        for category, members in sorted(groups.items(), key=lambda item: item[0].casefold()):
            if len(groups) > 1:
                listing.append(nodes.rubric(category, category, **{"heading-level": 3}))
            items = nodes.bullet_list(classes=["cb-policy-list"])
            for entry, record in sorted(members, key=lambda member: member[0].model.title.casefold()):
                items += nodes.list_item("", _policy_item(app, docname, entry, record))
            listing.append(items)
        placeholder.replace_self(listing)


def _policy_item(app: Sphinx, docname: str, entry: VersionEntry, record: PolicyRecord) -> nodes.paragraph:
    """'Staff code of conduct version 2.0, in force from 1 January 2025; next review 31 January 2027'."""
    uri = app.builder.get_relative_uri(docname, stable_page(entry.model.policy))
    para = nodes.paragraph()
    para += nodes.reference("", entry.model.title, internal=True, refuri=uri)
    effective = format_date(entry.model.effective)
    when = f"comes into force on {effective}" if entry.status == "future" else f"in force from {effective}"
    details = f"version {entry.model.version}, {when}"
    if record.review:
        details += f"; next review {format_value('review', record.review)}"
    para += nodes.inline("", f" {details}", classes=["cb-policy-list-details"])
    return para


def page_context(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Give templates the policy version of the page: sections for the sidebar, versions for the menu."""
    context["cb_policy"] = None
    context["cb_organisation"] = app.config.clausebook_organisation
    this = entry_of_page(app, pagename)
    if this is None:
        return
    index, policy = this.index, this.model.policy
    every = version_entries(app)[policy]
    versions = released(every) if this.status != "draft" else every
    current = next((v for v in versions if v.status == "current"), None)
    later = [v for v in released(every) if v.model.effective > this.model.effective and v.status != "future"]

    def rel(docname: str) -> str:
        return app.builder.get_relative_uri(pagename, docname)

    context["cb_policy"] = {
        "title": this.model.title,
        "version": this.model.version,
        "effective": format_date(this.model.effective),
        "status": this.status,
        "index_url": rel(index),
        "is_index": pagename == index,
        "sections": [
            {
                "number": section.number,
                "title": section.title,
                "label": section.label,
                "url": rel(section.page),
                "is_current": section.page == pagename,
            }
            for section in this.model.sections
        ],
        "versions": [
            {
                "version": v.model.version,
                "effective": format_date(v.model.effective),
                "status": v.status,
                "status_words": STATUS_WORDS[v.status],
                "url": rel(v.index),
                "is_this": v is this,
            }
            for v in reversed(versions)
        ],
        "current_url": rel(current.index) if current else None,
        "current_version": current.model.version if current else None,
        "superseded_on": format_date(later[0].model.effective) if later else None,
        "stable_url": rel(stable_page(policy)),
    }
    if pagename != index or this.status == "draft":
        context["metatags"] = context.get("metatags", "") + (
            '<meta name="robots" content="noindex">' if this.status == "draft" else ""
        )
    # The banner and the version menu go into the body itself, so no theme or
    # template override can drop the notice that a version is not the one in force.
    if "body" in context:
        render = app.builder.templates.render  # type: ignore[attr-defined]
        before = render("clausebook/version-banner.html", context)
        after = render("clausebook/version-menu.html", context) if pagename == index else ""
        context["body"] = before + context["body"] + after


def cache_templates(app: Sphinx) -> None:
    """Keep compiled Jinja2 templates between builds: compiling them was 40% of a rebuild.

    Jinja2 checks each template's source checksum, so an edited template is recompiled.
    """
    from jinja2 import FileSystemBytecodeCache

    environment = getattr(getattr(app.builder, "templates", None), "environment", None)
    if environment is not None:
        # Named after the autoescaping rule (clausebook.sphinxext.escaping): code compiled without it
        # must never be reused.
        cache = Path(app.doctreedir) / "jinja2-cache-autoescaped"
        cache.mkdir(parents=True, exist_ok=True)
        environment.bytecode_cache = FileSystemBytecodeCache(str(cache))


def navigation(app: Sphinx, domain: ClausebookDomain) -> dict[str, Any]:
    """What every page of a policy version shows besides its own text: the sidebar's contents,
    and the policy's versions with their status (for the banner and the version menu)."""
    # A draft appearing or changing shows only on its own pages, not on every version's.
    versions = {
        policy: [(v.index, v.model.version, v.model.effective, v.status) for v in released(entries)]
        for policy, entries in version_entries(app).items()
    }
    read = records(domain)
    return {
        index: (
            [(doc, _heading(read.section(doc))) for doc in domain.env.toctree_includes.get(index, [])],
            versions.get(record.id, []),
        )
        for index, record in read.policies().items()
    }


def _heading(section: SectionRecord | None) -> str:
    return section.heading if section is not None else ""


def rewrite_changed_navigation(app: Sphinx, env: Any) -> list[str]:
    """When a policy's contents, a heading or its versions change, rewrite every page showing them."""
    domain: ClausebookDomain = env.domains["cb"]
    read = records(domain)
    now = navigation(app, domain)
    before = domain.remember("navigation", now)
    stale: list[str] = []
    for index, (entries, versions) in now.items():
        if before.get(index) != (entries, versions):
            stale += [index, *(doc for doc, _ in entries if doc in env.all_docs)]
            if before.get(index, (None, None))[1] != versions:
                record = read.policy(index)
                policy = record.id if record is not None else ""
                stale += [doc for doc, scope in read.citing().items() if cites(scope, policy)]
    return sorted(set(stale))


def add_paths(app: Sphinx, config: Any) -> None:
    # The handbook's own templates come first, so they override the package's defaults.
    config.templates_path = [*config.templates_path, str(TEMPLATES)]
    # Clauses are written as ':::{clause} 4.2' fences, which need MyST's colon fence.
    if "colon_fence" not in config.myst_enable_extensions:
        config.myst_enable_extensions = [*config.myst_enable_extensions, "colon_fence"]
    config.html_static_path = [*config.html_static_path, str(WEB / "static")]


def setup_site(app: Sphinx) -> None:
    app.add_node(policy_list)
    app.add_directive("policy-list", PolicyListDirective)
    app.connect("config-inited", add_paths)
    app.connect("builder-inited", cache_templates)
    app.connect("env-updated", rewrite_changed_navigation, priority=600)
    app.connect("doctree-resolved", fill_policy_lists)
    app.connect("html-page-context", page_context)
    app.add_css_file("clausebook.css")
