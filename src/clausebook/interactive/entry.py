"""The engine's one door for the browser: the page's worker calls these functions by name.

The worker (``clausebook-worker.js``) posts ``{call: name, args: [...]}`` and gets back what
:func:`call` returns; arguments and results are JSON, so the page never holds a Python object.
A bundle is loaded once (:func:`load`); the other calls answer from it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from clausebook.interactive import ahead
from clausebook.interactive.views import Guidance

_loaded: dict[str, Guidance] = {}


def _guidance() -> Guidance:
    if "bundle" not in _loaded:
        raise LookupError("no guidance is loaded: call load(bundle) first")
    return _loaded["bundle"]


def load(bundle: Mapping[str, Any]) -> dict[str, Any]:
    """Read the policy version's bundle (``guidance.json``); say what it holds."""
    guidance = Guidance.from_bundle(bundle)
    _loaded["bundle"] = guidance
    return {"policy": guidance.policy, "version": guidance.version}


def tree_view(walk: str) -> dict[str, Any]:
    """The next question, or the verdict, for the answers in the page's address."""
    return _guidance().tree_view(walk)


def quiz_result(answers: Mapping[str, int | None]) -> dict[str, Any]:
    return _guidance().quiz_result(answers)


def views_ahead(depth: int = ahead.DEPTH) -> dict[str, Any]:
    return ahead.views_ahead(_guidance(), depth)


CALLS: dict[str, Callable[..., Any]] = {
    "load": load,
    "tree_view": tree_view,
    "quiz_result": quiz_result,
    "views_ahead": views_ahead,
}


def call(name: str, args_json: str) -> str:
    """``CALLS[name](*args)`` with the arguments and the result as JSON text."""
    if name not in CALLS:
        raise LookupError(f"the engine has no call {name!r}")
    return json.dumps(CALLS[name](*json.loads(args_json)))
