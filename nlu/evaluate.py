"""Evaluate a parser on Rasa NLU YAML test data, like `rasa test nlu` (intents)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from nlu.data import load_nlu_file
from nlu.parser import Parser


def intent_report(gold: Sequence[str], predicted: Sequence[str], top_confusions: int = 10) -> dict[str, Any]:
    """Accuracy, macro-F1, per-intent precision/recall/F1/support and most confused pairs."""
    labels = sorted(set(gold) | set(predicted))
    per: dict[str, dict[str, float]] = {}
    for label in labels:
        tp = sum(1 for g, p in zip(gold, predicted, strict=True) if g == p == label)
        n_pred = sum(1 for p in predicted if p == label)
        support = sum(1 for g in gold if g == label)
        precision = tp / n_pred if n_pred else 0.0
        recall = tp / support if support else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per[label] = {
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1-score": round(f1, 4),
            "support": support,
        }
    gold_labels = [label for label in labels if per[label]["support"]]
    macro = sum(per[label]["f1-score"] for label in gold_labels) / len(gold_labels) if gold_labels else 0.0
    correct = sum(1 for g, p in zip(gold, predicted, strict=True) if g == p)
    confused = Counter((g, p) for g, p in zip(gold, predicted, strict=True) if g != p)
    return {
        "total": len(gold),
        "accuracy": round(correct / len(gold), 4) if gold else 0.0,
        "macro_f1": round(macro, 4),
        "per_intent": per,
        "confused": [{"intent": g, "predicted": p, "count": n} for (g, p), n in confused.most_common(top_confusions)],
    }


def evaluate_file(parser: Parser, path: str | Path) -> dict[str, Any]:
    """Parse every example of a test file and report on intents (errors listed too)."""
    pairs = load_nlu_file(path)
    predicted = [str(parser.parse(text)["intent"]["name"]) for text, _ in pairs]
    report = intent_report([g for _, g in pairs], predicted)
    report["errors"] = [
        {"text": t, "intent": g, "predicted": p} for (t, g), p in zip(pairs, predicted, strict=True) if g != p
    ]
    return report


def format_report(report: dict[str, Any]) -> str:
    """A plain-text table like Rasa's intent report."""
    lines = [
        f"examples: {report['total']}  accuracy: {report['accuracy']:.4f}  macro-F1: {report['macro_f1']:.4f}",
        "",
    ]
    lines.append(f"{'intent':<16}{'precision':>10}{'recall':>10}{'f1':>10}{'support':>9}")
    for name, row in report["per_intent"].items():
        lines.append(
            f"{name:<16}{row['precision']:>10.3f}{row['recall']:>10.3f}{row['f1-score']:>10.3f}{row['support']:>9}"
        )
    if report["confused"]:
        lines += ["", "most confused (intent -> predicted: count):"]
        lines += [f"  {c['intent']} -> {c['predicted']}: {c['count']}" for c in report["confused"]]
    if report.get("errors"):
        lines += ["", "errors:"]
        lines += [f"  {e['text']}  [{e['intent']} -> {e['predicted']}]" for e in report["errors"]]
    return "\n".join(lines)


def evaluate_times(parser: Parser, path: str | Path) -> dict[str, Any]:
    """Accuracy of the first `time` entity (or none) against a labelled file like nlu/data/test/times.yml."""
    from datetime import datetime

    import yaml

    doc: Any = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    now = datetime.fromisoformat(str(doc["now"]))
    errors = []
    for item in doc["times"]:
        found = [e["value"] for e in parser.parse(str(item["text"]), now)["entities"] if e["entity"] == "time"]
        got = found[0] if found else None
        if got != item["value"]:
            errors.append({"text": item["text"], "expected": item["value"], "got": got})
    total = len(doc["times"])
    return {"total": total, "accuracy": round((total - len(errors)) / total, 4) if total else 0.0,
            "errors": errors}
