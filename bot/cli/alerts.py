"""`cunshe alerts send|import|list`: typhoon and disaster warnings to every verified resident."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from pathlib import Path

from bot import texts
from bot.cli.common import CliError, add_json_flag, print_json, print_table, ready_app, refused_as
from bot.cli.places import add_place_options, add_yes_flag, chosen, reach_of, refuse_nobody, say_reach
from domain.alerts import Alert
from domain.pushes import ALERT


def register(sub: argparse._SubParsersAction) -> None:
    """Add `alerts send|import|list`."""
    p = sub.add_parser("alerts", help="预警：发布、导入 CAP 文件、列表 (warnings)")
    s = p.add_subparsers(dest="alerts_command", required=True, metavar="ACTION")
    send = s.add_parser("send", help="send a warning typed by staff to every verified resident")
    send.add_argument("--level", required=True, help="蓝|黄|橙|红 (or blue|yellow|orange|red)")
    send.add_argument("--title", required=True)
    send.add_argument("--text", required=True, type=Path, metavar="FILE", help="the official text (UTF-8)")
    send.add_argument("--source", help="who issued it (default: config alerts.source, else the community's 居委会)")
    send.add_argument("--by", default="cli", help="who sends it (kept with the record)")
    add_place_options(send)
    add_yes_flag(send)
    send.set_defaults(func=_send)
    imp = s.add_parser("import", help="send the warning of a CAP 1.2 XML file")
    imp.add_argument("file", type=Path, metavar="FILE.xml")
    imp.add_argument("--by", default="cli", help="who sends it (kept with the record)")
    add_place_options(imp)  # given: they win over the file's <area>
    add_yes_flag(imp)
    imp.set_defaults(func=_import)
    ls = s.add_parser("list", help="warnings sent, newest first")
    ls.add_argument("--limit", type=int, default=50)
    add_json_flag(ls)
    ls.set_defaults(func=_list)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise CliError(f"无法读取 {path}：{exc.strerror or exc}") from None


def _deliver(args: argparse.Namespace, alert: Alert, areas: tuple[str, ...] = ()) -> int:
    from bot.alerts import count_recipients, send_alert, sent_text
    from bot.reach import from_areas

    app = ready_app(args)
    # The options say where; else a CAP file's one simple <area>; else this community.
    where = (None if chosen(args) else from_areas(app, areas)) or reach_of(app, args)
    with refused_as("没有发布"), app.uow() as uow:
        if alert.cap_identifier and (old := uow.alerts.alert_by_cap(alert.cap_identifier)):
            raise CliError(texts.ALERT_CAP_DUPLICATE.format(identifier=alert.cap_identifier, id=old.id))
        refuse_nobody(app, args, count_recipients(uow, where), where.to_dict(), ALERT)
        if not alert.source:
            alert.source = app.config.alert_source()
        send_alert(app, uow, alert, datetime.now(UTC), where)
        uow.commit()
    print(sent_text(alert))
    if app.several:  # one community: the place goes without saying
        print(say_reach(app, where))
    return 0


def _send(args: argparse.Namespace) -> int:
    text = _read(args.text).decode("utf-8-sig", errors="strict")
    return _deliver(args, Alert(level=args.level, title=args.title, text=text, source=args.source or "",
                                created_by=args.by, created_at=datetime.now(UTC)))


def _import(args: argparse.Namespace) -> int:
    from bot.cap import CapRefused, read_cap

    try:
        cap = read_cap(_read(args.file))
    except CapRefused as exc:
        raise CliError(f"{args.file}：{exc}") from None
    return _deliver(args, Alert(level=cap.level, title=cap.title, text=cap.text, source=cap.source,
                                created_by=args.by, created_at=datetime.now(UTC),
                                cap_identifier=cap.identifier), cap.areas)


def _list(args: argparse.Namespace) -> int:
    from bot.reach import label

    app = ready_app(args)
    with app.uow() as uow:
        items = uow.alerts.alerts(limit=args.limit)
        carried = uow.pushes.of_alerts([a.id for a in items if a.id is not None])
    # Where each went (its push keeps the place); a warning sent before places were kept: none.
    reach = {a.id: carried[a.id].targets.get("reach") if a.id in carried else None for a in items}
    if args.json:
        print_json([{"id": a.id, "level": a.level, "title": a.title, "source": a.source,
                     "created_by": a.created_by, "created_at": a.created_at.isoformat(),
                     "cap_identifier": a.cap_identifier, "recipients": a.recipients,
                     "reach": reach[a.id], "place": label(app, reach[a.id])} for a in items])
        return 0
    place = [texts.OPS_PLACE_COLUMN] if app.several else []  # one community: it goes without saying
    print_table(["编号", "级别", "标题", "来源", "发布人", "时间", "人数", *place], [
        [str(a.id), a.level, a.title, a.source, a.created_by,
         texts.format_when(a.created_at, app.zone), str(a.recipients),
         *([label(app, reach[a.id])] if place else [])] for a in items])
    return 0
