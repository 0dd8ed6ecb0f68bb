"""Read and write Rasa NLU YAML (training and test data); entity annotations are stripped."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

# [text](entity), [text](entity:value), [text]{"entity": ...}
_ANNOTATION_RE = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")
DATA_DIR = Path(str(resources.files("nlu") / "data"))


def strip_annotations(example: str) -> str:
    """Plain text of a Rasa example: '[翠微苑](estate)停电' -> '翠微苑停电'."""
    return _ANNOTATION_RE.sub(r"\1", example)


def parse_examples(block: str) -> list[str]:
    """The '- ' items of a Rasa examples block."""
    out = []
    for line in block.splitlines():
        line = line.strip()
        if line.startswith("- "):
            text = strip_annotations(line[2:].strip())
            if text:
                out.append(text)
    return out


def load_nlu_file(path: str | Path) -> list[tuple[str, str]]:
    """(text, intent) pairs from one Rasa NLU YAML file."""
    doc: Any = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    pairs = []
    for item in doc.get("nlu") or []:
        if isinstance(item, dict) and "intent" in item:
            for text in parse_examples(str(item.get("examples") or "")):
                pairs.append((text, str(item["intent"])))
    return pairs


def training_files(data_dir: Path = DATA_DIR) -> list[Path]:
    """The training files: every *.yml directly under nlu/data (never the test/ folder)."""
    return sorted(p for p in data_dir.glob("*.yml") if p.is_file())


def load_training(data_dir: Path = DATA_DIR) -> list[tuple[str, str]]:
    """All training pairs from nlu/data/*.yml."""
    return [pair for path in training_files(data_dir) for pair in load_nlu_file(path)]


def heldout_file(data_dir: Path = DATA_DIR) -> Path:
    """The held-out test file, never trained on."""
    return data_dir / "test" / "heldout.yml"


def times_file(data_dir: Path = DATA_DIR) -> Path:
    """The labelled time test set (text, reference now, expected value)."""
    return data_dir / "test" / "times.yml"


def dump_rasa(
    intents: Mapping[str, Iterable[str]],
    synonyms: dict[str, list[str]] | None = None,
    lookups: dict[str, list[str]] | None = None,
) -> str:
    """Rasa NLU YAML text for intents, synonyms and lookup tables."""
    nlu: list[dict[str, Any]] = []
    for name, examples in intents.items():
        nlu.append({"intent": name, "examples": "".join(f"- {e}\n" for e in examples)})
    for value, forms in (synonyms or {}).items():
        nlu.append({"synonym": value, "examples": "".join(f"- {f}\n" for f in forms)})
    for name, items in (lookups or {}).items():
        nlu.append({"lookup": name, "examples": "".join(f"- {i}\n" for i in items)})
    return yaml.safe_dump({"version": "3.1", "nlu": nlu}, allow_unicode=True, sort_keys=False, width=1000)
