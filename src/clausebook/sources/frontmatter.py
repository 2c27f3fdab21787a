"""A policy's front matter, read and checked in one place.

The ``policy:`` block of a policy's ``index.md`` is the editor's data: a version,
the date it comes into force, and a few details shown under the title. It is
read here, with the line of every key, and refused when a key is unknown or
repeated (YAML keeps the last of two, a release rewrites the first: found, a
release published under the wrong number) or a value has the wrong form. What
the build decides about a version (draft, in force...) is never kept in it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from clausebook.model import Location, Problem
from clausebook.versions.comparison import VERSION

REQUIRED = {
    "version": 'the version number, in quotes, like "1.0"',
    "effective": "the date the version comes into force, written YYYY-MM-DD",
}
OPTIONAL = ("owner", "approved_by", "approved", "review", "category")
DATES = ("effective", "approved", "review")


@dataclass(frozen=True)
class PolicyFrontMatter:
    """The checked ``policy:`` block, every field as text."""

    version: str
    effective: str
    details: tuple[tuple[str, str], ...] = ()

    def as_dict(self) -> dict[str, str]:
        return {"version": self.version, "effective": self.effective, **dict(self.details)}


@dataclass(frozen=True)
class FrontMatter:
    """What a Markdown file's front matter says about a policy: None when it is not a policy's index."""

    policy: PolicyFrontMatter | None
    problems: tuple[Problem, ...] = ()

    @property
    def is_policy(self) -> bool:
        return self.policy is not None or bool(self.problems)


def _block(text: str) -> tuple[str, int] | None:
    """The YAML between the first two ``---`` lines, and the file line it starts on."""
    if not text.startswith("---"):
        return None
    end = text.find("\n---", 3)
    if end == -1:
        return None
    return text[3:end], 1


def _node(text: str) -> yaml.Node | yaml.YAMLError | None:
    """The block's YAML node, or the parser's error (told by _syntax_problem)."""
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        return error


def _syntax_problem(error: yaml.YAMLError, text: str, first: int, path: Path) -> Problem | None:
    """A policy's front matter that is not YAML, told at the line the parser stopped at (found in
    an editor trial: MyST's "Malformed YAML" at line 1 only, and every section then told it belongs
    to no policy)."""
    if not re.search(r"^policy:", text, re.M):
        return None
    if isinstance(error, yaml.MarkedYAMLError):
        mark = error.problem_mark or error.context_mark
        return Problem(
            f"the policy's front matter is not valid YAML ({error.problem or error.context}): check this "
            "line and the one before: each field is 'name: value', indented under policy:",
            Location(str(path), first + (mark.line if mark else 0)),
        )
    return Problem("the policy's front matter is not valid YAML", Location(str(path), first))


def read_front_matter(path: Path) -> FrontMatter:
    """Read and check the ``policy:`` block of ``path`` (UnicodeDecodeError if it is not UTF-8)."""
    # utf-8-sig: Windows editors may save "UTF-8 with BOM", which Sphinx reads as UTF-8 too.
    text = path.read_text(encoding="utf-8-sig")
    block = _block(text)
    if block is None:
        return FrontMatter(None)
    yaml_text, first = block
    node = _node(yaml_text)
    if isinstance(node, yaml.YAMLError):
        broken = _syntax_problem(node, yaml_text, first, path)
        return FrontMatter(None, (broken,) if broken else ())
    if not isinstance(node, yaml.MappingNode):
        return FrontMatter(None)

    def line(n: yaml.Node) -> int:
        return first + n.start_mark.line

    def at(n: yaml.Node) -> Location:
        return Location(str(path), line(n))

    problems: list[Problem] = []
    policy_node: yaml.Node | None = None
    seen_top: dict[str, yaml.Node] = {}
    for key, value in node.value:
        name = str(key.value)
        if name in seen_top:
            problems.append(_duplicate(name, line(seen_top[name]), at(key)))
        seen_top[name] = key
        if name == "policy":
            policy_node = value
    if policy_node is None:
        return FrontMatter(None, tuple(p for p in problems if "policy" in p.message))
    for key, _value in node.value:
        if str(key.value) != "policy":
            # Found: 'colour: red' beside policy: was accepted, and did nothing.
            problems.append(
                Problem(
                    f"the policy's front matter has a field '{key.value}' that Clausebook does not know: "
                    "a policy's front matter holds only 'policy:', with its fields indented under it "
                    f"({', '.join((*REQUIRED, *OPTIONAL))}). Move the field under policy: or remove it",
                    at(key),
                )
            )
    if not isinstance(policy_node, yaml.MappingNode):
        problems.append(
            Problem(
                "the 'policy:' front matter must be a list of fields (version, effective, owner...), "
                "each on its own indented line",
                at(policy_node),
            )
        )
        return FrontMatter(None, tuple(problems))

    values: dict[str, str] = {}
    keys: dict[str, yaml.Node] = {}
    for key, value in policy_node.value:
        name = str(key.value)
        if name in keys:
            problems.append(_duplicate(name, line(keys[name]), at(key)))
            continue
        keys[name] = key
        if name not in REQUIRED and name not in OPTIONAL:
            known = ", ".join((*REQUIRED, *OPTIONAL))
            problems.append(
                Problem(
                    f"the policy's front matter has a field '{name}' that Clausebook does not know "
                    f"(a typing mistake?): the fields are {known}. Correct or remove it",
                    at(key),
                )
            )
            continue
        if not isinstance(value, yaml.ScalarNode):
            problems.append(Problem(f"'{name}:' must be a single value on its line", at(key)))
            continue
        if name == "version" and value.tag != "tag:yaml.org,2002:str" and value.style is None:
            problems.append(
                Problem(
                    f'write the version in quotes, like version: "{value.value}" '
                    "(without them 1.10 would read as 1.1)",
                    at(key),
                )
            )
            continue
        values[name] = str(value.value).strip()
        if name == "version" and values[name] and not VERSION.match(values[name]):
            problems.append(
                Problem(
                    f"version: {values[name]!r} is not a version number: write two numbers with a dot, "
                    'like "1.1" or "2.0", with no leading zero (a version still in preparation is the '
                    'draft, not "2.0-rc")',
                    at(key),
                )
            )
        if name == "category" and not values[name]:
            problems.append(
                Problem(
                    "category: is empty: write the name of the group the home page lists the policy "
                    "under, like category: Policies (or leave the field out)",
                    at(key),
                )
            )
        if name in DATES and values[name]:
            try:
                dt.date.fromisoformat(values[name])
            except ValueError:
                message = f"{name}: {values[name]!r} is not a date: write it YYYY-MM-DD"
                problems.append(Problem(message, at(key)))
    for name, help_text in REQUIRED.items():
        if not values.get(name) and name not in keys:
            problems.append(
                Problem(f"the policy's front matter has no '{name}': add {help_text}", at(policy_node))
            )
        elif not values.get(name) and not any(name in p.message for p in problems):
            problems.append(Problem(f"'{name}:' is empty: add {help_text}", at(keys[name])))
    if problems:
        return FrontMatter(None, tuple(problems))
    details = tuple((name, values[name]) for name in OPTIONAL if values.get(name))
    return FrontMatter(PolicyFrontMatter(values["version"], values["effective"], details))


def _duplicate(name: str, first_line: int, where: Location) -> Problem:
    return Problem(
        f"'{name}:' is written twice (first on line {first_line}): YAML would keep only this one, "
        "and a release would change the other. Keep one and delete the other",
        where,
    )
