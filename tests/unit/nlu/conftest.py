"""Shared fixtures: the sample config's lexicon and one parser built per test session."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import yaml

from nlu import Lexicon, build_parser
from nlu.classifier import IntentClassifier
from nlu.parser import BuiltinParser, intent_model

ROOT = Path(__file__).resolve().parents[3]
SHANGHAI = timezone(timedelta(hours=8))
# Saturday 30 November 2024, 10:00 in Shanghai.
NOW = datetime(2024, 11, 30, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture(scope="session")
def raw_config() -> dict[str, Any]:
    """The sample community config shipped in the repository."""
    data: dict[str, Any] = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="session")
def lexicon(raw_config: dict[str, Any]) -> Lexicon:
    """The lexicon generated from the sample config."""
    return Lexicon.from_config(raw_config)


@pytest.fixture(scope="session")
def parser(lexicon: Lexicon) -> BuiltinParser:
    """One builtin parser for the whole session, as the bot starts it (from the artefact when built)."""
    built = build_parser(lexicon)
    assert isinstance(built, BuiltinParser)
    return built


@pytest.fixture(scope="session")
def trained(lexicon: Lexicon) -> IntentClassifier:
    """A classifier trained now with scikit-learn, never read from or written to a cache."""
    model = intent_model(lexicon, cache_dir=None)
    assert model.source == "trained"
    return model.classifier


def entities_of(result: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    """The entities of one kind in a parse result."""
    return [e for e in result["entities"] if e["entity"] == kind]


def values_of(result: dict[str, Any], kind: str) -> list[Any]:
    """The values of the entities of one kind."""
    return [e["value"] for e in entities_of(result, kind)]
