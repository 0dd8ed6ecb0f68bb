"""Accuracy gates (the evaluation is deterministic): held-out intents and the labelled time set."""

from __future__ import annotations

from nlu.data import heldout_file, times_file
from nlu.evaluate import evaluate_file, evaluate_times
from nlu.parser import BuiltinParser

INTENT_GATE = 0.95
TIME_GATE = 0.95


def test_heldout_intent_accuracy_is_at_least_95_percent(parser: BuiltinParser) -> None:
    report = evaluate_file(parser, heldout_file())
    assert report["total"] >= 200
    assert report["accuracy"] >= INTENT_GATE, report["errors"]


def test_time_accuracy_is_at_least_95_percent_and_no_time_is_ever_wrong(parser: BuiltinParser) -> None:
    report = evaluate_times(parser, times_file())
    assert report["total"] >= 50
    assert report["accuracy"] >= TIME_GATE, report["errors"]
    # A time the NLU cannot read may be missing (the bot then asks); it may never be a wrong one.
    assert [e for e in report["errors"] if e["got"] is not None] == []
