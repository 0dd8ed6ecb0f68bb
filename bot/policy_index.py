"""Policy retrieval: jieba tokens + BM25 (bm25s) over title, keywords and body, with synonyms.

Built once per library version (at start, and again when staff add or remove a policy), never
per question. jieba's dictionary ships inside its wheel: nothing is downloaded at run time.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

import bm25s
import jieba
import numpy as np

from domain.policies import Policy
from nlu.classifier import fresh_tokenizer

log = logging.getLogger(__name__)
# bm25s sets its own logger to DEBUG on import; libraries log at WARNING here, like everywhere.
logging.getLogger("bm25s").setLevel(logging.WARNING)

# Words that say nothing about WHICH policy is meant: question words, pronouns, and the words
# that name an aspect (材料, 申请 …; nlu/policy_cues.py reads those) — they occur in every policy.
STOPWORDS = frozenset((
    "什么", "怎么", "怎么样", "怎样", "哪里", "哪儿", "哪些", "哪个", "多少", "几个", "是不是", "能不能",
    "可不可以", "有没有", "要不要", "请问", "一下", "我们", "你们", "他们", "她们", "自己", "我家",
    "家里", "现在", "这个", "那个", "这些", "那些", "还有", "或者", "就是", "还是", "可以", "能够",
    "需要", "应该", "知道", "告诉", "问问", "想问", "了解", "政策", "规定", "办法", "情况", "东西",
    "时候", "如果", "因为", "所以", "但是", "然后", "的话", "一个", "这样", "那样", "申请", "办理",
    "材料", "证件", "手续", "带上", "准备", "获得", "得到", "条件", "符合", "资格", "享受", "谁能",
    "哪儿办", "地方", "标准", "能领", "领取", "没有", "怎么办", "我想", "我能", "我要", "不能", "办个",
    "下来", "一点", "多少钱", "补助", "补贴", "好处", "待遇", "帮忙", "帮帮", "帮一下", "政府", "社区",
    "我妈", "我爸", "老妈", "老爸", "爸爸", "妈妈", "惠民", "福利", "优惠", "国家",
))
EMPTY = "∅"  # the one token of a document with no searchable words
_WORD = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]+")
# A question that names a policy (its title, a keyword, a synonym) says more than one that only
# shares words with its text: the names index counts this many times the body's.
NAME_WEIGHT = 2.0


@dataclass(frozen=True)
class Hit:
    """A policy and its BM25 score for one question."""

    policy: Policy
    score: float


@lru_cache(maxsize=4)
def _tokenizer(words: tuple[str, ...]) -> jieba.Tokenizer:
    # About 1 s to load jieba's dictionary: once per process and word list, shared by rebuilds.
    return fresh_tokenizer(words)


class PolicyIndex:
    """BM25 over a fixed list of policies; `search` ranks them for one question."""

    def __init__(self, policies: Sequence[Policy], synonyms: Mapping[str, Sequence[str]],
                 stamp: str = "") -> None:
        self.policies = tuple(policies)
        self.stamp = stamp
        self._canon = {term: key for key, terms in synonyms.items() for term in (key, *terms)}
        words = sorted({w for p in self.policies for w in p.keywords} | set(self._canon))
        self._jieba = _tokenizer(tuple(w for w in words if len(w) > 1))
        self._names = _bm25([self._names_of(p) for p in self.policies])
        self._bodies = _bm25([self._body_of(p) for p in self.policies])
        log.info("policy index built: %d policies", len(self.policies))

    def tokens(self, text: str) -> list[str]:
        """Search words of a text: jieba's fine cut, synonyms added, stop words and 1-char words out."""
        out: list[str] = []
        for chunk in _WORD.findall(text[:500]):
            for word in self._jieba.cut_for_search(chunk):
                if len(word) < 2 or word in STOPWORDS:
                    continue
                out.append(word)
                canon = self._canon.get(word)
                if canon is not None and canon != word:
                    out.append(canon)
        return out

    def _names_of(self, p: Policy) -> list[str]:
        return self.tokens(" ".join((p.title, *p.keywords)))

    def _body_of(self, p: Policy) -> list[str]:
        return self.tokens("\n".join((p.target, p.benefit, p.documents, p.apply)))

    def search(self, text: str, limit: int = 3) -> list[Hit]:
        """The best policies for a question, best first; only those scoring above zero."""
        query = self.tokens(text)
        if self._names is None or self._bodies is None or not query:
            return []
        scores = NAME_WEIGHT * _scores(self._names, query) + _scores(self._bodies, query)
        ranked = sorted(range(len(self.policies)), key=lambda i: -float(scores[i]))
        return [Hit(self.policies[i], float(scores[i])) for i in ranked[:limit] if scores[i] > 0]

    def has_words(self, text: str) -> bool:
        """Whether a question names anything at all (beyond question and aspect words)."""
        return bool(self.tokens(text))


def _bm25(docs: list[list[str]]) -> bm25s.BM25 | None:
    """A BM25 index over tokenised documents (None when there are none)."""
    if not docs:
        return None
    index = bm25s.BM25()
    index.index([d or [EMPTY] for d in docs], show_progress=False)  # bm25s needs a token each
    return index


def _scores(index: bm25s.BM25, query: list[str]) -> np.ndarray:
    """Scores of every document; zeros when no query word is in the index's vocabulary."""
    known = [t for t in query if t in index.vocab_dict]
    if not known:
        return np.zeros(int(index.scores["num_docs"]))
    return np.asarray(index.get_scores(known), dtype=float)


def build(policies: Iterable[Policy], synonyms: Mapping[str, Sequence[str]],
          stamp: str = "") -> PolicyIndex:
    """A fresh index over these policies."""
    return PolicyIndex(list(policies), synonyms, stamp)
