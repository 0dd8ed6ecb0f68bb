"""The `time` entity: future-biased, service hours, Duckling-style ranges, Asia/Shanghai."""

from __future__ import annotations

from datetime import datetime

import pytest

from nlu.entities.base import Taken
from nlu.entities.timeexpr import extract_time
from nlu.parser import BuiltinParser
from tests.unit.nlu.conftest import NOW, SHANGHAI, values_of

# NOW is Saturday 2024-11-30 10:00 +08:00.
POINTS = [
    ("帮我妈约明天下午两点的助浴", "2024-12-01T14:00:00+08:00"),
    ("明天两点", "2024-12-01T14:00:00+08:00"),
    ("明早九点", "2024-12-01T09:00:00+08:00"),
    ("下周三下午3点半", "2024-12-04T15:30:00+08:00"),
    ("后天上午十点一刻", "2024-12-02T10:15:00+08:00"),
    ("12月1号上午十点", "2024-12-01T10:00:00+08:00"),
    ("11月29日下午3点", "2025-11-29T15:00:00+08:00"),  # already past this year
    ("两点", "2024-11-30T14:00:00+08:00"),
    ("九点", "2024-12-01T09:00:00+08:00"),  # 09:00 today has passed
    ("晚上八点", "2024-11-30T20:00:00+08:00"),
    ("中午12点半", "2024-11-30T12:30:00+08:00"),
    ("周一14:30", "2024-12-02T14:30:00+08:00"),
    ("大后天早上8点", "2024-12-03T08:00:00+08:00"),
    ("一周后上午十点", "2024-12-07T10:00:00+08:00"),
    ("两天以后下午三点", "2024-12-02T15:00:00+08:00"),
    ("两个小时后", "2024-11-30T12:00:00+08:00"),
    ("半小时以后", "2024-11-30T10:30:00+08:00"),
]
RANGES = [
    ("周一上午", "2024-12-02T08:00:00+08:00", "2024-12-02T12:00:00+08:00"),
    ("今天晚上", "2024-11-30T18:00:00+08:00", "2024-11-30T21:00:00+08:00"),
    ("后天", "2024-12-02T00:00:00+08:00", "2024-12-03T00:00:00+08:00"),
    ("明天上午9点到11点", "2024-12-01T09:00:00+08:00", "2024-12-01T11:00:00+08:00"),
    ("下午2点到4点", "2024-11-30T14:00:00+08:00", "2024-11-30T16:00:00+08:00"),
    ("星期天早上8点到10点", "2024-12-01T08:00:00+08:00", "2024-12-01T10:00:00+08:00"),
    ("下个月5号", "2024-12-05T00:00:00+08:00", "2024-12-06T00:00:00+08:00"),
    ("周六", "2024-11-30T00:00:00+08:00", "2024-12-01T00:00:00+08:00"),
    ("三天后下午", "2024-12-03T12:00:00+08:00", "2024-12-03T18:00:00+08:00"),
    ("过两天", "2024-12-02T00:00:00+08:00", "2024-12-03T00:00:00+08:00"),
    ("两天以后", "2024-12-02T00:00:00+08:00", "2024-12-03T00:00:00+08:00"),
    ("十天后", "2024-12-10T00:00:00+08:00", "2024-12-11T00:00:00+08:00"),
    ("下下周", "2024-12-09T00:00:00+08:00", "2024-12-16T00:00:00+08:00"),
    ("下下周二上午", "2024-12-10T08:00:00+08:00", "2024-12-10T12:00:00+08:00"),
    ("这周末", "2024-11-30T00:00:00+08:00", "2024-12-02T00:00:00+08:00"),
    ("月底", "2024-11-30T00:00:00+08:00", "2024-12-01T00:00:00+08:00"),
    ("下个月底", "2024-12-31T00:00:00+08:00", "2025-01-01T00:00:00+08:00"),
    ("三个月后", "2025-02-28T00:00:00+08:00", "2025-03-01T00:00:00+08:00"),
]


@pytest.mark.parametrize(("text", "iso"), POINTS)
def test_time_point(parser: BuiltinParser, text: str, iso: str) -> None:
    assert values_of(parser.parse(text, NOW), "time") == [iso]


@pytest.mark.parametrize(("text", "start", "end"), RANGES)
def test_time_range(parser: BuiltinParser, text: str, start: str, end: str) -> None:
    assert values_of(parser.parse(text, NOW), "time") == [{"from": start, "to": end}]


def test_weekday_is_future_on_a_saturday(parser: BuiltinParser) -> None:
    [value] = values_of(parser.parse("周一来吧", NOW), "time")
    assert value["from"].startswith("2024-12-02")


def test_naive_and_utc_now_mean_the_same_moment(parser: BuiltinParser) -> None:
    naive = datetime(2024, 11, 30, 10, 0)
    utc = NOW.astimezone(datetime.now().astimezone().tzinfo)
    assert values_of(parser.parse("明天两点", naive), "time") == values_of(parser.parse("明天两点", utc), "time")


@pytest.mark.parametrize(
    "text", ["三天后下午", "一周后上午十点", "过三天下午", "两个礼拜以后上午", "三天前下午就坏了", "5天后上午九点半"]
)
def test_day_offsets_are_never_read_as_today(parser: BuiltinParser, text: str) -> None:
    [value] = values_of(parser.parse(text, NOW), "time")
    start = value["from"] if isinstance(value, dict) else value
    assert not start.startswith("2024-11-30"), value


@pytest.mark.parametrize("text", ["过几天下午", "改天下午吧", "下个月初", "月中旬的时候", "下周上午", "三天半后下午"])
def test_vague_times_get_no_value_rather_than_a_guess(parser: BuiltinParser, text: str) -> None:
    assert values_of(parser.parse(text, NOW), "time") == []


@pytest.mark.parametrize("text", ["快一点", "有两点建议", "3号楼漏水", "有点吵", "楼道灯不亮"])
def test_no_false_times(parser: BuiltinParser, text: str) -> None:
    assert values_of(parser.parse(text, NOW), "time") == []


def test_recognizers_fallback_for_rare_forms() -> None:
    ents = extract_time("国庆节那天能来吗", NOW, Taken())
    assert ents and ents[0]["extractor"] == "RecognizersText"
    value = ents[0]["value"]
    start = value["from"] if isinstance(value, dict) else value
    assert datetime.fromisoformat(start) >= NOW.replace(hour=0)


def test_times_carry_the_shanghai_offset(parser: BuiltinParser) -> None:
    for text, _ in POINTS:
        for value in values_of(parser.parse(text, NOW), "time"):
            assert datetime.fromisoformat(value).utcoffset() == SHANGHAI.utcoffset(None)
