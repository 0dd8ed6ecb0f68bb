"""预警: every resident gets the official text with THEIR nearest open shelters; staff send it from the chat."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from bot.alerts import send_alert
from bot.app import App
from bot.callbacks import ALERT
from bot.events import Inbound, Reply
from domain.alerts import Alert
from domain.usecases.residents import import_roster
from tests.fixtures import app, app_config, clean_env, config_file, database_url  # noqa: F401
from tests.support.chat import Chat, Clock, queued, staffed

SECRETARY = 700000001  # 陈书记 (书记: may send warnings)
GRID_WORKER = 700000002  # 林晓燕 (网格员: may not)
NOW = datetime(2026, 12, 2, 2, 0, tzinfo=UTC)
OFFICIAL = "受今年第25号台风“海葵”影响，预计未来24小时内我市沿海将出现12级以上大风。请立即停止户外活动。"


@pytest.fixture
def clock() -> Clock:
    return Clock(NOW)


@pytest.fixture
def bot(app: App, clock: Clock) -> Iterator[App]:  # noqa: F811
    yield staffed(app, clock)


def resident(bot: App, chat_id: int, phone: str, estate: str) -> Chat:
    """A roster resident of `estate` who has bound their chat (so verified, with a chat)."""
    import_roster(bot.uow(), [{"姓名": f"居民{chat_id}", "手机号": phone, "小区": estate, "幢": "1",
                               "单元": "1", "室": "101"}], bot.estate_lookup(), set(bot.config.resident_tags))
    chat = Chat(bot, chat_id)
    chat.say(f"/contact {phone}")
    return chat


def red_alert(bot: App, clock: Clock, title: str = "台风红色预警") -> Alert:
    with bot.uow() as uow:
        alert = send_alert(bot, uow, Alert(level="红", title=title, text=OFFICIAL, source="温州市气象台",
                                           created_by="S01", created_at=clock()), clock())
        uow.commit()
    return alert


def shelter_names(reply: Reply) -> list[str]:
    return re.findall(r"^· (.+?)：", reply.text, flags=re.M)


def test_each_resident_gets_the_official_text_and_their_own_nearest_shelters(bot: App, clock: Clock) -> None:
    resident(bot, 5101, "13800005101", "南塘新村")
    resident(bot, 5102, "13800005102", "百里坊小区")
    alert = red_alert(bot, clock)
    [south] = queued(bot, 5101)
    [north] = queued(bot, 5102)
    assert alert.recipients == 2
    for r in (south, north):
        assert OFFICIAL in r.text and "【红色预警】台风红色预警" in r.text and len(shelter_names(r)) == 3
        assert re.search(r"：约\d+(\.\d)?(米|公里)，.+，可容纳\d+人", r.text)
    assert "离您家（南塘新村）最近" in south.text and shelter_names(south)[0] == "南塘文化礼堂"
    assert "离您家（百里坊小区）最近" in north.text and shelter_names(north)[0] == "百里坊社区活动中心"
    assert south.location is not None and south.location.title == "南塘文化礼堂"  # the pin
    assert north.location is not None and north.location.title == "百里坊社区活动中心"


def test_a_pin_and_text_reach_the_chat_once(bot: App, clock: Clock) -> None:
    chat = resident(bot, 5103, "13800005103", "南塘新村")
    red_alert(bot, clock)
    out = chat.inbox()
    assert out.count("【红色预警】") == 1 and "〔位置〕南塘文化礼堂" in out
    assert chat.inbox() == ""  # nothing twice


def test_closing_a_shelter_changes_the_next_alert(bot: App, clock: Clock) -> None:
    resident(bot, 5104, "13800005104", "南塘新村")
    red_alert(bot, clock, "第一次")
    with bot.uow() as uow:
        shelter = uow.alerts.shelter("H4")
        assert shelter is not None and shelter.name == "南塘文化礼堂"
        uow.alerts.save_shelter(replace(shelter, open=False), clock())
        uow.commit()
    red_alert(bot, clock, "第二次")
    first, second = queued(bot, 5104)
    assert "南塘文化礼堂" in shelter_names(first) and "南塘文化礼堂" not in shelter_names(second)
    assert len(shelter_names(second)) == 3


def test_a_shared_location_is_remembered_for_the_next_alert(bot: App, clock: Clock) -> None:
    chat = resident(bot, 5105, "13800005105", "南塘新村")
    chat.say("/location 28.0251 120.6588")  # by the riverside, far from home
    [r] = [red_alert(bot, clock) and queued(bot, 5105)[0]]
    assert "离您上次发送的位置最近" in r.text and shelter_names(r)[0] == "江滨路人防工程"


def test_a_resident_without_a_place_is_told_how_to_get_shelters(bot: App, clock: Clock) -> None:
    resident(bot, 5106, "13800005106", "南塘新村")
    estates = [e.model_copy(update={"lat": None, "lon": None}) if e.code == "E4" else e
               for e in bot.config.estates]
    object.__setattr__(bot.config, "estates", estates)  # 南塘新村 without coordinates
    red_alert(bot, clock)
    [r] = queued(bot, 5106)
    assert OFFICIAL in r.text and "回复“避难所”" in r.text and not shelter_names(r) and r.location is None
    out = Chat(bot, 5106).say("避难所")
    assert "发送我的位置" in out


def test_unverified_people_and_people_without_a_chat_get_nothing(bot: App, clock: Clock) -> None:
    import_roster(bot.uow(), [{"姓名": "没绑定", "手机号": "13800005199", "小区": "南塘新村"}],
                  bot.estate_lookup(), set(bot.config.resident_tags))
    Chat(bot, 5198).say("/contact 13900005198")  # not on the roster: unverified
    assert red_alert(bot, clock).recipients == 0
    assert queued(bot, 5198) == []


# --- the staff chat -------------------------------------------------------------------------

def press(bot: App, user: int, data: str, chat_id: int | None = None) -> list[Reply]:
    return bot.dialogue.handle(Inbound(chat_id=chat_id or user, user_id=user, kind="button", data=data))


def drafted(bot: App, level: str = "红色", chat_id: int | None = None) -> Chat:
    """The secretary's chat with a warning typed in, waiting for 确认发布 / 取消."""
    staff = Chat(bot, SECRETARY, chat_id=chat_id)
    staff.say("发布预警")
    staff.say(level)
    staff.say(f"台风{level}预警")
    staff.say(OFFICIAL)
    return staff


