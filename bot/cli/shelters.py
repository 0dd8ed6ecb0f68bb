"""`cunshe shelters list|open|close|capacity|import`: the shelters answers and warnings offer."""

from __future__ import annotations

import argparse
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from bot import texts
from bot.cli.common import CliError, add_json_flag, print_json, print_table, ready_app, refused_as
from domain.alerts import check_shelter


def register(sub: argparse._SubParsersAction) -> None:
    """Add `shelters list|open|close|capacity|import`."""
    p = sub.add_parser("shelters", help="避灾点：列表、开放、关闭、容量、导入 (shelters)")
    s = p.add_subparsers(dest="shelters_command", required=True, metavar="ACTION")
    ls = s.add_parser("list", help="every shelter with its state and capacity")
    add_json_flag(ls)
    ls.set_defaults(func=_list)
    for action, what in (("open", "offer it again"), ("close", "never offer it until opened")):
        a = s.add_parser(action, help=what)
        a.add_argument("code", metavar="ID")
        a.set_defaults(func=_set_open, open=action == "open")
    cap = s.add_parser("capacity", help="how many people it can take")
    cap.add_argument("code", metavar="ID")
    cap.add_argument("n", type=int, metavar="N")
    cap.set_defaults(func=_capacity)
    imp = s.add_parser("import", help="add or update shelters from a CSV or YAML file declaring its crs")
    imp.add_argument("file", type=Path, metavar="FILE")
    imp.set_defaults(func=_import)


def _list(args: argparse.Namespace) -> int:
    from bot.alerts import seed_shelters

    app = ready_app(args)
    with app.uow() as uow:
        seed_shelters(app, uow, datetime.now(UTC))
        items = uow.alerts.shelters()
        uow.commit()
    if args.json:
        print_json([{"code": s.code, "name": s.name, "address": s.address, "lat": s.lat, "lon": s.lon,
                     "capacity": s.capacity, "open": s.open, "area": s.area} for s in items])
        return 0
    print_table(["编号", "名称", "状态", "容量", "地址", "片区", "纬度", "经度"], [
        [s.code, s.name, texts.SHELTER_STATE[s.open], str(s.capacity), s.address, s.area,
         f"{s.lat:.6f}", f"{s.lon:.6f}"] for s in items])
    return 0


def _change(args: argparse.Namespace, **changes: object) -> int:
    from bot.alerts import seed_shelters

    app = ready_app(args)
    now = datetime.now(UTC)
    with refused_as("没有修改"), app.uow() as uow:
        seed_shelters(app, uow, now)
        shelter = uow.alerts.shelter(args.code)
        if shelter is None:
            raise CliError(texts.SHELTER_UNKNOWN.format(code=args.code))
        shelter = check_shelter(replace(shelter, **changes))  # type: ignore[arg-type]
        uow.alerts.save_shelter(shelter, now)
        uow.commit()
    print(f"{shelter.code} {shelter.name}：{texts.SHELTER_STATE[shelter.open]}，可容纳{shelter.capacity}人")
    return 0


def _set_open(args: argparse.Namespace) -> int:
    return _change(args, open=args.open)


def _capacity(args: argparse.Namespace) -> int:
    return _change(args, capacity=args.n)


def _import(args: argparse.Namespace) -> int:
    from bot.alerts import seed_shelters
    from bot.shelter_files import ShelterFileError, read_shelters

    try:
        crs, shelters = read_shelters(args.file)
    except (OSError, UnicodeDecodeError) as exc:
        raise CliError(f"无法读取 {args.file}：{exc}") from None
    except ShelterFileError as exc:
        raise CliError(f"{args.file}：{exc}") from None
    app = ready_app(args)
    now = datetime.now(UTC)
    with app.uow() as uow:
        seed_shelters(app, uow, now)
        known = {s.code for s in uow.alerts.shelters()}
        for s in shelters:
            uow.alerts.save_shelter(s, now)
        uow.commit()
    new = sum(1 for s in shelters if s.code not in known)
    converted = "（已从 GCJ-02 转换为 WGS-84）" if crs == "GCJ-02" else ""
    print(f"已导入{len(shelters)}个避灾点：新增{new}个，更新{len(shelters) - new}个{converted}")
    return 0
