"""The clause diff, identities and the in-force index, on plain data."""

from __future__ import annotations

import datetime as dt

import pytest

from clausebook.versions.comparison import (
    VersionClause,
    compare,
    in_force,
    only_references_moved,
    periods,
    redline,
)

OLD = [
    VersionClause("4.1", "Employees must avoid damaging communications."),
    VersionClause("4.2", "Employees must not defame the Trust."),
    VersionClause("4.3", "Employees must not express opinions on the school's behalf."),
]


def kinds(changes: tuple) -> list[tuple[str, str | None, str | None]]:
    return [(c.kind, c.old, c.new) for c in changes]


def test_unchanged_clauses_are_not_changes() -> None:
    assert compare(OLD, list(OLD)).changes == ()


def test_whitespace_only_edits_are_ignored() -> None:
    new = [VersionClause(c.number, "  " + c.text.replace(" ", "  \n") + " ") for c in OLD]
    assert compare(OLD, new).changes == ()


def test_changed_clause() -> None:
    new = [OLD[0], VersionClause("4.2", "Employees must never defame the Trust."), OLD[2]]
    [change] = compare(OLD, new).changes
    assert (change.kind, change.old, change.new, change.identity) == ("changed", "4.2", "4.2", "4.2")


def test_added_clause_gets_a_new_identity_when_its_number_was_used() -> None:
    new = [
        *OLD[:1],
        VersionClause("4.2", "A brand new rule about something else entirely."),
        *[VersionClause("4.3", OLD[1].text), VersionClause("4.4", OLD[2].text)],
    ]
    result = compare(OLD, new, version="1.1")
    assert kinds(result.changes) == [
        ("added", None, "4.2"),
        ("renumbered", "4.2", "4.3"),
        ("renumbered", "4.3", "4.4"),
    ]
    assert result.identities == {"4.1": "4.1", "4.2": "4.2~1.1", "4.3": "4.2", "4.4": "4.3"}


def test_removed_clause() -> None:
    result = compare(OLD, [OLD[0], VersionClause("4.2", OLD[2].text)])
    assert kinds(result.changes) == [("renumbered", "4.3", "4.2"), ("removed", "4.2", None)]
    assert result.identities == {"4.1": "4.1", "4.2": "4.3"}


def test_moved_and_amended_clause_keeps_its_identity() -> None:
    new = [
        OLD[0],
        VersionClause("4.2", OLD[2].text),
        VersionClause("4.3", "Employees must not defame the Trust or its staff."),
    ]
    result = compare(OLD, new)
    assert ("changed", "4.2", "4.3") in kinds(result.changes)
    assert result.identities["4.3"] == "4.2"


def test_identities_carry_over_from_earlier_releases() -> None:
    result = compare(OLD, [OLD[1], OLD[2]], old_identities={"4.1": "4.1", "4.2": "4.5", "4.3": "4.6"})
    assert result.identities == {"4.2": "4.5", "4.3": "4.6"}


def test_redline_marks_only_the_changed_words() -> None:
    assert redline("must not post comments", "must never post comments") == [
        ("equal", "must"),
        ("delete", "not"),
        ("insert", "never"),
        ("equal", "post comments"),
    ]


def test_in_force_before_on_and_after_an_effective_date() -> None:
    versions = [("1.0", "2024-09-01"), ("1.1", "2026-11-25")]
    assert in_force(versions, dt.date(2024, 8, 31)) is None
    assert in_force(versions, dt.date(2024, 9, 1)) == "1.0"
    assert in_force(versions, dt.date(2026, 11, 24)) == "1.0"
    assert in_force(versions, dt.date(2026, 11, 25)) == "1.1"
    assert in_force(versions, dt.date(2030, 1, 1)) == "1.1"
    [first, second] = periods(versions)
    assert first.end == dt.date(2026, 11, 24) and second.end is None


def test_two_versions_on_one_day_the_higher_number_wins() -> None:
    assert in_force([("1.1", "2025-01-01"), ("1.2", "2025-01-01")], dt.date(2025, 6, 1)) == "1.2"


def test_the_unreleased_changes_notice_names_a_section_as_a_section() -> None:
    """Attack: a changed section without clauses was listed as "3 changed", read as a count."""
    from clausebook.sphinxext.history import change_words
    from clausebook.versions.comparison import Change

    assert change_words(Change("changed", "3", "3", "3")) == "section 3 changed"
    assert change_words(Change("changed", "4.4", "4.4", "4.4")) == "4.4 changed"
    assert change_words(Change("renumbered", "4.4", "4.3", "4.4")) == "4.4 renumbered to 4.3"


# 4.4 became 4.5 (a clause was inserted before it); 4.3 kept its number.
BEFORE = {"4.3": "4.3", "4.4": "4.4", "4.5": "4.5"}
AFTER = {"4.3": "4.3", "4.4": "4.4~1.1", "4.5": "4.4", "4.6": "4.5"}


@pytest.mark.parametrize(
    ("old", "new", "editorial"),
    [
        ("Follow clause 4.4.", "Follow clause 4.5.", True),  # the same clause, its new number
        ("See 4.4 and 4.5, then 4.3.", "See 4.5 and 4.6, then 4.3.", True),
        ("Follow clause 4.4.", "Follow clause 4.4.", False),  # nothing changed
        ("Follow clause 4.4.", "Follow clause 4.6.", False),  # another clause now
        ("Follow clause 4.4.", "Follow clause 4.4 at once.", False),  # words
        ("Follow clause 4.4.", "Always follow clause 4.5.", False),  # words, and the number
        ("Follow clause 4.9.", "Follow clause 4.5.", False),  # a number that named no clause
    ],
)
def test_a_reference_given_its_clause_s_new_number_is_not_a_new_rule(
    old: str, new: str, editorial: bool
) -> None:
    assert only_references_moved(old, new, BEFORE, AFTER) is editorial
