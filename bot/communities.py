"""The city's communities: one YAML file per 村社 in a directory, indexed once, loaded on demand.

A community file names the community (code, name, aliases, 区, 街道/镇, centre, boundary) and
may override any community-level section of config.yaml (community, estates, grids, staff,
services, shelters, policies, …). City-level sections (telegram, database, nlu, …) stay in
config.yaml. Why an index: a city has thousands of files, and start-up must not parse them
all; the index (cached in var/, keyed by each file's size and mtime) holds what finding a
community needs, and a community's full configuration is validated when first used.
"""

from __future__ import annotations

import json
import os
import re
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.config import AppConfig, ConfigError, parse_config

# Sections only the deployment sets: a community file that names one is refused.
CITY_SECTIONS = frozenset({"sample", "database", "secrets_file", "secret_key", "telegram", "nlu",
                           "dialogue", "outbox", "communities_dir", "city_staff"})
IDENTITY_KEYS = frozenset({"code", "name", "aliases", "district", "street", "center", "boundary"})
CODE = re.compile(r"^[a-z0-9][a-z0-9-]{0,31}$")
INDEX_VERSION = 4  # 3: what a warning reads is kept beside the index (`fields_file`); 4: own_seals
INDEX_CACHE = "var/communities.index.json"
CONFIGS_CACHED = 128


@dataclass(frozen=True)
class CommunityEntry:
    """What the index knows of one community: enough to list it and to find it."""

    code: str
    name: str
    district: str
    street: str
    path: str
    aliases: tuple[str, ...] = ()
    lat: float | None = None
    lon: float | None = None
    boundary: tuple[tuple[float, float], ...] = ()  # (lon, lat) pairs, WGS-84
    estates: tuple[str, ...] = ()  # estate names and aliases, for the NLU gazetteer
    # The file sets its own seal_templates (else config.yaml's apply): a city's 待办 asks who
    # approves what in thousands of communities without validating each one's configuration.
    own_seals: bool = False

    def label(self) -> str:
        """南白象街道 南垟社区: how residents and staff tell communities apart."""
        return f"{self.street} {self.name}" if self.street else self.name


@dataclass
class Problem:
    """One thing wrong with one community file."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except OSError as exc:
        raise ConfigError(f"cannot read ({exc.strerror})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ConfigError(f"line {mark.line + 1}: not valid YAML" if mark else "not valid YAML") from None
    if not isinstance(data, dict):
        raise ConfigError("(top level): a community file must be a YAML mapping")
    return data


def _point(value: Any, where: str) -> tuple[float | None, float | None]:
    if value is None:
        return None, None
    try:
        lat, lon = float(value["lat"]), float(value["lon"])
    except (TypeError, KeyError, ValueError):
        raise ConfigError(f"{where}: needs lat and lon (WGS-84)") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ConfigError(f"{where}: lat/lon out of range")
    return lat, lon


def _boundary(value: Any) -> tuple[tuple[float, float], ...]:
    if value is None:
        return ()
    try:
        ring = tuple((float(lon), float(lat)) for lon, lat in value)
    except (TypeError, ValueError):
        raise ConfigError("boundary: a list of [lon, lat] pairs (WGS-84)") from None
    if len(ring) < 3:
        raise ConfigError("boundary: needs at least 3 points")
    return ring


def _estate_names(data: dict[str, Any]) -> tuple[str, ...]:
    names: list[str] = []
    for e in data.get("estates") or []:
        if isinstance(e, dict):
            names += [str(e.get("name") or "")] + [str(a) for a in e.get("aliases") or []]
    return tuple(n for n in names if n)


def entry_of(path: Path, data: dict[str, Any]) -> CommunityEntry:
    """The index entry of one community file; ConfigError names the first field that is wrong."""
    code = str(data.get("code") or "")
    if not CODE.match(code):
        raise ConfigError("code: lowercase letters, digits and '-', at most 32 (e.g. oh-nbx-nanyang)")
    name = str(data.get("name") or "").strip()
    if not name:
        raise ConfigError("name: required (e.g. 南垟社区)")
    city = sorted(CITY_SECTIONS & data.keys())
    if city:
        raise ConfigError(f"{city[0]}: a deployment-wide setting; it belongs in config.yaml")
    aliases = data.get("aliases") or []
    if not isinstance(aliases, list):
        raise ConfigError("aliases: a list of names")
    lat, lon = _point(data.get("center"), "center")
    return CommunityEntry(code=code, name=name, district=str(data.get("district") or ""),
                          street=str(data.get("street") or ""), path=str(path),
                          aliases=tuple(str(a) for a in aliases), lat=lat, lon=lon,
                          boundary=_boundary(data.get("boundary")), estates=_estate_names(data),
                          own_seals="seal_templates" in data)


def fields_file(cache: Path) -> Path:
    """Where the warning's fields of every community are kept, beside the index."""
    return cache.with_name(cache.stem + ".warning.json")


