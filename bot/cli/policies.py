"""`cunshe policies add|list|show|remove`: the policy library (config's and staff's policies)."""

from __future__ import annotations

import argparse
import getpass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot import texts
from bot.cli.common import CliError, add_json_flag, print_json, print_table, ready_app
from bot.policies import format_date, render_source
from bot.policy_files import PolicyFileError, parse_policy
from domain.policies import Aspect, Policy, age_range


def register(sub: argparse._SubParsersAction) -> None:
    """Add `policies add|list|show|remove`."""
    p = sub.add_parser("policies", help="惠民政策库 (the policy library)")
    s = p.add_subparsers(dest="policies_command", required=True, metavar="ACTION")
    add = s.add_parser("add", help="add a policy from a Markdown file (YAML front matter + sections)")
    add.add_argument("file", type=Path, metavar="FILE.md")
    add.add_argument("--by", default="", help="who adds it (default: the system user)")
    add.set_defaults(func=_add)
    ls = s.add_parser("list", help="every policy, config's first")
    add_json_flag(ls)
    ls.set_defaults(func=_list)
    show = s.add_parser("show", help="one policy in full")
    show.add_argument("code", metavar="ID")
    add_json_flag(show)
    show.set_defaults(func=_show)
    rm = s.add_parser("remove", help="remove a policy staff added")
    rm.add_argument("code", metavar="ID")
    rm.set_defaults(func=_remove)


def _add(args: argparse.Namespace) -> int:
    try:
        text = args.file.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise CliError(texts.POLICY_CLI_BAD_FILE.format(
            path=args.file, problems=texts.POLICY_FILE_NO_FRONT), exit_code=2) from None
    app = ready_app(args)
    with app.uow() as uow:
        taken = {p.code for p in app.policies.all(uow)}
        try:
            policy = parse_policy(
                text, tags=app.config.resident_tags, estates=[e.code for e in app.config.estates],
                taken=taken, added_by=args.by or getpass.getuser(), now=datetime.now(UTC))
        except PolicyFileError as exc:
            problems = "\n".join(f"  - {p}" for p in exc.problems)
            raise CliError(texts.POLICY_CLI_BAD_FILE.format(path=args.file, problems=problems),
                           exit_code=2) from None
        uow.policies.add(policy)
        uow.commit()
    print(texts.POLICY_CLI_ADDED.format(code=policy.code, title=policy.title))
    return 0


def _list(args: argparse.Namespace) -> int:
    app = ready_app(args)
    with app.uow() as uow:
        policies = app.policies.all(uow)
    if args.json:
        print_json([_as_json(p) for p in policies])
        return 0
    print_table(["ID", "标题", "来源", "面向", "添加方式"], [
        [p.code, p.title, p.source, _targets(p), texts.POLICY_CLI_ORIGIN[p.origin]]
        for p in policies])
    print(texts.POLICY_CLI_COUNT.format(n=len(policies)))
    return 0


def _show(args: argparse.Namespace) -> int:
    app = ready_app(args)
    with app.uow() as uow:
        p = app.policies.get(uow, args.code)
    if p is None:
        raise CliError(texts.POLICY_CLI_NOT_FOUND.format(code=args.code))
    if args.json:
        print_json(_as_json(p))
        return 0
    print(f"{p.code}  《{p.title}》  {texts.POLICY_CLI_ORIGIN[p.origin]}")
    for aspect in Aspect:
        print(f"{texts.POLICY_PART_LABELS[aspect.value]}：{p.part(aspect)}")
    print(f"面向：{_targets(p)}")
    print(render_source(p))
    return 0


def _remove(args: argparse.Namespace) -> int:
    app = ready_app(args)
    if any(p.code == args.code for p in app.policies.configured):
        raise CliError(texts.POLICY_CLI_IN_CONFIG.format(code=args.code))
    with app.uow() as uow:
        if not uow.policies.remove(args.code):
            raise CliError(texts.POLICY_CLI_NOT_FOUND.format(code=args.code))
        uow.commit()
    print(texts.POLICY_CLI_REMOVED.format(code=args.code))
    return 0


def _targets(p: Policy) -> str:
    parts = ["、".join(p.tags), age_range(p), "、".join(p.estates)]
    return " ".join(x for x in parts if x) or "所有居民"


def _as_json(p: Policy) -> dict[str, Any]:
    return {
        "code": p.code, "title": p.title, "target": p.target, "benefit": p.benefit,
        "documents": p.documents, "apply": p.apply, "issuer": p.issuer,
        "date": p.issued_on.isoformat(), "date_text": format_date(p), "source": p.source,
        "tags": list(p.tags), "min_age": p.min_age, "max_age": p.max_age,
        "estates": list(p.estates), "keywords": list(p.keywords), "origin": p.origin,
    }