def draft_id(chat: Chat) -> str:
    data = next(b.data for r in chat.replies for row in r.buttons for b in row)
    return data.rsplit(":", 1)[1]


def test_the_secretary_sends_a_red_warning_from_the_chat(bot: App) -> None:
    resident(bot, 5201, "13800005201", "南塘新村")
    resident(bot, 5202, "13800005202", "百里坊小区")
    staff = Chat(bot, SECRETARY)
    assert "哪一级预警" in staff.say("发布预警")
    assert "请输入标题" in staff.say("红色")
    assert "预警正文" in staff.say("台风海葵红色预警")
    preview = staff.say(OFFICIAL)
    assert "发给2位居民" in preview and OFFICIAL in preview
    assert queued(bot, 5201) == []  # nothing before the confirmation
    done = staff.say("确认发布")
    assert "已发布红色预警“台风海葵红色预警”" in done and "2位居民" in done
    assert OFFICIAL in queued(bot, 5201)[0].text and OFFICIAL in queued(bot, 5202)[0].text
    with bot.uow() as uow:
        [alert] = uow.alerts.alerts()
    assert (alert.created_by, alert.level, alert.recipients) == ("S01", "红", 2)
    assert staff.say("确认发布") and len(queued(bot, 5201)) == 1  # a second press sends nothing


def test_cancel_sends_nothing(bot: App) -> None:
    resident(bot, 5203, "13800005203", "南塘新村")
    staff = drafted(bot, "黄色")
    assert "没有发布" in staff.say("取消")
    assert queued(bot, 5203) == []
    with bot.uow() as uow:
        assert uow.alerts.alerts() == []


