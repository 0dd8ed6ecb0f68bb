"""The report lifecycle: who can move a report where, with what note, and when it is rated."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.errors import InvalidTransition, InvalidValue
from domain.reports import (
    CLOSED_STATUSES,
    NOTE_REQUIRED,
    OPEN_STATUSES,
    STATUS_LABELS,
    Kind,
    Report,
    Status,
    report_number,
    validate_description,
)

T0 = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)


def report(status: Status = Status.PENDING) -> Report:
    """A fresh report in `status`."""
    return Report(number="BS-20261127-0001", kind=Kind.REPAIR, category="lighting",
                  description="3幢楼道灯不亮", resident_id=1, chat_id=1, grid="G1",
                  status=status, created_at=T0)


ALLOWED = {
    (Status.PENDING, Status.ACCEPTED), (Status.PENDING, Status.REJECTED),
    (Status.PENDING, Status.DUPLICATE), (Status.PENDING, Status.TRANSFERRED),
    (Status.PENDING, Status.RESOLVED),
    (Status.ACCEPTED, Status.IN_PROGRESS), (Status.ACCEPTED, Status.RESOLVED),
    (Status.ACCEPTED, Status.TRANSFERRED), (Status.ACCEPTED, Status.REJECTED),
    (Status.ACCEPTED, Status.DUPLICATE),
    (Status.IN_PROGRESS, Status.RESOLVED), (Status.IN_PROGRESS, Status.TRANSFERRED),
    (Status.RESOLVED, Status.PENDING),
}


@pytest.mark.parametrize("frm", list(Status))
@pytest.mark.parametrize("to", list(Status))
def test_every_transition_is_either_allowed_or_refused(frm: Status, to: Status) -> None:
    r = report(frm)
    if (frm, to) in ALLOWED:
        change = r.move(to, by="S02", at=T0, note="原因说明")
        assert r.status == to and r.history[-1] == change
        assert change.by == "S02" and change.note == "原因说明"
    else:
        with pytest.raises(InvalidTransition):
            r.move(to, by="S02", at=T0, note="原因说明")
        assert r.status == frm and r.history == []


@pytest.mark.parametrize("to", sorted(NOTE_REQUIRED))
def test_rejecting_duplicate_or_transfer_needs_a_reason(to: Status) -> None:
    r = report()
    for note in ("", "   "):
        with pytest.raises(InvalidValue) as exc:
            r.move(to, by="S02", at=T0, note=note)
        assert exc.value.field == "note"
    assert r.status == Status.PENDING
    r.move(to, by="S02", at=T0, note="  不在本社区范围  ")
    assert r.history[-1].note == "不在本社区范围"


def test_closed_states_are_final_and_labelled_in_chinese() -> None:
    assert {Status.REJECTED, Status.DUPLICATE, Status.TRANSFERRED, Status.RESOLVED} == \
        CLOSED_STATUSES
    assert OPEN_STATUSES.isdisjoint(CLOSED_STATUSES)
    assert STATUS_LABELS[Status.RESOLVED] == "已办结"
    assert STATUS_LABELS[Status.REJECTED] == "不予受理"


def test_rating_only_after_resolved() -> None:
    r = report(Status.IN_PROGRESS)
    with pytest.raises(InvalidTransition):
        r.rate(5)
    r.move(Status.RESOLVED, by="S02", at=T0)
    assert r.resolved_at == T0
    for bad in (0, 6):
        with pytest.raises(InvalidValue):
            r.rate(bad)
    r.rate(4)
    assert r.rating == 4


def test_reopen_within_seven_days_only() -> None:
    r = report(Status.ACCEPTED)
    assert not r.can_reopen(T0, 7)
    r.move(Status.RESOLVED, by="S02", at=T0)
    assert r.can_reopen(T0 + timedelta(days=7), 7)
    assert not r.can_reopen(T0 + timedelta(days=7, seconds=1), 7)
    r.move(Status.PENDING, by="resident", at=T0 + timedelta(days=1), note="灯又坏了")
    assert r.is_open


def test_description_is_cleaned_and_bounded() -> None:
    assert validate_description("  楼道灯\n 不亮  ") == "楼道灯 不亮"
    with pytest.raises(InvalidValue):
        validate_description("灯")
    with pytest.raises(InvalidValue):
        validate_description("灯" * 1001)


def test_report_number_uses_the_local_day() -> None:
    assert report_number("BS", datetime(2026, 11, 28), 7) == "BS-20261128-0007"


def test_can_move_agrees_with_move_for_every_pair() -> None:
    for a in Status:
        for b in Status:
            r = report(a)
            assert r.can_move(b) == ((a, b) in ALLOWED)


def test_a_followers_rating_is_theirs_and_never_the_reporters() -> None:
    r = report(Status.RESOLVED)
    r.rate(2, follower=77)
    assert r.rating is None and r.follower_ratings == {77: 2}
    r.rate(5)
    assert r.rating == 5 and r.follower_ratings == {77: 2}


def test_an_internal_note_is_recorded_as_such() -> None:
    r = report()
    change = r.move(Status.REJECTED, "S02", T0, "内部：重复报", public=False)
    assert change.note == "内部：重复报" and change.public is False and r.last_actor() == "S02"
