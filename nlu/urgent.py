"""Emergencies in residents' words: gas, fire, smoke, someone trapped in a lift, a fall, flooding.

Pure and stdlib only. `detect` says which emergency a message describes, or None; `mark` turns a
parse result into an urgent report_issue. Patterns tolerate voice-typing slips (摔到/然气/媒气/
捆在电梯) and leave out what is not happening now: negated ("没有燃气味了"), over ("火已经灭了"),
hypothetical ("万一着火了"), in the past ("上次着火") or only feared ("容易摔倒").
"""

from __future__ import annotations

import re
from typing import Any

KINDS = ("fire", "gas", "lift_trapped", "injury", "smoke", "flooding")  # checked in this order

_LIFT = r"(电梯|电题|电体|电弟|轿厢)"
_PEOPLE = r"(人|老人|老太|老头|大爷|大妈|阿姨|小孩|孩子|我妈|我爸|老伴|邻居|我)"
_PATTERNS: dict[str, tuple[str, ...]] = {
    "fire": (
        r"(着|招|起|失)(火|伙)",
        r"火灾",
        r"(烧|燃)起来",
        r"火(很|好|太|越来越)(大|旺)",
        r"(冒|窜|蹿)(出)?(火苗|火光|火花|明火)",
        r"(火苗|火光)",
        r"(电瓶车|电动车|插座|电线|油锅|锅|厨房|房子|屋子|楼上|楼下)(.{0,4})(烧着|着了|爆燃)",
    ),
    "gas": (
        r"(燃|然|煤|媒|天然|液化|瓦斯)(气|汽)(的)?(味|臭味)",
        r"(燃|然|煤|媒|天然|液化)(气|汽)(罐|管|管道|管子|表|灶|阀|阀门)?(.{0,5})(泄|漏|跑气|嘶嘶|呲呲)",
        r"(泄|漏)(了)?(燃|然|煤|媒|天然|液化)(气|汽)",
        r"(厨房|灶台|家里|屋里|管道|煤气罐|钢瓶)(.{0,3})漏气",
        r"(闻|有)(到)?(一)?股(臭)?(煤|燃|然|媒)(气|汽)",
        r"(煤|燃|然|媒)(气|汽)中毒",
    ),
    "lift_trapped": (
        r"(困|捆)(在)?(了)?" + _LIFT,
        r"(关|卡|锁|憋)在(了)?" + _LIFT,
        _LIFT + r"(里|里面|内)?(.{0,6})(困|捆)(住|着|了|人)",
        _LIFT + r"(里|里面|内)?(.{0,6})(关|卡|锁)(住|着|在)(了)?(人|.{0,4}出不来)",
        _LIFT + r".{0,12}(出不来|打不开门|开不了门)",
        _LIFT + r".{0,6}(里面|里)(有人|有个?(老人|小孩|孩子|人))",
        _PEOPLE + r"(.{0,3})(被)?(困|捆|关|卡)(在)?(了)?" + _LIFT,
    ),
    "injury": (
        r"(摔|跌|滑)(倒|到|伤|断|破|晕|骨折)",
        r"(摔|跌)了(一|个)?(跤|交|下|大跤)",
        r"(摔|跌)(得|的)(起不来|很重|厉害|流血|不能动|动不了)",
        r"(晕|昏)(倒|到|过去|迷)",
        _PEOPLE + r"(.{0,3})(倒|躺)在地",
        r"(倒|躺)在地(上|下)(.{0,3})(起不来|不动|动不了|没反应)",
        r"(流|出)(了)?(好多|很多|不少)?血",
        r"骨折",
        r"(爬不起来|不省人事|没有意识|叫不醒)",
    ),
    "smoke": (
        r"(?<![油抽吸香])(冒|好多|很多|全是|都是|一屋子|满屋|满楼道|浓|大)(黑|白)?烟(?![头花蒂酒草盒囱])",
        r"(?<![油抽吸香])烟(很|好|太|特别)(大|浓|呛)",
        r"(?<![油抽吸香])烟雾(?!报警|探测|感应)",
        r"(烧焦|焦糊|焦臭|烧糊)(的)?(味|味道)",
        r"(?<![油抽吸香])烟(感|雾)?(报警)?(器)?(一直|还在|一直在|在)?(响|叫)",
    ),
    "flooding": (
        r"(家|屋|房间|房子|客厅|卧室|厨房|卫生间|室内|地下室)(里|内|里面)?(.{0,3})"
        r"(进水|淹|浸水|漫水|水漫|全是水|都是水)",
        r"(水管|自来水管|管子|暖气管|水表)(.{0,2})(爆|崩|裂开|喷水|爆裂)",
        r"(爆管|水漫金山)",
        r"水(漫|淹|灌)(进|到)?(了)?(家|屋|房间|进来)",
        r"楼上(.{0,6})水(漫|淹|灌)(下来|进)",
    ),
}
_COMPILED = {k: [re.compile(p) for p in ps] for k, ps in _PATTERNS.items()}

