"""The policy library on SQLite and PostgreSQL: `cunshe policies add/list/show/remove`, and the bot
answering a policy staff added while it runs (its index is rebuilt, not rebuilt per question)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

from bot.app import App
from bot.policy_index import PolicyIndex
from domain.policies import Policy
from tests.fixtures import run_cli
from tests.support.chat import Chat, Clock, staffed

GOOD = """---
code: water_relief
title: 困难家庭水费减免
issuer: 温州市公用事业管理中心
date: 2024-03-01
source: 温公用〔2024〕7号
tags: [低保户, 低边]
estates: [E1, E4]
keywords: [水费, 自来水]
---
## 对象
低保户、低边户家庭。

## 内容/标准
每户每月减免5吨水费。

## 材料
户口本、低保证或低边证、水费户号。

## 办理地点
社区党群服务中心民生窗口。
"""

BROKEN = """---
code: gas relief
title: 燃气费补贴
date: 2024年3月1日
tags: [低保户, 外星人]
estates: E99
---
## 对象
低保户。

## 材料
户口本。
"""


def test_staff_add_list_show_and_remove_a_policy(app: App, config_file: Path, tmp_path: Path) -> None:
    good = tmp_path / "water.md"
    good.write_text(GOOD, encoding="utf-8")
    added = run_cli("--config", config_file, "policies", "add", str(good), "--by", "S01")
    assert added.code == 0, added.err
    assert "water_relief" in added.out and "困难家庭水费减免" in added.out

    listed = json.loads(run_cli("--config", config_file, "policies", "list", "--json").out)
    codes = [p["code"] for p in listed]
    assert codes[0] == "relief" and codes[-1] == "water_relief"  # config's first, then staff's
    water = listed[-1]
    assert water["origin"] == "staff" and water["date"] == "2024-03-01"
    assert water["target"] == "低保户、低边户家庭。" and water["benefit"] == "每户每月减免5吨水费。"
    assert water["documents"] == "户口本、低保证或低边证、水费户号。"
    assert water["apply"] == "社区党群服务中心民生窗口。"
    assert water["tags"] == ["低保户", "低边"] and water["estates"] == ["E1", "E4"]

    shown = run_cli("--config", config_file, "policies", "show", "water_relief")
    assert shown.code == 0 and "要带的材料：户口本、低保证或低边证、水费户号。" in shown.out
    assert "来源：温州市公用事业管理中心 温公用〔2024〕7号（2024年3月1日发布）" in shown.out
    table = run_cli("--config", config_file, "policies", "list")
    assert "临时救助" in table.out and "工作人员添加" in table.out

    again = run_cli("--config", config_file, "policies", "add", str(good))
    assert again.code == 2 and "已经有编号为“water_relief”的政策" in again.err
    in_config = run_cli("--config", config_file, "policies", "remove", "relief")
    assert in_config.code == 1 and "config.yaml" in in_config.err
    removed = run_cli("--config", config_file, "policies", "remove", "water_relief")
    assert removed.code == 0
    assert run_cli("--config", config_file, "policies", "show", "water_relief").code == 1
    with app.uow() as uow:
        assert uow.policies.get("water_relief") is None and uow.policies.list() == []


def test_a_broken_policy_file_names_every_problem_and_stores_nothing(
        app: App, config_file: Path, tmp_path: Path) -> None:
    broken = tmp_path / "gas.md"
    broken.write_text(BROKEN, encoding="utf-8")
    result = run_cli("--config", config_file, "policies", "add", str(broken))
    assert result.code == 2 and result.out == ""
    problems = [line.strip()[2:] for line in result.err.splitlines() if line.strip().startswith("- ")]
    assert problems == [
        "内容：缺少“## 内容”一节（能得到什么、标准）",
        "办理：缺少“## 办理”一节（去哪里办、怎么办）",
        "issuer：缺少发文单位",
        "source：缺少来源（文号或网址）",
        "code：“gas relief”只能用字母、数字或下划线，最多16个",
        "date：“2024年3月1日”不是日期，请写成 2024-03-01（不加引号）",
        "tags：没有“外星人”这个居民标签（可用：老年人、残疾、低保户、低边、独居、租户、党员）",
        f"estates：没有小区编号“E99”（可用：{'、'.join(e.code for e in app.config.estates)}）",
    ]
    no_front = tmp_path / "plain.md"
    no_front.write_text("## 对象\n谁都可以\n", encoding="utf-8")
    plain = run_cli("--config", config_file, "policies", "add", str(no_front))
    assert plain.code == 2 and "YAML 信息块" in plain.err
    with app.uow() as uow:
        assert uow.policies.list() == []


def test_the_repository_keeps_every_field_and_its_stamp_follows_changes(app: App) -> None:
    policy = Policy(code="p1", title="测试政策", target="对象", benefit="内容", documents="材料",
                    apply="办理", issuer="发文单位", issued_on=date(2024, 1, 2), source="https://x.example/1",
                    tags=("老年人",), min_age=60, max_age=None, estates=("E2",), keywords=("测试",),
                    origin="staff", added_by="S01", added_at=datetime(2026, 12, 1, tzinfo=UTC))
    with app.uow() as uow:
        empty = uow.policies.stamp()
        uow.policies.add(policy)
        uow.commit()
    with app.uow() as uow:
        assert uow.policies.get("p1") == policy
        one = uow.policies.stamp()
        assert one != empty
        assert uow.policies.remove("p1") and not uow.policies.remove("p1")
        uow.commit()
    with app.uow() as uow:
        assert uow.policies.stamp() == empty


def test_the_bot_answers_a_policy_added_while_it_runs(app: App, config_file: Path, tmp_path: Path) -> None:
    chat = Chat(staffed(app, Clock()), 5101)
    assert "没有找到" in chat.say("水费能减免吗")
    index = _index(app)
    good = tmp_path / "water.md"
    good.write_text(GOOD, encoding="utf-8")
    assert run_cli("--config", config_file, "policies", "add", str(good)).code == 0
    out = chat.say("自来水费减免要带什么材料")
    assert "【困难家庭水费减免】\n要带的材料：户口本、低保证或低边证、水费户号。" in out
    assert "来源：温州市公用事业管理中心 温公用〔2024〕7号" in out
    rebuilt = _index(app)
    assert rebuilt is not index  # rebuilt once for the new policy ...
    chat.say("水费减免去哪里办")
    assert _index(app) is rebuilt  # ... and not again per question


def _index(app: App) -> PolicyIndex:
    with app.uow() as uow:
        return app.policies.index(uow)
