"""The numbering rules, on the pure model: what an editor is told for each mistake."""

from __future__ import annotations

import pytest

from clausebook.model import (
    Clause,
    ClauseNumber,
    Location,
    Section,
    numbering_problems,
    parse_section_heading,
    plain_text,
)


def section(number: int | None, *clauses: str, title: str = "A section") -> Section:
    return Section(
        number,
        title,
        f"0{number}-page",
        tuple(
            Clause(ClauseNumber.parse(c), "words", f"0{number}-page", Location("f.md", i))
            for i, c in enumerate(clauses, 1)
        ),
        Location("f.md", 1),
    )


def messages(*sections: Section) -> list[str]:
    return [p.message for p in numbering_problems(sections)]


def test_a_well_numbered_policy_has_no_problems() -> None:
    assert messages(section(1, "1.1", "1.2"), section(2), section(3, "3.1")) == []


def test_duplicate_clause_is_named_with_the_first_place() -> None:
    [message] = messages(section(1, "1.1", "1.2", "1.2", "1.4"))
    assert "1.2 appears twice" in message and "f.md:2" in message


def test_gap_in_clause_numbers_is_out_of_order() -> None:
    [message] = messages(section(1, "1.1", "1.3"))
    assert "out of order" in message and "should be 1.2" in message


def test_clause_in_the_wrong_section() -> None:
    [message] = messages(section(1, "1.1"), section(2, "2.1", "3.2"))
    assert "clause 3.2 is in section 2" in message and "number it 2.2" in message


def test_sections_out_of_order_and_unnumbered() -> None:
    found = messages(section(2), section(1), section(None, title="Monitoring"))
    assert "section 2 is number 1" in found[0]
    assert "section 1 is number 2" in found[1]
    assert "'# 3. Monitoring'" in found[2]


@pytest.mark.parametrize("text", ["4", "4.", "a.1", "4.0", "04.1", "4.2.0", "4.2.", ""])
def test_not_a_clause_number(text: str) -> None:
    with pytest.raises(ValueError, match=r"like 4\.2"):
        ClauseNumber.parse(text)


def test_clause_numbers_sort_as_numbers() -> None:
    assert ClauseNumber.parse("4.10") > ClauseNumber.parse("4.9")
    assert ClauseNumber.parse("4.4").anchor == "clause-4-4"


def test_section_heading() -> None:
    assert parse_section_heading("4. Prohibited use") == (4, "Prohibited use")
    assert parse_section_heading("4.0 Prohibited use") == (4, "Prohibited use")
    assert parse_section_heading("4.1 Prohibited use") == (None, "4.1 Prohibited use")
    assert parse_section_heading("Prohibited use") == (None, "Prohibited use")


def test_plain_text_keeps_blocks_and_collapses_spaces() -> None:
    assert plain_text("a  b\n\n  c\u00a0d \n") == "a b\nc d"


# -- three levels: 4.2.1 is sub-clause 1 of clause 4.2 ------------------------------------


def test_sub_clauses_follow_their_clause_in_order() -> None:
    assert messages(section(1, "1.1", "1.1.1", "1.1.2", "1.2", "1.3", "1.3.1"), section(2, "2.1")) == []


def test_a_sub_clause_knows_its_parent_anchor_and_order() -> None:
    number = ClauseNumber.parse("4.2.1")
    assert (str(number), number.parent, number.depth, number.anchor) == ("4.2.1", "4.2", 3, "clause-4-2-1")
    assert ClauseNumber.parse("4.2").parent == "4"
    assert ClauseNumber.parse("4.2") < number < ClauseNumber.parse("4.2.10") < ClauseNumber.parse("4.3")


def test_a_fourth_level_is_refused_with_what_to_do() -> None:
    with pytest.raises(ValueError, match=r"more than three levels.*as a list"):
        ClauseNumber.parse("4.2.1.1")


def test_a_gap_in_sub_clauses_is_out_of_order() -> None:
    [message] = messages(section(1, "1.1", "1.1.1", "1.1.3"))
    assert "sub-clause 1.1.3 is out of order" in message and "should be 1.1.2" in message


def test_a_sub_clause_away_from_its_clause_says_where_it_belongs() -> None:
    [message] = messages(section(1, "1.1", "1.2", "1.1.1"))
    assert "part of clause 1.1" in message and "after clause 1.1" in message and "number it 1.2.1" in message


def test_a_sub_clause_before_any_clause_is_refused() -> None:
    [message] = messages(section(1, "1.1.1", "1.1"))
    assert "sub-clause 1.1.1 is part of clause 1.1" in message and "number it" not in message


def test_a_sub_clause_in_the_wrong_section_and_a_duplicate() -> None:
    found = messages(section(1, "1.1", "1.1.1", "1.1.1"), section(2, "2.1", "1.1.2"))
    assert "1.1.1 appears twice" in found[0] and "f.md:2" in found[0]
    assert "clause 1.1.2 is in section 2" in found[1]


def test_one_mistake_gives_one_message_judged_by_the_editors_own_sequence() -> None:
    [swapped] = messages(section(1, "1.1", "1.1.2", "1.1.1"))
    assert "sub-clause 1.1.2 is out of order" in swapped and "should be 1.1.1" in swapped
    [repeated] = messages(section(1, "1.1", "1.2", "1.2", "1.3"))
    assert "1.2 appears twice" in repeated
    [jumped] = messages(section(1, "1.1", "1.7", "1.3", "1.4"))
    assert "clause 1.7 is out of order" in jumped and "should be 1.2" in jumped
    [swapped_clauses] = messages(section(1, "1.1", "1.3", "1.2", "1.4"))
    assert "clause 1.3 is out of order" in swapped_clauses
    # Two mistakes are still two messages.
    assert len(messages(section(1, "1.1", "1.3", "1.5"))) == 2
