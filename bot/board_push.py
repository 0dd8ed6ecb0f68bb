"""Board notices and project updates to residents: the 通知 subscribers of that 小区 hear of them, as a push."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from bot import pushes, texts
from bot.callbacks import BOARD
from bot.dialogue.turn import reply
from bot.events import Reply
from domain.board import Notice, Project, ProjectStatus, ProjectUpdate
from domain.ports import UnitOfWork
from domain.residents import Resident
from domain.usecases.board import publish_notice as publish
from domain.usecases.board import update_project

NOTICE_TOPIC = "通知"


def audience(uow: UnitOfWork, estate: str) -> list[Resident]:
    """Residents who take 通知 in that 小区 (every 小区 for a community-wide project)."""
    return pushes.notice_audience(uow, estate)


def _chats(uow: UnitOfWork, estate: str) -> list[int]:
    # One message per chat, as deliver_push queues it: the count said before is the count sent.
    return list(dict.fromkeys(r.chat_id for r in audience(uow, estate) if r.chat_id is not None))


def reached(uow: UnitOfWork, estate: str) -> int:
    """How many residents a 通知 for that 小区 reaches now: what 发布并通知 and `--push` would queue."""
    return len(_chats(uow, estate))


def deliver_push(uow: UnitOfWork, title: str, messages: Iterable[tuple[int, Reply]],
                 now: datetime) -> int:
    """The update as a 通知 push (bulk priority), in the caller's transaction; how many it reaches."""
    once = list({chat_id: message for chat_id, message in messages}.items())
    pushes.start_push(uow, kind="notice", topic=NOTICE_TOPIC, title=title, messages=once,
                      started_by=None, now=now)
    return len(once)


def publish_notice(uow: UnitOfWork, notice: Notice, scope: str, *, push: bool,
                   now: datetime) -> tuple[Notice, int]:
    """Write a notice and, when asked, queue it to that scope's 通知 subscribers, together (the
    staff chat's 发布并推送 and `cunshe board notice add --push` alike); the notice, how many."""
    with uow:
        notice = publish(uow, notice)
        n = 0
        if push:
            message = reply(texts.NOTICE_PUSH.format(scope=scope, title=notice.title, text=notice.text))
            n = deliver_push(uow, notice.title, ((chat, message) for chat in _chats(uow, notice.estate)), now)
        uow.commit()
    return notice, n


def publish_update(
    uow: UnitOfWork, estate_names: dict[str, str], project_id: int, text: str,
    status: ProjectStatus | None, by: str, now: datetime, today: date, *, push: bool = True,
) -> tuple[Project, ProjectUpdate, int]:
    """Write the update and (unless `push` is False: 只发布) queue it to the project's 小区, together;
    the update, and how many it reaches."""
    with uow:
        project, update = update_project(uow, project_id, text, status, by, today)
        assert update.id is not None
        n = 0
        if push:
            estate = estate_names.get(project.estate, texts.BOARD_WHOLE)
            said = texts.PROJECT_PUSH.format(
                estate=estate, name=project.name, day=texts.format_md(today), text=update.text,
                status=texts.PROJECT_PUSH_STATUS.format(status=update.status.value) if update.status else "")
            rows = [[BOARD.button(project.name, "prj", project.id)]] if project.id else []
            message = reply(said, rows)
            n = deliver_push(uow, project.name, ((chat, message) for chat in _chats(uow, project.estate)), now)
        uow.commit()
    return project, update, n
