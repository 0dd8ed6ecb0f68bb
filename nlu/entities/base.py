"""Entity dicts in Rasa's shape and span bookkeeping shared by the extractors."""

from __future__ import annotations

from typing import Any

Entity = dict[str, Any]


def make_entity(
    entity: str,
    value: Any,
    start: int,
    end: int,
    extractor: str,
    confidence: float = 1.0,
    **extra: Any,
) -> Entity:
    """Build one entity dict (end is exclusive, like Rasa)."""
    ent: Entity = {
        "entity": entity,
        "value": value,
        "start": start,
        "end": end,
        "confidence": confidence,
        "extractor": extractor,
    }
    ent.update(extra)
    return ent


class Taken:
    """Character spans already claimed by an earlier, more specific extractor."""

    def __init__(self) -> None:
        self._spans: list[tuple[int, int]] = []

    def free(self, start: int, end: int) -> bool:
        """True when [start, end) overlaps nothing claimed."""
        return all(end <= s or start >= e for s, e in self._spans)

    def claim(self, start: int, end: int) -> None:
        """Mark [start, end) as used."""
        self._spans.append((start, end))