def test_the_level_can_be_typed_too(bot: App) -> None:
    Chat(bot, SECRETARY).say("发布预警")
    [ask] = bot.dialogue.handle(Inbound(chat_id=SECRETARY, user_id=SECRETARY, kind="text", text="橙色"))
    assert "橙色预警。请输入标题" in ask.text  # typed, not pressed


def test_typing_cancel_midway_sends_nothing(bot: App) -> None:
    staff = Chat(bot, SECRETARY)
    staff.say("发布预警")
    staff.say("橙色")
    assert "没有发布" in staff.say("算了")
    assert "请输入" not in staff.say("台风橙色预警")  # no longer taken as the title


def test_a_draft_expires_after_ten_minutes(bot: App, clock: Clock) -> None:
    resident(bot, 5204, "13800005204", "南塘新村")
    staff = drafted(bot, "红色")
    clock.advance(minutes=11)
    assert "已作废" in staff.say("确认发布")
    assert queued(bot, 5204) == []


def test_forged_or_foreign_presses_send_nothing(bot: App) -> None:
    resident(bot, 5205, "13800005205", "南塘新村")
    staff = drafted(bot, "红色")
    draft = draft_id(staff)
    # a resident, a grid worker (wrong role), and the secretary with a made-up draft number
    assert "只有书记、admin可以发布预警" in press(bot, 5205, ALERT.data("ok", draft), SECRETARY)[0].notice
    assert "只有" in press(bot, GRID_WORKER, ALERT.data("ok", draft), SECRETARY)[0].notice
    assert "过期" in press(bot, SECRETARY, ALERT.data("ok", "12345"))[0].notice
    assert queued(bot, 5205) == []
    assert "已发布" in staff.say("确认发布")  # the real draft is untouched by all that


def test_another_allowed_staff_member_cannot_confirm_someone_elses_draft(bot: App) -> None:
    group = -1002000000001
    staff = drafted(bot, chat_id=group)
    admin = 700000009  # 系统管理员 (admin: may send, but this is not their draft)
    assert "发起人" in press(bot, admin, ALERT.data("ok", draft_id(staff)), group)[0].notice
    with bot.uow() as uow:
        assert uow.alerts.alerts() == []


def test_a_grid_worker_is_told_who_may_send(bot: App) -> None:
    out = Chat(bot, GRID_WORKER).say("发布预警")
    assert "只有书记、admin可以发布预警" in out


def test_the_shelter_answer_follows_what_staff_set(bot: App, clock: Clock) -> None:
    assert "松台小学体育馆" in Chat(bot, 5301).say("翠微苑附近的避灾点")
    with bot.uow() as uow:
        shelter = uow.alerts.shelter("H1")
        assert shelter is not None
        uow.alerts.save_shelter(replace(shelter, open=False), clock())
        shelter2 = uow.alerts.shelter("H2")
        assert shelter2 is not None
        uow.alerts.save_shelter(replace(shelter2, capacity=77), clock())
        uow.commit()
    out = Chat(bot, 5302).say("翠微苑附近的避灾点")
    assert "松台小学体育馆" not in out and "A社区党群服务中心：" in out and "可容纳77人" in out


def test_erasing_a_resident_forgets_their_location(bot: App) -> None:
    from domain.usecases.residents import erase_resident
    from storage.alerts import ResidentLocationRow

    chat = resident(bot, 5303, "13800005303", "南塘新村")
    chat.say("/location 28.0251 120.6588")
    with bot.uow() as uow:
        me = uow.residents.by_user(5303)
        assert me is not None and me.id is not None
        assert uow.session.get(ResidentLocationRow, me.id) is not None  # type: ignore[attr-defined]
    erase_resident(bot.uow(), me.id)
    with bot.uow() as uow:
        assert uow.session.get(ResidentLocationRow, me.id) is None  # type: ignore[attr-defined]
