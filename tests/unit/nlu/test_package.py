"""Package rules: no imports of our other packages, data files, config-generated vocabulary."""

from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path
from typing import Any

from nlu import INTENTS, Lexicon
from nlu.augment import generate
from nlu.data import heldout_file, load_nlu_file, load_training, training_files
from nlu.evaluate import intent_report
from tests.unit.nlu.conftest import ROOT

FORBIDDEN = ("bot", "domain", "storage")


def test_nlu_imports_nothing_of_ours() -> None:
    for path in (ROOT / "nlu").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            for name in names:
                assert name.split(".")[0] not in FORBIDDEN, f"{path}: imports {name}"


def test_training_data_is_rich_enough() -> None:
    counts = Counter(intent for _, intent in load_training())
    assert set(counts) == set(INTENTS)
    for intent in INTENTS:
        assert counts[intent] >= 40, intent


def test_heldout_is_never_trained_on() -> None:
    assert heldout_file() not in training_files()
    trained = {text for text, _ in load_training()}
    heldout = load_nlu_file(heldout_file())
    assert len(heldout) >= 200
    assert not [text for text, _ in heldout if text in trained]


def test_vocabulary_comes_from_config(raw_config: dict[str, Any]) -> None:
    raw = dict(raw_config)
    raw["estates"] = [{"code": "X1", "name": "银杏湾小区", "aliases": ["银杏"]}]
    raw["services"] = {"care": [{"group": "助餐", "items": [{"name": "老年助餐", "aliases": ["送饭"]}]}]}
    raw["reports"] = {"categories": [{"code": "pets", "label": "宠物", "keywords": ["狗叫"]}]}
    lex = Lexicon.from_config(raw)
    assert lex.estates[0].forms == ("银杏湾小区", "银杏", "银杏湾")
    assert lex.synonyms()["老年助餐"] == ["送饭"]
    assert "送饭" in lex.user_words() and "银杏湾" in lex.user_words()
    generated = generate(lex)
    assert any("送饭" in text and intent == "book_service" for text, intent in generated)
    assert any("狗叫" in text and intent == "report_issue" for text, intent in generated)
    assert Lexicon.from_config(None).estates == []


def test_intent_report_numbers() -> None:
    report = intent_report(["a", "a", "b", "b"], ["a", "b", "b", "b"])
    assert report["accuracy"] == 0.75
    assert report["per_intent"]["a"] == {
        "precision": 1.0,
        "recall": 0.5,
        "f1-score": 0.6667,
        "support": 2,
    }
    assert report["confused"] == [{"intent": "a", "predicted": "b", "count": 1}]


def test_data_dir_is_inside_the_package() -> None:
    assert Path(heldout_file()).is_file()
