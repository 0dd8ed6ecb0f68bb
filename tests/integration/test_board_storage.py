"""公开之栏 storage on SQLite and PostgreSQL: filters by month and 小区, project updates, rollback."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.app import App
from bot.board_push import publish_update
from domain.board import Kind, LedgerLine, Notice, Project, ProjectStatus, ProjectUpdate
from domain.usecases import board as uc

NOW = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)


def test_ledger_lines_by_month_and_estate(app: App) -> None:
    for day, estate, fen in ((date(2026, 10, 31), "E1", 100), (date(2026, 11, 1), "E1", 2500),
                             (date(2026, 11, 30), "", 990_000_000_00), (date(2026, 11, 15), "E2", 7),
                             (date(2026, 12, 1), "E1", 1)):
        uc.add_line(app.uow(), LedgerLine(day=day, amount_fen=fen, kind=Kind.EXPENSE, purpose="扫帚",
                                          estate=estate, receipt_file_id="AgACAgUAAx0" * 20), NOW)
    with app.uow() as uow:
        mine = uc.month_lines(uow, 2026, 11, ["E1", ""])
        every = uc.month_lines(uow, 2026, 11, None)
    assert [(x.day, x.estate) for x in mine] == [(date(2026, 11, 1), "E1"), (date(2026, 11, 30), "")]
    assert len(every) == 3 and every[2].amount_fen == 990_000_000_00  # beyond 32 bits: BigInteger
    assert mine[0].receipt_file_id == "AgACAgUAAx0" * 20 and mine[0].entered_at == NOW


def test_notices_newest_first_within_a_window(app: App) -> None:
    for i, estate in enumerate(("", "E1", "E2")):
        uc.publish_notice(app.uow(), Notice(title=f"通知{i}", text="内容", estate=estate,
                                            published_at=NOW.replace(day=10 + i), by="S01"))
    with app.uow() as uow:
        got = uow.board.notices(since=NOW.replace(day=1), until=NOW, estates=["E1", ""])
    assert [n.title for n in got] == ["通知1", "通知0"] and got[0].published_at == NOW.replace(day=11)


def test_a_project_update_and_its_messages_are_one_transaction(app: App) -> None:
    p = uc.add_project(app.uow(), Project(name="道路翻新", estate="E1", budget_fen=3_800_000, updates=[
        ProjectUpdate(day=date(2026, 11, 2), text="开工")]))
    assert p.id is not None
    names = {"E1": "翠微苑"}
    project, update, n = publish_update(app.uow(), names, p.id, "铺好了", ProjectStatus.DONE, "S01", NOW,
                                        date(2026, 11, 30))
    assert (project.status, n) == (ProjectStatus.DONE, 0)
    with app.uow() as uow:
        stored = uow.board.project(p.id)
        assert uow.board.projects(["E2"]) == []
    assert stored is not None and stored.status == ProjectStatus.DONE and stored.budget_fen == 3_800_000
    assert [u.text for u in stored.updates] == ["开工", "铺好了"] and stored.latest == update
    # Not committed: neither the update nor its status stays.
    with app.uow() as uow:
        uc.update_project(uow, p.id, "又坏了", ProjectStatus.BUILDING, "S01", date(2026, 12, 1))
        uow.rollback()
    with app.uow() as uow:
        again = uow.board.project(p.id)
        assert not uow.board.is_empty()
    assert again is not None and again.status == ProjectStatus.DONE and len(again.updates) == 2
