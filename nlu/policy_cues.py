"""Which part of a policy a question asks for (材料 / 对象 / 内容 / 办理), and "那我能申请吗"."""

from __future__ import annotations

import re

# Aspect names match domain.policies.Aspect values (nlu imports nothing of ours).
_ASPECTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("documents", re.compile(
        r"材料|证件|资料|手续|带什么|带啥|带哪些|拿什么|拿啥|要带|准备什么|准备啥|哪些东西|啥东西|什么东西|证明")),
    ("target", re.compile(
        r"谁能|谁可以|谁有|哪些人|什么人|啥人|哪种人|对象|条件|资格|谁获得|谁能获得|谁能领|谁能拿|哪些家庭"
        r"|什么样的人|什么情况(?:下)?(?:能|可以)")),
    ("benefit", re.compile(
        r"多少钱|能领多少|领多少|拿多少|给多少|发多少|补多少|有多少|多少元|标准|有什么补|有啥补|有哪些补"
        r"|补什么|什么待遇|待遇|能得到什么|能拿到什么|给什么|发什么|有什么好处|金额|领什么|什么钱|啥钱|给钱|发钱")),
    ("apply", re.compile(
        r"去哪|到哪|在哪|哪里办|哪儿办|怎么办理|怎么申请|如何申请|怎样申请|怎么弄|怎么办|怎么领|怎么拿|怎么交|找谁|流程|网上|办理|在哪办"
        r"|哪个窗口|手机上")),
)
# "那我能申请吗" / "我符合吗" / "我妈能不能领": asks about the speaker (or their family), not the policy.
_WHO = r"(?:我|咱|俺|本人)(?:家|妈|爸|们家|老伴|父亲|母亲|家老人|家里)?"
_END = r"[^，,。？?！!]"
_QUALIFY = re.compile(
    rf"{_WHO}{_END}{{0,8}}?(?:能不能|可不可以|够不够|符不符合|有没有资格|算不算|行不行)"
    rf"|{_WHO}{_END}{{0,8}}?(?:能|可以|符合|够|算|有资格){_END}{{0,14}}?(?:吗|嘛|么|不)(?=[？?。！!\s]|$)"
    rf"|{_WHO}{_END}{{0,8}}?(?:符合条件|够条件|有资格|够格)"
    rf"|(?:那|那么)?{_WHO}(?:呢|行吗|可以吗|能吗)")


# "临时救助是什么": who it is for and what you get.
_WHAT_IS = re.compile(r"是什么|是啥|什么意思|啥意思|怎么回事|介绍一下|讲讲|说说")


def aspects(text: str) -> list[str]:
    """The aspects a question asks for, in the order they are asked (none: a general question)."""
    found: list[tuple[int, str]] = []
    for name, pattern in _ASPECTS:
        m = pattern.search(text)
        if m is not None:
            found.append((m.start(), name))
    m = _WHAT_IS.search(text)
    if m is not None and found:  # alone it is the plain summary: no aspect to single out
        found += [(m.start(), "target"), (m.start(), "benefit")]
    ordered = [name for _, name in sorted(found, key=lambda f: f[0])]  # stable: 对象 before 内容
    return list(dict.fromkeys(ordered))


def asks_if_qualified(text: str) -> bool:
    """Whether the speaker asks if they (or their family) qualify."""
    return _QUALIFY.search(text) is not None
