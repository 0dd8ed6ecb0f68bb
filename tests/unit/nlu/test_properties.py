"""Property tests (hypothesis) for the entity parsers: phone, id number, time, address."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from nlu.entities.address import extract_address
from nlu.entities.base import Taken
from nlu.entities.numbers import extract_ids, extract_phones, id_checksum, validate_id
from nlu.entities.timeexpr import SHANGHAI, extract_time
from nlu.numerals import cn_to_int

CN_DIGITS = "零一二三四五六七八九"
filler = st.text(alphabet="我家的在住请帮忙谢谢楼道灯不亮 ，。", max_size=8)


def to_chinese(n: int) -> str:
    """1..99 in Chinese: 3 -> 三, 12 -> 十二, 45 -> 四十五."""
    tens, ones = divmod(n, 10)
    if tens == 0:
        return CN_DIGITS[ones]
    return ("" if tens == 1 else CN_DIGITS[tens]) + "十" + (CN_DIGITS[ones] if ones else "")


@given(st.integers(1, 99))
def test_chinese_numerals_round_trip(n: int) -> None:
    assert cn_to_int(to_chinese(n)) == n


@given(
    prefix=st.sampled_from("3456789"),
    rest=st.text("0123456789", min_size=9, max_size=9),
    before=filler,
    after=filler,
    spaced=st.booleans(),
)
def test_any_mobile_is_found(prefix: str, rest: str, before: str, after: str, spaced: bool) -> None:
    number = "1" + prefix + rest
    shown = f"{number[:3]} {number[3:7]} {number[7:]}" if spaced else number
    [ent] = extract_phones(before + "电话" + shown + after, Taken())
    assert ent["value"] == number


@given(area=st.sampled_from(["010", "021", "0577", "0571"]), local=st.integers(2_000_000, 99_999_999))
def test_any_landline_is_found(area: str, local: int) -> None:
    [ent] = extract_phones(f"座机{area}-{local}", Taken())
    assert ent["value"] == f"{area}{local}" and ent["kind"] == "landline"


@given(
    born=st.dates(date(1920, 1, 1), date(2020, 12, 31)),
    seq=st.integers(0, 999),
    region=st.sampled_from(["330302", "110105", "440305"]),
    before=filler,
)
def test_any_well_formed_id_is_valid_and_one_digit_off_is_not(born: date, seq: int, region: str, before: str) -> None:
    first17 = f"{region}{born:%Y%m%d}{seq:03d}"
    number = first17 + id_checksum(first17)
    assert validate_id(number) is None
    [ent] = extract_ids(before + "身份证" + number, Taken())
    assert ent["valid"] is True and ent["value"] == number
    wrong = "0" if number[-1] != "0" else "1"
    assert validate_id(number[:17] + wrong) is not None


@given(st.text(max_size=60))
def test_number_extractors_never_raise_and_spans_hold(text: str) -> None:
    taken = Taken()
    for ent in extract_ids(text, taken) + extract_phones(text, taken):
        assert 0 <= ent["start"] < ent["end"] <= len(text)


@given(
    building=st.integers(1, 99),
    unit=st.integers(1, 9),
    room=st.integers(101, 2999),
    chinese=st.booleans(),
    before=filler,
)
def test_any_address_round_trips(building: int, unit: int, room: int, chinese: bool, before: str) -> None:
    b = to_chinese(building) if chinese else str(building)
    u = to_chinese(unit) if chinese else str(unit)
    ents = extract_address(f"{before}{b}幢{u}单元{room}室", Taken())
    got = {e["entity"]: e["value"] for e in ents}
    assert got == {"building": str(building), "unit": str(unit), "room": str(room)}


@settings(max_examples=60)
@given(
    now=st.datetimes(datetime(2024, 1, 1), datetime(2030, 12, 31)),
    days=st.sampled_from([("明天", 1), ("后天", 2), ("大后天", 3)]),
    hour=st.integers(1, 11),
    pm=st.booleans(),
)
def test_relative_day_and_hour(now: datetime, days: tuple[str, int], hour: int, pm: bool) -> None:
    text = f"{days[0]}{'下午' if pm else '上午'}{to_chinese(hour)}点"
    [ent] = extract_time(text, now, Taken(), use_recognizers=False)
    got = datetime.fromisoformat(ent["value"])
    expected_day = now.date() + timedelta(days=days[1])
    assert got.date() == expected_day
    assert got.hour == (hour + 12 if pm else hour)
    assert got.utcoffset() == timedelta(hours=8)


@settings(max_examples=60)
@given(
    now=st.datetimes(datetime(2024, 1, 1), datetime(2030, 12, 31)),
    n=st.integers(1, 99),
    after=st.sampled_from(["后", "以后", "之后"]),
    chinese=st.booleans(),
    part=st.sampled_from(["", "上午", "下午", "晚上"]),
)
def test_n_days_later_is_that_day(now: datetime, n: int, after: str, chinese: bool, part: str) -> None:
    text = f"{to_chinese(n) if chinese else n}天{after}{part}"
    [ent] = extract_time(text, now, Taken(), use_recognizers=False)
    value = ent["value"]
    got = datetime.fromisoformat(value["from"] if isinstance(value, dict) else value)
    assert got.date() == now.date() + timedelta(days=n)


@settings(max_examples=40)
@given(
    now=st.datetimes(datetime(2024, 1, 1), datetime(2030, 12, 31)),
    n=st.integers(1, 12),
    unit=st.sampled_from(["周", "个星期", "个礼拜"]),
    hour=st.integers(8, 11),
)
def test_weeks_later_and_a_morning_hour(now: datetime, n: int, unit: str, hour: int) -> None:
    [ent] = extract_time(f"{to_chinese(n)}{unit}后上午{to_chinese(hour)}点", now, Taken(), use_recognizers=False)
    got = datetime.fromisoformat(ent["value"])
    assert (got.date(), got.hour) == (now.date() + timedelta(days=7 * n), hour)


@settings(max_examples=40)
@given(now=st.datetimes(datetime(2024, 1, 1), datetime(2030, 12, 31)), n=st.integers(1, 30))
def test_guo_n_days_is_n_days_later(now: datetime, n: int) -> None:
    [ent] = extract_time(f"过{to_chinese(n)}天再来", now, Taken(), use_recognizers=False)
    assert datetime.fromisoformat(ent["value"]["from"]).date() == now.date() + timedelta(days=n)


@settings(max_examples=60)
@given(
    now=st.datetimes(datetime(2024, 1, 1), datetime(2030, 12, 31)),
    hour=st.integers(1, 12),
    text_before=filler,
)
def test_bare_hours_are_future_and_in_service_hours(now: datetime, hour: int, text_before: str) -> None:
    ents = extract_time(f"{text_before}约{hour}点", now, Taken(), use_recognizers=False)
    [ent] = ents
    got = datetime.fromisoformat(ent["value"])
    # Future, but "8点" said within 8:00's own minute still means 8:00 (a one-minute grace).
    assert got > now.replace(tzinfo=SHANGHAI) - timedelta(minutes=1)
    assert 8 <= got.hour <= 19


@settings(max_examples=40)
@given(st.text(max_size=40))
def test_time_extractor_never_raises(text: str) -> None:
    for ent in extract_time(text, datetime(2024, 11, 30, 10), Taken(), use_recognizers=False):
        assert 0 <= ent["start"] < ent["end"] <= len(text)
