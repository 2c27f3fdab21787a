"""The Clausebook Sphinx extension: ``extensions = ["clausebook.sphinxext"]``."""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx

from clausebook import __version__
from clausebook.sphinxext.accessibility import setup_accessibility
from clausebook.sphinxext.clause_search import setup_clause_search
from clausebook.sphinxext.clauses import setup_clauses
from clausebook.sphinxext.config import setup_config
from clausebook.sphinxext.csp import setup_csp
from clausebook.sphinxext.docs import setup_docs
from clausebook.sphinxext.domain import setup_domain
from clausebook.sphinxext.escaping import setup_escaping
from clausebook.sphinxext.fingerprints import setup_fingerprints
from clausebook.sphinxext.guidance_files import setup_guidance_files
from clausebook.sphinxext.guidance_pages import setup_guidance
from clausebook.sphinxext.handbook_code import setup_handbook_code
from clausebook.sphinxext.history import setup_history
from clausebook.sphinxext.offline import setup_offline
from clausebook.sphinxext.outputs import setup_outputs
from clausebook.sphinxext.printing import setup_printing
from clausebook.sphinxext.references import setup_references
from clausebook.sphinxext.referring import setup_referring
from clausebook.sphinxext.safety import setup_safety
from clausebook.sphinxext.sealed_guidance import setup_sealed_guidance
from clausebook.sphinxext.site import setup_site
from clausebook.sphinxext.unsearched import setup_unsearched


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("myst_parser")
    app.setup_extension("sphinx_design")
    setup_config(app)
    setup_domain(app)
    setup_clauses(app)
    setup_references(app)
    setup_outputs(app)
    setup_site(app)
    setup_escaping(app)
    setup_clause_search(app)
    setup_unsearched(app)
    setup_docs(app)
    setup_guidance(app)
    setup_guidance_files(app)
    setup_history(app)
    setup_referring(app)
    setup_sealed_guidance(app)
    setup_printing(app)
    setup_safety(app)
    setup_handbook_code(app)
    setup_csp(app)
    setup_accessibility(app)
    setup_offline(app)
    setup_fingerprints(app)
    return {
        "version": __version__,
        "env_version": 2,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
