"""Intent classifier: char n-grams + jieba words, TF-IDF, logistic regression (scikit-learn)."""

from __future__ import annotations

import logging
import math
import re
from collections import Counter
from collections.abc import Sequence

import jieba
import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

MAX_MODEL_CHARS = 200  # long rambles: the first 200 characters decide the intent
_SPACE_RE = re.compile(r"\s+")
_PUNCT_RE = re.compile(r"[,.!?;:~，。！？；：、…'\"“”‘’()（）\[\]【】]+")
_DIGITS_RE = re.compile(r"\d+")

jieba.setLogLevel(logging.WARNING)


class IntentClassifier:
    """Trained at start-up from Rasa NLU YAML examples; predicts a ranking of intents."""

    def __init__(self, user_words: Sequence[str] = (), c: float = 20.0) -> None:
        self.tokenizer = jieba.Tokenizer()
        self.tokenizer.initialize()
        for word in user_words:
            self.tokenizer.add_word(word, freq=2000)
        self.vectorizer = TfidfVectorizer(analyzer=self.features, sublinear_tf=True, min_df=1)
        self.model = LogisticRegression(C=c, max_iter=3000)
        self.labels: list[str] = []
        self._coef: np.ndarray = np.zeros((0, 0))
        self._bias: np.ndarray = np.zeros(0)
        self._vocab: dict[str, int] = {}
        self._idf: np.ndarray = np.zeros(0)

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
        """Train on (text, intent) examples."""
        matrix = self.vectorizer.fit_transform([self.prepare(t) for t in texts])
        self.model.fit(matrix, list(intents))
        self.labels = [str(label) for label in self.model.classes_]
        self._coef = np.asarray(self.model.coef_, dtype=np.float64).T.copy()
        self._bias = np.asarray(self.model.intercept_, dtype=np.float64)
        self._vocab = {str(k): int(v) for k, v in self.vectorizer.vocabulary_.items()}
        self._idf = np.asarray(self.vectorizer.idf_, dtype=np.float64)
        return self

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
