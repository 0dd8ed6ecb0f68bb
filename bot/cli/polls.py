"""`cunshe polls`: staff create, list, close and count 线上表决 from the command line."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

from bot import polls as service
from bot import texts
from bot.cli.common import CliError, add_json_flag, estate_code, print_json, print_table, ready_app, refused_as
from domain.usecases import polls as uc


def register(sub: argparse._SubParsersAction) -> None:
    """Add `polls create|list|close|tally`."""
    p = sub.add_parser("polls", help="线上表决 (polls)")
    s = p.add_subparsers(dest="polls_command", required=True, metavar="ACTION")
    cr = s.add_parser("create", help="open a poll and tell the residents who may vote")
    cr.add_argument("--question", required=True)
    cr.add_argument("--option", action="append", required=True, help="an option (2 to 6, repeat the flag)")
    cr.add_argument("--ends", required=True, help='end time, local: "2026-12-10 18:00"')
    cr.add_argument("--estate", help="小区 name or code (default: the whole community)")
    cr.add_argument("--staff", default="cli", help="your staff code")
    cr.set_defaults(func=_create)
    ls = s.add_parser("list", help="polls, newest first")
    add_json_flag(ls)
    ls.set_defaults(func=_list)
    cl = s.add_parser("close", help="close a poll now and send voters the result")
    cl.add_argument("poll_id", type=int)
    cl.set_defaults(func=_close)
    ta = s.add_parser("tally", help="counts per option, households, and the digest of the ballots")
    ta.add_argument("poll_id", type=int)
    add_json_flag(ta)
    ta.set_defaults(func=_tally)


def _create(args: argparse.Namespace) -> int:
    app = ready_app(args)
    ends = service.parse_plain_time(args.ends, app)
    if ends is None:
        raise CliError(f"看不懂截止时间“{args.ends}”，请写成 2026-12-10 18:00")
    estate = estate_code(app, args.estate) if args.estate else None
    now = datetime.now(UTC)
    with app.uow() as uow, refused_as("无法发起投票"):
        poll = uc.create_poll(uow, question=args.question, options=args.option, ends_at=ends,
                              created_by=args.staff, now=now, estate=estate)
        told = service.publish(app, uow, poll, now)
        uow.commit()
    print(texts.POLL_PUBLISHED.format(id=poll.id, n=told))
    return 0


def _list(args: argparse.Namespace) -> int:
    app = ready_app(args)
    with app.uow() as uow:
        polls = uow.polls.list(limit=100)
        voters = {p.id: uow.polls.voters(p.id or 0) for p in polls}
    rows = [{"id": p.id, "question": p.question, "status": p.status.value,
             "scope": service.scope_label(app, p.estate), "ends": texts.format_when(p.ends_at, app.zone),
             "households": voters[p.id]} for p in polls]
    if args.json:
        print_json(rows)
        return 0
    print_table(["编号", "状态", "范围", "截止", "已投户数", "问题"],
                [[str(r["id"]), texts.POLL_STATUS[str(r["status"])], str(r["scope"]), str(r["ends"]),
                  str(r["households"]), str(r["question"])] for r in rows])
    return 0


def _close(args: argparse.Namespace) -> int:
    app = ready_app(args)
    with app.uow() as uow, refused_as("无法结束投票"):
        service.close(app, uow, args.poll_id, datetime.now(UTC))
        uow.commit()
    print(texts.POLL_CLOSED_STAFF.format(id=args.poll_id))
    return 0


def _tally(args: argparse.Namespace) -> int:
    app = ready_app(args)
    with app.uow() as uow, refused_as("无法计票"):
        poll = uc.get_poll(uow, args.poll_id)
        tally = uc.tally(uow, args.poll_id)
    if args.json:
        print_json({"poll": poll.id, "question": poll.question, "status": poll.status.value,
                    "counts": dict(zip(tally.options, tally.counts, strict=True)),
                    "households": tally.households, "digest": tally.digest})
        return 0
    print(f"投票{poll.id}：{poll.question}（{texts.POLL_STATUS[poll.status.value]}）")
    print_table(["选项", "票数"], [[o, str(n)] for o, n in zip(tally.options, tally.counts, strict=True)])
    print(f"投票户数：{tally.households}")
    print(f"选票摘要（sha256）：{tally.digest}")
    return 0
