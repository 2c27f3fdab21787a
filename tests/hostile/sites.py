"""Copies of the handbook with the hostile test data of this folder applied, built for real.

``refused.json``: pages that must be refused, each its own page under handbook/hostile/.
``escaped.json``: strings put everywhere an editor's words are published; the build must
succeed and show them as words. Both copies carry two more policies (the test project's
pay and leave policies) beside ours, so nothing here is true of one policy only.

Run as a script by the browser tests: ``python tests/hostile/sites.py <folder> <kind>``, kind
``refused``, ``refused-browser`` (the cases marked ``browser``) or ``escaped``,
builds that copy in <folder> and prints the build's exit status.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
CONTENT = ("handbook", "templates", "quizzes")
MORE_POLICIES = HERE.parent / "roots" / "test-policy"
HOSTILE_FOLDER = "hostile"


def data(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((HERE / f"{name}.json").read_text(encoding="utf-8"))
    return loaded


def hostile_string(case_id: str) -> str:
    return str(data("escaped")["hostile"]).replace("{id}", case_id)


def copy_handbook(destination: Path) -> Path:
    destination.mkdir(parents=True, exist_ok=True)
    for name in CONTENT:
        shutil.copytree(REPO / name, destination / name, symlinks=True)
    for policy in ("pay", "leave"):
        shutil.copytree(MORE_POLICIES / policy, destination / "handbook" / policy)
    (destination / "node_modules").symlink_to(REPO / "node_modules")
    return destination


def add_to_home_contents(root: Path, entries: list[str]) -> None:
    home = root / "handbook" / "index.md"
    text = home.read_text(encoding="utf-8")
    at = text.index(":hidden:\n") + len(":hidden:\n")
    lines = "".join(f"{entry}\n" for entry in entries)
    home.write_text(text[:at] + "\n" + lines + text[at:].lstrip("\n"), encoding="utf-8")


def refused_page(case: dict[str, Any]) -> Path:
    """Where a refused case is written, relative to the copy's root."""
    return Path("handbook") / HOSTILE_FOLDER / f"{case['id']}.md"


def make_refused(root: Path, browser_only: bool = False) -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = [
        c for c in data("refused")["cases"] if c.get("browser") or not browser_only
    ]
    for case in cases:
        page = root / refused_page(case)
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(case["text"], encoding="utf-8")
    add_to_home_contents(root, [f"{HOSTILE_FOLDER}/{case['id']}" for case in cases])
    return cases


def _set(document: Any, path: list[str | int], value: str) -> None:
    for step in path[:-1]:
        if isinstance(step, str) and isinstance(document, list):  # a list item named by its id
            document = next(item for item in document if item.get("id") == step)
        else:
            document = document[step]
    document[path[-1]] = value


def make_escaped(root: Path) -> dict[str, str]:
    """Apply every escaped case; return, for each, words its published text must hold."""
    spec = data("escaped")
    ids: dict[str, str] = {}
    by_file: dict[str, list[dict[str, Any]]] = {}
    for case in spec["yaml"]:
        by_file.setdefault(case["file"], []).append(case)
    for name, cases in by_file.items():
        path = root / name
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in cases:
            _set(document, case["path"], hostile_string(case["id"]))
            ids[case["id"]] = f'alert("{case["id"]}")'
        path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")
    for case in spec["front_matter"]:
        path = root / case["file"]
        text = path.read_text(encoding="utf-8")
        value = json.dumps(hostile_string(case["id"]))  # a JSON string is a YAML string
        text, count = re.subn(
            rf"^(  {case['field']}:).*$", lambda m, v=value: f"{m[1]} {v}", text, count=1, flags=re.M
        )
        if not count:  # the field is not there yet: add it under policy:
            text = text.replace("policy:\n", f"policy:\n  {case['field']}: {value}\n", 1)
        path.write_text(text, encoding="utf-8")
        ids[case["id"]] = f'alert("{case["id"]}")'
    for case in spec["markdown"]:
        path = root / case["file"]
        addition = case["text"].replace("{hostile}", hostile_string(case["id"]).replace("`", "'"))
        path.write_text(path.read_text(encoding="utf-8") + addition, encoding="utf-8")
        ids[case["id"]] = case["shows"]
    for case in spec["files"]:
        page = root / "handbook" / case["folder"] / f"{case['name']}.md"
        page.parent.mkdir(parents=True)
        page.write_text(case["text"], encoding="utf-8")
        add_to_home_contents(root, [f"{case['folder']}/{case['name']}"])
        ids[case["id"]] = case["shows"]
    return ids


def build(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "clausebook", "--root", str(root), "build", "-q"],
        capture_output=True,
        text=True,
        check=False,
    )


if __name__ == "__main__":
    folder, kind = Path(sys.argv[1]), sys.argv[2]
    copy_handbook(folder)
    if kind == "escaped":
        make_escaped(folder)
    else:
        make_refused(folder, browser_only=kind == "refused-browser")
    done = build(folder)
    sys.stderr.write(done.stderr)
    print(done.returncode)
