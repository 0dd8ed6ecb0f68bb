"""`cunshe communities`: the deployment's 村社, as 区 → 街道/镇 → 村社, and a check of their files."""

from __future__ import annotations

import argparse
from typing import Any

from bot.cli.common import CliError, add_json_flag, load_app_config, print_json
from bot.communities import INDEX_CACHE, CommunityDirectory
from bot.config import ConfigError


def register(sub: argparse._SubParsersAction) -> None:
    """Add `communities list|show|check`."""
    p = sub.add_parser("communities", help="村社 (communities of this deployment)")
    s = p.add_subparsers(dest="communities_command", required=True, metavar="ACTION")
    ls = s.add_parser("list", help="every community, by 区 and 街道/镇")
    ls.add_argument("--district", help="only this 区")
    ls.add_argument("--street", help="only this 街道/镇")
    add_json_flag(ls)
    ls.set_defaults(func=_list)
    sh = s.add_parser("show", help="one community's settings in brief")
    sh.add_argument("code")
    add_json_flag(sh)
    sh.set_defaults(func=_show)
    ck = s.add_parser("check", help="validate every community file; exit 1 when one is wrong")
    ck.set_defaults(func=_check)


def open_directory(args: argparse.Namespace) -> CommunityDirectory:
    """The deployment's communities, from `communities_dir` in config.yaml."""
    config = load_app_config(args)
    if not config.communities_dir:
        raise CliError("config error: communities_dir 未设置（每个村社一个 YAML 文件的目录）", exit_code=2)
    try:
        return CommunityDirectory.open(config.communities_dir, city=config.raw, cache=INDEX_CACHE)
    except ConfigError as exc:
        raise CliError(f"config error: {exc}", exit_code=2) from None


def _list(args: argparse.Namespace) -> int:
    directory = open_directory(args)
    entries = directory.under(district=args.district, street=args.street)
    if args.json:
        print_json([{"code": e.code, "name": e.name, "district": e.district, "street": e.street}
                    for e in entries])
        return 0
    district = street = None
    for e in entries:
        if e.district != district:
            district, street = e.district, None
            print(e.district or "（未填区）")
        if e.street != street:
            street = e.street
            print(f"  {e.street or '（未填街道）'}")
        print(f"    {e.code}  {e.name}")
    print(f"共{len(entries)}个村社")
    for problem in directory.problems:
        print(f"有误，未列入：{problem}")
    return 0


def _show(args: argparse.Namespace) -> int:
    directory = open_directory(args)
    entry = directory.get(args.code)
    if entry is None:
        raise CliError(f"没有编号为 {args.code} 的村社（cunshe communities list 可查看全部）")
    try:
        config = directory.config(entry.code)
    except ConfigError as exc:
        raise CliError(f"{entry.path}: {exc}", exit_code=2) from None
    info: dict[str, Any] = {
        "code": entry.code, "name": entry.name, "district": entry.district, "street": entry.street,
        "aliases": list(entry.aliases),
        "center": None if entry.lat is None else {"lat": entry.lat, "lon": entry.lon},
        "boundary_points": len(entry.boundary),
        "estates": [e.name for e in config.estates], "grids": len(config.grids),
        "staff": len(config.staff), "shelters": len(config.shelters),
        "office_phone": config.community.office.phone if config.community.office else None,
    }
    if args.json:
        print_json(info)
        return 0
    print(f"{entry.name}（{entry.code}）  {entry.district} {entry.street}")
    if entry.aliases:
        print(f"  别名：{'、'.join(entry.aliases)}")
    print(f"  小区{len(config.estates)}个：{'、'.join(info['estates'])}")
    print(f"  网格{info['grids']}个，工作人员{info['staff']}人，避灾点{info['shelters']}个")
    if info["office_phone"]:
        print(f"  办公电话：{info['office_phone']}")
    where = "未填" if entry.lat is None else f"{entry.lat:.5f}, {entry.lon:.5f}"
    print(f"  中心点：{where}；边界：{'有' if entry.boundary else '无'}")
    return 0


def _check(args: argparse.Namespace) -> int:
    directory = open_directory(args)
    problems: list[Any] = directory.check()
    for i, s in enumerate(load_app_config(args).city_staff):  # 街道/区 staff reach somewhere
        if not directory.below(s.level, s.reach):
            problems.append(f"config.yaml: city_staff.{i}.reach: no community lies in {s.level} {s.reach}")
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(directory.entries)}个村社文件中有{len(problems)}处错误")
        return 1
    print(f"{len(directory.entries)}个村社文件均无误")
    return 0
