"""Project updates to residents: who hears of them, and the push seam (ws-push replaces its body)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from bot import outbox, texts
from bot.callbacks import BOARD
from bot.dialogue.turn import reply
from bot.events import Reply
from domain.board import Project, ProjectStatus, ProjectUpdate
from domain.ports import UnitOfWork
from domain.residents import Resident
from domain.usecases.board import update_project


def audience(uow: UnitOfWork, estate: str) -> list[Resident]:
    """Verified residents with a chat in that 小区 (all of them for a community-wide project).

    Seam: at merge this becomes `pushes.audience(uow, "通知", Targets(estates=[estate]))`.
    """
    return [r for r in uow.residents.list(verified=True, limit=1_000_000)
            if r.chat_id is not None and (not estate or r.address.estate == estate)]


def deliver_push(uow: UnitOfWork, update_id: int, messages: Iterable[tuple[int, Reply]],
                 now: datetime) -> int:
    """Queue one message per recipient in the caller's transaction; the number queued.

    Seam: at merge this becomes `pushes.start_push(uow, kind="notice", topic="通知", ...)`.
    """
    n = 0
    for chat_id, message in messages:
        outbox.enqueue(uow, chat_id, message, key=f"project:{update_id}:{chat_id}", now=now)
        n += 1
    return n


def publish_update(
    uow: UnitOfWork, estate_names: dict[str, str], project_id: int, text: str,
    status: ProjectStatus | None, by: str, now: datetime, today: date,
) -> tuple[Project, ProjectUpdate, int]:
    """Write the update and queue it to the project's 小区, together; the update, and how many."""
    with uow:
        project, update = update_project(uow, project_id, text, status, by, today)
        estate = estate_names.get(project.estate, texts.BOARD_WHOLE)
        said = texts.PROJECT_PUSH.format(
            estate=estate, name=project.name, day=texts.format_md(today), text=update.text,
            status=texts.PROJECT_PUSH_STATUS.format(status=update.status.value) if update.status else "")
        rows = [[BOARD.button(project.name, "prj", project.id)]] if project.id else []
        message = reply(said, rows)
        assert update.id is not None
        n = deliver_push(uow, update.id, ((r.chat_id, message) for r in audience(uow, project.estate)
                                          if r.chat_id is not None), now)
        uow.commit()
    return project, update, n
