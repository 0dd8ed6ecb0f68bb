"""The city's communities: a directory of YAML files, its index, the CLI and finding one's community."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot import communities
from bot.communities import CommunityDirectory
from bot.community_finder import CommunityFinder, short_name
from bot.config import ConfigError, load_config
from tests.fixtures import run_cli

REPO = Path(__file__).resolve().parents[2]
SAMPLE_DIR = REPO / "communities"


def _city() -> dict[str, Any]:
    return load_config(REPO / "config.yaml", environ=False).raw


def _write(path: Path, data: dict[str, Any]) -> Path:
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture
def city_dir(tmp_path: Path) -> Path:
    """A copy of the shipped sample communities to change freely."""
    target = tmp_path / "communities"
    shutil.copytree(SAMPLE_DIR, target)
    return target


OWN_CHAT = {"community": {"staff_chat_id": -1009000000001}}  # every community names its own


def test_the_sample_ships_three_communities_in_two_streets() -> None:
    d = CommunityDirectory.open(SAMPLE_DIR, city=_city())
    assert not d.problems
    tree = d.tree()
    assert [e.name for e in tree["瓯海区"]["南白象街道"]] == ["金竹村", "南垟社区"]
    assert [e.name for e in tree["鹿城区"]["五马街道"]] == ["A社区"]
    assert [e.code for e in d.under(street="南白象街道")] == ["oh-nbx-jinzhu", "oh-nbx-nanyang"]


def test_a_community_file_overrides_sections_and_inherits_the_rest() -> None:
    d = CommunityDirectory.open(SAMPLE_DIR, city=_city())
    a, nanyang = d.config("lc-wuma-a"), d.config("oh-nbx-nanyang")
    city = load_config(REPO / "config.yaml", environ=False)
    # A社区's file names it only: everything is config.yaml's.
    assert [e.code for e in a.estates] == [e.code for e in city.estates]
    # 南垟's own estates, staff and office; the service catalogue is the city's.
    assert [e.name for e in nanyang.estates] == ["南垟花园", "白象新村"]
    assert nanyang.community.office is not None and nanyang.community.office.phone == "0577-86001234"
    assert {s.name for s in nanyang.staff} == {"周书记", "潘丽君", "叶成龙"}
    assert [s.name for s in nanyang.catalogue()] == [s.name for s in city.catalogue()]
    # but not A社区's chats: 南垟's bookings go to its own staff chat, never A's partner
    assert {s.provider_chat for s in nanyang.catalogue()} == {nanyang.community.staff_chat_id}
    assert -1002000000031 in {s.provider_chat for s in a.catalogue()}
    assert nanyang.community.name == "南垟社区"


def test_problems_are_named_per_file_and_the_rest_still_load(city_dir: Path) -> None:
    _write(city_dir / "bad-code.yaml", {"code": "Bad Code", "name": "坏社区"})
    _write(city_dir / "dupe.yaml", {"code": "oh-nbx-nanyang", "name": "又一个南垟", **OWN_CHAT})
    _write(city_dir / "city-key.yaml", {"code": "x1", "name": "X社区", "telegram": {"mode": "webhook"}})
    _write(city_dir / "bad-grid.yaml", {"code": "x2", "name": "Y社区", **OWN_CHAT,
                                         "estates": [{"code": "Y1", "name": "Y苑", "grid": "NOPE"}]})
    d = CommunityDirectory.open(city_dir, city=_city())
    found = {p.path: p.message for p in d.check()}
    assert found["bad-code.yaml"].startswith("code:")
    # Whichever file comes second is named, with the file that has the code already.
    dupe = found.get("dupe.yaml") or found["oh-nbx-nanyang.yaml"]
    assert "'oh-nbx-nanyang' is already used by" in dupe
    assert found["city-key.yaml"].startswith("telegram:")
    assert "unknown grid 'NOPE'" in found["bad-grid.yaml"]
    assert {e.code for e in d.entries} >= {"lc-wuma-a", "oh-nbx-nanyang", "oh-nbx-jinzhu", "x2"}


def test_the_index_reads_only_files_changed_since_last_time(
        city_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "var" / "index.json"
    CommunityDirectory.open(city_dir, city=_city(), cache=cache)
    read: list[str] = []
    real = communities._read_yaml
    monkeypatch.setattr(communities, "_read_yaml", lambda p: read.append(p.name) or real(p))
    again = CommunityDirectory.open(city_dir, city=_city(), cache=cache)
    assert read == [] and len(again.entries) == 3
    path = city_dir / "oh-nbx-jinzhu.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("name: 金竹村\n", "name: 金竹社区\n", 1),
                    encoding="utf-8")
    changed = CommunityDirectory.open(city_dir, city=_city(), cache=cache)
    assert read == ["oh-nbx-jinzhu.yaml"]
    entry = changed.get("oh-nbx-jinzhu")
    assert entry is not None and entry.name == "金竹社区"


def test_an_edited_community_is_read_again_and_the_cache_stays_bounded(
        city_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    d = CommunityDirectory.open(city_dir, city=_city())
    assert d.config("oh-nbx-jinzhu").community.office is not None
    path = city_dir / "oh-nbx-jinzhu.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("0577-86005678", "0577-86009999 "),
                    encoding="utf-8")
    office = d.config("oh-nbx-jinzhu").community.office
    assert office is not None and office.phone == "0577-86009999"
    monkeypatch.setattr(communities, "CONFIGS_CACHED", 1)
    d.config("oh-nbx-nanyang")
    d.config("lc-wuma-a")
    assert list(d._configs) == ["lc-wuma-a"]
    with pytest.raises(ConfigError):
        d.config("no-such")


def test_a_warning_reads_each_community_from_the_index_until_its_file_is_edited(
        city_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "var" / "index.json"
    CommunityDirectory.open(city_dir, city=_city(), cache=cache)
    d = CommunityDirectory.open(city_dir, city=_city(), cache=cache)  # from the cached index
    read: list[str] = []
    real = communities._read_yaml
    monkeypatch.setattr(communities, "_read_yaml", lambda p: read.append(p.name) or real(p))
    fields = d.alerting()  # one warning's reader
    jinzhu, a = fields("oh-nbx-jinzhu"), fields("lc-wuma-a")
    assert read == []  # a city-wide warning parses no file again
    for got, code in ((jinzhu, "oh-nbx-jinzhu"), (a, "lc-wuma-a")):  # what the files say
        raw = d.raw(code)
        assert got["estates"] == raw["estates"]
        assert [got["community"].get(k) for k in ("office", "staff_chat_id")] == \
            [raw["community"].get(k) for k in ("office", "staff_chat_id")]
    assert jinzhu["community"]["office"]["phone"] == "0577-86005678"
    assert [e["code"] for e in a["estates"]] == [e["code"] for e in _city()["estates"]]  # inherited
    path = city_dir / "oh-nbx-jinzhu.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("0577-86005678", "0577-86009999"),
                    encoding="utf-8")
    read.clear()
    assert fields("oh-nbx-jinzhu")["community"]["office"]["phone"] == "0577-86009999"
    assert read == ["oh-nbx-jinzhu.yaml"]  # edited since indexed: read again


def test_short_names_drop_the_suffix_only_when_a_name_is_left() -> None:
    assert short_name("南垟社区") == "南垟"
    assert short_name("金竹村") == "金竹"
    assert short_name("A社区") == "A社区"


def test_residents_name_their_community_in_their_own_words() -> None:
    finder = CommunityFinder(CommunityDirectory.open(SAMPLE_DIR, city=_city()).entries)
    assert [e.code for e in finder.by_name("我是南垟社区的")] == ["oh-nbx-nanyang"]
    assert [e.code for e in finder.by_name("我住在金竹 想报个修")] == ["oh-nbx-jinzhu"]
    assert [e.code for e in finder.by_name("a社区".upper())] == ["lc-wuma-a"]
    assert finder.by_name("我想报修") == []


def test_a_shared_name_gives_every_community_unless_the_street_is_said(city_dir: Path) -> None:
    _write(city_dir / "lc-x-nanyang.yaml", {"code": "lc-x-nanyang", "name": "南垟社区",
                                             "district": "鹿城区", "street": "滨江街道"})
    finder = CommunityFinder(CommunityDirectory.open(city_dir, city=_city()).entries)
    assert {e.code for e in finder.by_name("南垟社区")} == {"oh-nbx-nanyang", "lc-x-nanyang"}
    assert [e.code for e in finder.by_name("滨江街道南垟社区")] == ["lc-x-nanyang"]


def test_a_location_finds_the_boundary_that_holds_it_else_the_nearest_centre() -> None:
    finder = CommunityFinder(CommunityDirectory.open(SAMPLE_DIR, city=_city()).entries)
    inside = finder.by_location(27.9600, 120.6900)  # inside 南垟's boundary, nearer no centre
    assert inside is not None and inside[0].code == "oh-nbx-nanyang" and inside[1] == 0
    near_jinzhu = finder.by_location(27.9440, 120.6770)
    assert near_jinzhu is not None and near_jinzhu[0].code == "oh-nbx-jinzhu"
    assert 100 < near_jinzhu[1] < 500
    near_a = finder.by_location(28.0150, 120.6500)
    assert near_a is not None and near_a[0].code == "lc-wuma-a"


def test_cli_lists_shows_and_checks(city_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    config = yaml.safe_load((REPO / "config.yaml").read_text(encoding="utf-8"))
    config["communities_dir"] = str(city_dir)
    cfg = _write(tmp_path / "config.yaml", config)
    listed = run_cli("--config", cfg, "communities", "list")
    assert listed.code == 0
    assert listed.out.index("瓯海区") < listed.out.index("南白象街道") < listed.out.index("南垟社区")
    assert "共3个村社" in listed.out
    shown = run_cli("--config", cfg, "communities", "show", "oh-nbx-nanyang")
    assert shown.code == 0 and "南垟花园、白象新村" in shown.out and "0577-86001234" in shown.out
    assert run_cli("--config", cfg, "communities", "show", "nope").code == 1
    assert run_cli("--config", cfg, "communities", "check").code == 0
    _write(city_dir / "broken.yaml", {"code": "x9", "name": "Z社区", "grids": [], **OWN_CHAT})
    checked = run_cli("--config", cfg, "communities", "check")
    assert checked.code == 1 and "broken.yaml: grids:" in checked.out


def test_a_copied_directory_is_not_mistaken_for_the_one_indexed_before(tmp_path: Path) -> None:
    cache = tmp_path / "var" / "index.json"
    first, second = tmp_path / "first", tmp_path / "second"
    shutil.copytree(SAMPLE_DIR, first)
    shutil.copytree(first, second)  # same names, same mtimes and sizes
    CommunityDirectory.open(first, city=_city(), cache=cache)
    shutil.rmtree(first)
    again = CommunityDirectory.open(second, city=_city(), cache=cache)
    assert all(Path(e.path).parent == second for e in again.entries)
    assert again.config("oh-nbx-jinzhu").community.name  # read from the copy that exists


def test_a_community_without_its_own_staff_chat_is_refused_never_given_another_s(city_dir: Path) -> None:
    _write(city_dir / "no-chat.yaml", {"code": "x3", "name": "Z社区",
                                       "estates": [{"code": "Z1", "name": "Z苑", "grid": "G1"}]})
    d = CommunityDirectory.open(city_dir, city=_city())
    found = {p.path: p.message for p in d.check()}
    assert "staff_chat_id" in found["no-chat.yaml"], found  # 社区 A's group would have had its cards
    nanyang = d.config("oh-nbx-nanyang")
    assert {g.chat_id for g in nanyang.grids} == {-1002000100011, -1002000100012}  # its own, as written
