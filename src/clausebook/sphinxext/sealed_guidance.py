"""Every build checks that each released version's guidance still gives the verdicts it was
released with (see :mod:`clausebook.versions.sealed_guidance`), so plain ``sphinx-build -W``
refuses an engine that changed a sealed verdict, as ``make html`` and ``make check`` do.

The walk of every interview costs about a second a version, so it runs again only when the
version's guidance, its sealed record or the engine's code changed.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from clausebook.interactive.record import RECORD_NAME, verdicts_record
from clausebook.interactive.views import Guidance
from clausebook.sphinxext.entries import version_entries
from clausebook.sphinxext.fingerprints import fingerprint, fingerprints
from clausebook.sphinxext.guidance_pages import bundle
from clausebook.sphinxext.warnings_ import ClausebookWarning, warn
from clausebook.versions.releases import GUIDANCE, versions_folder
from clausebook.versions.sealed_guidance import differences, summary

ENGINE = Path(__file__).resolve().parent.parent / "interactive"


def engine_code() -> str:
    digest = hashlib.sha256()
    for path in sorted(ENGINE.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def check_sealed_guidance(app: Sphinx, env: BuildEnvironment) -> None:
    handbook = Path(app.confdir)
    record = fingerprints(app)
    code = engine_code()
    for policy, versions in version_entries(app).items():
        for entry in versions:
            sealed = versions_folder(handbook, policy) / entry.model.version / GUIDANCE / RECORD_NAME
            if entry.status == "draft" or not sealed.is_file():
                continue
            data = bundle(app, entry.index)
            if data is None or not data.get("rules"):
                continue
            text = sealed.read_text(encoding="utf-8")
            key = f"sealed:{entry.index}"
            if record.unchanged(key, fingerprint(data, text, code)):
                continue
            rules = Guidance.from_bundle(data).rules
            assert rules is not None
            changed = differences(sealed, text, verdicts_record(rules, f"quizzes/{policy}.rules.yaml"))
            if changed:
                # One refusal a version, at its first changed line: one per line buried the cause.
                warn(ClausebookWarning.SEALED_GUIDANCE, summary(changed), f"{sealed}:{changed[0].line}")
                record.now[key] = ""  # checked again next build, and refused again, until fixed


def setup_sealed_guidance(app: Sphinx) -> None:
    app.connect("env-updated", check_sealed_guidance, priority=900)
