"""Bad input never raises and always yields a valid result."""

from __future__ import annotations

import time
from typing import Any

import pytest

from nlu import INTENTS
from nlu.parser import BuiltinParser
from tests.unit.nlu.conftest import NOW

BAD_INPUTS = [
    "",
    "   ",
    "\n\t\r",
    "楼" * 10_000,
    "我要报修" * 2_500,
    "😀😀😀",
    "🙏",
    "\x00\x01\x02\x7f",
    "楼道\x00灯\u200b不亮",
    "hello 你好 مرحبا こんにちは 안녕하세요",
    "‮反转文字",
    "1" * 500,
    "？？？",
    "。。。",
    "[翠微苑](estate)",
    "\ud800",  # lone surrogate
    "12月99号下午99点",
    "身份证" + "9" * 18,
    "0" * 18,
]


def check_shape(result: dict[str, Any], text: str) -> None:
    """Assert the Rasa /model/parse shape."""
    assert result["text"] == text
    assert result["intent"]["name"] in INTENTS
    assert 0.0 <= result["intent"]["confidence"] <= 1.0
    assert isinstance(result["intent_ranking"], list) and result["intent_ranking"]
    assert isinstance(result["entities"], list)


@pytest.mark.parametrize("text", BAD_INPUTS)
def test_bad_input_gives_a_valid_result(parser: BuiltinParser, text: str) -> None:
    parser.parse("楼道灯坏了", NOW)  # warm: the first parse may build the date recognizers
    # CPU time of this thread, not wall time: other processes on the machine do not count, so
    # the bound holds under load; a runaway (quadratic) parse of 10,000 characters still fails it.
    started = time.thread_time()
    result = parser.parse(text, NOW)
    check_shape(result, text)
    assert time.thread_time() - started < 2.0, "parsing one bad message took seconds of CPU"


@pytest.mark.parametrize("text", ["", "   ", "😀😀😀", "\x00\x01", "？？？"])
def test_empty_meaning_is_out_of_scope(parser: BuiltinParser, text: str) -> None:
    result = parser.parse(text, NOW)
    assert result["intent"]["name"] == "out_of_scope"
    assert result["entities"] == []


def test_non_string_input_does_not_raise(parser: BuiltinParser) -> None:
    result = parser.parse(None)  # type: ignore[arg-type]
    assert result["intent"]["name"] == "out_of_scope"


@pytest.mark.parametrize("text", ["qwxz jjkk plmn", "asdf ghjk", "xkcd blorp 123"])
def test_gibberish_is_out_of_scope(parser: BuiltinParser, text: str) -> None:
    """The resident is told the bot did not understand, never led into a form."""
    assert parser.parse(text, NOW)["intent"]["name"] == "out_of_scope"


def test_internal_error_is_contained(parser: BuiltinParser, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*_: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(parser.entities, "extract", boom)
    check_shape(parser.parse("楼道灯不亮", NOW), "楼道灯不亮")
