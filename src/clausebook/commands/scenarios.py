"""``make scenarios``: every policy's scenarios (``quizzes/<policy>.scenarios.yaml``) put to the
guidance its editors are working on, each told with its file and line when it does not reach what
it says. The guidance is read from the build's model file, as ``make tree-record`` reads it."""

from __future__ import annotations

import sys
from pathlib import Path

from clausebook.interactive.scenarios import problems
from clausebook.interactive.views import Guidance
from clausebook.modelfile import model_path, read_model
from clausebook.sources.yamlsource import YamlSyntaxError, read_yaml


def scenarios_path(root: Path, policy: str) -> Path:
    return root / "quizzes" / f"{policy}.scenarios.yaml"


def check_scenarios(root: Path) -> int:
    """Print each problem as ``file:line: scenario 'name': ...``; 1 if there was any."""
    if not model_path(root).is_file():
        print("Build the site first: make html", file=sys.stderr)
        return 1
    failed = 0
    for policy in read_model(root).policies:
        path = scenarios_path(root, policy.id)
        if not path.is_file():
            continue
        shown = path.relative_to(root).as_posix()
        guidance_data = policy.newest.guidance
        if not guidance_data or not guidance_data.get("rules"):
            print(
                f"{shown}:1: error: the {policy.id} policy has no guidance rules for its scenarios to "
                f"walk: write quizzes/{policy.id}.rules.yaml, or delete this file",
                file=sys.stderr,
            )
            failed += 1
            continue
        try:
            source = read_yaml(path)
        except YamlSyntaxError as error:
            print(f"{shown}:{error.line}: error: {error}", file=sys.stderr)
            failed += 1
            continue
        except UnicodeDecodeError:
            print(f"{shown}:1: error: the file is not saved as UTF-8: save it as UTF-8", file=sys.stderr)
            failed += 1
            continue
        listed = source.data.get("scenarios") if isinstance(source.data, dict) else None
        if not isinstance(listed, list):
            print(f"{shown}:1: error: list the scenarios under 'scenarios:'", file=sys.stderr)
            failed += 1
            continue
        guidance = Guidance.from_bundle(guidance_data)
        wrong = 0
        for index, scenario in enumerate(listed):
            name = scenario.get("name", f"number {index + 1}") if isinstance(scenario, dict) else index + 1
            found = (
                problems(guidance, scenario)
                if isinstance(scenario, dict)
                else ["write it as name:, answers:, outcome:"]
            )
            for problem in found:
                print(
                    f"{shown}:{source.line(('scenarios', index))}: error: scenario {name!r}: {problem}",
                    file=sys.stderr,
                )
            wrong += bool(found)
        print(f"{policy.id}: {len(listed) - wrong} of {len(listed)} scenarios reach what they say")
        failed += wrong
    return 1 if failed else 0
