"""Intent classifier: char n-grams + jieba words, TF-IDF, logistic regression (scikit-learn).

Prediction needs only numpy and jieba: scikit-learn is imported by `fit` alone, so a
classifier loaded from its artefact (nlu/artefact.py) starts without it.
"""

from __future__ import annotations

import json
import logging
import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

import jieba
import numpy as np

MAX_MODEL_CHARS = 200  # long rambles: the first 200 characters decide the intent
USER_WORD_FREQ = 2000
_SPACE_RE = re.compile(r"\s+")
_PUNCT_RE = re.compile(r"[,.!?;:~，。！？；：、…'\"“”‘’()（）\[\]【】]+")
_DIGITS_RE = re.compile(r"\d+")

jieba.setLogLevel(logging.WARNING)


def fresh_tokenizer(user_words: Sequence[str]) -> jieba.Tokenizer:
    """jieba with its full dictionary (about 1 s to load) plus the community's words."""
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    for word in user_words:
        tokenizer.add_word(word, freq=USER_WORD_FREQ)
    return tokenizer


def tokenizer_arrays(tokenizer: jieba.Tokenizer) -> dict[str, np.ndarray]:
    """jieba's prefix dictionary as plain arrays (words joined by newlines, their counts)."""
    words = list(tokenizer.FREQ)
    if any("\n" in w for w in words):
        raise ValueError("a dictionary word contains a newline")
    return {
        "jieba_words": np.frombuffer("\n".join(words).encode("utf-8"), dtype=np.uint8),
        "jieba_freq": np.fromiter(tokenizer.FREQ.values(), dtype=np.int64, count=len(words)),
        "jieba_total": np.asarray(tokenizer.total, dtype=np.int64),
    }


def tokenizer_from_arrays(arrays: Mapping[str, np.ndarray]) -> jieba.Tokenizer:
    """A ready jieba tokenizer from `tokenizer_arrays` (about 0.2 s instead of 1 s)."""
    words = arrays["jieba_words"].tobytes().decode("utf-8").split("\n")
    freqs = arrays["jieba_freq"].tolist()
    if len(words) != len(freqs):
        raise ValueError("jieba dictionary arrays disagree")
    tokenizer = jieba.Tokenizer()
    # The three attributes `initialize()` sets; jieba is pinned to 0.42 (a test compares cuts).
    tokenizer.FREQ = dict(zip(words, freqs, strict=True))
    tokenizer.total = int(arrays["jieba_total"])
    tokenizer.initialized = True
    return tokenizer


def _json_array(items: Sequence[str]) -> np.ndarray:
    """A list of strings as UTF-8 JSON bytes in a uint8 array (npz without pickles)."""
    return np.frombuffer(json.dumps(list(items), ensure_ascii=False).encode("utf-8"), dtype=np.uint8)


def _json_list(array: np.ndarray) -> list[str]:
    """The inverse of `_json_array`."""
    items: Any = json.loads(array.tobytes().decode("utf-8"))
    if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
        raise ValueError("not a list of strings")
    return items


