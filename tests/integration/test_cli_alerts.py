"""`cunshe alerts` and `cunshe shelters`: send, import CAP, list; open, close, capacity, import."""

from __future__ import annotations

import json
from pathlib import Path

import prcoords

from bot.app import App
from bot.outbox import from_payload
from domain.usecases.residents import bind_contact, import_roster
from tests.fixtures import clean_env, run_cli, sqlite_app, sqlite_config_file  # noqa: F401

DATA = Path(__file__).resolve().parents[1] / "data"


def residents(app: App) -> None:
    """Two verified residents with a chat: one in 南塘新村, one in 百里坊小区."""
    import_roster(app.uow(), [{"姓名": "张阿姨", "手机号": "13800006001", "小区": "南塘新村"},
                              {"姓名": "李大爷", "手机号": "13800006002", "小区": "百里坊小区"}],
                  app.estate_lookup(), set(app.config.resident_tags))
    for user, phone in ((6001, "13800006001"), (6002, "13800006002")):
        with app.uow() as uow:
            bind_contact(uow, user, user, phone, user)
            uow.commit()


def messages(app: App, chat_id: int) -> list[str]:
    from datetime import UTC, datetime, timedelta

    with app.uow() as uow:
        due = uow.outbox.due(datetime.now(UTC) + timedelta(days=1), limit=100)
    return [from_payload(m.payload).text for m in due if m.chat_id == chat_id]


def test_send_import_and_list(sqlite_app: App, sqlite_config_file: Path, tmp_path: Path) -> None:  # noqa: F811
    residents(sqlite_app)
    cli = ("--config", sqlite_config_file, "alerts")
    text = tmp_path / "text.txt"
    text.write_text("今天夜里有大暴雨，请大家不要外出。", encoding="utf-8")
    sent = run_cli(*cli, "send", "--level", "橙", "--title", "暴雨橙色预警", "--text", text)
    assert sent.code == 0, sent.err
    assert "已发布橙色预警“暴雨橙色预警”" in sent.out and "2位居民" in sent.out
    assert "今天夜里有大暴雨，请大家不要外出。" in messages(sqlite_app, 6001)[0]
    assert run_cli(*cli, "send", "--level", "紫", "--title", "x", "--text", text).code != 0
    imported = run_cli(*cli, "import", DATA / "cap_typhoon_red.xml")
    assert imported.code == 0, imported.err and "红色预警" in imported.out
    again = run_cli(*cli, "import", DATA / "cap_typhoon_red.xml")
    assert again.code != 0 and "已经导入过" in again.err
    assert len(messages(sqlite_app, 6002)) == 2  # one per alert, never twice
    listed = json.loads(run_cli(*cli, "list", "--json").out)
    assert [(a["level"], a["recipients"]) for a in listed] == [("红", 2), ("橙", 2)]
    assert listed[0]["cap_identifier"] == "33030041600000_20261202101500"
    assert listed[0]["source"] == "温州市气象台" and listed[1]["created_by"] == "cli"


def test_a_doctype_file_is_refused_and_nothing_is_sent(sqlite_app: App, sqlite_config_file: Path,  # noqa: F811
                                                       tmp_path: Path) -> None:
    residents(sqlite_app)
    evil = tmp_path / "evil.xml"
    evil.write_text('<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>\n'
                    '<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>&lol2;</identifier></alert>',
                    encoding="utf-8")
    refused = run_cli("--config", sqlite_config_file, "alerts", "import", evil)
    assert refused.code != 0 and "DOCTYPE" in refused.err
    assert messages(sqlite_app, 6001) == []


def test_shelters_close_capacity_and_import(sqlite_app: App, sqlite_config_file: Path,  # noqa: F811
                                            tmp_path: Path) -> None:
    residents(sqlite_app)
    cli = ("--config", sqlite_config_file, "shelters")
    listed = {s["code"]: s for s in json.loads(run_cli(*cli, "list", "--json").out)}
    assert len(listed) == 6 and listed["H4"]["open"] is True  # seeded from config
    assert run_cli(*cli, "close", "H4").code == 0
    assert "可容纳999人" in run_cli(*cli, "capacity", "H5", "999").out
    assert run_cli(*cli, "close", "NOPE").code != 0
    assert run_cli(*cli, "capacity", "H5", "-1").code != 0
    gcj = prcoords.wgs_gcj(prcoords.Coords(28.0050, 120.6570))  # right by 南塘新村
    f = tmp_path / "new.csv"
    f.write_text(f"# from the district's map app\ncrs: GCJ-02\ncode,name,address,lat,lon,capacity\n"
                 f"H7,南塘小学,鹿城区南塘街1号,{gcj.lat},{gcj.lon},300\n", encoding="utf-8")
    imported = run_cli(*cli, "import", f)
    assert imported.code == 0 and "新增1个" in imported.out and "GCJ-02" in imported.out
    h7 = next(s for s in json.loads(run_cli(*cli, "list", "--json").out) if s["code"] == "H7")
    assert abs(h7["lat"] - 28.0050) < 3e-5 and abs(h7["lon"] - 120.6570) < 3e-5
    text = tmp_path / "t.txt"
    text.write_text("台风来了", encoding="utf-8")
    assert run_cli("--config", sqlite_config_file, "alerts", "send", "--level", "红", "--title", "台风",
                   "--text", text).code == 0
    [south] = messages(sqlite_app, 6001)
    [north] = messages(sqlite_app, 6002)
    assert "南塘文化礼堂" not in south and south.index("南塘小学") < south.index("可容纳")
    assert "百里坊社区活动中心：" in north and "可容纳999人" in north
    assert "南塘小学" not in north.split("\n· ")[1]  # the north's nearest is its own
