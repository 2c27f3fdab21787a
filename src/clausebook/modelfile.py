"""The build's internal model file: the typed :class:`~clausebook.model.Handbook`, as JSON.

Written by every build beside its work (``_build/.work/model.json``, never published)
with drafts, statuses and identities, so that ``release``, ``pins`` and ``tree-record``
read what the build read, not the public site (which leaves drafts out).
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from clausebook.model import ClauseIdentity, Handbook, ModelClause, ModelPolicy, ModelVersion

MODEL = "model.json"


class ModelMissingError(FileNotFoundError):
    """No build has written the model yet."""


def model_path(root: Path) -> Path:
    return root / "_build" / ".work" / MODEL


def dump(handbook: Handbook) -> str:
    return json.dumps(asdict(handbook), indent=1, ensure_ascii=False) + "\n"


def write_model(path: Path, handbook: Handbook) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fresh = path.with_name(f".{path.name}.new")
    fresh.write_text(dump(handbook), encoding="utf-8")
    fresh.replace(path)


def _version(data: dict[str, Any]) -> ModelVersion:
    return ModelVersion(
        data["version"],
        data["effective"],
        data["status"],
        data["folder"],
        tuple(ModelClause(**c) for c in data["clauses"]),
        tuple((page, target, ClauseIdentity(**identity)) for page, target, identity in data["references"]),
        data.get("guidance"),
    )


def load(text: str) -> Handbook:
    data = json.loads(text)
    return Handbook(
        tuple(
            ModelPolicy(p["id"], p["title"], tuple(_version(v) for v in p["versions"]))
            for p in data["policies"]
        )
    )


def read_model(root: Path) -> Handbook:
    path = model_path(root)
    if not path.is_file():
        raise ModelMissingError("Build the site first: make html")
    return load(path.read_text(encoding="utf-8"))
