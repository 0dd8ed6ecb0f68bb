"""Spotting a report that repeats an open one: same place, similar words."""

from __future__ import annotations

from domain.reports import Kind, Report, Status
from domain.residents import Address
from domain.similarity import likely_duplicate, text_similarity


def rep(number: str, text: str, *, category: str = "lighting", estate: str = "E1",
        building: str = "3", status: Status = Status.PENDING) -> Report:
    """A report about `text` at estate/building."""
    return Report(number=number, kind=Kind.REPAIR, category=category, description=text,
                  resident_id=None, chat_id=None, grid="G1",
                  address=Address(estate, building), status=status)


def test_text_similarity_on_chinese_without_spaces() -> None:
    assert text_similarity("3幢楼道灯不亮", "3幢楼道灯不亮") == 1.0
    assert text_similarity("3幢楼道灯不亮了", "三幢的楼道灯坏了不亮") > 0.2
    assert text_similarity("楼道灯不亮", "垃圾没人清") == 0.0
    assert text_similarity("", "楼道灯") == 0.0


def test_same_problem_same_building_is_a_duplicate() -> None:
    old = rep("A1", "3幢2单元楼道灯不亮")
    new = rep("N", "3幢楼道灯坏了不亮")
    assert likely_duplicate(new, [old]) is old


def test_other_estate_other_building_or_closed_is_not() -> None:
    new = rep("N", "3幢楼道灯坏了不亮")
    assert likely_duplicate(new, [rep("A", "3幢楼道灯不亮", estate="E2")]) is None
    assert likely_duplicate(new, [rep("B", "3幢楼道灯不亮", building="5")]) is None
    assert likely_duplicate(new, [rep("C", "3幢楼道灯不亮", status=Status.RESOLVED)]) is None
    assert likely_duplicate(new, [rep("D", "垃圾桶满了没人清", category="sanitation")]) is None
    assert likely_duplicate(new, [new]) is None


def test_best_match_wins() -> None:
    weak = rep("W", "楼道里有点暗", category="other")
    strong = rep("S", "3幢楼道灯坏了")
    new = rep("N", "3幢楼道灯坏了不亮")
    assert likely_duplicate(new, [weak, strong]) is strong
