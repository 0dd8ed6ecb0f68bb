"""`cunshe outbox`: messages that could not be delivered, for staff to see and resend."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from typing import Any

from bot import texts
from bot.cli.common import CliError, add_json_flag, print_json, ready_app


def register(sub: argparse._SubParsersAction) -> None:
    """Add `outbox failed|retry`."""
    p = sub.add_parser("outbox", help="未送达的消息 (undelivered messages)")
    s = p.add_subparsers(dest="outbox_command", required=True, metavar="ACTION")
    ls = s.add_parser("failed", help="messages kept as failed or blocked, oldest first")
    ls.add_argument("--limit", type=int, default=100)
    add_json_flag(ls)
    ls.set_defaults(func=_failed)
    rt = s.add_parser("retry", help="queue failed/blocked messages again")
    which = rt.add_mutually_exclusive_group(required=True)
    which.add_argument("ids", nargs="*", type=int, default=[], metavar="ID")
    which.add_argument("--all", action="store_true", help="every failed and blocked message")
    rt.set_defaults(func=_retry)


def _failed(args: argparse.Namespace) -> int:
    app = ready_app(args)
    with app.uow() as uow:
        messages = uow.outbox.undelivered(limit=args.limit)
    # Ids, chat, times, attempts and the error only: the message text stays encrypted.
    rows: list[dict[str, Any]] = [{
        "id": m.id, "chat_id": m.chat_id, "status": m.status,
        "created_at": m.created_at.isoformat() if m.created_at else None,
        "attempts": m.attempts, "last_error": m.last_error,
    } for m in messages]
    if args.json:
        print_json(rows)
        return 0
    for m, r in zip(messages, rows, strict=True):
        when = texts.format_when(m.created_at, app.zone) if m.created_at else ""
        print(f"{r['id']}  chat {r['chat_id']}  {texts.OUTBOX_STATUS.get(m.status, m.status)}  "
              f"{when}  尝试{r['attempts']}次  {r['last_error']}")
    print(f"共{len(rows)}条")
    return 0


def _retry(args: argparse.Namespace) -> int:
    if not args.all and not args.ids:
        raise CliError("请给出消息编号，或用 --all 重发全部", exit_code=2)
    app = ready_app(args)
    with app.uow() as uow:
        n = uow.outbox.retry(None if args.all else list(args.ids), datetime.now(UTC))
        uow.commit()
    if not args.all and n < len(set(args.ids)):
        raise CliError(f"已重新排队{n}条；其余编号不是未送达的消息")
    print(f"已重新排队{n}条，机器人运行时会马上发送")
    return 0
