"""The NLU entry point: text (+ reference time) -> Rasa /model/parse-shaped dict, never raising."""

from __future__ import annotations

import logging
import time
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from nlu.artefact import Loaded, default_cache_dir, load_or_train, training_key
from nlu.classifier import USER_WORD_FREQ, IntentClassifier
from nlu.data import DATA_DIR, load_training, training_files
from nlu.entities import EntityExtractor
from nlu.gazetteer import Gazetteer, teach
from nlu.lexicon import Lexicon
from nlu.normalize import clean, has_meaning
from nlu.rules import match_rule
from nlu.urgent import mark as mark_urgent

log = logging.getLogger(__name__)
FALLBACK_INTENT = "out_of_scope"
FALLBACK_THRESHOLD = 0.25  # below this the top intent is replaced by out_of_scope
RANKING_SIZE = 10
REGULARISATION = 20.0  # logistic regression C


class Parser(Protocol):
    """Anything that turns a message into a Rasa-shaped parse result."""

    def parse(self, text: str, now: datetime | None = None) -> dict[str, Any]:
        """Parse one message."""
        ...


def empty_result(text: str) -> dict[str, Any]:
    """A valid result for input with nothing to understand."""
    return {
        "text": text,
        "intent": {"name": FALLBACK_INTENT, "confidence": 1.0},
        "intent_ranking": [{"name": FALLBACK_INTENT, "confidence": 1.0}],
        "entities": [],
    }


class BuiltinParser:
    """Rules for short replies, a scikit-learn classifier, and the entity extractors."""

    def __init__(self, lexicon: Lexicon, use_recognizers: bool = True, *, cache_dir: Path | None = None,
                 use_cache: bool = True, gazetteer: Gazetteer | None = None) -> None:
        started = time.perf_counter()
        self.lexicon = lexicon
        # Recognizers-Text is built on the first message that needs it, not here (about 1.5 s).
        self.entities = EntityExtractor(lexicon, use_recognizers=use_recognizers, gazetteer=gazetteer)
        model = intent_model(lexicon, cache_dir=(cache_dir or default_cache_dir()) if use_cache else None)
        self.classifier = model.classifier
        # The city's estate names are words to jieba, added after the model is loaded: the model
        # (and so its artefact and key) does not depend on them, and a new community retrains nothing.
        if gazetteer:
            teach(self.classifier.tokenizer, gazetteer.words(), USER_WORD_FREQ)
        self.training_size = model.examples
        self.model_source = model.source
        self.startup_seconds = time.perf_counter() - started
        log.info("NLU ready (%s, %d examples) in %.2f s", model.source, model.examples, self.startup_seconds)

    def parse(self, text: str, now: datetime | None = None) -> dict[str, Any]:
        """Parse one message; bad input gives out_of_scope, never an exception."""
        if not isinstance(text, str):
            text = "" if text is None else str(text)
        try:
            return self._parse(text, now)
        except Exception:  # the dialogue must always get an answer
            log.exception("NLU failed on a message of %d characters", len(text))
            return empty_result(text)

    def _parse(self, text: str, now: datetime | None) -> dict[str, Any]:
        cleaned = clean(text)
        if not has_meaning(cleaned):
            return empty_result(text)
        entities = self.entities.extract(cleaned, now)
        rule = match_rule(cleaned)
        if rule is not None:
            ranking = [(rule, 1.0)]
        else:
            ranking = self.classifier.rank(cleaned)
            if not ranking or ranking[0][1] < FALLBACK_THRESHOLD:
                top = ranking[0][1] if ranking else 0.0
                ranking = [(FALLBACK_INTENT, 1.0 - top)] + [r for r in ranking if r[0] != FALLBACK_INTENT]
        return mark_urgent({
            "text": text,
            "intent": {"name": ranking[0][0], "confidence": round(ranking[0][1], 4)},
            "intent_ranking": [{"name": name, "confidence": round(conf, 4)} for name, conf in ranking[:RANKING_SIZE]],
            "entities": entities,
        }, cleaned)  # emergencies are always reports, whatever the classifier thought


def intent_model(lexicon: Lexicon, *, data_dir: Path = DATA_DIR, cache_dir: Path | None) -> Loaded:
    """The intent classifier: from its artefact when one matches, else trained (and saved)."""
    generated = augment(lexicon)
    words = lexicon.user_words()
    files = training_files(data_dir)

    def train() -> tuple[IntentClassifier, int]:
        examples = load_training(data_dir) + generated
        clf = IntentClassifier(words, c=REGULARISATION)
        clf.fit([clean(t) for t, _ in examples], [i for _, i in examples])
        return clf, len(examples)

    return load_or_train(training_key(files, generated, words, REGULARISATION), train, cache_dir)


def augment(lexicon: Lexicon) -> list[tuple[str, str]]:
    """Training examples generated from the config's catalogue (book_service, report_issue)."""
    from nlu.augment import generate

    return generate(lexicon)


def build_parser(
    lexicon: Lexicon, backend: str = "builtin", rasa_url: str | None = None, timeout: float = 2.0,
    *, gazetteer: Gazetteer | None = None,
) -> Parser:
    """Build the parser once at start-up: builtin, or a Rasa server with builtin fallback."""
    if backend not in ("builtin", "rasa"):
        raise ValueError(f"unknown nlu backend: {backend!r}")
    if backend == "rasa" and not rasa_url:
        raise ValueError("nlu backend 'rasa' needs rasa_url")
    builtin = BuiltinParser(lexicon, gazetteer=gazetteer)
    if backend == "rasa" and rasa_url:
        from nlu.rasa import RasaParser

        return RasaParser(rasa_url, builtin, timeout=timeout)
    return builtin
