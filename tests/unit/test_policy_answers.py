"""Policy answers over the in-memory unit of work: the part asked, its source, follow-ups, relay."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.app import App
from bot.callbacks import MENU, POLICY
from bot.config import load_config
from bot.dialogue.engine import DialogueEngine
from bot.events import Inbound, Reply
from domain.reports import Kind
from domain.residents import Address, Resident
from tests.fixtures import SHIPPED_CONFIG, id_number, one_community
from tests.support.chat import shared_parser
from tests.support.fakes import FakeUnitOfWork

NOW = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)  # Monday 10:00 in Shanghai
RELIEF_SOURCE = "来源：温州市民政局 温民发〔2021〕88号（2021年9月1日发布）"


class World:
    def __init__(self) -> None:
        self.app = App(one_community(load_config(SHIPPED_CONFIG, environ=False)))
        self.uow = FakeUnitOfWork()
        self.uow.on_event = self.app.notifier.handle
        self.app.uow_factory = lambda: self.uow
        self.app.__dict__["parser"] = shared_parser()
        self.now = NOW
        self.engine = DialogueEngine(self.app, clock=lambda: self.now)

    def say(self, user: int, words: str) -> list[Reply]:
        return self.engine.handle(Inbound(chat_id=user, user_id=user, kind="text", text=words))

    def press(self, user: int, data: str) -> list[Reply]:
        return self.engine.handle(Inbound(chat_id=user, user_id=user, kind="button", data=data))

    def resident(self, user: int, *, born: date, tags: list[str], estate: str = "E1",
                 verified: bool = True) -> Resident:
        return self.uow.residents.add(Resident(
            "王阿姨", "13900002222", Address(estate, "3", "1", "201"),
            id_number=id_number(born, user), tags=tags, verified=verified, user_id=user,
            chat_id=user))


@pytest.fixture
def world() -> World:
    return World()


def text_of(replies: list[Reply]) -> str:
    return "\n".join(r.text for r in replies)


def labels(replies: list[Reply]) -> list[str]:
    return [b.text for r in replies for row in r.buttons for b in row]


@pytest.mark.parametrize(("question", "title"), [
    ("临时救助是什么谁能获得", "临时救助"),
    ("家里出了车祸日子过不下去了有什么救助", "临时救助"),
    ("急难救助怎么申请", "临时救助"),
    ("吃低保要带啥", "城乡居民最低生活保障"),
    ("家里困难能申请低保吗要什么材料", "城乡居民最低生活保障"),
    ("我妈八十了有没有什么补助", "高龄津贴"),
    ("我爸九十岁了能领什么钱", "高龄津贴"),
    ("残疾人养老保险怎么交", "残疾人社会基本养老保险补助"),
    ("我老伴瘫在床上有什么补助", "居家养老服务补贴"),
    ("一个人住的老人有什么照顾", "居家养老服务补贴"),
    ("租房子有没有补贴", "住房租赁补贴"),
])
def test_retrieval_answers_the_one_policy_a_resident_means(world: World, question: str, title: str) -> None:
    out = text_of(world.say(81, question))
    assert out.startswith(f"【{title}】")
    others = {p.title for p in world.app.config.policies} - {title}
    assert not any(f"【{other}】" in out for other in others)  # one policy, not a list of five


@pytest.mark.parametrize(("question", "label", "part"), [
    ("临时救助要带什么材料", "要带的材料", "身份证、户口本；说明困难的材料"),
    ("临时救助需要什么证件", "要带的材料", "身份证、户口本；说明困难的材料"),
    ("临时救助谁能申请", "谁可以申请", "因火灾、交通事故、突发重大疾病等意外"),
    ("什么人可以申请临时救助", "谁可以申请", "因火灾、交通事故、突发重大疾病等意外"),
    ("临时救助能领多少", "能得到什么", "按困难程度一次性发放救助金"),
    ("临时救助去哪里办", "去哪里办", "到所在社区的党群服务中心民生窗口"),
    ("临时救助怎么申请", "去哪里办", "到所在社区的党群服务中心民生窗口"),
])
def test_each_aspect_gets_only_that_part_with_title_and_source(
        world: World, question: str, label: str, part: str) -> None:
    replies = world.say(82, question)
    out = text_of(replies)
    assert out.startswith(f"【临时救助】\n{label}：{part}")
    assert RELIEF_SOURCE in out
    asked_nothing_else = {"谁可以申请", "能得到什么", "要带的材料", "去哪里办"} - {label}
    assert not any(f"{other}：" in out for other in asked_nothing_else)
    assert "我能申请吗" in labels(replies)


def test_no_aspect_gives_who_and_what_in_two_lines_with_buttons_for_the_rest(world: World) -> None:
    replies = world.say(83, "高龄津贴")
    lines = text_of(replies).splitlines()
    assert lines[:3] == ["【高龄津贴】", "谁可以申请：本市户籍、年满80周岁的老年人。",
                         "能得到什么：80到89周岁每人每月50元，90到99周岁每人每月100元，100周岁以上每人每月500元，按月打到本人社保卡。"]
    assert lines[3] == "来源：温州市民政局、温州市财政局 温民〔2020〕156号（2020年12月28日发布）"
    assert labels(replies) == ["要带什么材料", "去哪里办", "我能申请吗", "回到菜单"]
    out = text_of(world.press(83, POLICY.data("part", "old_age", "documents")))
    assert out.startswith("【高龄津贴】\n要带的材料：老人的身份证、户口本、社保卡")


def test_two_close_policies_are_offered_as_a_choice(world: World) -> None:
    replies = world.say(84, "老人补助要带什么材料")
    assert text_of(replies) == "您问的是哪一项？点一下就行。"
    assert labels(replies) == ["居家养老服务补贴", "高龄津贴", "回到菜单"]
    pressed = replies[0].buttons[0][0].data
    assert pressed == POLICY.data("part", "home_care", "documents")  # the aspect asked is kept
    out = text_of(world.press(84, pressed))
    assert out.startswith("【居家养老服务补贴】\n要带的材料：")


def test_nothing_fits_says_so_and_passes_the_question_to_staff(world: World) -> None:
    replies = world.say(85, "失业了有没有补贴")
    assert text_of(replies).startswith("没有找到和您问的对得上的政策。")
    assert "0577-88001234" in text_of(replies) and "转给工作人员" in labels(replies)
    out = text_of(world.press(85, MENU.data("relay")))
    assert "已经转给社区工作人员了" in out
    (report,) = world.uow.reports.list()
    assert report.kind == Kind.PROBLEM and report.description == "【政策咨询】失业了有没有补贴"


def test_a_follow_up_keeps_the_policy_and_a_resident_who_matches_appears_to_qualify(world: World) -> None:
    world.resident(86, born=date(1944, 5, 1), tags=["老年人", "独居"])
    world.say(86, "高龄津贴是什么")
    out = text_of(world.say(86, "那我能申请吗"))
    assert out.startswith("按社区登记的信息，您看起来符合“高龄津贴”的条件。")
    assert "最后能不能办，由社区工作人员审核决定。" in out
    assert "申请时请带上：老人的身份证、户口本、社保卡" in out
    assert "来源：温州市民政局、温州市财政局" in out
    out = text_of(world.say(86, "要带什么"))
    assert out.startswith("【高龄津贴】\n要带的材料：老人的身份证")


def test_a_resident_who_does_not_match_is_told_why_and_that_staff_decide(world: World) -> None:
    world.resident(87, born=date(1980, 3, 3), tags=["租户"])
    world.say(87, "高龄津贴是什么")
    out = text_of(world.say(87, "我符合吗"))
    assert out.startswith("按社区登记的信息，您看起来不太符合“高龄津贴”的条件：")
    assert "这项政策面向老年人" in out and "要求年龄80岁以上" in out
    assert "以工作人员审核为准" in out and "0577-88001234" in out
    # Named in the same sentence, without an answer before it.
    out = text_of(world.say(87, "我能申请住房租赁补贴吗"))
    assert out.startswith("按社区登记的信息，您看起来符合“住房租赁补贴”的条件。")


def test_an_unknown_resident_is_asked_to_bind_their_phone_first(world: World) -> None:
    world.say(88, "临时救助是什么")
    replies = world.say(88, "那我能申请吗")
    assert "需要先核实您的身份" in text_of(replies) and replies[-1].request == "contact"
    world.resident(89, born=date(1950, 1, 1), tags=["低保户"], verified=False)
    world.say(89, "临时救助是什么")
    out = text_of(world.say(89, "那我能申请吗"))
    assert "身份社区还在核实" in out and "看起来符合" not in out


def test_the_context_expires_like_other_dialogue_state(world: World) -> None:
    world.resident(90, born=date(1944, 5, 1), tags=["老年人"])
    world.say(90, "高龄津贴是什么")
    world.now = NOW + timedelta(minutes=world.app.config.dialogue.form_timeout_minutes + 1)
    out = text_of(world.say(90, "要带什么材料"))
    assert "高龄津贴" not in out and "您想问哪项政策" in out


def test_an_unrelated_message_after_an_answer_is_not_taken_as_a_follow_up(world: World) -> None:
    world.say(91, "临时救助是什么")
    out = text_of(world.say(91, "翠微苑3幢水管坏了怎么办"))
    assert "临时救助" not in out and "排水" in out  # a report, as without the policy before it


def test_the_menu_lists_the_library_with_the_residents_own_first(world: World) -> None:
    world.resident(92, born=date(1970, 1, 1), tags=["租户"])
    replies = world.press(92, MENU.data("policy"))
    assert text_of(replies) == "和您可能有关的惠民政策，点一下看详情："
    assert labels(replies)[0] == "住房租赁补贴" and len(labels(replies)) == 7
