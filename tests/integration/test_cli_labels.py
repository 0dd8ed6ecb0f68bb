"""The CLI speaks the labels it prints: statuses by their Chinese names, headed columns, Chinese history."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from bot.app import App
from domain.reports import STATUS_LABELS, Kind
from domain.residents import Address
from domain.usecases.reports import Draft, file_report
from domain.usecases.residents import bind_contact, import_roster
from domain.usecases.staff import sync_staff
from tests.fixtures import run_cli


def _three_reports(app: App, config: Path) -> list[str]:
    """A pending, an accepted and a resolved report, the first from a known resident."""
    sync_staff(app.uow(), app.declared_staff())
    import_roster(app.uow(), [{"姓名": "张阿姨", "手机号": "13812345678", "小区": "翠微苑", "标签": "老年人,独居"}],
                  app.estate_lookup(), set(app.config.resident_tags))
    resident = bind_contact(app.uow(), 42, 42, "13812345678", 42)
    bind_contact(app.uow(), 43, 43, "13912345678", 43)  # a chat user not on the roster
    numbers = []
    for text in ("楼道灯坏了", "路灯不亮", "下水道堵了"):
        draft = Draft(Kind.REPAIR, "lighting", text, Address("E1", "3", "2", "302"))
        numbers.append(file_report(app.uow(), draft, app.report_rules, datetime.now(UTC), resident.id, 42).number)
    assert run_cli("--config", config, "reports", "act", numbers[1], "accept", "--staff", "S02").code == 0
    assert run_cli("--config", config, "reports", "act", numbers[2], "accept", "--staff", "S02").code == 0
    done = run_cli("--config", config, "reports", "act", numbers[2], "resolve", "--staff", "S02", "--note", "疏通了")
    assert done.code == 0
    return numbers


def test_reports_list_takes_every_status_by_the_label_it_prints(sqlite_app: App, sqlite_config_file: Path) -> None:
    pending, accepted, resolved = _three_reports(sqlite_app, sqlite_config_file)
    for status, label in STATUS_LABELS.items():
        by_label = run_cli("--config", sqlite_config_file, "reports", "list", "--status", label)
        by_code = run_cli("--config", sqlite_config_file, "reports", "list", "--status", status.value)
        assert by_label.code == 0, by_label.err
        assert by_label.out == by_code.out
    only = run_cli("--config", sqlite_config_file, "reports", "list", "--status", "待受理").out
    assert pending in only and accepted not in only and resolved not in only
    wrong = run_cli("--config", sqlite_config_file, "reports", "list", "--status", "已完成")
    assert wrong.code == 2 and "没有“已完成”这个状态" in wrong.err and "已办结" in wrong.err


def test_every_column_of_the_lists_has_a_header(sqlite_app: App, sqlite_config_file: Path) -> None:
    _three_reports(sqlite_app, sqlite_config_file)
    people = run_cli("--config", sqlite_config_file, "residents", "list").out.splitlines()
    assert people[0].split() == ["编号", "核实", "姓名", "手机号", "住址", "标签"]
    rows = [line.split() for line in people[1:-1]]
    assert {row[1] for row in rows} == {"已核实", "未核实"}  # words, not unexplained marks
    assert all(len(row) <= 6 for row in rows) and "✓" not in "".join(people)
    assert rows[-1][1:] == ["已核实", "张阿姨", "138****5678", "翠微苑", "老年人、独居"]
    reports = run_cli("--config", sqlite_config_file, "reports", "list").out.splitlines()
    assert reports[0].split() == ["工单号", "状态", "类别", "地点"]
    assert all(len(line.split()) == 4 for line in reports[1:-1])


def test_reports_show_prints_chinese_labels_only(sqlite_app: App, sqlite_config_file: Path) -> None:
    _pending, _accepted, resolved = _three_reports(sqlite_app, sqlite_config_file)
    shown = run_cli("--config", sqlite_config_file, "reports", "show", resolved)
    assert shown.code == 0, shown.err
    assert not re.search(r"[A-Za-z]", shown.out.replace(resolved, "")), shown.out
    assert "（居民）" in shown.out and "已办结（林晓燕）：疏通了" in shown.out
