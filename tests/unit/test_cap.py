"""CAP 1.2 warning files: a valid one is read; a DOCTYPE, a schema error or a test message is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cap import CapRefused, read_cap

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "cap_typhoon_red.xml"


def sample(**replace: str) -> bytes:
    text = SAMPLE.read_text(encoding="utf-8")
    for old, new in replace.items():
        assert old in text
        text = text.replace(old, new)
    return text.encode("utf-8")


def test_a_valid_cap_file_gives_level_title_and_the_official_text_unchanged() -> None:
    cap = read_cap(SAMPLE.read_bytes())
    assert cap.level == "红" and cap.title == "温州市气象台发布台风红色预警信号"
    assert cap.identifier == "33030041600000_20261202101500" and cap.source == "温州市气象台"
    assert cap.text == ("受今年第25号台风“海葵”影响，预计未来24小时内我市沿海将出现12级以上大风，"
                        "鹿城区累计雨量可达200毫米以上。\n\n"
                        "请立即停止户外活动，危旧房屋和低洼地区人员听从安排转移到避灾点。")


def test_a_doctype_is_refused_before_anything_is_read() -> None:
    evil = sample(**{'<?xml version="1.0" encoding="UTF-8"?>':
                     '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE alert [<!ENTITY x "台风">]>',
                     "<event>台风</event>": "<event>&x;</event>"})
    with pytest.raises(CapRefused, match="DOCTYPE"):
        read_cap(evil)


def test_an_external_entity_is_refused() -> None:
    evil = sample(**{'<?xml version="1.0" encoding="UTF-8"?>':
                     '<?xml version="1.0"?>\n<!DOCTYPE a [<!ENTITY f SYSTEM "file:///etc/passwd">]>',
                     "<event>台风</event>": "<event>&f;</event>"})
    with pytest.raises(CapRefused, match="DOCTYPE"):
        read_cap(evil)


def test_a_file_breaking_the_schema_is_refused_with_the_reason() -> None:
    with pytest.raises(CapRefused, match=r"CAP 1\.2") as bad_status:
        read_cap(sample(**{"<status>Actual</status>": "<status>Real</status>"}))
    assert "status" in str(bad_status.value)  # where it broke
    with pytest.raises(CapRefused, match="sender"):
        read_cap(sample(**{"<sender>wzqx@wenzhou.example</sender>": ""}))


def test_not_xml_is_refused() -> None:
    with pytest.raises(CapRefused, match="XML"):
        read_cap("台风来了".encode())


def test_a_test_message_is_not_sent_as_a_warning() -> None:
    with pytest.raises(CapRefused, match="Test"):
        read_cap(sample(**{"<status>Actual</status>": "<status>Test</status>"}))


@pytest.mark.parametrize(("severity", "level"), [("Extreme", "红"), ("Severe", "橙"), ("Moderate", "黄"),
                                                 ("Minor", "蓝")])
def test_without_a_colour_the_severity_gives_the_level(severity: str, level: str) -> None:
    data = sample(**{"<headline>温州市气象台发布台风红色预警信号</headline>": "<headline>台风预警</headline>",
                     "<value>红色</value>": "<value>未定</value>",
                     "<severity>Extreme</severity>": f"<severity>{severity}</severity>"})
    assert read_cap(data).level == level
