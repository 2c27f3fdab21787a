"""YAML with line numbers: the guidance engine names items by path, the editor needs a line."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ItemPath = tuple[str | int, ...]


class YamlSyntaxError(ValueError):
    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


@dataclass(frozen=True)
class YamlSource:
    path: str
    data: Any
    lines: dict[ItemPath, int] = field(default_factory=dict)

    def line(self, item: ItemPath) -> int:
        """The line of ``item``, or of its nearest enclosing item that exists."""
        for end in range(len(item), -1, -1):
            if item[:end] in self.lines:
                return self.lines[item[:end]]
        return 1


def _record(node: yaml.Node, path: ItemPath, lines: dict[ItemPath, int]) -> None:
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        first: dict[str, int] = {}
        for key, value in node.value:
            name = str(key.value)
            line = key.start_mark.line + 1
            if name in first:
                # YAML keeps the last of two silently: the editor's first 'cites:' would be lost.
                raise YamlSyntaxError(
                    f"'{name}:' is written twice here (first on line {first[name]}): YAML would keep "
                    "only this one. Keep one and delete the other",
                    line,
                )
            first[name] = line
            child = (*path, name)
            lines.setdefault(child, line)
            _record(value, child, lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, value in enumerate(node.value):
            _record(value, (*path, index), lines)


# libyaml's parser where the installed PyYAML has it (its wheels do): the guidance files are read
# at every build, and the pure-Python composer was a tenth of a rebuild after one edit.
_SAFE: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _refuse_anchors(text: str) -> None:
    """Refuse anchors and aliases (``&a``, ``*a``) as front matter does: a few lines of them
    expand to billions of items (found: a check that ran for minutes without a word), and no
    guidance file needs them. Read from the parser's events, before anything is built."""
    for event in yaml.parse(text, Loader=_SAFE):
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            raise YamlSyntaxError(
                f"'&{anchor}' or '*{anchor}' (a YAML anchor or alias) is not accepted in guidance "
                "files: write the item out in full",
                event.start_mark.line + 1 if event.start_mark else 1,
            )


def _bad_date_line(node: yaml.Node) -> int:
    """The line of the first value YAML reads as a date and cannot make one of (0: none)."""
    if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:timestamp":
        try:
            _SAFE("").construct_yaml_timestamp(node)
        except ValueError:
            return node.start_mark.line + 1
    children: list[yaml.Node] = []
    if isinstance(node, yaml.MappingNode):
        children = [part for pair in node.value for part in pair]
    elif isinstance(node, yaml.SequenceNode):
        children = list(node.value)
    return next((line for line in map(_bad_date_line, children) if line), 0)


def parse_yaml(text: str, path: str) -> YamlSource:
    """Parse ``text``; a syntax error is raised with the line the parser stopped at."""
    node = None
    try:
        _refuse_anchors(text)
        node = yaml.compose(text, Loader=_SAFE)
        data = None if node is None else _SAFE("").construct_document(node)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 1
        raise YamlSyntaxError(
            f"this is not valid YAML ({error.problem or error.context}): check the indentation and the "
            "colons on this line and the one before; text with a colon in it needs quotes",
            line,
        ) from None
    except YamlSyntaxError:
        raise  # the loader's own, with its line
    except ValueError as error:
        # A value YAML reads as a date that is no date (2026-02-30): found as a traceback.
        raise YamlSyntaxError(
            f"a date here is not a real date ({error}): write one like 2026-02-28, or put text in quotes",
            (_bad_date_line(node) if node is not None else 0) or 1,
        ) from None
    lines: dict[ItemPath, int] = {}
    if node is not None:
        _record(node, (), lines)
    return YamlSource(path, data, lines)


def read_yaml(path: Path) -> YamlSource:
    return parse_yaml(path.read_text(encoding="utf-8"), str(path))
