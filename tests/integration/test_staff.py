"""Staff accounts: declared in config, added by hand, roles and grids checked."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.app import App
from domain.errors import InvalidValue
from domain.staff import Staff
from domain.usecases.staff import add_staff, sync_staff
from tests.fixtures import run_cli

GRIDS = {f"G{i}" for i in range(1, 8)}


def test_config_staff_are_synced(app: App) -> None:
    assert sync_staff(app.uow(), app.declared_staff()) == 9
    sync_staff(app.uow(), app.declared_staff())  # idempotent
    with app.uow() as uow:
        staff = {s.code: s for s in uow.staff.list()}
        assert len(staff) == 9
        assert staff["S07"].grids == ["G6", "G7"] and staff["S07"].role == "网格员"
        assert uow.staff.by_user(700000001) == staff["S01"]
    assert staff["S02"].serves("G1") and not staff["S02"].serves("G2")
    assert staff["S01"].serves("G5") and staff["S01"].is_lead
    assert not staff["S02"].is_lead


def test_add_staff_checks_role_grids_and_user(app: App) -> None:
    sync_staff(app.uow(), app.declared_staff())
    with pytest.raises(InvalidValue) as exc:
        add_staff(app.uow(), Staff("S10", "新人", "队长"), GRIDS)
    assert exc.value.field == "role"
    with pytest.raises(InvalidValue) as exc:
        add_staff(app.uow(), Staff("S10", "新人", "网格员", grids=["G9"]), GRIDS)
    assert (exc.value.field, exc.value.code, exc.value.params) == ("grids", "unknown", {"grid": "G9"})
    with pytest.raises(InvalidValue) as exc:
        add_staff(app.uow(), Staff("S10", "新人", "网格员", 700000002, ["G1"]), GRIDS)
    assert exc.value.field == "user_id"
    add_staff(app.uow(), Staff("S10", "新人", "网格员", 700000010, ["G1", "G2"]), GRIDS)
    add_staff(app.uow(), Staff("S10", "新人", "网格员", 700000010, ["G3"]), GRIDS)  # update
    with app.uow() as uow:
        assert uow.staff.get("S10") == Staff("S10", "新人", "网格员", 700000010, ["G3"],
                                             community=app.community_code)  # filed in its community
        assert len(uow.staff.list()) == 10


def test_cli_staff_add_and_list(app: App, config_file: Path) -> None:
    cfg = ("--config", config_file)
    listed = run_cli(*cfg, "staff", "list", "--json")
    assert listed.code == 0, listed.err
    rows = json.loads(listed.out)
    assert [r["code"] for r in rows] == [f"S0{i}" for i in range(1, 10)]
    assert rows[1] == {"code": "S02", "name": "林晓燕", "role": "网格员", "user_id": 700000002,
                       "grids": ["G1"], "active": True, "community": "lc-wuma-a", "level": "",
                       "reach": "", "read_only": False}
    ok = run_cli(*cfg, "staff", "add", "--code", "S10", "--name", "刘芳", "--role", "网格员",
                 "--grids", "G2, G3", "--user-id", "700000010")
    assert ok.code == 0 and ok.out.strip() == "已保存：S10 刘芳（网格员）"
    bad_grid = run_cli(*cfg, "staff", "add", "--code", "S11", "--name", "x", "--role", "网格员",
                       "--grids", "G8")
    assert bad_grid.code == 1 and bad_grid.err.strip() == "cunshe: grids: 没有网格G8"
    bad_role = run_cli(*cfg, "staff", "add", "--code", "S11", "--name", "x", "--role", "队长")
    assert bad_role.code == 2 and "队长" in bad_role.err and "Traceback" not in bad_role.err
    taken = run_cli(*cfg, "staff", "add", "--code", "S12", "--name", "x", "--role", "社工",
                    "--user-id", "700000001")
    assert taken.code == 1 and taken.err.strip() == "cunshe: user_id: 已被S01使用"
    rows = json.loads(run_cli(*cfg, "staff", "list", "--json").out)
    assert [r["code"] for r in rows][-1] == "S10" and rows[-1]["grids"] == ["G2", "G3"]
    table = run_cli(*cfg, "staff", "list")
    assert table.code == 0 and "刘芳" in table.out and "G2,G3" in table.out


def test_a_staff_member_who_leaves_can_no_longer_act(app: App, config_file: Path) -> None:
    added = run_cli("--config", config_file, "staff", "add", "--code", "S20", "--name", "临时社工",
                    "--role", "社工", "--user-id", "700000020")
    assert added.code == 0, added.err
    declared = run_cli("--config", config_file, "staff", "deactivate", "S02")
    assert declared.code == 1 and "config.yaml" in declared.err  # config is the truth for S02
    gone = run_cli("--config", config_file, "staff", "deactivate", "S20")
    assert gone.code == 0 and "已停用" in gone.out
    with app.uow() as uow:
        assert uow.staff.by_user(700000020) is None  # their chat user is no longer staff
        left = uow.staff.get("S20")
    assert left is not None and not left.active
    missing = run_cli("--config", config_file, "staff", "deactivate", "S99")
    assert missing.code == 1 and missing.err.count("\n") == 1
