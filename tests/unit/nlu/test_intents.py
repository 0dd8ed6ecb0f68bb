"""Every intent from real residents' sentences, and the short replies the dialogue relies on."""

from __future__ import annotations

import pytest

from nlu import INTENTS
from nlu.classifier import IntentClassifier
from nlu.parser import BuiltinParser

SENTENCES: dict[str, list[str]] = {
    "greet": ["你好", "您好在吗", "早上好社区"],
    "help": ["菜单", "你能干什么", "我不会用这个怎么弄"],
    "report_issue": [
        "楼道灯不量了",
        "翠微苑3幢2单元下水道堵了好几天了臭得不行",
        "我们楼下装修吵得老人睡不着",
        "我跟你说我家住了三十年了楼道里黑乎乎的灯一直不亮老头子昨天晚上还摔了一跤",
    ],
    "suggest": ["我有个建议小区多装几个路灯", "希望社区多组织老年人活动"],
    "book_service": ["帮我妈约明天下午两点的助浴", "老爷子想量个血压能上门吗", "社保卡丢了要挂失"],
    "request_seal": ["我要开居住证明孩子上学用", "云盖章", "要开个家庭关系证明"],
    "check_status": ["我的报修怎么样了", "查一下进度", "我的居住证明开好了吗"],
    "cancel_booking": ["取消预约", "明天的助浴取消了不用来了", "我要取消我妈的预约"],
    "find_shelter": ["台风来了去哪里躲", "最近的避灾点在哪", "发大水了往哪里跑"],
    "ask_policy": ["高龄津贴怎么领", "低保怎么申请", "残疾人有什么补贴"],
    "subscribe": ["订阅台风预警", "有新政策通知我", "开启推送"],
    "unsubscribe": ["取消订阅", "不要再推送了", "退订"],
    "volunteer": ["我想当志愿者", "退休了想帮社区做点事", "志愿者怎么报名"],
    "public_info": ["社区公告", "财务公开在哪看", "小区改造工程什么时候完工"],
    "contact_office": ["社区电话是多少", "居委会在哪里", "几点上班", "居委会办公室在哪个楼"],
    "affirm": ["是", "对", "好的", "嗯", "确认"],
    "deny": ["不是", "不对", "不要"],
    "stop": ["取消", "算了", "不办了"],
    "thank": ["谢谢", "辛苦了", "谢谢你们帮忙"],
    "out_of_scope": ["今天天气怎么样", "给我讲个笑话", "推荐一部电视剧"],
}


def test_every_intent_is_covered() -> None:
    assert set(SENTENCES) == set(INTENTS)


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
