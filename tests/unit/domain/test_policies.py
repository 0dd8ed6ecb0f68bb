"""Policy rules: age from the ID number, and whether a resident appears to qualify."""

from __future__ import annotations

from datetime import date

from domain.policies import Policy, age_on, eligibility, missing_fields
from domain.residents import Address, Resident
from tests.fixtures import id_number

TODAY = date(2026, 11, 30)
OLD_AGE = Policy(code="old_age", title="高龄津贴", target="80岁以上", benefit="每月50元", documents="身份证",
                 apply="社区", issuer="民政局", issued_on=date(2020, 12, 28), source="温民〔2020〕156号",
                 tags=("老年人",), min_age=80, estates=("E1", "E4"))


def person(born: date | None, tags: list[str], estate: str = "E1") -> Resident:
    return Resident("某人", "13900000000", Address(estate), tags=tags,
                    id_number=id_number(born, 1) if born else None, verified=True)


def test_age_counts_whole_years_from_the_birth_date_in_the_id_number() -> None:
    assert age_on(id_number(date(1946, 11, 30), 1), TODAY) == 80  # birthday today
    assert age_on(id_number(date(1946, 12, 1), 1), TODAY) == 79  # tomorrow
    assert age_on("33030219461301001X", TODAY) is None  # month 13
    assert age_on("12345", TODAY) is None and age_on(None, TODAY) is None


def test_a_resident_with_the_tag_the_age_and_the_estate_appears_to_qualify() -> None:
    assert eligibility(OLD_AGE, person(date(1940, 1, 1), ["老年人"]), TODAY).verdict == "yes"


def test_each_unmet_condition_is_named() -> None:
    result = eligibility(OLD_AGE, person(date(1980, 1, 1), ["租户"], estate="E2"), TODAY)
    assert result.verdict == "no"
    assert [(c.kind, c.wanted) for c in result.failed] == [
        ("tags", "老年人"), ("age", "80岁以上"), ("estate", "E1、E4")]


def test_without_an_id_number_the_age_is_unknown_not_failed() -> None:
    result = eligibility(OLD_AGE, person(None, ["老年人"]), TODAY)
    assert result.verdict == "unknown" and result.failed == ()


def test_missing_fields_are_listed_in_the_librarys_order() -> None:
    assert missing_fields({"code": "x", "title": " ", "source": "s"}) == [
        "title", "target", "benefit", "documents", "apply", "issuer", "issued_on"]


def test_a_policy_with_no_condition_we_can_check_depends_on_the_situation() -> None:
    relief = Policy(code="relief", title="临时救助", target="突发困难", benefit="救助金", documents="身份证",
                    apply="社区", issuer="民政局", issued_on=date(2021, 9, 1), source="温民发〔2021〕88号")
    assert eligibility(relief, person(date(1960, 1, 1), ["低保户"]), TODAY).verdict == "depends"
