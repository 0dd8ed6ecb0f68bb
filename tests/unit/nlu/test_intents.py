"""Every intent from real residents' sentences, and the short replies the dialogue relies on."""

from __future__ import annotations

import unicodedata

import pytest

from nlu import INTENTS
from nlu.classifier import IntentClassifier
from nlu.data import heldout_file, load_nlu_file, load_training
from nlu.normalize import clean
from nlu.parser import BuiltinParser

# Sentences the classifier never saw: none of them is in nlu/data/*.yml (a test checks that), so
# these measure generalisation, not memory. Short rule-matched replies are tested further below.
SENTENCES: dict[str, list[str]] = {
    "greet": ["喂你好啊", "您好有人吗", "早上好社区", "小同志你好"],
    "help": ["这个东西怎么用啊", "你能帮我做些什么", "我不会用这个怎么弄", "有哪些功能给我看看"],
    "report_issue": [
        "楼道灯不量了",
        "翠微苑3幢2单元下水道堵了好几天了臭得不行",
        "我们楼下装修吵得老人睡不着",
        "我跟你说我家住了三十年了楼道里黑乎乎的灯一直不亮老头子昨天晚上还摔了一跤",
    ],
    "suggest": ["我有个建议小区多装几个路灯", "希望社区多组织老年人活动"],
    "book_service": ["帮我妈约明天下午两点的洗澡服务", "老爷子想量个血压能上门吗", "社保卡丢了要挂失",
                     "想预约个理发师傅上门"],
    "request_seal": ["我要开居住证明孩子上学用", "要开个家庭关系证明", "帮我在证明上盖个章",
                     "开个无犯罪记录的证明要盖社区的章"],
    "check_status": ["我前天报的那个灯修好了没有", "我报的事情有人管了吗", "我的居住证明开好了吗",
                     "上次反映的问题处理到哪一步了"],
    "cancel_booking": ["明天的助浴取消了不用来了", "我要取消我妈的预约", "约好的理发不要了帮我退掉",
                       "后天上门量血压那个取消掉"],
    "find_shelter": ["台风要来了我们躲到哪里去", "最近的避灾点在哪", "刮台风了附近哪里可以避一避",
                     "哪里有躲台风的安置点"],
    "ask_policy": ["我妈八十了有没有什么补助", "家里困难能申请低保吗要什么材料", "残疾证办下来有哪些补贴"],
    "subscribe": ["订阅台风预警", "有新政策通知我", "以后停水停电都告诉我一声", "有通知就发给我"],
    "unsubscribe": ["以后别给我发通知了", "消息太多了关掉吧", "台风预警不要再发给我了"],
    "volunteer": ["退休了想帮社区做点事", "我也想报名做义工", "我有空想去帮忙做志愿服务"],
    "ask_help": ["我腿不方便想请个人帮我买点菜", "想找人陪我去医院复查", "谁能帮我把米扛上楼"],
    "public_info": ["财务公开在哪看", "小区改造工程什么时候完工", "最近社区有什么通知"],
    "contact_office": ["居委会办公室在哪个楼", "打电话给社区打哪个号码", "社区几点开门几点下班",
                       "我想直接找社区的人说"],
    "affirm": ["对的就是这样没错", "对对对就是这个", "好的就这样吧", "嗯嗯可以的"],
    "deny": ["不是我说的那个", "不对不对搞错了", "错了错了不是"],
    "stop": ["不弄了算了吧", "这个事先不弄了", "我不想报了算了"],
    "thank": ["谢谢你们帮忙", "真是太谢谢你们了", "辛苦你们了谢谢"],
    "out_of_scope": ["给我讲个笑话", "推荐一部电视剧", "明天会不会下雨啊", "股票最近怎么样"],
    "rate_property": ["我想评一评物业", "物业服务怎么打分", "物业实在太差劲了我要打个低分",
                      "业委会干得怎么样我来打个分"],
}


def normalised(text: str) -> str:
    """What the classifier compares: cleaned, letters and digits only (no spaces or punctuation)."""
    return "".join(ch for ch in clean(text) if unicodedata.category(ch)[0] in "LN")


def test_every_intent_is_covered() -> None:
    assert set(SENTENCES) == set(INTENTS)


def test_no_test_sentence_is_in_the_training_data() -> None:
    trained = {normalised(t) for t, _ in load_training()}
    held_out = [t for t, _ in load_nlu_file(heldout_file())]
    copied = [t for texts in SENTENCES.values() for t in texts if normalised(t) in trained]
    assert copied == [], "test sentences copied from nlu/data/*.yml measure memory, not understanding"
    assert [t for t in held_out if normalised(t) in trained] == [], "held-out sentences are in the training data"


@pytest.mark.parametrize(("text", "intent"), [(t, i) for i, texts in SENTENCES.items() for t in texts])
def test_intent(parser: BuiltinParser, text: str, intent: str) -> None:
    result = parser.parse(text)
    assert result["intent"]["name"] == intent, result["intent_ranking"][:3]


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("是", "affirm"),
        ("是的", "affirm"),
        ("对", "affirm"),
        ("对的", "affirm"),
        ("好的", "affirm"),
        ("嗯", "affirm"),
        ("嗯嗯", "affirm"),
        ("确认", "affirm"),
        ("好的。", "affirm"),
        (" 是 ", "affirm"),
        ("对！", "affirm"),
        ("好的呀", "affirm"),
        ("ＯＫ", "affirm"),
        ("不是", "deny"),
        ("不对", "deny"),
        ("不要", "deny"),
        ("不是的", "deny"),
        ("不对！", "deny"),
        ("错啦", "deny"),
        ("取消", "stop"),
        ("算了", "stop"),
        ("不办了", "stop"),
        ("算啦", "stop"),
        ("取消。", "stop"),
        ("取消预约", "cancel_booking"),
        ("取消订阅", "unsubscribe"),
    ],
)
def test_short_replies_are_certain(parser: BuiltinParser, text: str, intent: str) -> None:
    result = parser.parse(text)
    assert result["intent"]["name"] == intent
    if intent in ("affirm", "deny", "stop"):
        assert result["intent"]["confidence"] == 1.0


def test_result_shape(parser: BuiltinParser) -> None:
    result = parser.parse("帮我妈约明天下午两点的助浴")
    assert list(result) == ["text", "intent", "intent_ranking", "entities"]
    assert result["text"] == "帮我妈约明天下午两点的助浴"
    assert 0.0 <= result["intent"]["confidence"] <= 1.0
    assert result["intent_ranking"][0]["name"] == result["intent"]["name"]
    confidences = [r["confidence"] for r in result["intent_ranking"]]
    assert confidences == sorted(confidences, reverse=True)
    for ent in result["entities"]:
        assert {"entity", "value", "start", "end", "confidence", "extractor"} <= set(ent)
        assert 0 <= ent["start"] < ent["end"] <= len(result["text"])


def test_fast_scores_match_scikit_learn(trained: IntentClassifier) -> None:
    import numpy as np

    for text in ["楼道灯不亮了", "帮我妈约明天的助浴", "zzz", "台风来了去哪"]:
        ours = trained.scores(text)
        theirs = trained.model.decision_function(trained.vectorizer.transform([trained.prepare(text)]))[0]
        assert np.allclose(ours, theirs)
