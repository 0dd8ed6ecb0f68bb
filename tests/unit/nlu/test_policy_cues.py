"""Which part of a policy a question asks for, and "那我能申请吗", in residents' words."""

from __future__ import annotations

import pytest

from nlu.policy_cues import asks_if_qualified, aspects


@pytest.mark.parametrize(("text", "expected"), [
    ("要带什么材料", ["documents"]),
    ("需要什么证件", ["documents"]),
    ("低保要带啥", ["documents"]),
    ("谁能申请", ["target"]),
    ("什么人可以申请临时救助", ["target"]),
    ("能领多少", ["benefit"]),
    ("有什么补贴", ["benefit"]),
    ("去哪里办", ["apply"]),
    ("怎么申请", ["apply"]),
    ("临时救助是什么 谁能获得", ["target", "benefit"]),
    ("谁能申请要带什么材料", ["target", "documents"]),
    ("临时救助", []),
    ("临时救助是什么", []),  # alone: the plain summary
])
def test_the_aspect_asked(text: str, expected: list[str]) -> None:
    assert aspects(text) == expected


@pytest.mark.parametrize("text", [
    "那我能申请吗", "我符合吗", "我够不够条件", "我妈能不能领", "我能申请低保吗", "我可以领吗", "那我呢",
    "我有没有资格",
])
def test_asking_about_oneself(text: str) -> None:
    assert asks_if_qualified(text)


@pytest.mark.parametrize("text", [
    "低保要带什么材料", "谁能申请", "我爸九十岁了能领什么钱", "家里困难能申请低保吗", "我要报修", "我想问问政策",
])
def test_not_asking_about_oneself(text: str) -> None:
    assert not asks_if_qualified(text)
