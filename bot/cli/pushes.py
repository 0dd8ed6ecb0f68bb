"""`cunshe pushes`: send (now or at a time) a policy or notice push, list pushes, show one."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from bot import texts
from bot.cli.common import CliError, add_json_flag, estate_code, print_json, ready_app, refused_as
from bot.cli.places import add_place_options, add_yes_flag, reach_of, refuse_nobody
from bot.reach import label
from domain.pushes import TOPICS, Progress

BAR = 30  # characters of the progress bar


def register(sub: argparse._SubParsersAction) -> None:
    """Add `pushes send|list|show`."""
    p = sub.add_parser("pushes", help="政策和通知推送 (policy and notice pushes)")
    s = p.add_subparsers(dest="pushes_command", required=True, metavar="ACTION")
    send = s.add_parser("send", help="push a policy, or a notice from a text file")
    what = send.add_mutually_exclusive_group(required=True)
    what.add_argument("--policy", metavar="ID",
                      help="a policy code (from config.yaml, or added with cunshe policies add)")
    what.add_argument("--title", help="the notice's title (with --text FILE)")
    send.add_argument("--text", type=Path, metavar="FILE", help="the notice's text (UTF-8)")
    send.add_argument("--topic", choices=TOPICS, help="政策 (default for --policy) or 通知")
    send.add_argument("--tag", action="append", default=[], help="only residents with this tag")
    send.add_argument("--estate", action="append", default=[], help="only this estate (name or code)")
    send.add_argument("--min-age", type=int)
    send.add_argument("--max-age", type=int)
    add_place_options(send)
    send.add_argument("--at", help='send later, community time: "2026-12-03 09:00"')
    send.add_argument("--no-wait", action="store_true", help="do not wait with a progress bar")
    add_yes_flag(send)
    send.set_defaults(func=_send)
    ls = s.add_parser("list", help="pushes, newest first")
    ls.add_argument("--limit", type=int, default=20)
    add_json_flag(ls)
    ls.set_defaults(func=_list)
    show = s.add_parser("show", help="one push: recipients, sent, failed, blocked, pending")
    show.add_argument("id", type=int)
    add_json_flag(show)
    show.set_defaults(func=_show)


def _spec(app: Any, args: argparse.Namespace) -> dict[str, Any]:
    """The push the arguments describe (checked before anything is written)."""
    spec = _what(app, args)
    spec["reach"] = reach_of(app, args).to_dict()  # resolved again when sent (a later --at too)
    return spec


def _what(app: Any, args: argparse.Namespace) -> dict[str, Any]:
    targets: dict[str, Any] = {"tags": args.tag, "min_age": args.min_age, "max_age": args.max_age,
                               "estates": [estate_code(app, e) for e in args.estate]}
    unknown = [t for t in args.tag if t not in app.config.resident_tags]
    if unknown:
        raise CliError(f"未知标签“{unknown[0]}”", exit_code=2)
    if args.policy:
        with app.uow() as uow:
            known = app.policies.get(uow, args.policy) is not None
        if not known:
            raise CliError(f"没有编号为 {args.policy} 的政策", exit_code=2)
        return {"policy": args.policy, "topic": args.topic or "政策", "targets": targets}
    if args.text is None:
        raise CliError("通知需要 --text FILE", exit_code=2)
    text = args.text.read_text(encoding="utf-8").strip()
    if not text:
        raise CliError("通知内容是空的", exit_code=2)
    return {"kind": "notice", "title": args.title, "text": text, "topic": args.topic or "通知",
            "targets": targets}


def _send(args: argparse.Namespace) -> int:
    from bot import pushes

    app = ready_app(args)
    spec = _spec(app, args)
    if args.at:  # its audience is read when it runs (residents may be imported meanwhile)
        return _schedule(app, spec, args.at)
    with refused_as("没有发送"), app.uow() as uow:
        n = pushes.count(app, uow, spec, datetime.now(UTC))
    refuse_nobody(app, args, n, spec["reach"], str(spec["topic"]))
    with refused_as("没有发送"), app.uow() as uow:
        push_id = pushes.send(app, uow, spec, started_by=None, now=datetime.now(UTC))
        uow.commit()
        total = uow.pushes.progress(push_id).total
    print(texts.PUSH_CLI_QUEUED.format(id=push_id, n=total), flush=True)
    if app.several:  # one community: the place goes without saying
        print(texts.PUSH_CLI_REACH.format(where=label(app, spec["reach"])), flush=True)
    if args.no_wait or total == 0:
        return 0
    wait(lambda: _progress(app, push_id), sys.stderr)
    return 0


def _schedule(app: Any, spec: dict[str, Any], at: str) -> int:
    from bot.jobs import job_store, schedule_push

    try:
        when = datetime.strptime(at, "%Y-%m-%d %H:%M").replace(tzinfo=app.zone)
    except ValueError:
        raise CliError('时间格式应为 "2026-12-03 09:00"', exit_code=2) from None
    if when <= datetime.now(UTC):
        raise CliError("定时时间已经过去了", exit_code=2)
    scheduler = job_store(app)  # the job goes into the persistent store; the bot runs it
    try:
        job = schedule_push(app, scheduler, spec, when.astimezone(UTC))
    finally:
        scheduler.shutdown(wait=False)
    print(texts.PUSH_CLI_SCHEDULED.format(at=texts.format_when(when, app.zone), job=job))
    return 0


def _progress(app: Any, push_id: int) -> Progress:
    with app.uow() as uow:
        return uow.pushes.progress(push_id)


def bar(p: Progress) -> str:
    """[#####.....] 12/40 已发送，失败 1."""
    done = p.total - p.pending
    filled = BAR * done // p.total if p.total else BAR
    return (f"[{'#' * filled}{'.' * (BAR - filled)}] "
            f"{texts.PUSH_PROGRESS.format(sent=p.sent, total=p.total, failed=p.failed + p.blocked)}")


def wait(read: Callable[[], Progress], out: TextIO, *, every: float = 1.0,
         stall_hint_after: float = 30.0) -> Progress | None:
    """Redraw a progress bar until every recipient has an outcome (the bot sends meanwhile).

    Ctrl-C stops only the watching: the push is in the outbox and the bot goes on sending. When
    nothing moves for a while, one line says so (the bot may not be running).
    """
    last, still_since, hinted = -1, time.monotonic(), False
    try:
        while True:
            p = read()
            out.write("\r" + bar(p))
            out.flush()
            if p.done:
                out.write("\n")
                return p
            if p.pending != last:
                last, still_since = p.pending, time.monotonic()
            elif not hinted and time.monotonic() - still_since >= stall_hint_after:
                out.write("\n" + texts.PUSH_CLI_STALLED + "\n")
                hinted = True
            time.sleep(every)
    except KeyboardInterrupt:
        out.write("\n" + texts.PUSH_CLI_DETACHED + "\n")
        return None


def _row(push: Any, p: Progress) -> dict[str, Any]:
    return {"id": push.id, "kind": push.kind, "topic": push.topic, "title": push.title,
            "created_at": push.created_at.isoformat() if push.created_at else None,
            "started_by": push.started_by, "targets": push.targets, "total": p.total,
            "reach": push.targets.get("reach"),
            "sent": p.sent, "failed": p.failed, "blocked": p.blocked, "pending": p.pending}


def _list(args: argparse.Namespace) -> int:
    app = ready_app(args)
    with app.uow() as uow:
        rows = [_row(x, uow.pushes.progress(x.id or 0)) for x in uow.pushes.list(args.limit)]
    if args.json:
        print_json(rows)
        return 0
    for r in rows:
        print(texts.PUSH_CLI_LINE.format(
            id=r["id"], when=_when(app, r), kind=texts.PUSH_KINDS.get(r["kind"], r["kind"]),
            topic=r["topic"], title=r["title"], sent=r["sent"], total=r["total"])
            + _place(app, r))
    print(f"共{len(rows)}条")
    return 0


def _when(app: Any, row: dict[str, Any]) -> str:
    at = row["created_at"]
    return texts.format_when(datetime.fromisoformat(at), app.zone) if at else ""


def _show(args: argparse.Namespace) -> int:
    app = ready_app(args)
    with app.uow() as uow:
        push = uow.pushes.get(args.id)
        if push is None:
            raise CliError(f"没有编号为 {args.id} 的推送")
        r = _row(push, uow.pushes.progress(args.id))
    if args.json:
        print_json(r)
        return 0
    print(texts.PUSH_CLI_SHOW.format(
        id=r["id"], kind=texts.PUSH_KINDS.get(r["kind"], r["kind"]), topic=r["topic"],
        title=r["title"], when=_when(app, r), by=r["started_by"] or texts.PUSH_CLI_SCHEDULED_BY,
        total=r["total"], sent=r["sent"], failed=r["failed"], blocked=r["blocked"],
        pending=r["pending"]))
    if r["reach"] and app.several:
        print(texts.PUSH_CLI_REACH.format(where=label(app, r["reach"])))
    return 0


def _place(app: Any, row: dict[str, Any]) -> str:
    """"  南白象街道（2个村社）" after a list line (nothing for pushes made before places)."""
    return f"  {label(app, row['reach'])}" if row["reach"] and app.several else ""
