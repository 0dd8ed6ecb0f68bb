"""Telling a greeting, "I want to report" and a place from the story itself."""

from __future__ import annotations

import pytest

from bot.flows import story


@pytest.mark.parametrize(("said", "rest"), [
    ("你好 我家楼道灯坏了", "我家楼道灯坏了"),
    ("你好你好 电梯坏了", "电梯坏了"),
    ("喂 你好 我们这边下水道堵了", "我们这边下水道堵了"),
    ("师傅你好 我家门口水管漏水了", "我家门口水管漏水了"),
    ("您好 在吗", ""),
    ("喂猫的人太多了", "喂猫的人太多了"),  # not a greeting: a complaint about feeding cats
    ("早上好冷", "早上好冷"),
    ("history", "history"),
])
def test_a_leading_greeting_is_not_the_request(said: str, rest: str) -> None:
    assert story.strip_greeting(said) == rest


def test_description_keeps_the_lines_in_order_without_greetings_or_triggers() -> None:
    said = "你好\n我要反映一个问题\n楼道里堆了纸箱\n怕着火。\n路灯也坏了"
    assert story.description(said) == "楼道里堆了纸箱，怕着火。路灯也坏了"


def test_a_place_alone_adds_nothing_to_the_story() -> None:
    text = "我是南塘新村5幢的住户"
    parse = {"intent": {"name": "out_of_scope"},
             "entities": [{"entity": "estate", "start": 2, "end": 6}, {"entity": "building", "start": 6, "end": 8}]}
    assert not story.adds_to_story(text, parse)
    assert story.adds_to_story("晚上黑乎乎的", {"intent": {"name": "report_issue"}, "entities": []})
    assert not story.adds_to_story("火星小区", {"intent": {"name": "out_of_scope"}, "entities": []})
    assert not story.adds_to_story("好的", {"intent": {"name": "affirm"}, "entities": []})
