"""The city's estate names (every community's), matched by dictionary lookups, not one huge regex.

Why not the lexicon's regex: a city has tens of thousands of estate names, and an alternation
of 45,000 literals takes seconds to compile and is slow to match. Here the names are one set,
and a message is scanned left to right trying the lengths that exist, longest first (the same
leftmost-longest answer as the regex), a few hundred set lookups per message.

Only names of at least MIN_FORM characters are taken: across a city, two-character aliases
and short forms (东西苑 → 东西, 一组) are ordinary words somewhere; the resident's own
community's short forms come from the lexicon, which the parser is built with.
"""

from __future__ import annotations

from collections.abc import Iterable

import jieba

MIN_FORM = 3


class Gazetteer:
    """A set of estate names (any community's), found in text leftmost-longest."""

    def __init__(self, names: Iterable[str] = ()) -> None:
        self._forms = frozenset(n for n in (str(x).strip() for x in names) if len(n) >= MIN_FORM)
        self._lengths = tuple(sorted({len(f) for f in self._forms}, reverse=True))
        self._first = frozenset(f[0] for f in self._forms)

    def __len__(self) -> int:
        return len(self._forms)

    def __contains__(self, name: object) -> bool:
        return name in self._forms

    def words(self) -> frozenset[str]:
        """Every name held."""
        return self._forms

    def find(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, name) of every non-overlapping leftmost-longest name in text."""
        out: list[tuple[int, int, str]] = []
        i, n = 0, len(text)
        while i < n:
            if text[i] in self._first:
                for size in self._lengths:
                    if i + size <= n and text[i:i + size] in self._forms:
                        out.append((i, i + size, text[i:i + size]))
                        i += size
                        break
                else:
                    i += 1
            else:
                i += 1
        return out


def teach(tokenizer: jieba.Tokenizer, words: Iterable[str], freq: int) -> int:
    """Add words to a ready jieba tokenizer without changing how it cuts any other text.

    jieba's own `add_word` adds each word's frequency to the dictionary total, and 45,000
    names would double it and shift every cut; here the total stays, so only text that
    contains one of the words is cut differently. Returns how many words were new.
    """
    table = tokenizer.FREQ
    added = 0
    for word in words:
        if table.get(word):
            continue
        table[word] = freq
        added += 1
        for end in range(1, len(word)):
            table.setdefault(word[:end], 0)  # prefixes let jieba's DAG walk to the word
    return added
