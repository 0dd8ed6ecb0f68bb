"""Is a new report the same as an open one? Character bigrams and place."""

from __future__ import annotations

from domain.reports import Report


def _bigrams(text: str) -> set[str]:
    t = "".join(ch for ch in text if ch.isalnum())
    return {t[i : i + 2] for i in range(len(t) - 1)} or ({t} if t else set())


def text_similarity(a: str, b: str) -> float:
    """Jaccard similarity of character bigrams, 0..1 (Chinese has no spaces to split on)."""
    x, y = _bigrams(a), _bigrams(b)
    if not x or not y:
        return 0.0
    return len(x & y) / len(x | y)


def likely_duplicate(new: Report, candidates: list[Report], threshold: float = 0.3) -> Report | None:
    """The open report of the same place and category most like `new`, if alike enough."""
    best: tuple[float, Report] | None = None
    for old in candidates:
        if not old.is_open or old.number == new.number:
            continue
        if new.address.estate and old.address.estate != new.address.estate:
            continue
        if new.address.building and old.address.building not in ("", new.address.building):
            continue
        score = text_similarity(new.description, old.description)
        if old.category == new.category and new.category != "other":
            score += 0.2
        if score >= threshold and (best is None or score > best[0]):
            best = (score, old)
    return best[1] if best else None
