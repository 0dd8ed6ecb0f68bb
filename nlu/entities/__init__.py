"""Entity extraction: numbers, times, addresses and catalogue names, in priority order."""

from __future__ import annotations

from datetime import datetime

from nlu.entities.address import extract_address
from nlu.entities.base import Entity, Taken
from nlu.entities.catalogue import CatalogueExtractor
from nlu.entities.numbers import extract_ids, extract_phones
from nlu.entities.timeexpr import extract_time, to_shanghai
from nlu.gazetteer import Gazetteer
from nlu.lexicon import Lexicon

__all__ = ["Entity", "EntityExtractor"]


class EntityExtractor:
    """Runs every extractor over cleaned text; earlier extractors claim their spans."""

    def __init__(self, lexicon: Lexicon, use_recognizers: bool = True,
                 gazetteer: Gazetteer | None = None) -> None:
        self.catalogue = CatalogueExtractor(lexicon, gazetteer)
        self.use_recognizers = use_recognizers

    def extract(self, text: str, now: datetime | None = None) -> list[Entity]:
        """All entities of text, sorted by position."""
        taken = Taken()
        ref = to_shanghai(now)
        out = extract_ids(text, taken, ref.date())
        out += extract_phones(text, taken)
        out += self.catalogue.extract(text, taken)
        out += extract_address(text, taken)
        out += extract_time(text, ref, taken, self.use_recognizers)
        out.sort(key=lambda e: (e["start"], e["end"]))
        return out
