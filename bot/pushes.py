"""Pushes: who gets one (`audience`), writing it (`start_push`), and its progress message."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from bot import reach, texts
from bot.events import Reply
from bot.outbox import BULK, enqueue, to_payload  # a push waits behind residents' own answers
from domain.errors import NotFound
from domain.policies import Policy
from domain.ports import OutboxMessage, UnitOfWork
from domain.pushes import NOTICE, TOPICS, Progress, Push, Reach, Targets, matches
from domain.residents import Resident

if TYPE_CHECKING:
    from bot.app import App

log = logging.getLogger(__name__)


def audience(uow: UnitOfWork, topic: str, targets: Targets, *,
             today: date | None = None) -> list[Resident]:
    """Verified residents with a chat who did not switch `topic` off and match `targets`."""
    if topic not in TOPICS:
        raise ValueError(f"unknown topic {topic!r}")
    today = today or datetime.now(UTC).date()
    off = uow.subscriptions.opted_out(topic)
    return [r for r in uow.residents.list(verified=True, limit=10_000_000)
            if r.chat_id is not None and r.id not in off and matches(r, targets, today)]


def notice_audience(uow: UnitOfWork, estate: str | None) -> list[Resident]:
    """Who a 通知 reaches (a board notice, a project update, a poll): residents who take 通知, in
    that 小区 (None or "": the whole community). The one rule every notice path shares."""
    return audience(uow, NOTICE, Targets(estates=(estate,) if estate else ()))


def open_push(uow: UnitOfWork, *, kind: str, topic: str, title: str, started_by: str | None,
              now: datetime, targets: Targets | None = None, reach: Reach | None = None,
              progress_at: tuple[int, int] | None = None, alert: int | None = None) -> int:
    """Write a push record (filed under the sender's community, its place kept); its id.

    `alert`: the warning it carries (kept, so a warning's place can be read back).
    """
    if topic not in TOPICS:
        raise ValueError(f"unknown topic {topic!r}")
    chat, message = progress_at or (None, None)
    kept = (targets or Targets()).to_dict()
    if reach is not None:
        kept["reach"] = reach.to_dict()
    if alert is not None:
        kept["alert"] = alert
    return uow.pushes.add(Push(
        kind=kind, topic=topic, title=title, targets=kept, started_by=started_by, created_at=now,
        progress_chat_id=chat, progress_message_id=message))


def add_recipients(uow: UnitOfWork, push_id: int, messages: Iterable[tuple[int, Reply]],
                   now: datetime, *, fresh: bool = False) -> int:
    """One outbox row per chat for a batch of a push's messages; how many were new.

    Each row's key is push:<id>:<chat>, so a chat listed twice (in this batch or an earlier
    one) still gets one message. `fresh`: the caller gives each chat once across batches, so
    the keys are not looked up (a million lookups were a tenth of a city-wide warning).
    """
    rows: dict[int, OutboxMessage] = {}
    payloads: dict[int, dict[str, Any]] = {}  # residents of one place share one Reply
    for chat_id, reply in messages:
        if chat_id in rows:
            continue
        payload = payloads.get(id(reply))
        if payload is None:
            payload = payloads[id(reply)] = to_payload(reply)
        rows[chat_id] = OutboxMessage(
            chat_id=chat_id, payload=payload, key=f"push:{push_id}:{chat_id}",
            created_at=now, not_before=now, priority=BULK, push_id=push_id)
    # One INSERT per chunk: the write lock is held briefly.
    return uow.outbox.add_many(list(rows.values()), fresh=fresh)


def start_push(uow: UnitOfWork, *, kind: str, topic: str, title: str,
               messages: Iterable[tuple[int, Reply]], started_by: str | None, now: datetime,
               targets: Targets | None = None, reach: Reach | None = None,
               progress_at: tuple[int, int] | None = None) -> int:
    """Write a push and one outbox row per recipient (in the caller's transaction); its id.

    `progress_at` is the (chat, message) a staff member watches the progress in.
    """
    push_id = open_push(uow, kind=kind, topic=topic, title=title, started_by=started_by, now=now,
                        targets=targets, reach=reach, progress_at=progress_at)
    total = add_recipients(uow, push_id, messages, now)
    uow.pushes.set_total(push_id, total)
    log.info("push %s (%s) queued for %d chats", push_id, kind, total)
    return push_id


# --- what a push says ----------------------------------------------------------------------


def render_policy(policy: Policy) -> tuple[str, str]:
    """(title, message) of a policy push: who it is for, what they get, its source."""
    from bot.policies import render_policy_summary

    return policy.title, texts.PUSH_POLICY.format(title=policy.title,
                                                  summary=render_policy_summary(policy))


def find_policy(app: App, code: str) -> Policy:
    """The policy with this code, from config or added by staff (the one policy library)."""
    with app.uow() as uow:
        policy = app.policies.get(uow, code)
    if policy is None:
        raise NotFound(f"policy {code}")
    return policy


def compose(app: App, spec: dict[str, Any]) -> tuple[str, str, str, str]:
    """(kind, topic, title, message) of a push spec: a policy code, or a title and text."""
    if spec.get("policy"):
        title, text = render_policy(find_policy(app, str(spec["policy"])))
        return "policy", str(spec.get("topic") or TOPICS[0]), title, text
    title = str(spec.get("title") or "")
    text = texts.PUSH_NOTICE.format(title=title, text=str(spec.get("text") or ""))
    return str(spec.get("kind") or "notice"), str(spec.get("topic") or TOPICS[1]), title, text


def send(app: App, uow: UnitOfWork, spec: dict[str, Any], *, started_by: str | None,
         now: datetime, progress_at: tuple[int, int] | None = None) -> int:
    """Push a spec (policy or title/text, topic, targets, place) to its audience; the push id."""
    kind, topic, title, text = compose(app, spec)
    targets = Targets.from_dict(spec.get("targets"))
    where = reach.of_spec(app, spec)
    with reach.filed(uow, app, where):
        with reach.narrowed(uow, where):  # the audience of the place only; opt-outs still hold
            people = audience(uow, topic, targets, today=now.astimezone(app.zone).date())
        reply = Reply(text=text)
        return start_push(uow, kind=kind, topic=topic, title=title, targets=targets, reach=where,
                          messages=((r.chat_id, reply) for r in people if r.chat_id is not None),
                          started_by=started_by, now=now, progress_at=progress_at)


def count(app: App, uow: UnitOfWork, spec: dict[str, Any], now: datetime) -> int:
    """How many residents a spec would reach now (shown before 确认发送)."""
    _, topic, _, _ = compose(app, spec)
    with reach.narrowed(uow, reach.of_spec(app, spec)):
        return len(audience(uow, topic, Targets.from_dict(spec.get("targets")),
                            today=now.astimezone(app.zone).date()))


def progress_text(p: Progress) -> str:
    """已发送 n/N，失败 k (blocked chats count as failed for the staff member)."""
    template = texts.PUSH_DONE if p.done else texts.PUSH_PROGRESS
    return template.format(sent=p.sent, total=p.total, failed=p.failed + p.blocked)


def report_progress(uow: UnitOfWork, now: datetime) -> int:
    """Edit each watched push's staff message with its progress; returns how many were updated."""
    updated = 0
    for push in uow.pushes.watched():
        assert push.id is not None and push.progress_chat_id is not None
        p = uow.pushes.progress(push.id)
        # One row per state: a state already shown is not queued again.
        key = f"push-progress:{push.id}:{p.sent}:{p.failed + p.blocked}"
        enqueue(uow, push.progress_chat_id,
                Reply(text=progress_text(p), edit_message_id=push.progress_message_id), key, now)
        if p.done:
            uow.pushes.finish(push.id, now)
        updated += 1
    return updated

