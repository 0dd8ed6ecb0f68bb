"""`cunshe reports`: staff list, inspect and act from the command line."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from bot.app import App
from domain.reports import Kind
from domain.residents import Address
from domain.usecases.reports import Draft, file_report
from domain.usecases.residents import bind_contact, import_roster
from domain.usecases.staff import sync_staff
from tests.fixtures import run_cli


def _file(app: App, estate: str, text: str, resident_id: int | None = None) -> str:
    draft = Draft(Kind.REPAIR, "lighting", text, Address(estate, "3", "2", "302"))
    return file_report(app.uow(), draft, app.report_rules, datetime.now(UTC), resident_id, 42).number


def test_staff_list_show_act_and_assign_from_the_cli(app: App, config_file: Path) -> None:
    sync_staff(app.uow(), app.declared_staff())
    import_roster(app.uow(), [{"姓名": "张阿姨", "手机号": "13812345678", "小区": "翠微苑"}],
                  app.estate_lookup(), set(app.config.resident_tags))
    resident = bind_contact(app.uow(), 42, 42, "13812345678", 42)
    first = _file(app, "E1", "楼道灯坏了", resident.id)
    second = _file(app, "E3", "路灯不亮")

    listed = run_cli("--config", config_file, "reports", "list", "--json")
    assert listed.code == 0, listed.err
    rows = json.loads(listed.out)
    assert [r["number"] for r in rows] == [second, first]
    assert rows[1]["status_label"] == "待受理" and rows[1]["place"] == "翠微苑3幢2单元302室"
    only = json.loads(run_cli("--config", config_file, "reports", "list", "--estate", "翠微", "--json").out)
    assert [r["number"] for r in only] == [first]
    bad = run_cli("--config", config_file, "reports", "list", "--estate", "火星")
    assert bad.code == 1 and bad.err.strip() == "cunshe: 没有叫“火星”的小区"

    shown = json.loads(run_cli("--config", config_file, "reports", "show", first, "--json").out)
    assert shown["description"] == "楼道灯坏了"
    assert shown["resident"] == {"name": "张阿姨", "phone": "138****5678"}  # masked for staff too

    accepted = run_cli("--config", config_file, "reports", "act", first, "accept", "--staff", "S02")
    assert accepted.code == 0 and accepted.out.strip() == f"{first} → 已受理"
    wrong_grid = run_cli("--config", config_file, "reports", "act", second, "accept", "--staff", "S02")
    assert wrong_grid.code == 1 and "只有负责这个网格" in wrong_grid.err
    no_note = run_cli("--config", config_file, "reports", "act", second, "reject", "--staff", "S01")
    assert no_note.code == 1 and no_note.err.strip() == "cunshe: 无法操作：请写明原因。"
    moved = run_cli("--config", config_file, "reports", "assign", second, "--to", "S04", "--staff", "S01")
    assert moved.code == 0 and "黄丽娜" in moved.out
    with app.uow() as uow:
        r1, r2 = uow.reports.get(first), uow.reports.get(second)
    assert r1 is not None and r1.assignee == "S02"
    assert r2 is not None and r2.assignee == "S04" and r2.grid == "G3"
    # The resident heard of the acceptance through the outbox.
    with app.uow() as uow:
        owed = [m.payload["text"] for m in uow.outbox.due(datetime.now(UTC)) if m.chat_id == 42]
    assert any("社区已受理" in t for t in owed)
