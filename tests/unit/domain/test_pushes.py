"""Push targets: age from the ID number, tags, estates; progress counts."""

from __future__ import annotations

from datetime import date

from domain.pushes import Progress, Targets, age_on, matches
from domain.residents import Address, Resident
from tests.fixtures import id_number

TODAY = date(2026, 12, 2)


def person(born: date, tags: tuple[str, ...] = (), estate: str = "E1") -> Resident:
    return Resident("王秀英", "13900000001", Address(estate), id_number(born, 1), list(tags),
                    verified=True)


def test_age_counts_full_years_from_the_id_number() -> None:
    assert age_on(id_number(date(1956, 12, 2), 1), TODAY) == 70  # birthday today
    assert age_on(id_number(date(1956, 12, 3), 1), TODAY) == 69  # tomorrow
    assert age_on("12345", TODAY) is None and age_on(None, TODAY) is None


def test_targets_match_any_tag_any_estate_and_the_age_range() -> None:
    old = person(date(1950, 1, 1), ("老年人", "独居"), "E2")
    young = person(date(1990, 1, 1), ("租户",), "E1")
    assert matches(old, Targets(), TODAY) and matches(young, Targets(), TODAY)
    assert matches(old, Targets(tags=("独居", "残疾")), TODAY)
    assert not matches(young, Targets(tags=("独居",)), TODAY)
    assert matches(young, Targets(estates=("E1",)), TODAY)
    assert not matches(old, Targets(estates=("E1",)), TODAY)
    assert matches(old, Targets(min_age=70), TODAY) and not matches(young, Targets(min_age=70), TODAY)
    assert matches(young, Targets(max_age=40), TODAY) and not matches(old, Targets(max_age=40), TODAY)


def test_an_age_condition_leaves_out_residents_of_unknown_age() -> None:
    unknown = Resident("李伯", "13900000002", Address("E1"), None, [], verified=True)
    assert matches(unknown, Targets(), TODAY)
    assert not matches(unknown, Targets(min_age=60), TODAY)


def test_targets_survive_being_stored() -> None:
    t = Targets(("老年人",), ("E1", "E2"), 60, None)
    assert Targets.from_dict(t.to_dict()) == t and Targets.from_dict(None).everyone


def test_progress_is_done_when_every_recipient_has_an_outcome() -> None:
    assert Progress(total=5, sent=3, failed=1).pending == 1
    assert Progress(total=5, sent=3, failed=1, blocked=1).done