class IntentClassifier:
    """Trained from Rasa NLU YAML examples (or loaded from its artefact); ranks intents."""

    def __init__(self, user_words: Sequence[str] = (), c: float = 20.0,
                 tokenizer: jieba.Tokenizer | None = None) -> None:
        self.c = c
        self.tokenizer = tokenizer if tokenizer is not None else fresh_tokenizer(user_words)
        self.labels: list[str] = []
        self._coef: np.ndarray = np.zeros((0, 0))
        self._bias: np.ndarray = np.zeros(0)
        self._vocab: dict[str, int] = {}
        self._idf: np.ndarray = np.zeros(0)
        self.model: Any = None  # scikit-learn objects, only after `fit`
        self.vectorizer: Any = None

    @staticmethod
    def prepare(text: str) -> str:
        """Model view of a cleaned text: no punctuation, digits folded to 0, length capped."""
        text = _PUNCT_RE.sub(" ", text[:MAX_MODEL_CHARS])
        return _SPACE_RE.sub(" ", _DIGITS_RE.sub("0", text)).strip()

    def features(self, text: str) -> list[str]:
        """Character 1-3-grams (spaces removed) plus jieba words."""
        compact = text.replace(" ", "")
        grams = list(compact)
        grams += [compact[i : i + 2] for i in range(len(compact) - 1)]
        grams += [compact[i : i + 3] for i in range(len(compact) - 2)]
        grams += ["w:" + w for w in self.tokenizer.lcut(text, HMM=False) if w.strip()]
        return grams

    def fit(self, texts: Sequence[str], intents: Sequence[str]) -> IntentClassifier:
        """Train on (text, intent) examples (the only place scikit-learn is used)."""
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        self.vectorizer = TfidfVectorizer(analyzer=self.features, sublinear_tf=True, min_df=1)
        self.model = LogisticRegression(C=self.c, max_iter=3000)
        matrix = self.vectorizer.fit_transform([self.prepare(t) for t in texts])
        self.model.fit(matrix, list(intents))
        self.labels = [str(label) for label in self.model.classes_]
        self._coef = np.asarray(self.model.coef_, dtype=np.float64).T.copy()
        self._bias = np.asarray(self.model.intercept_, dtype=np.float64)
        self._vocab = {str(k): int(v) for k, v in self.vectorizer.vocabulary_.items()}
        self._idf = np.asarray(self.vectorizer.idf_, dtype=np.float64)
        return self

    def arrays(self) -> dict[str, np.ndarray]:
        """Everything prediction needs, as numpy arrays (no pickles): weights and dictionary."""
        terms = [""] * len(self._vocab)
        for term, index in self._vocab.items():
            terms[index] = term
        return {
            "labels": _json_array(self.labels),
            "vocab": _json_array(terms),
            "idf": self._idf,
            "coef": self._coef,
            "bias": self._bias,
            **tokenizer_arrays(self.tokenizer),
        }

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, np.ndarray]) -> IntentClassifier:
        """The classifier saved by `arrays`; ValueError/KeyError when they do not fit together."""
        clf = cls(tokenizer=tokenizer_from_arrays(arrays))
        clf.labels = _json_list(arrays["labels"])
        terms = _json_list(arrays["vocab"])
        clf._vocab = {term: i for i, term in enumerate(terms)}
        clf._idf = np.asarray(arrays["idf"], dtype=np.float64)
        clf._coef = np.asarray(arrays["coef"], dtype=np.float64)
        clf._bias = np.asarray(arrays["bias"], dtype=np.float64)
        if clf._coef.shape != (len(terms), len(clf.labels)) or clf._idf.shape != (len(terms),) \
                or clf._bias.shape != (len(clf.labels),):
            raise ValueError("classifier arrays disagree")
        return clf

    def scores(self, text: str) -> np.ndarray:
        """Decision scores per label, computed from the fitted TF-IDF and weights directly.

        Same numbers as `model.decision_function(vectorizer.transform([...]))` (a test
        checks it) without scikit-learn's per-call validation, which costs ~1 ms.
        """
        counts = Counter(f for f in self.features(self.prepare(text)) if f in self._vocab)
        if not counts:
            return self._bias.copy()
        idx = np.fromiter((self._vocab[f] for f in counts), dtype=np.intp, count=len(counts))
        tf = np.fromiter((1.0 + math.log(c) for c in counts.values()), dtype=np.float64, count=len(counts))
        weights = tf * self._idf[idx]
        weights /= np.sqrt(weights @ weights)
        return np.asarray(weights @ self._coef[idx] + self._bias)

    def rank(self, text: str) -> list[tuple[str, float]]:
        """(intent, probability) pairs, best first."""
        if not self.prepare(text):
            return []
        scores = self.scores(text)
        scores = np.exp(scores - scores.max())
        probs = scores / scores.sum()
        order = np.argsort(-probs)
        return [(self.labels[i], float(probs[i])) for i in order]
