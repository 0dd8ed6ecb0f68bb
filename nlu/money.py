"""Amounts as staff write them on a receipt photo: "扫帚 25元", "买扫帚25块 王书记批的", "三块五毛"."""

from __future__ import annotations

import re
from dataclasses import dataclass

from nlu.numerals import NUM_CHARS, cn_to_int

_NUM = rf"(?:\d+(?:\.\d{{1,2}})?|[{NUM_CHARS}万]+)"
# 25元 / 25块5 / 二十五块五毛 / 25.5元 / 5角 / 8毛钱 / ¥25 / 25 (a bare number, when alone)
AMOUNT = re.compile(
    rf"(?:[¥￥]\s*(?P<sym>\d+(?:\.\d{{1,2}})?))"
    rf"|(?P<yuan>{_NUM})\s*(?:元|块|圆)(?:\s*(?P<jiao>[{NUM_CHARS}])(?:角|毛)?)?(?:钱)?"
    rf"|(?P<only_jiao>[{NUM_CHARS}])\s*(?:角|毛)(?:钱)?")
BARE = re.compile(r"(?<![\d.])(\d+(?:\.\d{1,2})?)(?![\d.])")
APPROVER = re.compile(
    r"(?:审批人|批准人|审批|经办人)[:：\s]*(?P<a>[\u4e00-\u9fff]{1,6})"
    r"|经?(?P<b>[\u4e00-\u9fff]{1,5}?)(?:批的|批准的|批准|审批的|审批|签的字|签字|同意的|同意|批了|批)")
INCOME = re.compile(r"收到|收入|拨款|拨付|补助|入账|捐款|返还")
FILLERS = re.compile(r"^(?:今天|刚才|刚|已经)?(?:买了|买|购买了|购买|采购|支付|付了|付|花了|花|交了|交)|"
                     r"(?:一共|共计|共|合计|总共|花了|用了|的钱|钱)$")
MAX_PURPOSE = 60


@dataclass(frozen=True)
class Receipt:
    """What a caption says: the amount in fen (None if none), purpose, approver, income or not."""

    amount_fen: int | None
    purpose: str
    approver: str
    income: bool


def _int(text: str) -> int | None:
    if "万" in text:
        high, _, low = text.partition("万")
        h = cn_to_int(high) if high else 1
        lo = cn_to_int(low) if low else 0
        return None if h is None or lo is None else h * 10000 + lo
    return cn_to_int(text)


def _yuan_to_fen(text: str) -> int | None:
    if re.fullmatch(r"\d+\.\d{1,2}", text):
        whole, frac = text.split(".")
        return int(whole) * 100 + int(frac.ljust(2, "0"))
    n = _int(text)
    return n * 100 if n is not None else None


def amount_of(text: str) -> tuple[int | None, tuple[int, int] | None]:
    """The first amount in fen and where it stands; (None, None) if there is none."""
    m = AMOUNT.search(text)
    if m is None:
        bare = BARE.findall(text)
        if len(bare) != 1:  # "2幢 3楼 25" is not clear enough to write down as money
            return None, None
        b = BARE.search(text)
        assert b is not None
        fen = _yuan_to_fen(b.group(1))
        return (fen, b.span()) if fen else (None, None)
    if m.group("sym"):
        fen = _yuan_to_fen(m.group("sym"))
    elif m.group("only_jiao"):
        j = cn_to_int(m.group("only_jiao"))
        fen = j * 10 if j is not None else None
    else:
        fen = _yuan_to_fen(m.group("yuan"))
        if fen is not None and m.group("jiao"):
            j = cn_to_int(m.group("jiao"))
            fen = fen + j * 10 if j is not None and j < 10 else None
    return (fen, m.span()) if fen else (None, None)


def parse_receipt(text: str) -> Receipt:
    """Amount, purpose and approver from a caption; what is left after both is the purpose."""
    text = re.sub(r"(?<=\d)[,，](?=\d{3})", "", " ".join(text.split()))  # 2,400元
    fen, span = amount_of(text)
    rest = text[:span[0]] + " " + text[span[1]:] if span else text
    approver = ""
    if (m := APPROVER.search(rest)) is not None:
        approver = (m.group("a") or m.group("b") or "").strip()
        rest = rest[:m.start()] + " " + rest[m.end():]
    words = []
    for part in re.split(r"[\s,，。;；:：、]+", rest):
        for _ in range(2):  # "买了扫帚一共" → 扫帚
            part = FILLERS.sub("", part)
        if part:
            words.append(part)
    purpose = " ".join(words)[:MAX_PURPOSE]
    return Receipt(fen, purpose, approver, bool(INCOME.search(text)))
