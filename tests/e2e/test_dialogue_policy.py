"""A policy conversation in the terminal channel, on a real database: the part asked, its source,
"那我能申请吗" with the resident's own roster data, and "要带什么材料" about the same policy."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from bot.app import App
from domain.usecases.residents import import_roster
from tests.fixtures import (  # noqa: F401
    app,
    app_config,
    clean_env,
    config_file,
    database_url,
    id_number,
)
from tests.support.chat import Chat, Clock, staffed


@pytest.fixture
def bot(app: App) -> Iterator[App]:  # noqa: F811
    yield staffed(app, Clock())


def test_relief_who_then_can_i_then_what_to_bring(bot: App) -> None:
    # 李大伯 of 南塘新村, a 低保户 on the roster, binds his phone and asks the study's question.
    import_roster(bot.uow(), [{"姓名": "李大伯", "手机号": "13812340001", "小区": "南塘新村", "幢": "5",
                               "身份证号": id_number(date(1956, 4, 2), 11), "标签": "低保户,老年人"}],
                  bot.estate_lookup(), set(bot.config.resident_tags))
    chat = Chat(bot, 4201)
    chat.say("/contact 13812340001")

    out = chat.say("临时救助是什么 谁能获得")
    assert out.startswith("【临时救助】\n谁可以申请：因火灾、交通事故、突发重大疾病等意外")
    assert "能得到什么：按困难程度一次性发放救助金" in out
    assert "来源：温州市民政局 温民发〔2021〕88号（2021年9月1日发布）" in out
    assert "城乡居民最低生活保障" not in out and "高龄津贴" not in out

    out = chat.say("那我能申请吗")
    # 临时救助 depends on a sudden hardship, which no roster field tells: said so, not guessed.
    assert out.startswith("能不能申请“临时救助”，要看您家的具体情况：因火灾、交通事故")
    assert "看起来符合" not in out and "不太符合" not in out
    assert "最后能不能办，由社区工作人员审核决定。" in out
    assert "申请时请带上：身份证、户口本" in out

    out = chat.say("要带什么材料")
    assert out.startswith("【临时救助】\n要带的材料：身份证、户口本；说明困难的材料"
                          "（医院发票、事故证明、火灾证明等）；本人银行卡或存折。")
    assert "来源：温州市民政局 温民发〔2021〕88号" in out


def test_another_request_after_a_policy_answer_is_not_taken_as_a_follow_up(bot: App) -> None:
    # "多少" would ask what the policy pays; here the ledger is meant, and the NLU is sure of it.
    chat = Chat(bot, 4202)
    assert chat.say("高龄津贴是什么").startswith("【高龄津贴】")
    out = chat.say("这个月社区花了多少钱")
    assert "【高龄津贴】" not in out and "公开栏" in out and "本月收入" in out
    # A real follow-up still is one.
    chat.say("高龄津贴是什么")
    assert chat.say("能领多少").startswith("【高龄津贴】\n能得到什么")
