"""云盖章 rules without a database: codes, masking, wording, rate limit, who may decide."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.errors import InvalidTransition, InvalidValue, NotApprover, NotVerifiedResident
from domain.residents import Resident
from domain.seals import (
    CODE_ALPHABET,
    CODE_LENGTH,
    RateLimiter,
    SealApproved,
    SealRejected,
    SealStatus,
    SealTemplateRule,
    certificate_text,
    mask_certified_id,
    new_code,
    normalize_code,
)
from domain.staff import Staff
from domain.usecases import seals as uc
from tests.support.fakes import FakeUnitOfWork

NOW = datetime(2026, 12, 2, 2, 0, tzinfo=UTC)
RULE = SealTemplateRule("residence", "居住证明", ("resident", "staff"), ("书记", "社工"), 2)


def test_codes_are_random_unambiguous_and_typed_any_way() -> None:
    codes = {new_code() for _ in range(2000)}
    assert len(codes) == 2000  # no repeats, nothing sequential
    assert all(len(c) == CODE_LENGTH and set(c) <= set(CODE_ALPHABET) for c in codes)
    code = next(iter(codes))
    assert normalize_code(f" {code[:5].lower()} {code[5:]} ") == code
    assert normalize_code("O0I1L23456") is None and normalize_code("ABC") is None


def test_the_id_number_is_masked_as_the_page_shows_it() -> None:
    assert mask_certified_id("330106195203140213") == "3301**********0213"


def test_placeholders_are_filled_and_a_missing_one_stays_visible() -> None:
    assert certificate_text("兹证明{name}居住在{address}{x}", {"name": "张三", "address": "翠微苑"}) == \
        "兹证明张三居住在翠微苑{x}"


def test_rate_limit_per_client_in_a_sliding_minute() -> None:
    limiter = RateLimiter(3)
    assert [limiter.allow("a", NOW) for _ in range(4)] == [True, True, True, False]
    assert limiter.allow("b", NOW)
    assert limiter.allow("a", NOW + timedelta(minutes=1))


def _uow_with_people() -> tuple[FakeUnitOfWork, Resident]:
    uow = FakeUnitOfWork()
    for s in (Staff("S01", "陈书记", "书记", 1), Staff("S02", "林晓燕", "网格员", 2, ["G1"])):
        uow.staff.save(s)
    resident = uow.residents.add(Resident("张三", "13800000000", id_number="330106195203140213", verified=True))
    return uow, resident


def _request(uow: FakeUnitOfWork, resident: Resident) -> str:
    r = uc.request_certificate(uow, RULE, resident, {"name": "张三", "purpose": "上学", "used_at": "小学"},
                               requested_by="resident", chat_id=5, now=NOW, prefix="ZM",
                               due=lambda at, days: at + timedelta(days=days))
    return r.number


def test_only_verified_residents_request_and_only_approving_roles_decide() -> None:
    uow, resident = _uow_with_people()
    resident.verified = False
    with pytest.raises(NotVerifiedResident):
        _request(uow, resident)
    resident.verified = True
    number = _request(uow, resident)
    assert number == "ZM-20261202-0001"
    with pytest.raises(NotApprover):
        uc.approver(uow, RULE, user_id=2)  # 网格员
    with pytest.raises(NotApprover):
        uc.approver(uow, RULE, user_id=999)  # not staff at all
    secretary = uc.approver(uow, RULE, user_id=1)
    with pytest.raises(InvalidValue):
        uc.reject(uow, number, secretary, "   ", NOW)
    cert = uc.approve(uow, number, secretary, lambda req, code, now: b"%PDF signed " + code.encode(), NOW)
    uow.commit()  # the caller's transaction commits: events are handed over then, as in storage
    assert isinstance(uow.events[-1], SealApproved) and uow.seals.get(number).status == SealStatus.APPROVED
    with pytest.raises(InvalidTransition):
        uc.reject(uow, number, secretary, "晚了", NOW)  # decided once
    assert [d.action for d in uow.seals.decisions(number)] == ["requested", "approved"]
    assert uow.seals.decisions(number)[-1].sha256 == cert.sha256
    uc.revoke(uow, number, "S01", "地址有误", NOW)
    found = uc.verify(uow, code=cert.code)
    assert found is not None and found.certificate.revoked


def test_a_rejection_keeps_its_reason_for_the_resident() -> None:
    uow, resident = _uow_with_people()
    number = _request(uow, resident)
    uc.reject(uow, number, uc.approver(uow, RULE, code="S01"), "  居住时间 不符 ", NOW)
    uow.commit()
    assert uow.seals.get(number).reason == "居住时间 不符"
    assert isinstance(uow.events[-1], SealRejected)
