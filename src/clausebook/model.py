"""The policy model: what a policy, a section and a clause are, with no Sphinx in it.

Everything here is a frozen dataclass or a pure function, so the same rules serve
the Sphinx extension, the release tools and the tests.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

# A clause is numbered within its section (4.2), and a sub-clause within its clause (4.2.1).
CLAUSE_NUMBER = re.compile(r"^(?P<section>[1-9][0-9]*)\.(?P<item>[1-9][0-9]*)(?:\.(?P<sub>[1-9][0-9]*))?$")
MAX_DEPTH = 3
# Trust policies head a section "4. Prohibited use" or "4.0 Prohibited use".
SECTION_HEADING = re.compile(r"^(?P<number>[1-9][0-9]*)\.0?\s+(?P<title>\S.*)$")
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")


@dataclass(frozen=True)
class Location:
    """Where an editor can find something: a source file and a line (1-based)."""

    path: str
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path


@dataclass(frozen=True)
class Problem:
    """Something an editor must fix, said so they can act on it."""

    message: str
    location: Location | None = None


@dataclass(frozen=True, order=True)
class ClauseNumber:
    """A clause number such as 4.2 (section 4, clause 2) or 4.2.1 (sub-clause 1 of 4.2)."""

    parts: tuple[int, ...]

    @classmethod
    def parse(cls, text: str) -> ClauseNumber:
        match = CLAUSE_NUMBER.match(text.strip())
        if not match:
            deeper = re.match(r"^[1-9][0-9]*(\.[1-9][0-9]*){3,}$", text.strip())
            if deeper:
                raise ValueError(
                    f"{text!r} has more than three levels: clauses go to three levels, like 4.2.1; "
                    "write the deeper points as a list in the words of the clause"
                )
            raise ValueError(
                f"{text!r} is not a clause number: write the section number, a dot "
                "and the clause's place in the section, like 4.2 (or 4.2.1 for a sub-clause of 4.2)"
            )
        return cls(tuple(int(part) for part in match.groups() if part is not None))

    def __str__(self) -> str:
        return ".".join(str(part) for part in self.parts)

    @property
    def section(self) -> int:
        return self.parts[0]

    @property
    def item(self) -> int:
        """Its place among its siblings: 2 in 4.2, 1 in 4.2.1."""
        return self.parts[-1]

    @property
    def depth(self) -> int:
        """2 for a clause (4.2), 3 for a sub-clause (4.2.1)."""
        return len(self.parts)

    @property
    def parent(self) -> str:
        """What it is part of: the clause of a sub-clause ("4.2"), the section of a clause ("4")."""
        return ".".join(str(part) for part in self.parts[:-1])

    @property
    def anchor(self) -> str:
        """The HTML id of the clause in its page; stable for a given number."""
        return "clause-" + "-".join(str(part) for part in self.parts)


def is_clause_number(text: str) -> bool:
    return CLAUSE_NUMBER.match(text.strip()) is not None


def section_anchor(number: int) -> str:
    return f"section-{number}"


@dataclass(frozen=True)
class Clause:
    number: ClauseNumber
    text: str
    page: str  # the page that holds it, relative to its policy version: "04-prohibited-use"
    location: Location | None = None

    @property
    def section(self) -> int:
        return self.number.section


@dataclass(frozen=True)
class Section:
    number: int | None  # None when the heading has no number (an editor's mistake)
    title: str
    page: str
    clauses: tuple[Clause, ...] = ()
    location: Location | None = None
    # The heading as the editor wrote it ("4.0 Gifts and hospitality"): every contents shows it so.
    heading: str = field(default="", compare=False)

    @property
    def label(self) -> str:
        if self.heading:
            return self.heading
        return f"{self.number}. {self.title}" if self.number is not None else self.title


@dataclass(frozen=True)
class PolicyVersion:
    policy: str  # the policy's id, its folder name: "social-media"
    title: str
    version: str
    effective: str  # ISO date
    sections: tuple[Section, ...] = ()
    metadata: tuple[tuple[str, str], ...] = field(default=())

    @property
    def clauses(self) -> tuple[Clause, ...]:
        return tuple(clause for section in self.sections for clause in section.clauses)

    def clause(self, number: str) -> Clause | None:
        wanted = ClauseNumber.parse(number)
        return next((c for c in self.clauses if c.number == wanted), None)


def plain_text(text: str) -> str:
    """Normalise a clause's text for comparison and for clauses.json.

    Runs of spaces collapse; blocks (paragraphs, list items) stay one per line.
    """
    lines = (_SPACES.sub(" ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def parse_section_heading(title: str) -> tuple[int | None, str]:
    """'4. Prohibited use' or '4.0 Prohibited use' -> (4, 'Prohibited use'); no number -> (None, title)."""
    match = SECTION_HEADING.match(title.strip())
    if not match:
        return None, title.strip()
    return int(match["number"]), match["title"].strip()


def numbering_problems(sections: Sequence[Section]) -> list[Problem]:
    """Every numbering mistake in one policy version, in document order.

    Sections are numbered 1, 2, 3... in the order of the contents; the clauses of
    section N are N.1, N.2, N.3... in order, each number once.
    """
    problems: list[Problem] = []
    seen: dict[ClauseNumber, Clause] = {}
    for place, section in enumerate(sections, start=1):
        if section.number is None:
            problems.append(
                Problem(
                    f"the section heading {section.title!r} has no number: start it with "
                    f"the section's number and a dot, like '# {place}. {section.title}'",
                    section.location,
                )
            )
        elif section.number != place:
            problems.append(
                Problem(
                    f"section {section.number} is number {place} in the policy's contents: "
                    f"renumber its heading to '{place}.' (and its clauses to {place}.1, "
                    f"{place}.2...) or move it in the contents of the policy's index.md",
                    section.location,
                )
            )
        expected_section = section.number if section.number is not None else place
        problems.extend(_clause_problems(section, expected_section, seen))
    return problems


class _Run:
    """The numbers of one level (the clauses of a section, or the sub-clauses of a clause) as
    the editor wrote them, judged so that one mistake gives one message: after a mistake, a
    number fits if it follows the last one written (5.2, 5.2, 5.3) or its place in the list
    (4.1, 4.2, 4.2, 4.4), or if it fills the gap the mistake left (5.1.2 then 5.1.1)."""

    def __init__(self) -> None:
        self.last = 0  # the highest number written so far
        self.count = 0  # how many numbers were written
        self.used: set[int] = set()

    def expected(self) -> int:
        return self.last + 1

    def fits(self, item: int) -> bool:
        return item in (self.last + 1, self.count + 1) or (item < self.last and item not in self.used)

    def take(self, item: int) -> None:
        self.used.add(item)
        self.last = max(self.last, item)
        self.count += 1


def _clause_problems(
    section: Section, expected_section: int, seen: dict[ClauseNumber, Clause]
) -> Iterable[Problem]:
    """Each level in order, once, within its parent: 4.1, 4.2, 4.2.1, 4.2.2, 4.3..."""
    clauses = _Run()
    parent: ClauseNumber | None = None  # the last clause, which sub-clauses that follow belong to
    subs = _Run()
    for clause in section.clauses:
        number = clause.number
        first = seen.get(number)
        if first is not None:
            where = f" (first at {first.location})" if first.location else ""
            yield Problem(
                f"clause {number} appears twice{where}: give each clause its own number",
                clause.location,
            )
            (clauses if number.depth == 2 else subs).take(number.item)
            continue
        seen[number] = clause
        if number.section != expected_section:
            yield Problem(
                f"clause {number} is in section {expected_section}: number it "
                f"{expected_section}.{clauses.expected()}, or move it to section {number.section}",
                clause.location,
            )
            clauses.take(clauses.expected())
        elif number.depth == 2:
            if not clauses.fits(number.item):
                yield Problem(
                    f"clause {number} is out of order: the clause here should be "
                    f"{expected_section}.{clauses.expected()} (clauses run {expected_section}.1, "
                    f"{expected_section}.2... with no gaps)",
                    clause.location,
                )
            clauses.take(number.item)
            parent, subs = number, _Run()
        elif parent is None or number.parent != str(parent):
            here = f"{parent}.{subs.expected()}" if parent is not None else None
            instead = f", or number it {here} to make it part of clause {parent}" if here else ""
            yield Problem(
                f"sub-clause {number} is part of clause {number.parent}, so it must come straight "
                f"after clause {number.parent} (or its other sub-clauses): move it there{instead}",
                clause.location,
            )
        else:
            if not subs.fits(number.item):
                yield Problem(
                    f"sub-clause {number} is out of order: the sub-clause here should be "
                    f"{parent}.{subs.expected()} (sub-clauses run {parent}.1, {parent}.2... with no gaps)",
                    clause.location,
                )
            subs.take(number.item)


# -- the whole handbook as one build saw it (the internal model file) ----------------------


@dataclass(frozen=True)
class ClauseIdentity:
    """Who a clause is across versions (kept through renumbering, like Akoma Ntoso's wId)."""

    policy: str
    identity: str
    version: str  # the version the reference was resolved in


@dataclass(frozen=True)
class ModelClause:
    """A clause, or a section without clauses (cited by its number), in one version."""

    number: str
    identity: str
    text: str
    url: str


@dataclass(frozen=True)
class ModelVersion:
    version: str
    effective: str
    status: str  # "current", "superseded", "future" or "draft"
    folder: str  # where the site serves it: "social-media/1.1"
    clauses: tuple[ModelClause, ...] = ()
    # Each {clause} reference of its pages: (page in the version's folder, target as written) -> identity.
    references: tuple[tuple[str, str, ClauseIdentity], ...] = ()
    guidance: dict[str, object] | None = None  # the bundle the browser's engine reads, if any

    def texts(self) -> dict[str, str]:
        return {c.number: c.text for c in self.clauses}

    def number_of(self, identity: str) -> str | None:
        return next((c.number for c in self.clauses if c.identity == identity), None)


@dataclass(frozen=True)
class ModelPolicy:
    id: str
    title: str
    versions: tuple[ModelVersion, ...]  # oldest first; a draft, if any, last

    @property
    def newest(self) -> ModelVersion:
        """The version being worked on: the draft, or else the newest release."""
        return self.versions[-1]


@dataclass(frozen=True)
class Handbook:
    """Every policy and version a build read, drafts included: what the commands work from."""

    policies: tuple[ModelPolicy, ...]

    def policy(self, policy_id: str) -> ModelPolicy | None:
        return next((p for p in self.policies if p.id == policy_id), None)

    def version(self, folder: str) -> ModelVersion | None:
        return next((v for p in self.policies for v in p.versions if v.folder == folder), None)
