"""Amounts on receipt captions as staff write them: 元/块/角, Chinese numerals, an approver."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nlu.money import parse_receipt


@pytest.mark.parametrize(("caption", "fen", "purpose", "approver", "income"), [
    ("扫帚 25元", 2500, "扫帚", "", False),
    ("买扫帚25块 王书记批的", 2500, "扫帚", "王书记", False),
    ("二十五块五 垃圾袋", 2550, "垃圾袋", "", False),
    ("三块五毛 胶带", 350, "胶带", "", False),
    ("路灯维修 1200元 审批人陈书记", 120000, "路灯维修", "陈书记", False),
    ("保洁工资 2,400元", 240000, "保洁工资", "", False),
    ("上级拨款 5万元", 5_000_000, "上级拨款", "", True),
    ("绿化 ¥380.50", 38050, "绿化", "", False),
    ("扫帚 25", 2500, "扫帚", "", False),
    ("扫帚", None, "扫帚", "", False),
    ("2幢 3楼 25", None, "2幢 3楼 25", "", False),  # several bare numbers: not money
])
def test_captions(caption: str, fen: int | None, purpose: str, approver: str, income: bool) -> None:
    r = parse_receipt(caption)
    assert (r.amount_fen, r.purpose, r.approver, r.income) == (fen, purpose, approver, income)


@given(st.integers(min_value=1, max_value=9_999_999), st.sampled_from(["元", "块", "块钱"]))
def test_any_whole_amount_reads_back(n: int, unit: str) -> None:
    assert parse_receipt(f"扫帚{n}{unit}").amount_fen == n * 100


@given(st.text(max_size=40))
def test_never_crashes_and_never_negative(text: str) -> None:
    r = parse_receipt(text)
    assert r.amount_fen is None or r.amount_fen > 0