_STOP = r"[^，。,.!！?？\s]"
# Right before the keyword: it is not there, or only feared or hypothetical.
_NEG_BEFORE = re.compile(
    r"((没有|没|不是|并没|未|不像|别|禁止|严禁|不准|万一|如果|要是|假如|差点|差一点|险些)" + _STOP + r"{0,4}"
    r"|(怕|担心|容易|会|可能|防止|预防|以免|避免|防|小心|不要|不会)" + _STOP + r"{0,3})$"
)
# Right after it: it has stopped, was dealt with, or is only a risk.
_OVER_AFTER = re.compile(
    r"^(过|" + _STOP + r"{0,3}(没了|没有了|消失|散了|散掉|灭了|扑灭|熄灭|已经好|好了|停了|"
    r"救出来|出来了|放出来|没事|不见了|处理好|修好|隐患|演练|演习))"
)
# Anywhere in the message: a drill, a campaign, the past, a what-if, a shelter question.
_WHOLE = re.compile(
    r"(演练|演习|宣传|培训|讲座|知识|安全检查|隐患排查|巡查|上次|上回|去年|上个月|前几天|上周|"
    r"万一|如果|假如|假设|会不会|以防|防范|预防|注意什么|救出来了|已经出来了|救助|补助|补贴|理赔|赔偿|"
    r"避灾点|避难|安置点|去哪里住|去哪住|能去哪|去哪躲|去哪里躲)"
)


def _live(text: str, m: re.Match[str]) -> bool:
    """True when a match describes something happening now."""
    before = text[max(0, m.start() - 8):m.start()]
    after = text[m.end():m.end() + 10]
    return not (_NEG_BEFORE.search(before) or _OVER_AFTER.search(after))


# Events that are over once told in the past tense ("昨天王阿姨摔了一跤"); a gas smell or water
# "since yesterday" may still be there, so those kinds are not excused by a past day.
_PAST = re.compile(r"(昨天|前天|昨晚|昨儿|前两天|那天|之前|以前|上礼拜|上星期|早些时候)")
_OVER_WHEN_PAST = frozenset({"fire", "injury"})


def detect(text: str) -> str | None:
    """The emergency this message describes (a KINDS name), or None."""
    if not isinstance(text, str) or not text:
        return None
    text = re.sub(r"\s+", " ", text[:1000])
    if _WHOLE.search(text):
        return None
    past = _PAST.search(text) is not None
    for kind in KINDS:
        if past and kind in _OVER_WHEN_PAST:
            continue
        for pattern in _COMPILED[kind]:
            if any(_live(text, m) for m in pattern.finditer(text)):
                return kind
    return None


def mark(result: dict[str, Any], text: str) -> dict[str, Any]:
    """Flag an emergency on a parse result: top-level urgent + urgent_kind, intent report_issue."""
    kind = detect(text)
    if kind is None:
        return result
    ranking = [r for r in result.get("intent_ranking", []) if r.get("name") != "report_issue"]
    result["intent"] = {"name": "report_issue", "confidence": 1.0}
    result["intent_ranking"] = [{"name": "report_issue", "confidence": 1.0}, *ranking]
    result["urgent"] = True
    result["urgent_kind"] = kind
    return result
