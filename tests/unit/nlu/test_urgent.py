"""Emergencies in residents' own words: flagged on report_issue with their kind, and only then."""

from __future__ import annotations

import threading
from http.server import ThreadingHTTPServer

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nlu.parser import BuiltinParser
from nlu.rasa import RasaParser
from nlu.urgent import KINDS, detect

POSITIVE = {
    "gas": [
        "从昨天开始家里一直有煤气味",
        "楼道里有燃气味",
        "家里好大一股煤气味道",
        "闻到一股煤气 快来人",
        "厨房然气味很重",  # voice slip: 然气
        "媒气泄漏了怎么弄",  # voice slip: 媒气
        "楼下天然气管道漏气了嘶嘶响",
        "煤气罐好像漏气了",
        "我家燃气灶那里一直漏",
        "隔壁老人煤气中毒了",
        "三楼液化气味很冲",
    ],
    "fire": [
        "家里着火了",
        "快来人啊楼下着火了",
        "翠微苑3幢起火了",
        "电瓶车在楼道里烧起来了",
        "厨房油锅烧着了",
        "对面楼失火了火好大",
        "插座冒火花了",
        "着伙了快打电话",  # voice slip
        "楼顶有火光",
        "发生火灾了",
    ],
    "smoke": [
        "楼道里好多烟",
        "隔壁一直在冒烟",
        "房间里全是烟呛得不行",
        "楼道烟很大看不清",
        "闻到烧焦的味道到处找不到",
        "电表箱在冒黑烟",
        "走廊里都是烟雾",
        "烟感报警器一直在响",
    ],
    "lift_trapped": [
        "电梯困人了",
        "我被困在电梯里了",
        "有人关在电梯里出不来",
        "我妈被困电梯了",
        "电梯卡住了里面有人",
        "电梯停在两层中间出不来",
        "电梯里面有个小孩困住了",
        "老人捆在电梯里面了",  # voice slip: 捆
        "电梯门打不开门我在里面",
    ],
    "injury": [
        "我妈摔倒了起不来",
        "楼下有个老人跌倒了",
        "老伴在卫生间滑倒了",
        "我爸摔到了头在流血",  # voice slip: 摔到
        "隔壁阿姨晕倒了",
        "有个大爷倒在地上不动",
        "小孩从楼梯上摔下来流了好多血",
        "老人摔了一跤好像骨折了",
        "邻居摔得很重动不了",
    ],
    "flooding": [
        "家里进水了",
        "屋里全是水",
        "水管爆了家里都淹了",
        "厨房的水管裂开了到处喷水",
        "楼上水漫下来了我家淹了",
        "卫生间里全是水漫到客厅了",
        "地下室进水了好深",
        "自来水管爆裂了",
    ],
}

NEGATIVE = {
    "gas": [
        "没有燃气味了",
        "燃气味已经没了谢谢",
        "我想办燃气过户",
        "燃气费怎么交",
        "垃圾的气味很难闻",
        "燃气安全检查什么时候来",
        "没闻到煤气味",
        "怎么预防煤气泄漏",
    ],
    "fire": [
        "电瓶车在楼道充电怕着火",
        "消防通道被堵了万一着火怎么办",
        "上次着火的地方还没修好",
        "火已经扑灭了",
        "楼道里堆了杂物有火灾隐患",
        "社区什么时候搞消防演练",
        "我火气很大",
        "不是着火是在烧纸",
        "前天楼下着火了现在楼道还是黑的",
    ],
    "smoke": [
        "楼下饭店油烟很大",
        "楼道里有人抽烟",
        "楼道里好多烟头",
        "烟雾报警器坏了",
        "烟已经散了",
        "过年放烟花太吵了",
        "有人在楼梯间吸烟",
        "烧烤摊油烟太呛了",
    ],
    "lift_trapped": [
        "电梯坏了",
        "电梯又停了好几天了",
        "电梯坏了老人出不去买菜",
        "电梯门关不上",
        "加装电梯的进度",
        "昨天困在电梯里的人已经救出来了",
        "电梯按钮不灵",
        "电梯里有股怪味",
    ],
    "injury": [
        "老人容易摔",
        "路面太滑差点摔倒",
        "台阶坏了怕老人摔倒",
        "地上有水小心滑倒",
        "这里好多老人摔倒过",
        "扶手松了以免有人跌倒",
        "大树倒在地上挡路了",
        "我要预约上门测血压",
        "昨天王阿姨在门口摔了一跤",
        "前天在那里摔了一跤 腿都摔青了",
    ],
    "flooding": [
        "家里进水了能去哪里住",
        "楼道灯坏了",
        "下水道堵了",
        "楼上漏水",
        "水龙头滴水",
        "路上积水",
        "暴雨了住一楼怕淹去哪里",
        "水管已经修好了没有漏了",
    ],
}


@pytest.mark.parametrize(("kind", "text"), [(k, t) for k, ts in POSITIVE.items() for t in ts])
def test_emergencies_are_recognised_with_their_kind(kind: str, text: str) -> None:
    assert detect(text) == kind


@pytest.mark.parametrize(("kind", "text"), [(k, t) for k, ts in NEGATIVE.items() for t in ts])
def test_what_is_not_happening_now_is_not_an_emergency(kind: str, text: str) -> None:
    assert detect(text) is None


def test_every_kind_is_tested() -> None:
    assert set(POSITIVE) == set(NEGATIVE) == set(KINDS)


@pytest.mark.parametrize("text", ["有燃气味", "楼下着火了快来", "我爸摔倒了起不来", "电梯困人了"])
def test_parse_flags_urgent_on_report_issue(parser: BuiltinParser, text: str) -> None:
    result = parser.parse(text)
    assert result["urgent"] is True and result["urgent_kind"] == detect(text)
    assert result["intent"]["name"] == "report_issue"
    assert result["intent_ranking"][0]["name"] == "report_issue"


@pytest.mark.parametrize("text", ["没有燃气味了", "楼道灯坏了", "社区电话是多少", "避灾点在哪里"])
def test_parse_has_no_urgent_keys_otherwise(parser: BuiltinParser, text: str) -> None:
    result = parser.parse(text)
    assert "urgent" not in result and "urgent_kind" not in result


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from("着火燃气煤味没有了电梯困摔倒进水烟冒漏不是怕 ，。\n🔥a1"), max_size=40)
       | st.text(max_size=60))
def test_parse_never_raises_and_urgent_is_consistent(parser: BuiltinParser, text: str) -> None:
    result = parser.parse(text)
    assert isinstance(result["intent"]["name"], str)
    if result.get("urgent"):
        assert result["urgent_kind"] in KINDS and result["intent"]["name"] == "report_issue"


def test_an_emergency_stays_urgent_behind_a_rasa_server(parser: BuiltinParser) -> None:
    from tests.unit.nlu.test_rasa_backend import FakeRasa  # answers book_service to everything

    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeRasa)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    rasa = RasaParser(f"http://127.0.0.1:{server.server_address[1]}", parser, timeout=2.0)
    try:
        urgent, calm = rasa.parse("楼下着火了快来人"), rasa.parse("我想约个助浴")
    finally:
        rasa.close()
        server.shutdown()
        server.server_close()
    assert urgent["urgent_kind"] == "fire" and urgent["intent"]["name"] == "report_issue"
    assert "urgent" not in calm and calm["intent"]["name"] == "book_service"
