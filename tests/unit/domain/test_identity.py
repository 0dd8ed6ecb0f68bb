"""Identity checks: phone numbers as people write them, 18-digit ID numbers."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from domain.identity import id_number_problem, mask_id_number, mask_phone, normalize_phone
from tests.fixtures import id_number


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("13812345678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("008613812345678", "13812345678"),
        ("8613812345678", "13812345678"),
        ("(0577)88881234", "057788881234"),
        ("0577-88881234", "057788881234"),
        ("12812345678", None),  # no mobile starts 12
        ("1381234567", None),  # ten digits
        ("phone", None),
        ("", None),
    ],
)
def test_normalize_phone(raw: str, expected: str | None) -> None:
    assert normalize_phone(raw) == expected


def test_masks_show_enough_to_recognise_only() -> None:
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("12345") == "*****"
    assert mask_id_number("330302194001010012") == "330302********0012"
    assert mask_id_number("123") == "****"


def test_valid_id_number_passes() -> None:
    valid = id_number(date(1950, 3, 15), 21)
    assert id_number_problem(valid) is None
    assert id_number_problem(valid.lower()) is None  # a typed lowercase x is fine
    assert id_number_problem("11010519491231002X") is None  # the textbook example


def test_id_number_problems_are_said_in_chinese() -> None:
    valid = id_number(date(1950, 3, 15), 21)
    wrong_check = valid[:17] + ("0" if valid[17] != "0" else "1")
    assert id_number_problem(wrong_check) == "校验位不对"
    assert id_number_problem("33030219501315021") == "身份证号应为18位"
    assert id_number_problem("3303021950131502AB") == "身份证号应为18位"
    assert id_number_problem(id_number(date(1950, 2, 1), 1).replace("19500201", "19500230")) == \
        "出生日期不对"
    future = date.today() + timedelta(days=400)
    assert id_number_problem(id_number(future, 1)) == "出生日期不对"
    assert id_number_problem(id_number(date(1899, 12, 31), 1)) == "出生日期不对"
