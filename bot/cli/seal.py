"""`cunshe seal`: certificate requests (云盖章) from the command line, and checking a PDF."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot import texts
from bot.cli.common import CliError, add_json_flag, print_json, print_table, ready_app, refused_as
from domain.identity import mask_id_number
from domain.seals import SealStatus
from domain.usecases import seals as uc

# One line per outcome of `seal verify` (exit 0 only for genuine).
FILE_REASONS = {
    "genuine": "genuine",
    "revoked": "revoked: the community revoked this certificate",
    "unknown": "forged: validly signed but never issued here",
    "modified": "modified: the file was changed after it was signed",
    "untrusted": "forged: not signed by this community's key",
    "unsigned": "forged: the file carries no signature",
    "unreadable": "forged: not a readable PDF",
}


def register(sub: argparse._SubParsersAction) -> None:
    """Add `seal list|show|approve|reject|request|revoke|verify|page`."""
    p = sub.add_parser("seal", help="云盖章证明 (certificates)")
    s = p.add_subparsers(dest="seal_command", required=True, metavar="ACTION")
    ls = s.add_parser("list", help="requests, newest first")
    ls.add_argument("--status", choices=[x.value for x in SealStatus])
    ls.add_argument("--limit", type=int, default=50)
    add_json_flag(ls)
    ls.set_defaults(func=_list)
    sh = s.add_parser("show", help="one request, its decisions; --pdf writes the signed certificate")
    sh.add_argument("number")
    sh.add_argument("--pdf", type=Path, help="write the signed PDF of an approved request here")
    add_json_flag(sh)
    sh.set_defaults(func=_show)
    for name, helptext in (("approve", "approve and issue the signed certificate"),
                           ("reject", "reject with a reason the resident is told")):
        a = s.add_parser(name, help=helptext)
        a.add_argument("number")
        a.add_argument("--staff", required=True, help="your staff code")
        if name == "reject":
            a.add_argument("--reason", required=True)
        a.set_defaults(func=_decide, action=name)
    rq = s.add_parser("request", help="request a certificate on a verified resident's behalf")
    rq.add_argument("--resident", type=int, required=True, help="resident id (cunshe residents list)")
    rq.add_argument("--template", required=True, help="template code or name")
    rq.add_argument("--staff", required=True, help="your staff code")
    rq.add_argument("--purpose", required=True)
    rq.add_argument("--used-at", required=True, help="where it will be handed in")
    rq.add_argument("--field", action="append", default=[], metavar="KEY=VALUE",
                    help="a template field, e.g. since=2015年")
    rq.set_defaults(func=_request)
    rv = s.add_parser("revoke", help="revoke an issued certificate")
    rv.add_argument("number")
    rv.add_argument("--reason", required=True)
    rv.add_argument("--staff", required=True, help="your staff code")
    rv.set_defaults(func=_revoke)
    vf = s.add_parser("verify", help="check a certificate PDF: exit 0 genuine, 1 forged/modified/revoked")
    vf.add_argument("file", type=Path)
    vf.set_defaults(func=_verify)
    pg = s.add_parser("page", help="serve only the verification page /v/CODE (cunshe run serves it too)")
    pg.add_argument("--listen", help="default: seals.page_listen")
    pg.add_argument("--port", type=int, help="default: seals.page_port")
    pg.set_defaults(func=_page)


def _template_name(app: Any, code: str) -> str:
    t = app.certifier.template(code)
    return t.name if t else code


def _list(args: argparse.Namespace) -> int:
    app = ready_app(args)
    with app.uow() as uow:
        items = uow.seals.list(status=SealStatus(args.status) if args.status else None, limit=args.limit)
    rows = [{"number": r.number, "template": r.template, "status": r.status.value,
             "created_at": r.created_at.isoformat(), "due_at": r.due_at.isoformat()} for r in items]
    if args.json:
        print_json(rows)
        return 0
    print_table(["编号", "证明", "状态", "审核期限"], [
        [r.number, _template_name(app, r.template), texts.SEAL_STATUS[r.status.value],
         texts.format_when(r.due_at, app.zone)] for r in items])
    print(f"共{len(rows)}条")
    return 0


def _show(args: argparse.Namespace) -> int:
    app = ready_app(args)
    with app.uow() as uow:
        r = uow.seals.get(args.number)
        if r is None:
            raise CliError(f"没有申请 {args.number}")
        cert = uow.seals.certificate(number=r.number)
        decisions = uow.seals.decisions(r.number)
        pdf = uow.seals.pdf(r.number) if args.pdf else None
    data = {"number": r.number, "template": r.template, "status": r.status.value,
            "name": r.facts.get("name", ""), "id_number": mask_id_number(r.facts.get("id_number", "")),
            "reason": r.reason, "code": cert.code if cert else None,
            "sha256": cert.sha256 if cert else None, "revoked": cert.revoked if cert else None,
            "decisions": [{"at": d.at.isoformat(), "actor": d.actor, "action": d.action, "sha256": d.sha256}
                          for d in decisions]}
    if args.pdf:
        if pdf is None:
            raise CliError(f"{r.number} 还没有签发证明")
        args.pdf.write_bytes(pdf)
    if args.json:
        print_json(data)
        return 0
    print(f"{r.number} {_template_name(app, r.template)} · {texts.SEAL_STATUS[r.status.value]}")
    print(f"申请人：{data['name']}（{data['id_number']}）")
    if cert:
        print(f"核验码：{cert.code}{'（已撤销）' if cert.revoked else ''}\nSHA-256：{cert.sha256}")
    for d in decisions:
        print(f"  {texts.format_when(d.at, app.zone)} {d.action} {d.actor} {d.sha256}".rstrip())
    if args.pdf:
        print(f"已写入 {args.pdf}")
    return 0


def _decide(args: argparse.Namespace) -> int:
    app = ready_app(args)
    now = datetime.now(UTC)
    with refused_as("无法操作"), app.uow() as uow:
        r = uow.seals.get(args.number)
        if r is None:
            raise CliError(f"没有申请 {args.number}")
        staff = uc.approver(uow, app.certifier.rule(r.template), code=args.staff)
        if args.action == "approve":
            cert = uc.approve(uow, args.number, staff, app.certifier.issue, now)
            uow.commit()
            print(f"{args.number} 已批准，核验码 {cert.code}")
        else:
            uc.reject(uow, args.number, staff, args.reason, now)
            uow.commit()
            print(f"{args.number} 已驳回")
    return 0


def _request(args: argparse.Namespace) -> int:
    app = ready_app(args)
    template = app.certifier.template(args.template) or app.certifier.find_template(args.template)
    if template is None:
        raise CliError(f"没有“{args.template}”这种证明")
    extra = {"purpose": args.purpose, "used_at": args.used_at}
    for item in args.field:
        key, sep, value = item.partition("=")
        if not sep or key not in {f.key for f in template.fields}:
            raise CliError(f"--field {item}: 这种证明没有这一项")
        extra[key] = value
    missing = [f.key for f in template.fields if not extra.get(f.key)]
    if missing:
        raise CliError(f"缺少 --field {missing[0]}=…")
    with refused_as("无法申请"), app.uow() as uow:
        resident = uow.residents.get(args.resident)
        if resident is None:
            raise CliError(f"没有居民 {args.resident}")
        r = app.certifier.request(uow, template.code, resident, extra, requested_by=args.staff,
                                  chat_id=resident.chat_id, now=datetime.now(UTC))
        uow.commit()
    print(f"已提交 {r.number}")
    return 0


def _revoke(args: argparse.Namespace) -> int:
    app = ready_app(args)
    with refused_as("无法撤销"), app.uow() as uow:
        uc.revoke(uow, args.number, args.staff, args.reason, datetime.now(UTC))
        uow.commit()
    print(f"{args.number} 已撤销")
    return 0


def _verify(args: argparse.Namespace) -> int:
    app = ready_app(args)
    try:
        data = args.file.read_bytes()
    except OSError as exc:
        raise CliError(f"{args.file}: {exc.strerror}") from None
    answer = app.certifier.check_file(data)
    line = FILE_REASONS.get(answer.status, answer.status)
    if answer.facts:
        f = answer.facts
        line += f" — {f['template']} {f['number']} {f['name']} {f['id_number']} {f['issued']}"
    print(line)
    return 0 if answer.ok else 1


def _page(args: argparse.Namespace) -> int:
    from aiohttp import web

    from bot.seal_page import make_web_app

    app = ready_app(args)
    seals = app.config.seals
    port = args.port or seals.page_port
    if not port:
        raise CliError("seals.page_port is not set: give --port")
    web.run_app(make_web_app(app), host=args.listen or seals.page_listen, port=port,
                access_log=None, print=None)
    return 0
