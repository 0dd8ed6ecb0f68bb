"""公开之栏 over the terminal channel: residents read the month's ledger in their own words, staff
write a ledger line from a receipt photo in one step, and project updates reach that 小区 only."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.app import App
from bot.callbacks import LEDGER
from bot.events import Inbound
from domain.board import Kind, LedgerLine, Notice, Project, ProjectStatus, ProjectUpdate
from domain.usecases import board as uc
from domain.usecases.residents import import_roster
from tests.fixtures import app, app_config, clean_env, config_file, database_url  # noqa: F401
from tests.support.chat import Chat, Clock, queued, staffed

STAFF_CHAT = -1002000000001  # 社区工作群
SECRETARY = 700000001  # 陈书记
GRID1_STAFF = 700000002  # 林晓燕
ADMIN = 700000009  # 系统管理员: not a publisher


@pytest.fixture
def clock() -> Clock:
    return Clock()  # Monday 2026-11-30 10:00 Shanghai


@pytest.fixture
def bot(app: App, clock: Clock) -> Iterator[App]:  # noqa: F811
    staffed(app, clock)
    import_roster(app.uow(), [
        {"姓名": "张阿姨", "手机号": "13812345678", "小区": "翠微苑", "幢": "3", "单元": "2", "室": "302"},
        {"姓名": "李大伯", "手机号": "13812345679", "小区": "翠微苑", "幢": "5", "单元": "1", "室": "101"},
        {"姓名": "陈阿婆", "手机号": "13812345680", "小区": "江滨花园", "幢": "1", "单元": "1", "室": "201"},
    ], app.estate_lookup(), set(app.config.resident_tags))
    yield app


def _bind(bot: App, user: int, phone: str) -> Chat:
    chat = Chat(bot, user)
    assert "核实" in chat.say(f"/contact {phone}")
    return chat


def _ledger(bot: App, n: int = 14) -> None:
    """`n` November expenses in 翠微苑, one community income, one 江滨花园 line, one October line."""
    for i in range(n):
        uc.add_line(bot.uow(), LedgerLine(day=date(2026, 11, 1 + i), amount_fen=2500 + i * 100,
                                          kind=Kind.EXPENSE, purpose=f"扫帚{i + 1}", approver="陈书记",
                                          estate="E1"), bot.dialogue.clock())
    uc.add_line(bot.uow(), LedgerLine(day=date(2026, 11, 2), amount_fen=5_000_000, kind=Kind.INCOME,
                                      purpose="上级拨款", estate=""), bot.dialogue.clock())
    uc.add_line(bot.uow(), LedgerLine(day=date(2026, 11, 3), amount_fen=99_900, kind=Kind.EXPENSE,
                                      purpose="江滨绿化", estate="E2"), bot.dialogue.clock())
    uc.add_line(bot.uow(), LedgerLine(day=date(2026, 10, 28), amount_fen=7_700, kind=Kind.EXPENSE,
                                      purpose="十月的垃圾袋", estate="E1"), bot.dialogue.clock())


def test_a_resident_reads_this_months_ledger_with_totals_and_pages(bot: App) -> None:
    _ledger(bot)
    uc.publish_notice(bot.uow(), Notice(title="停水通知", text="12月2日上午8点到12点停水", estate="",
                                        published_at=bot.dialogue.clock(), by="S01"))
    aunt = _bind(bot, 3001, "13812345678")
    out = aunt.say("这个月社区花了多少钱")
    # Her own 小区 and the whole community; not 江滨花园's lines.
    assert "2026年11月 · 翠微苑（含全社区）" in out
    expense = sum(2500 + i * 100 for i in range(14))
    assert f"本月收入50,000元，支出{expense // 100:,}元，结余{(5_000_000 - expense) // 100:,}元" in out
    assert "停水通知" in out and "江滨绿化" not in out and "十月的垃圾袋" not in out
    assert "第1/2页" in out and "下一页" in out
    page1 = out.split("[1]")[0]
    assert len(page1.strip().splitlines()) <= 2 + 10 + 1  # head, totals, ten lines, page number
    out = aunt.say("下一页")
    assert "第2/2页" in out and "扫帚14" in out and "上一页" in out and "扫帚1 " not in out
    assert "本月收入50,000元" in out  # the totals stay on every page
    out = aunt.say("上个月")
    assert "2026年10月" in out and "十月的垃圾袋" in out and "本月收入0元，支出77元" in out
    out = aunt.say("看全社区")
    assert "全社区各小区" in out and "十月的垃圾袋" in out


def test_gongshi_yixia_and_a_named_month(bot: App) -> None:
    _ledger(bot, 2)
    aunt = _bind(bot, 3002, "13812345678")
    out = aunt.say("公示一下")
    assert "翠微苑（含全社区）" in out and "扫帚2" in out and "上级拨款" in out
    out = aunt.say("十月份的收支情况")
    assert "2026年10月" in out and "十月的垃圾袋" in out


def _projects(bot: App) -> tuple[int, int]:
    road = uc.add_project(bot.uow(), Project(name="道路翻新", estate="E1", status=ProjectStatus.BUILDING,
                                              budget_fen=3_800_000, updates=[
        ProjectUpdate(day=date(2026, 11, 5), text="方案通过，施工单位已确定"),
        ProjectUpdate(day=date(2026, 11, 25), text="1至4幢路段已完工，5至8幢开工")]))
    rail = uc.add_project(bot.uow(), Project(name="河边护栏", estate="E2", status=ProjectStatus.BUILDING,
                                              updates=[ProjectUpdate(day=date(2026, 11, 20), text="旧护栏已拆除")]))
    assert road.id and rail.id
    return road.id, rail.id


def test_a_question_naming_a_project_answers_that_project(bot: App) -> None:
    _projects(bot)
    aunt = _bind(bot, 3003, "13812345678")
    out = aunt.say("道路翻新的事办得怎么样了")
    assert "道路翻新（翠微苑）" in out and "施工中" in out and "预算38,000元" in out
    assert "11月25日 1至4幢路段已完工" in out and "11月5日 方案通过" in out and "护栏" not in out
    out = aunt.say("河边的护栏修好了没有")
    assert "河边护栏（江滨花园）" in out and "旧护栏已拆除" in out
    out = aunt.say("最近有什么通知")
    assert "【在建项目】" in out and "道路翻新（翠微苑）：施工中。11月25日" in out
    assert "河边护栏" not in out  # another 小区's project is not on her page


def test_a_receipt_photo_becomes_a_ledger_line_in_one_step(bot: App) -> None:
    staff = Chat(bot, SECRETARY, STAFF_CHAT)
    out = staff.say("/photo 买扫帚25块 王书记批的")
    assert "支出：25元" in out and "用途：扫帚" in out and "审批人：王书记" in out and "票据：已附照片" in out
    with bot.uow() as uow:
        assert uow.board.lines(date(2026, 11, 1), date(2026, 12, 1)) == []  # not before the press
    out = staff.say("确认记账")
    assert "已记账：11月30日 支出25元 扫帚" in out
    with bot.uow() as uow:
        (line,) = uow.board.lines(date(2026, 11, 1), date(2026, 12, 1))
    assert (line.amount_fen, line.purpose, line.approver, line.entered_by) == (2500, "扫帚", "王书记", "S01")
    assert line.receipt_file_id == "terminal-photo-1" and line.kind == Kind.EXPENSE
    assert "已记账" not in staff.say("确认记账")  # the same button again writes nothing more
    with bot.uow() as uow:
        assert len(uow.board.lines(date(2026, 11, 1), date(2026, 12, 1))) == 1


def test_a_photo_without_an_amount_asks_once_and_edit_rewrites(bot: App) -> None:
    staff = Chat(bot, GRID1_STAFF, STAFF_CHAT)
    out = staff.say("/photo 垃圾袋")
    assert "多少钱" in out
    out = staff.say("三十八块五")
    assert "支出：38.5元" in out and "用途：垃圾袋" in out
    out = staff.say("修改")
    assert "重新写" in out
    out = staff.say("翠微苑 路灯维修 1200元 陈书记批的")
    assert "支出：1,200元" in out and "用途：路灯维修" in out and "范围：翠微苑" in out
    staff.say("确认记账")
    with bot.uow() as uow:
        (line,) = uow.board.lines(date(2026, 11, 1), date(2026, 12, 1))
    assert (line.amount_fen, line.estate, line.receipt_file_id) == (120000, "E1", "terminal-photo-1")
    out = staff.say("/photo")
    assert "多少钱" in out
    out = staff.say("不知道")
    assert "没有记账" in out
    with bot.uow() as uow:
        assert len(uow.board.lines(date(2026, 11, 1), date(2026, 12, 1))) == 1


def test_presses_by_others_forged_or_late_are_refused(bot: App, clock: Clock) -> None:
    staff = Chat(bot, GRID1_STAFF, STAFF_CHAT)
    staff.say("/photo 扫帚 25元")
    data = next(b.data for row in staff.replies[0].buttons for b in row if b.text == "确认记账")
    draft_id = int(data.rsplit(":", 1)[1])
    press = Inbound(chat_id=STAFF_CHAT, user_id=SECRETARY, kind="button", data=data)
    (r,) = bot.dialogue.handle(press)
    assert "别人的记账" in r.notice
    resident = Inbound(chat_id=STAFF_CHAT, user_id=42, kind="button", data=data)
    (r,) = bot.dialogue.handle(resident)
    assert "工作人员" in r.notice
    admin = Inbound(chat_id=STAFF_CHAT, user_id=ADMIN, kind="button", data=data)
    (r,) = bot.dialogue.handle(admin)
    assert "工作人员" in r.notice
    forged = Inbound(chat_id=STAFF_CHAT, user_id=GRID1_STAFF, kind="button",
                     data=LEDGER.data("ok", draft_id % 999_999_999 + 1))
    (r,) = bot.dialogue.handle(forged)
    assert r.notice and "已记账" not in r.notice
    clock.advance(minutes=11)
    out = staff.say("确认记账")
    assert "超过10分钟没有确认，没有记账" in out
    with bot.uow() as uow:
        assert uow.board.lines(date(2026, 11, 1), date(2026, 12, 1)) == []


def test_a_project_update_queues_one_message_per_resident_of_that_estate(bot: App) -> None:
    _projects(bot)
    aunt = _bind(bot, 3010, "13812345678")
    uncle = _bind(bot, 3011, "13812345679")
    granny = _bind(bot, 3012, "13812345680")  # 江滨花园
    staff = Chat(bot, SECRETARY, STAFF_CHAT)
    out = staff.say("项目进展")
    assert "道路翻新" in out and "河边护栏" in out
    staff.say("道路翻新")
    out = staff.say("5至8幢路面已铺好 下周划线")
    assert "5至8幢路面已铺好" in out and "翠微苑" in out
    assert "将通知2位居民" in out  # before the press: how many hear of it
    assert all(w in out for w in ("计划中", "施工中", "已完工", "不变"))
    out = staff.say("发布并通知")
    assert "道路翻新的进展已发布，已排队通知2位居民" in out
    for chat in (aunt, uncle):
        (msg,) = queued(bot, chat.chat_id)
        assert "【翠微苑·道路翻新】11月30日进展：5至8幢路面已铺好" in msg.text
    assert queued(bot, granny.chat_id) == []
    with bot.uow() as uow:
        far = datetime.now(UTC) + timedelta(days=3650)
        told = sorted(m.chat_id for m in uow.outbox.due(far, limit=100) if m.push_id is not None)
        [push] = uow.pushes.list()
    # One 通知 push (progress and opt-outs as for every push), one row per resident of 翠微苑.
    assert (push.kind, push.topic, push.title) == ("notice", "通知", "道路翻新")
    assert told == [3010, 3011]
    assert "5至8幢路面已铺好" in aunt.say("道路翻新怎么样了")


def test_staff_publish_a_notice_from_the_chat(bot: App) -> None:
    _bind(bot, 3019, "13812345680")  # 陈阿婆 of 江滨花园 takes 通知
    staff = Chat(bot, GRID1_STAFF, STAFF_CHAT)
    assert "第一行是标题" in staff.say("发通知")
    out = staff.say("停电通知\n12月3日下午2点到4点翠微苑停电检修")
    assert "发给哪里" in out and "全社区" in out and "翠微苑" in out and "江滨花园" in out
    out = staff.say("全社区")
    assert "停电通知" in out and "发布并通知" in out and "只发布" in out and "将通知1位居民" in out
    with bot.uow() as uow:
        assert uow.board.notices() == []
    assert "通知已发布：停电通知" in staff.say("只发布")
    with bot.uow() as uow:
        assert uow.pushes.list() == []  # 只发布: on the board, nobody is sent it
    aunt = _bind(bot, 3020, "13812345678")
    assert "停电通知：12月3日下午2点到4点" in aunt.say("最近有什么通知")


def _press(bot: App, user: int, data: str) -> str:
    (r,) = bot.dialogue.handle(Inbound(chat_id=STAFF_CHAT, user_id=user, kind="button", data=data))
    return r.notice


def _button(chat: Chat, label: str) -> str:
    return next(b.data for reply in chat.replies for row in reply.buttons for b in row if b.text == label)


def test_staff_register_a_project_from_the_chat_and_its_residents_read_it(bot: App) -> None:
    aunt = _bind(bot, 3030, "13812345678")
    granny = _bind(bot, 3031, "13812345680")  # 江滨花园
    staff = Chat(bot, GRID1_STAFF, STAFF_CHAT)
    assert "叫什么名字" in staff.say("新建项目")
    out = staff.say("加装电梯")
    assert "哪个小区" in out and "翠微苑" in out and "江滨花园" in out and "全社区" in out
    out = staff.say("翠微苑")
    assert "什么状态" in out and "计划中" in out and "已完工" in out
    assert "预算多少" in staff.say("计划中")
    assert "没看懂" in staff.say("大概不少钱吧")
    out = staff.say("3.8万")
    assert "项目：加装电梯" in out and "范围：翠微苑" in out and "状态：计划中" in out
    assert "预算：38,000元" in out
    with bot.uow() as uow:
        assert uow.board.projects() == []  # not before the press
    assert "项目已登记：加装电梯（翠微苑，计划中）" in staff.say("确认登记")
    with bot.uow() as uow:
        (project,) = uow.board.projects()
    assert (project.name, project.estate, project.status, project.budget_fen) == (
        "加装电梯", "E1", ProjectStatus.PLANNED, 3_800_000)
    assert "加装电梯（翠微苑）：计划中" in aunt.say("最近有什么通知")
    assert "加装电梯" not in granny.say("最近有什么通知")
    # The new project can be updated from the chat at once, its status changed with a button.
    staff.say("项目进展")
    staff.say("加装电梯")
    staff.say("图纸已经出来了")
    assert "状态改为：施工中" in staff.say("施工中")
    assert "加装电梯的进展已发布，已排队通知1位居民" in staff.say("发布并通知")
    with bot.uow() as uow:
        (project,) = uow.board.projects()
    assert project.status == ProjectStatus.BUILDING


def test_a_community_project_without_a_budget_named_with_the_words(bot: App) -> None:
    staff = Chat(bot, SECRETARY, STAFF_CHAT)
    assert "哪个小区" in staff.say("新建项目 停车道闸")
    staff.say("全社区")
    staff.say("施工中")
    out = staff.say("跳过")
    assert "项目：停车道闸" in out and "范围：全社区" in out and "预算：（未填）" in out
    staff.say("确认登记")
    with bot.uow() as uow:
        (project,) = uow.board.projects()
    assert (project.estate, project.status, project.budget_fen) == ("", ProjectStatus.BUILDING, None)


def test_new_project_presses_by_others_forged_late_or_cancelled_write_nothing(bot: App, clock: Clock) -> None:
    staff = Chat(bot, GRID1_STAFF, STAFF_CHAT)
    staff.say("新建项目 河边路灯")
    data = _button(staff, "翠微苑")
    assert "别人的" in _press(bot, SECRETARY, data)
    assert "工作人员" in _press(bot, 42, data)
    assert "工作人员" in _press(bot, ADMIN, data)
    draft_id = int(data.split(":")[3])
    forged = _press(bot, GRID1_STAFF, LEDGER.data("pok", draft_id))  # confirm before its step
    assert forged and "已登记" not in forged
    forged = _press(bot, GRID1_STAFF, LEDGER.data("np", draft_id, "E99"))  # no such 小区
    assert forged and "什么状态" not in forged
    staff.say("翠微苑")
    staff.say("计划中")
    staff.say("跳过")
    assert "别人的" in _press(bot, SECRETARY, _button(staff, "确认登记"))
    clock.advance(minutes=11)
    assert "超过10分钟没有确认" in staff.say("确认登记")
    staff.say("新建项目")
    staff.say("健身器材")
    assert "项目没有登记" in staff.say("取消")
    staff.say("新建项目 健身器材")
    staff.say("全社区")
    staff.say("已完工")
    assert "项目没有登记" in staff.say("取消")
    with bot.uow() as uow:
        assert uow.board.projects() == []


def test_an_estate_notice_is_read_and_pushed_in_that_estate_only(bot: App) -> None:
    aunt = _bind(bot, 3040, "13812345678")
    granny = _bind(bot, 3041, "13812345680")  # 江滨花园
    staff = Chat(bot, SECRETARY, STAFF_CHAT)
    staff.say("发通知")
    staff.say("停水通知\n明天上午翠微苑停水 请大家提前接水")
    out = staff.say("翠微苑")
    assert "发布这条通知（翠微苑）" in out and "订阅了通知的居民" in out
    assert "将通知1位居民" in out  # 张阿姨; 陈阿婆 lives in 江滨花园
    assert "已排队通知1位居民" in staff.say("发布并通知")
    with bot.uow() as uow:
        (notice,) = uow.board.notices()
        [push] = uow.pushes.list()
    assert notice.estate == "E1" and (push.kind, push.topic, push.title) == ("notice", "通知", "停水通知")
    (msg,) = queued(bot, aunt.chat_id)
    assert "【翠微苑·通知】停水通知" in msg.text and "提前接水" in msg.text
    assert queued(bot, granny.chat_id) == []
    assert "停水通知" in aunt.say("最近有什么通知")
    assert "停水通知" not in granny.say("最近有什么通知")


def test_notice_presses_by_others_forged_late_or_cancelled_publish_nothing(bot: App, clock: Clock) -> None:
    staff = Chat(bot, GRID1_STAFF, STAFF_CHAT)
    staff.say("发通知")
    staff.say("停电通知\n下午停电")
    data = _button(staff, "江滨花园")
    assert "别人的" in _press(bot, SECRETARY, data)
    assert "工作人员" in _press(bot, 42, data)
    draft_id = int(data.split(":")[3])
    forged = _press(bot, GRID1_STAFF, LEDGER.data("nok", draft_id))  # publish before the scope
    assert forged and "已发布" not in forged
    staff.say("江滨花园")
    assert "别人的" in _press(bot, SECRETARY, _button(staff, "只发布"))
    clock.advance(minutes=11)
    assert "超过10分钟没有确认" in staff.say("只发布")
    staff.say("发通知")
    long_title = "关于本社区各小区下周开始分批进行电力线路改造以及部分楼道照明设施更换工作安排的通知"
    assert "标题太长了" in staff.say(long_title + "\n下午停电")
    assert "发给哪里" in staff.say("停电通知\n下午停电")  # the same draft, retyped
    assert "通知没有发布" in staff.say("取消")
    with bot.uow() as uow:
        assert uow.board.notices() == [] and uow.pushes.list() == []


def _buttons(chat: Chat) -> list[str]:
    return [b.text for reply in chat.replies for row in reply.buttons for b in row]


def test_a_notice_nobody_would_receive_says_so_and_offers_only_publishing(bot: App) -> None:
    aunt = _bind(bot, 3050, "13812345678")
    uncle = _bind(bot, 3051, "13812345679")
    for resident in (aunt, uncle):  # everyone in 翠微苑 switched 通知 off
        assert "不再给您发通知" in resident.say("社区那些通知以后别发给我了")
    staff = Chat(bot, SECRETARY, STAFF_CHAT)
    staff.say("发通知")
    staff.say("停水通知\n明天上午翠微苑停水")
    out = staff.say("翠微苑")
    assert "请注意：翠微苑现在没有会收到通知的居民" in out and "推送不会通知到任何人" in out
    assert "将通知" not in out
    assert _buttons(staff) == ["只发布", "取消"]  # no 发布并通知 to press by mistake
    assert "通知已发布：停水通知" in staff.say("只发布")
    with bot.uow() as uow:
        (notice,) = uow.board.notices()
        assert notice.estate == "E1" and uow.pushes.list() == []
    assert not any("停水通知" in r.text for r in queued(bot, aunt.chat_id) + queued(bot, uncle.chat_id))
    # 江滨花园: nobody there has a chat with the bot at all. The same plain words.
    staff.say("发通知")
    staff.say("停电通知\n下午停电")
    assert "请注意：江滨花园现在没有会收到通知的居民" in staff.say("江滨花园")
    assert _buttons(staff) == ["只发布", "取消"]


def test_an_older_publish_and_notify_pressed_after_the_last_subscriber_left_says_nobody_got_it(bot: App) -> None:
    aunt = _bind(bot, 3052, "13812345678")
    staff = Chat(bot, SECRETARY, STAFF_CHAT)
    staff.say("发通知")
    staff.say("停水通知\n明天上午翠微苑停水")
    assert "将通知1位居民" in staff.say("翠微苑")
    publish = _button(staff, "发布并通知")
    assert "不再给您发通知" in aunt.say("社区那些通知以后别发给我了")
    told = _press(bot, SECRETARY, publish)
    assert "通知已发布：停水通知。现在没有会收到通知的居民，所以没有通知任何人" in told
    assert "0位" not in told and not any("停水通知" in r.text for r in queued(bot, aunt.chat_id))


def test_a_project_update_nobody_would_receive_offers_only_publishing(bot: App) -> None:
    _projects(bot)
    _bind(bot, 3053, "13812345678")  # 翠微苑: 河边护栏 is 江滨花园's, where nobody has a chat
    staff = Chat(bot, SECRETARY, STAFF_CHAT)
    staff.say("项目进展")
    staff.say("河边护栏")
    out = staff.say("新护栏已经装好一半")
    assert "请注意：江滨花园现在没有会收到通知的居民" in out and "将通知" not in out
    assert "只发布" in _buttons(staff) and "发布并通知" not in _buttons(staff)
    out = staff.say("只发布")
    assert "河边护栏的进展已发布，没有推送给居民" in out
    with bot.uow() as uow:
        rail = next(p for p in uow.board.projects() if p.name == "河边护栏")
        assert rail.updates[-1].text == "新护栏已经装好一半" and uow.pushes.list() == []
