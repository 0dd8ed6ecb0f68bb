"""The trained intent classifier as a versioned, hash-checked .npz file (never a pickle).

Built once (`make setup` runs `cunshe nlu build`, or the first start does it) and loaded in
a fraction of a second afterwards. The file name carries a key: the SHA-256 of the training
files, the config-generated examples and words, the classifier code and library versions.
Any change to those gives another key, so the model is retrained; a file that does not
load, or whose checksum does not match, is retrained and replaced too.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import numpy as np

from nlu.classifier import IntentClassifier

log = logging.getLogger(__name__)
FORMAT = 1
CACHE_ENV = "CUNSHE_NLU_CACHE"
KEEP = 8  # newest artefacts kept per cache folder (several configs or checkouts may share it)
_CODE = ("classifier.py", "normalize.py", "artefact.py")  # code that shapes the trained model
_LIBRARIES = ("scikit-learn", "jieba", "numpy")


def default_cache_dir() -> Path:
    """$CUNSHE_NLU_CACHE, else the user's cache folder (~/.cache/cunshe/nlu)."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "cunshe" / "nlu"


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "?"


def training_key(files: Iterable[Path], generated: Iterable[tuple[str, str]], user_words: Iterable[str],
                 c: float) -> str:
    """SHA-256 over everything the trained model depends on."""
    h = hashlib.sha256(f"cunshe-nlu-intents format {FORMAT} C={c}\n".encode())
    for path in files:
        h.update(f"file {path.name} {path.stat().st_size}\n".encode())
        h.update(path.read_bytes())
    h.update(json.dumps([list(g) for g in generated], ensure_ascii=False).encode("utf-8"))
    h.update(json.dumps(list(user_words), ensure_ascii=False).encode("utf-8"))
    here = Path(__file__).parent
    for name in _CODE:
        h.update((here / name).read_bytes())
    h.update(json.dumps({d: _version(d) for d in _LIBRARIES}).encode())
    return h.hexdigest()


def _checksum(arrays: Mapping[str, np.ndarray]) -> str:
    """SHA-256 over every array's name, dtype, shape and bytes."""
    h = hashlib.sha256()
    for name in sorted(arrays):
        a = np.ascontiguousarray(arrays[name])
        h.update(f"{name} {a.dtype.str} {a.shape}\n".encode())
        h.update(a.tobytes())
    return h.hexdigest()


def path_for(cache_dir: Path, key: str) -> Path:
    """Where the artefact with this key lives."""
    return cache_dir / f"intents-{key[:32]}.npz"


def save(clf: IntentClassifier, path: Path, key: str, examples: int) -> None:
    """Write atomically (a temporary file renamed into place), then prune old artefacts."""
    arrays = clf.arrays()
    arrays["key"] = np.frombuffer(key.encode(), dtype=np.uint8)
    arrays["format"] = np.asarray(FORMAT, dtype=np.int64)
    arrays["examples"] = np.asarray(examples, dtype=np.int64)
    arrays["checksum"] = np.frombuffer(_checksum(arrays).encode(), dtype=np.uint8)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".intents-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez(f, **arrays)  # type: ignore[arg-type]
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    _prune(path.parent)


def _prune(folder: Path) -> None:
    """Keep the newest KEEP artefacts; another process may be pruning at the same time."""
    aged = []
    for p in folder.glob("intents-*.npz"):
        try:
            aged.append((p.stat().st_mtime, p))
        except FileNotFoundError:
            continue
    for _, old in sorted(aged, reverse=True)[KEEP:]:
        old.unlink(missing_ok=True)


def load(path: Path, key: str) -> tuple[IntentClassifier, int] | None:
    """The classifier and its example count, or None when missing, stale or damaged."""
    try:
        with np.load(path, allow_pickle=False) as z:
            arrays = {name: z[name] for name in z.files}
        stored = arrays.pop("checksum").tobytes().decode()
        if stored != _checksum(arrays):
            raise ValueError("checksum mismatch")
        if arrays["key"].tobytes().decode() != key or int(arrays["format"]) != FORMAT:
            raise ValueError("artefact of other training data or code")
        return IntentClassifier.from_arrays(arrays), int(arrays["examples"])
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, EOFError, UnicodeDecodeError, zipfile.BadZipFile) as exc:
        log.warning("NLU artefact %s unusable (%s): retraining", path.name, exc.__class__.__name__)
        return None


@dataclass(frozen=True)
class Loaded:
    """A ready classifier and where it came from."""

    classifier: IntentClassifier
    examples: int
    source: str  # "artefact" or "trained"
    path: Path | None


def load_or_train(key: str, train: Callable[[], tuple[IntentClassifier, int]],
                  cache_dir: Path | None) -> Loaded:
    """Load the artefact for key, else train and save it (a cache that cannot be written is skipped)."""
    if cache_dir is None:
        clf, n = train()
        return Loaded(clf, n, "trained", None)
    path = path_for(cache_dir, key)
    found = load(path, key)
    if found is not None:
        return Loaded(found[0], found[1], "artefact", path)
    clf, n = train()
    try:
        save(clf, path, key, n)
    except (OSError, ValueError) as exc:
        log.warning("NLU artefact not saved (%s): training again at the next start", exc.__class__.__name__)
        return Loaded(clf, n, "trained", None)
    return Loaded(clf, n, "trained", path)
