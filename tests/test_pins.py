"""make pins: what it keeps and what it drops, on the pins data itself (no build)."""

from __future__ import annotations

from clausebook.versions.pins import changed_since_pinned, confirm, drop_stale, fingerprint

TEXTS = {"3": "Personal use is never permitted during working hours.", "6.4": "If uncertain, ask first."}


def test_a_clause_an_item_no_longer_cites_loses_its_pin_and_is_named() -> None:
    """Found: 'break-time' stopped citing 6.4 but kept its 6.4 pin, for good."""
    pins = {"rule:break-time": {"3": [fingerprint(TEXTS["3"])], "6.4": [fingerprint(TEXTS["6.4"])]}}
    dropped = drop_stale(pins, [("rule:break-time", ["3"])], TEXTS)
    assert pins == {"rule:break-time": {"3": [fingerprint(TEXTS["3"])]}}
    assert dropped == ["rule:break-time: 6.4 (no longer cited)"]


def test_an_item_that_is_gone_loses_all_its_pins() -> None:
    pins = {"quiz:old": {"3": [fingerprint(TEXTS["3"])]}, "quiz:kept": {"3": [fingerprint(TEXTS["3"])]}}
    dropped = drop_stale(pins, [("quiz:kept", ["3"])], TEXTS)
    assert set(pins) == {"quiz:kept"} and dropped == ["quiz:old (no such item now)"]


def test_the_pin_of_a_renumbered_clause_stays() -> None:
    # 6.4 became 6.6 with the same words; the item now cites 6.6 and its 6.4 pin confirms them.
    texts = {"3": TEXTS["3"], "6.6": TEXTS["6.4"]}
    pins = {"rule:x": {"3": [fingerprint(TEXTS["3"])], "6.4": [fingerprint(TEXTS["6.4"])]}}
    assert drop_stale(pins, [("rule:x", ["3", "6.6"])], texts) == []
    assert changed_since_pinned("rule:x", ["3", "6.6"], texts, pins) == []


def test_pins_still_cited_are_kept_with_their_history() -> None:
    old = fingerprint("Personal use is not permitted during lessons.")
    pins = {"rule:x": {"3": [old, fingerprint(TEXTS["3"])]}}
    assert drop_stale(pins, [("rule:x", ["3"])], TEXTS) == []
    assert pins == {"rule:x": {"3": [old, fingerprint(TEXTS["3"])]}}


def test_a_new_item_is_pinned_and_nothing_dropped() -> None:
    pins: dict[str, dict[str, list[str]]] = {}
    found = [("rule:new", ["3", "6.4"])]
    assert confirm(pins, found, TEXTS, set()) == ["rule:new"]
    assert drop_stale(pins, found, TEXTS) == []
