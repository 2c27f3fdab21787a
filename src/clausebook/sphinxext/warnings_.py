"""How the extension reports the problems of :mod:`clausebook.problems` through Sphinx's logging.

Each warning is emitted through :func:`warn`, with ``type="clausebook"`` and the
member's value as subtype; the build collects the log records (never Sphinx's text).
"""

from __future__ import annotations

from sphinx.util import logging

from clausebook.problems import NOTICE, NOTICES, ClausebookWarning

LOGGER = logging.getLogger("clausebook")


def notice(
    message: str,
    location: str | tuple[str, int | None] | None = None,
    kind: ClausebookWarning = ClausebookWarning.NOTICE,
) -> None:
    """Tell the editor something that does not stop the build (a review date passed, changes
    not yet released, guidance held back after an amendment). Logged as information, not as a
    warning, so ``sphinx-build -W`` fails exactly when ``make html`` does."""
    assert kind.is_notice, kind
    LOGGER.info(message, type="clausebook", subtype=kind.value, location=location)


def warn(
    kind: ClausebookWarning,
    message: str,
    location: str | tuple[str, int | None] | None = None,
) -> None:
    """Report a problem to the editor; the build fails on any warning."""
    LOGGER.warning(message, type="clausebook", subtype=kind.value, location=location)


__all__ = ["LOGGER", "NOTICE", "NOTICES", "ClausebookWarning", "notice", "warn"]
