"""Config-derived training examples, so a new catalogue entry is understood without new data."""

from __future__ import annotations

from nlu.lexicon import Lexicon

BOOK_TEMPLATES = (
    "我想预约{s}",
    "帮我约个{s}",
    "能不能上门{s}",
    "给{r}约{s}",
    "想给{r}预约一下{s}",
    "{s}怎么预约",
    "{r}需要{s}",
    "我要办{s}",
    "{s}可以上门吗",
    "预约{s}服务",
)
REPORT_TEMPLATES = (
    "小区{k}有问题",
    "我们楼{k}的问题好几天了",
    "反映一下{k}的问题",
    "{k}没人管",
    "报修{k}",
)
RELATIONS = ("我妈", "我爸", "老人", "外婆", "老爷子", "奶奶")


def generate(lexicon: Lexicon) -> list[tuple[str, str]]:
    """A few templated examples per service form and report keyword (deterministic)."""
    out: list[tuple[str, str]] = []
    i = 0
    for svc in lexicon.services:
        for form in svc.forms:
            for _ in range(2):
                template = BOOK_TEMPLATES[i % len(BOOK_TEMPLATES)]
                out.append((template.format(s=form, r=RELATIONS[i % len(RELATIONS)]), "book_service"))
                i += 1
    for cat in lexicon.categories:
        for kw in cat.keywords:
            if len(kw) >= 2:
                out.append((REPORT_TEMPLATES[i % len(REPORT_TEMPLATES)].format(k=kw), "report_issue"))
                i += 1
    return out
