"""Entity extraction on real sentences: phone, id_number, address parts, catalogue names."""

from __future__ import annotations

import pytest

from nlu.entities.numbers import id_checksum, validate_id
from nlu.parser import BuiltinParser
from tests.unit.nlu.conftest import NOW, entities_of, values_of

VALID_ID = "330302199001011235"  # checksum verified below


def test_id_checksum_of_fixture() -> None:
    assert id_checksum(VALID_ID[:17]) == VALID_ID[17]
    assert validate_id(VALID_ID) is None
    assert validate_id("11010519491231002X") is None  # the standard's published example


@pytest.mark.parametrize(
    ("text", "phone", "kind"),
    [
        ("我电话13812345678", "13812345678", "mobile"),
        ("电话是138 1234 5678有事打我", "13812345678", "mobile"),
        ("手机+86-139-0577-1234", "13905771234", "mobile"),
        ("座机0577-88888888", "057788888888", "landline"),
        ("打(0577)88881234找我", "057788881234", "landline"),
        ("联系方式：１３９０５７７１２３４", "13905771234", "mobile"),
    ],
)
def test_phone(parser: BuiltinParser, text: str, phone: str, kind: str) -> None:
    [ent] = entities_of(parser.parse(text, NOW), "phone")
    assert ent["value"] == phone and ent["kind"] == kind


def test_phone_not_taken_from_id_number(parser: BuiltinParser) -> None:
    result = parser.parse(f"身份证{VALID_ID}", NOW)
    assert values_of(result, "phone") == []
    assert values_of(result, "id_number") == [VALID_ID]


def test_valid_id(parser: BuiltinParser) -> None:
    [ent] = entities_of(parser.parse(f"我的身份证号是{VALID_ID}", NOW), "id_number")
    assert ent["valid"] is True and ent["birth_date"] == "1990-01-01"
    assert ent["start"] == 7 and ent["end"] == 25


@pytest.mark.parametrize(
    ("number", "reason"),
    [
        ("330302199001011234", "校验位"),
        ("330302199002301231", "出生日期"),
        ("330302209901011231", "出生日期"),
        ("990302199001011235", "地区码"),
        ("33030219900101123", "18位"),
    ],
)
def test_invalid_id_is_reported(parser: BuiltinParser, number: str, reason: str) -> None:
    [ent] = entities_of(parser.parse(f"身份证{number}", NOW), "id_number")
    assert ent["valid"] is False and reason in ent["error"]


def test_lowercase_x_is_normalised(parser: BuiltinParser) -> None:
    [ent] = entities_of(parser.parse("身份证11010519491231002x", NOW), "id_number")
    assert ent["value"] == "11010519491231002X" and ent["valid"] is True


@pytest.mark.parametrize(
    ("text", "estate", "building", "unit", "room"),
    [
        ("翠微苑3幢2单元302室楼道灯不亮", "翠微苑", "3", "2", "302"),
        ("翠微三幢二单元三零二", "翠微苑", "3", "2", "302"),
        ("江滨花园5栋1单元501", "江滨花园", "5", "1", "501"),
        ("江滨3-2-501的下水道堵了", "江滨花园", "3", "2", "501"),
        ("百里坊12号楼3单元1102室", "百里坊小区", "12", "3", "1102"),
        ("我住南塘新村十五幢", "南塘新村", "15", None, None),
    ],
)
def test_address(
    parser: BuiltinParser, text: str, estate: str, building: str, unit: str | None, room: str | None
) -> None:
    result = parser.parse(text, NOW)
    assert values_of(result, "estate") == [estate]
    assert values_of(result, "building") == [building]
    assert values_of(result, "unit") == ([unit] if unit else [])
    assert values_of(result, "room") == ([room] if room else [])


def test_building_floor_is_not_a_building(parser: BuiltinParser) -> None:
    assert values_of(parser.parse("我住3楼", NOW), "building") == []


@pytest.mark.parametrize(
    ("text", "service", "category"),
    [
        ("帮我妈约个洗澡", "助浴", "care"),
        ("老爷子要量一下血压", "上门测血压", "care"),
        ("家里要租个制氧机", "氧气机租赁", "care"),
        ("我社保卡丢了", "社会保障卡临时挂失", "affairs"),
        ("想取公积金", "住房公积金提取", "affairs"),
        ("户口本掉了要补", "居民户口簿补领", "affairs"),
        ("约个人陪看病", "陪同就医", "care"),
    ],
)
def test_service(parser: BuiltinParser, text: str, service: str, category: str) -> None:
    [ent] = entities_of(parser.parse(text, NOW), "service")
    assert ent["value"] == service and ent["category"] == category and ent["group"]


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("楼道灯不量了", ["lighting"]),
        ("下水道堵了还有老鼠", ["drainage", "sanitation"]),
        ("楼上半夜装修太吵", ["noise"]),
        ("电梯坏了", ["facilities"]),
        ("楼道里电瓶车飞线充电", ["safety"]),
        ("树枝要修剪", ["greening"]),
        ("门口乱停车", ["parking"]),
    ],
)
def test_report_category(parser: BuiltinParser, text: str, codes: list[str]) -> None:
    assert values_of(parser.parse(text, NOW), "report_category") == codes


@pytest.mark.parametrize(
    ("text", "relation"),
    [
        ("帮我妈约洗澡", "母亲"),
        ("我老母亲八十多了", "母亲"),
        ("老爷子要量血压", "父亲"),
        ("外婆腿脚不好", "外祖母"),
        ("我婆婆想按摩", "婆婆"),
        ("给我爸约一下", "父亲"),
        ("帮老伴约一下", "配偶"),
    ],
)
def test_relation(parser: BuiltinParser, text: str, relation: str) -> None:
    assert values_of(parser.parse(text, NOW), "relation") == [relation]


def test_generic_elder_is_not_mother(parser: BuiltinParser) -> None:
    assert values_of(parser.parse("楼下大妈跳广场舞", NOW), "relation") == []


def test_everything_in_one_message(parser: BuiltinParser) -> None:
    text = f"我是翠微苑3幢2单元302的 帮我妈约明天下午两点的助浴 电话13812345678 身份证{VALID_ID}"
    result = parser.parse(text, NOW)
    kinds = {e["entity"] for e in result["entities"]}
    assert kinds == {
        "estate",
        "building",
        "unit",
        "room",
        "relation",
        "time",
        "service",
        "phone",
        "id_number",
    }
    assert result["intent"]["name"] == "book_service"
    for ent in result["entities"]:
        assert text[ent["start"] : ent["end"]]
