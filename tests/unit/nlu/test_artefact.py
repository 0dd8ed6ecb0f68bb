"""The classifier artefact: same predictions as training, rebuilt when stale or damaged, no pickles."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from nlu import Lexicon
from nlu.artefact import KEEP, load, load_or_train, path_for, save, training_key
from nlu.augment import generate
from nlu.classifier import IntentClassifier
from nlu.data import DATA_DIR, heldout_file, load_nlu_file, training_files
from nlu.normalize import clean
from nlu.parser import REGULARISATION, BuiltinParser
from tests.unit.nlu.conftest import ROOT

HELDOUT = [text for text, _ in load_nlu_file(heldout_file())]


def key_of(lexicon: Lexicon, data_dir: Path = DATA_DIR) -> str:
    """The key the parser computes for this lexicon and training folder."""
    return training_key(training_files(data_dir), generate(lexicon), lexicon.user_words(), REGULARISATION)


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory, trained: IntentClassifier, lexicon: Lexicon) -> Path:
    """The freshly trained classifier written as an artefact into an empty cache folder."""
    cache = tmp_path_factory.mktemp("nlu-cache")
    save(trained, path_for(cache, key_of(lexicon)), key_of(lexicon), 1234)
    return cache


def test_loaded_classifier_predicts_exactly_like_fresh_training(
    saved: Path, trained: IntentClassifier, lexicon: Lexicon
) -> None:
    found = load(path_for(saved, key_of(lexicon)), key_of(lexicon))
    assert found is not None
    loaded, examples = found
    assert examples == 1234
    for text in HELDOUT:
        ours, theirs = loaded.rank(clean(text)), trained.rank(clean(text))
        assert [name for name, _ in ours] == [name for name, _ in theirs], text
        assert np.allclose([p for _, p in ours], [p for _, p in theirs]), text


def test_loaded_jieba_cuts_like_a_freshly_initialised_one(saved: Path, trained: IntentClassifier,
                                                          lexicon: Lexicon) -> None:
    found = load(path_for(saved, key_of(lexicon)), key_of(lexicon))
    assert found is not None
    for text in HELDOUT:
        assert found[0].tokenizer.lcut(text, HMM=False) == trained.tokenizer.lcut(text, HMM=False)


def test_the_parser_uses_the_artefact_and_agrees_with_training(
    saved: Path, trained: IntentClassifier, lexicon: Lexicon
) -> None:
    parser = BuiltinParser(lexicon, cache_dir=saved)
    assert parser.model_source == "artefact"
    heldout = load_nlu_file(heldout_file())
    fresh = [trained.rank(clean(text))[0][0] for text, _ in heldout]
    assert [parser.classifier.rank(clean(text))[0][0] for text, _ in heldout] == fresh


@pytest.mark.parametrize("damage", ["truncate", "flip", "garbage", "empty"])
def test_a_damaged_artefact_is_retrained_and_replaced(
    tmp_path: Path, saved: Path, trained: IntentClassifier, lexicon: Lexicon, damage: str
) -> None:
    key = key_of(lexicon)
    path = path_for(tmp_path, key)
    shutil.copy(path_for(saved, key), path)
    data = bytearray(path.read_bytes())
    if damage == "truncate":
        data = data[: len(data) // 2]
    elif damage == "flip":
        data[len(data) // 3] ^= 0xFF  # inside the coefficients: zip CRC or our checksum catches it
    elif damage == "garbage":
        data = bytearray(b"not an artefact" * 100)
    else:
        data = bytearray()
    path.write_bytes(bytes(data))
    assert load(path, key) is None
    calls = []

    def train() -> tuple[IntentClassifier, int]:
        calls.append(1)
        return trained, 7

    result = load_or_train(key, train, tmp_path)
    assert (result.source, calls) == ("trained", [1])
    assert load(path, key) is not None  # replaced by a good one


def test_an_artefact_of_other_training_data_is_not_used(saved: Path, lexicon: Lexicon, tmp_path: Path) -> None:
    key = key_of(lexicon)
    other = "0" * 64
    shutil.copy(path_for(saved, key), path_for(tmp_path, other))
    assert load(path_for(tmp_path, other), other) is None


def test_the_key_follows_training_data_and_config(tmp_path: Path, lexicon: Lexicon, raw_config: dict) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    before = key_of(lexicon, data)
    assert key_of(lexicon, data) == before  # deterministic
    first = training_files(data)[0]
    first.write_text(first.read_text(encoding="utf-8") + "    - 我家门口的井盖不见了\n", encoding="utf-8")
    assert key_of(lexicon, data) != before
    (data / first.name).unlink()
    assert key_of(lexicon, data) != before
    changed = dict(raw_config, estates=[*raw_config["estates"], {"code": "Z9", "name": "银杏湾小区"}])
    assert key_of(Lexicon.from_config(changed)) != key_of(lexicon)


def test_the_artefact_holds_no_pickles(saved: Path, lexicon: Lexicon) -> None:
    with np.load(path_for(saved, key_of(lexicon)), allow_pickle=False) as z:
        assert all(z[name].dtype != object for name in z.files)


def test_starting_the_parser_from_its_artefact_imports_neither_sklearn_nor_recognizers(saved: Path) -> None:
    code = (
        "import sys, json, yaml\n"
        "from nlu import Lexicon, build_parser\n"
        f"raw = yaml.safe_load(open({str(ROOT / 'config.yaml')!r}, encoding='utf-8'))\n"
        "p = build_parser(Lexicon.from_config(raw))\n"
        "r = p.parse('楼道灯不亮了明天下午两点来修')\n"
        "print(json.dumps([p.model_source, r['intent']['name'],\n"
        "    sorted({m.split('.')[0] for m in sys.modules} & {'sklearn', 'scipy', 'ms_recognizers_date_time'})]))\n"
    )
    env = dict(os.environ, CUNSHE_NLU_CACHE=str(saved))
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True,
                         cwd=ROOT, timeout=120)
    assert json.loads(out.stdout.splitlines()[-1]) == ["artefact", "report_issue", []]


def test_only_the_newest_artefacts_are_kept(tmp_path: Path, saved: Path, lexicon: Lexicon,
                                            trained: IntentClassifier) -> None:
    for i in range(KEEP + 3):
        old = tmp_path / f"intents-{i:032d}.npz"
        old.write_bytes(b"old")
        os.utime(old, (1_000_000 + i, 1_000_000 + i))
    save(trained, path_for(tmp_path, key_of(lexicon)), key_of(lexicon), 1)
    kept = sorted(p.name for p in tmp_path.glob("intents-*.npz"))
    assert len(kept) == KEEP and path_for(tmp_path, key_of(lexicon)).name in kept
    assert f"intents-{0:032d}.npz" not in kept  # the oldest went first
