"""线上表决 around the use cases: who is told of a poll, the result for voters, the chart, the count."""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from bot import texts
from bot.callbacks import POLL
from bot.dialogue.turn import reply
from bot.events import Document, Reply
from bot.outbox import BULK, enqueue, to_payload
from bot.pushes import notice_audience
from domain.polls import Poll, Tally
from domain.ports import OutboxMessage, UnitOfWork
from domain.usecases import polls as uc

if TYPE_CHECKING:
    from bot.app import App

log = logging.getLogger(__name__)
# "2026-12-10 18:00" (also with / or 年月日): what the CLI takes, and staff may type.
PLAIN_TIME = re.compile(r"(20\d\d)[-/年.](\d{1,2})[-/月.](\d{1,2})日?\s*(\d{1,2})[:：点](\d{2})?")


def scope_label(app: App, estate: str | None) -> str:
    """全社区住户 or 翠微苑住户."""
    return texts.POLL_SCOPE_ESTATE.format(estate=estate_name(app, estate)) if estate else texts.POLL_SCOPE_ALL


def estate_name(app: App, code: str | None) -> str:
    """The estate's name for a code."""
    return next((e.name for e in app.config.estates if e.code == code), code or "")


def parse_plain_time(text: str, app: App) -> datetime | None:
    """A written date and time (2026-12-10 18:00) in the community's zone, as UTC."""
    m = PLAIN_TIME.search(text)
    if m is None:
        return None
    y, mo, d, h, mi = (int(x) if x else 0 for x in m.groups())
    try:
        return datetime(y, mo, d, h, mi, tzinfo=app.zone).astimezone(UTC)
    except ValueError:
        return None


def ends_from(entity: dict[str, Any] | None) -> datetime | None:
    """The end time from the NLU's `time` entity; a day or a range ends at its end."""
    if entity is None:
        return None
    value = entity.get("value")
    if isinstance(value, dict):
        value = value.get("to") or value.get("from")
    return datetime.fromisoformat(str(value)).astimezone(UTC) if value else None


def option_rows(poll: Poll) -> list[list[tuple[str, str]]]:
    """One button per option, one per row (long labels stay readable)."""
    return [[POLL.button(o, "v", poll.id, i + 1)] for i, o in enumerate(poll.options)]


def notice(app: App, poll: Poll, now: datetime | None = None) -> Reply:
    """The poll as residents see it, with its option buttons."""
    return reply(texts.POLL_NOTICE.format(question=poll.question, scope=scope_label(app, poll.estate),
                                          ends=texts.format_when(poll.ends_at, app.zone, now)),
                 option_rows(poll))


def publish(app: App, uow: UnitOfWork, poll: Poll, now: datetime) -> int:
    """Tell every verified resident in scope with a chat who takes 通知 (one outbox row each); how many."""
    told = 0
    chats: set[int] = set()
    for r in notice_audience(uow, poll.estate):
        chat = r.chat_id
        if chat is None or chat in chats or not poll.in_scope(r):
            continue
        chats.add(chat)
        enqueue(uow, chat, notice(app, poll, now), f"poll:{poll.id}:{chat}", now, priority=BULK)
        told += 1
    log.info("poll %s published to %d chats", poll.id, told)
    return told


def summary(tally: Tally) -> str:
    """同意12票，不同意3票；“同意”票数最多."""
    if not tally.households:
        return texts.POLL_NO_VOTES
    lines = "，".join(texts.POLL_RESULT_LINE.format(option=o, votes=n)
                     for o, n in zip(tally.options, tally.counts, strict=True))
    winner = tally.winner()
    return f"{lines}；{texts.POLL_WINNER.format(option=winner) if winner else texts.POLL_TIE}"


def close(app: App, uow: UnitOfWork, poll_id: int, now: datetime) -> Poll:
    """Close the poll and queue the result (chart and one line) for every chat that voted."""
    poll = uc.close_poll(uow, poll_id, now)
    tally = uc.tally(uow, poll_id)
    text = texts.POLL_RESULT.format(question=poll.question, summary=summary(tally), n=tally.households)
    for chat in uow.polls.voter_chats(poll_id):
        # The chart is drawn when sent (from the closed, final count), not copied into each row.
        uow.outbox.add(OutboxMessage(chat_id=chat, key=f"poll:{poll_id}:result:{chat}", created_at=now,
                                     not_before=now, payload={**to_payload(reply(text)), "poll_chart": poll_id}))
    log.info("poll %s closed", poll_id)
    return poll


def close_due(app: App, now: datetime) -> int:
    """Close every open poll whose end time has come (the scheduled job); returns how many."""
    closed = 0
    with app.uow() as uow:
        for poll in uow.polls.due(now):
            assert poll.id is not None
            close(app, uow, poll.id, now)
            closed += 1
        uow.commit()
    return closed


def chart_image(app: App, poll_id: int) -> Document:
    """The result chart of a poll as a PNG (kept per poll: a closed poll's count never changes)."""
    with app.uow() as uow:
        poll = uc.get_poll(uow, poll_id)
        tally = uc.tally(uow, poll_id)
    return Document(f"poll-{poll_id}.png", _chart(poll.question, tally.options, tally.counts,
                                                  app.config.seals.font_file))


@lru_cache(maxsize=16)
def _chart(question: str, options: tuple[str, ...], counts: tuple[int, ...], font: str | None) -> bytes:
    from bot.poll_chart import font_for, render

    return render(question, options, counts, font_for(font))


def live_text(app: App, uow: UnitOfWork, poll: Poll, now: datetime) -> str:
    """The count so far, for staff."""
    assert poll.id is not None
    tally = uc.tally(uow, poll.id)
    lines = "\n".join(texts.POLL_LIVE_LINE.format(option=o, votes=n)
                      for o, n in zip(tally.options, tally.counts, strict=True))
    return texts.POLL_LIVE.format(id=poll.id, question=poll.question, lines=lines,
                                  households=tally.households, status=texts.POLL_STATUS[poll.status.value],
                                  ends=texts.format_when(poll.ends_at, app.zone, now))
