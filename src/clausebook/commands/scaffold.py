"""``make policy NAME=code-of-conduct TITLE="Staff code of conduct"``: a new policy's folder.

It writes ``handbook/<name>/index.md`` (the front matter the build requires, and the list of
sections) and a first section with one clause to replace, and nothing at all when the name is
taken or is not a folder name the site can use.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from pathlib import Path

from clausebook.sources.declarations import declaration_line

SLUG = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
LONGEST = 60  # a folder name and every address under it: far past this a file system refuses it
# Names the site or the build already use (a version's draft, the clause links, the site's own
# pages and folders): a policy of that name would collide with them, or read as one of them.
# Names starting with "_" or "." are the build's and fail SLUG already.
RESERVED = frozenset(
    {
        "draft",
        "clause",
        "index",
        "quizzes",
        "search",
        "genindex",
        "py-modindex",
        "editors",
        "accessibility",
        "templates",
        "handbook",
        "static",
    }
)


MARKUP = "<>*`{}|\\"  # Markdown's marks: never in a plain title
LEADING = "#-:+=>"  # at the start of a line, Markdown reads these as a heading, list or block


class ScaffoldError(Exception):
    """A new policy cannot be made as asked; the message says what to do instead."""


def check_name(handbook: Path, name: str, title: str) -> None:
    if not SLUG.match(name):
        raise ScaffoldError(
            f"NAME={name!r} cannot be a policy's folder: use lower-case letters, digits and hyphens, "
            "starting with a letter, with one hyphen between words and none at the end, like "
            "NAME=code-of-conduct (it becomes the policy's address)"
        )
    if len(name) > LONGEST:
        raise ScaffoldError(
            f"NAME is {len(name)} characters long: give the policy a shorter folder name, of at most "
            f"{LONGEST} characters, like NAME=code-of-conduct (it becomes the policy's address)"
        )
    if name in RESERVED:
        raise ScaffoldError(
            f"NAME={name} is a name the site already uses for its own pages or folders "
            f"({', '.join(sorted(RESERVED))}): choose another, like NAME={name}-policy"
        )
    if (handbook / name).exists():
        raise ScaffoldError(
            f"handbook/{name}/ exists already: choose another NAME, or edit that policy's files"
        )
    if not title.strip():
        raise ScaffoldError(
            'say the policy\'s title: make policy NAME=code-of-conduct TITLE="Staff code of conduct"'
        )
    if "\n" in title:
        raise ScaffoldError(
            'TITLE must be the policy\'s name on one line, like TITLE="Staff code of conduct"'
        )
    # Found: "<b>x</b>" was accepted and the next build refused the index.md written here, and
    # "a*b*c" silently became "abc": the title is a Markdown heading, so it must be plain words.
    marks = sorted({c for c in title if c in MARKUP} | ({title.strip()[0]} & set(LEADING)))
    if marks:
        raise ScaffoldError(
            f"TITLE must be plain words: {' '.join(marks)} would be read as formatting in the page's "
            'heading. Leave them out, like TITLE="Staff code of conduct"'
        )


def index_text(title: str, today: dt.date) -> str:
    return f"""---
# The policy's details, checked by the build. Edit them before the first release.
# Until then the policy is a draft: previewed at <name>/draft/, marked not in force.
policy:
  version: "1.0"          # in quotes; make release sets the version it publishes
  effective: {today.isoformat()}   # the date it comes into force, YYYY-MM-DD
  category: Policies      # the group the home page lists it under
  # owner: HR             # optional: who owns the policy
  # review: {today.replace(year=today.year + 1).isoformat()}    # optional: the next review date
---

# {title.strip()}

```{{toctree}}
:maxdepth: 1

01-introduction
```
"""


FIRST_SECTION = """# 1. Introduction

:::{clause} 1.1
Replace these words with the first clause of the policy.
:::
"""


def new_policy(root: Path, name: str, title: str, today: dt.date) -> int:
    handbook = root / "handbook"
    try:
        check_name(handbook, name, title)
    except ScaffoldError as error:
        print(f"error: {error}. Nothing was written.", file=sys.stderr)
        return 1
    folder = handbook / name
    folder.mkdir(parents=True)
    (folder / "index.md").write_text(index_text(title, today), encoding="utf-8")
    (folder / "01-introduction.md").write_text(FIRST_SECTION, encoding="utf-8")
    print(f"Wrote handbook/{name}/index.md and handbook/{name}/01-introduction.md.")
    line = declaration_line(handbook / "conf.py", name)
    if line is not None:
        print(
            f"warning: handbook/conf.py:{line} declares '{name}' in clausebook_external_policies, as a "
            f"policy the handbook does not hold: remove that entry (references to '{name}' now lead "
            "to this policy, and its title comes from index.md)",
            file=sys.stderr,
        )
    print("It is a draft, not in force, until its first release: make html previews it at")
    print(f"_build/html/{name}/draft/ (marked as a draft, not on the home page).")
    print("Next: write the policy's sections (one file each, listed in index.md), run make html to")
    print(
        f"check and preview it, then publish it: make release POLICY={name} VERSION=1.0 EFFECTIVE=YYYY-MM-DD"
    )
    return 0
