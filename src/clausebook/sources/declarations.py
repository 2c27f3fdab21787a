"""Where ``handbook/conf.py`` declares a policy the handbook does not hold
(``clausebook_external_policies``): the line to point an editor at."""

from __future__ import annotations

import re
from pathlib import Path


def declaration_line(conf: Path, policy: str) -> int | None:
    """The line of conf.py whose key is ``policy`` ("code-of-conduct": {...}), if there is one."""
    key = re.compile(rf"""^\s*["']{re.escape(policy)}["']\s*:""")
    try:
        lines = conf.read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    return next((number for number, line in enumerate(lines, 1) if key.match(line)), None)