def _alerting(data: dict[str, Any]) -> dict[str, Any] | None:
    # The file's own `estates` and community office / staff chat, as written: a city-wide warning
    # reads them for thousands of communities, and parsing each file again took seconds. They
    # are kept in a file of their own, not in the index: the index is read at every start, and
    # these, read only by a warning, doubled it (13 MiB more held after start for 5,000).
    out: dict[str, Any] = {}
    if "estates" in data:
        out["estates"] = data["estates"]
    community = data.get("community")
    if isinstance(community, dict):
        out["community"] = {k: community[k] for k in ("office", "staff_chat_id") if k in community}
    try:
        json.dumps(out)
    except (TypeError, ValueError):
        return None  # a value the index cannot keep (a YAML date…): the file is read when needed
    return out


def community_raw(city: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    """A community's whole configuration: config.yaml with the file's sections on top.

    Chat ids are never inherited: config.yaml's chats are its own community's. Another community
    that names no provider chat tells its own staff chat of each booking; one that names no staff
    chat of its own is refused (`communities check`), never given 社区 A's.
    """
    merged = {k: v for k, v in city.items() if k not in ("communities_dir", "city_staff")}
    if data.get("code") != (city.get("community") or {}).get("code"):
        merged.update({k: _without_chats(v, "provider_chat") for k, v in merged.items()
                       if k in ("services", "bookings")})
        merged["grids"] = _without_chats(merged.get("grids") or [], "chat_id")
        merged["community"] = _without_chats(merged.get("community") or {}, "staff_chat_id")
    merged.update({k: v for k, v in data.items() if k not in IDENTITY_KEYS})
    community = dict(merged.get("community") or {})
    community["name"] = data.get("name") or community.get("name")
    community["code"] = data.get("code") or community.get("code")
    merged["community"] = community
    return merged


def _without_chats(value: Any, key: str) -> Any:
    """A copy of a settings tree with every `key` (a chat id) left out."""
    if isinstance(value, dict):
        return {k: _without_chats(v, key) for k, v in value.items() if k != key}
    if isinstance(value, list):
        return [_without_chats(v, key) for v in value]
    return value


class CommunityDirectory:
    """Every community of the deployment, from a directory of YAML files."""

    def __init__(self, root: Path, entries: list[CommunityEntry], problems: list[Problem],
                 city: dict[str, Any] | None = None) -> None:
        self.root = root
        self.city = city or {}
        self._configs: OrderedDict[str, tuple[tuple[int, int], AppConfig]] = OrderedDict()
        self.entries = sorted(entries, key=lambda e: (e.district, e.street, e.code))
        self.problems = problems
        self._by_code = {e.code: e for e in self.entries}
        self.cache: Path | None = None  # the index file, when one is kept

    @classmethod
    def open(cls, root: str | Path, *, city: dict[str, Any] | None = None,
             cache: str | Path | None = None) -> CommunityDirectory:
        """Index the directory, re-reading only files changed since the cached index."""
        root = Path(root)
        if not root.is_dir():
            raise ConfigError(f"communities_dir: no such directory {root}")
        old = _load_index(Path(cache)) if cache else {}
        fresh: dict[str, dict[str, Any]] = {}
        entries: list[CommunityEntry] = []
        problems: list[Problem] = []
        seen: dict[str, str] = {}
        read: dict[str, dict[str, Any]] = {}  # the warning's fields of the files read again
        changed = False
        prefix = len(str(root)) + 1
        for path, st in _files(str(root)):
            key = path[prefix:]
            stamp = [st.st_mtime_ns, st.st_size]
            cached = old.get(key)
            # The same file name and stamp under another root (a copied directory keeps its
            # mtimes) is another file: its entry must point here, not at the old copy.
            if cached and cached.get("stamp") == stamp and cached.get("entry", {}).get("path") == path:
                entry, record = _entry_from_json(cached["entry"]), cached
            else:
                changed = True
                try:
                    data = _read_yaml(Path(path))
                    entry = entry_of(Path(path), data)
                except ConfigError as exc:
                    problems.append(Problem(key, str(exc)))
                    continue
                record = {"stamp": stamp, "entry": asdict(entry)}
                read[key] = {"stamp": stamp, "code": entry.code, "fields": _alerting(data)}
            if entry.code in seen:
                problems.append(Problem(key, f"code: {entry.code!r} is already used by {seen[entry.code]}"))
                continue
            seen[entry.code] = key
            entries.append(entry)
            fresh[key] = record
        if cache and (changed or fresh.keys() != old.keys()):
            _save_index(Path(cache), fresh)
            # Only when something changed is the warning's file read, merged and written again.
            kept = {k: v for k, v in _load_index(fields_file(Path(cache))).items() if k in fresh}
            _save_index(fields_file(Path(cache)), {**kept, **read})
        directory = cls(root, entries, problems, city)
        directory.cache = Path(cache) if cache else None
        return directory

    def get(self, code: str) -> CommunityEntry | None:
        """The community with this code."""
        return self._by_code.get(code)

    def tree(self) -> dict[str, dict[str, list[CommunityEntry]]]:
        """区 → 街道/镇 → its communities, in a stable order."""
        out: dict[str, dict[str, list[CommunityEntry]]] = {}
        for e in self.entries:
            out.setdefault(e.district, {}).setdefault(e.street, []).append(e)
        return out

    def under(self, *, district: str | None = None, street: str | None = None) -> list[CommunityEntry]:
        """The communities of one 区 and/or one 街道 (a staff member's reach, a push's target)."""
        return [e for e in self.entries
                if (district is None or e.district == district) and (street is None or e.street == street)]

    def below(self, level: str, reach: str) -> list[CommunityEntry]:
        """The communities a 街道, 区 or 市 staff member reaches (config.yaml's `city_staff`)."""
        if level == "市":
            return list(self.entries)
        return self.under(street=reach) if level == "街道" else self.under(district=reach)

    def config(self, code: str) -> AppConfig:
        """The validated configuration of one community, read when first used and then cached.

        At most CONFIGS_CACHED are kept, so memory stays flat however many communities there are;
        an edited file is read again.
        """
        entry = self._by_code.get(code)
        if entry is None:
            raise ConfigError(f"community {code!r}: not in {self.root}")
        stamp = _stamp(entry.path)
        hit = self._configs.get(code)
        if hit is not None and hit[0] == stamp:
            self._configs.move_to_end(code)
            return hit[1]
        config = parse_config(community_raw(self.city, _read_yaml(Path(entry.path))), environ=False)
        self._configs[code] = (stamp, config)
        while len(self._configs) > CONFIGS_CACHED:
            self._configs.popitem(last=False)
        return config

    def stamp(self, code: str) -> tuple[int, int]:
        """The community file's modification time and size (a cached reading is still good)."""
        entry = self._by_code.get(code)
        if entry is None:
            raise ConfigError(f"community {code!r}: not in {self.root}")
        return _stamp(entry.path)

    def raw(self, code: str) -> dict[str, Any]:
        """A community's merged settings, unvalidated: for reading a few fields of thousands of
        communities at once (a city-wide warning), where validating each whole configuration
        would take most of the time."""
        entry = self._by_code.get(code)
        if entry is None:
            raise ConfigError(f"community {code!r}: not in {self.root}")
        return community_raw(self.city, _read_yaml(Path(entry.path)))

    def alerting(self) -> Callable[[str], dict[str, Any]]:
        """A reader of what `raw` gives for a warning's few fields (estates, office, staff chat):
        from the index file, read once for the reader, while a community's file is unchanged
        since it was indexed; else from the file. Drop the reader after the warning."""
        kept: dict[str, tuple[list[int], dict[str, Any]]] = {}
        if self.cache is not None:
            for record in _load_index(fields_file(self.cache)).values():
                if record.get("code") and isinstance(record.get("fields"), dict):
                    kept[record["code"]] = (record.get("stamp") or [], record["fields"])

        def read(code: str) -> dict[str, Any]:
            entry, hit = self._by_code.get(code), kept.get(code)
            if entry is None or hit is None or tuple(hit[0]) != self.stamp(code):
                return self.raw(code)
            return community_raw(self.city, {**hit[1], "code": entry.code, "name": entry.name})

        return read

    def check(self) -> list[Problem]:
        """Every problem of every file: the index's, then each community's full validation."""
        problems = list(self.problems)
        for e in self.entries:
            try:
                parse_config(community_raw(self.city, _read_yaml(Path(e.path))), environ=False)
            except ConfigError as exc:
                problems.append(Problem(str(Path(e.path).relative_to(self.root)), str(exc)))
        return problems


def _files(root: str) -> Iterator[tuple[str, os.stat_result]]:
    """Every community file under root with its stat, in a stable order (os.scandir: no pathlib
    per file, which showed up at 5,000 files)."""
    with os.scandir(root) as it:
        found = sorted(it, key=lambda d: d.name)
    for d in found:
        if d.name.startswith((".", "_")):
            continue
        if d.is_dir():
            yield from _files(d.path)
        elif d.name.endswith((".yaml", ".yml")):
            yield d.path, d.stat()


def _stamp(path: str) -> tuple[int, int]:
    st = os.stat(path)
    return st.st_mtime_ns, st.st_size


def _entry_from_json(data: dict[str, Any]) -> CommunityEntry:
    data = dict(data)
    data["aliases"] = tuple(data.get("aliases") or ())
    data["estates"] = tuple(data.get("estates") or ())
    data["boundary"] = tuple(tuple(p) for p in data.get("boundary") or ())
    return CommunityEntry(**data)


def _load_index(path: Path) -> dict[str, dict[str, Any]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("version") != INDEX_VERSION:
        return {}
    files = data.get("files")
    return files if isinstance(files, dict) else {}


def _save_index(path: Path, files: dict[str, dict[str, Any]]) -> None:
    """Write the index atomically: a half-written cache must never be read."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"version": INDEX_VERSION, "files": files}, ensure_ascii=False),
                   encoding="utf-8")
    os.replace(tmp, path)


