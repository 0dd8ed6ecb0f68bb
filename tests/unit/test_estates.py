"""Which community an estate name means: the resident's own first, then a question (bot/estates.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.communities import CommunityDirectory
from bot.config import load_config
from bot.estates import EstateMatch, city_gazetteer, resolve_estate

REPO = Path(__file__).resolve().parents[2]
TWIN = REPO / "tests" / "data" / "communities_twin"


def twin_city(folder: Path) -> Path:
    """The shipped sample plus a test community that also has a 金竹新苑."""
    target = folder / "communities"
    shutil.copytree(REPO / "communities", target)
    shutil.copy(TWIN / "lc-songtai.yaml", target)
    return target


@pytest.fixture
def city(tmp_path: Path) -> CommunityDirectory:
    return CommunityDirectory.open(twin_city(tmp_path), city=load_config(REPO / "config.yaml", environ=False).raw)


def codes(match: EstateMatch) -> list[str]:
    return [c.code for c in match.communities]


def test_a_name_of_the_home_community_is_exact_even_when_others_share_it(city: CommunityDirectory) -> None:
    assert (m := resolve_estate(city, "oh-nbx-nanyang", "南垟花园")).kind == "exact" and codes(m) == ["oh-nbx-nanyang"]
    assert resolve_estate(city, "oh-nbx-nanyang", "白象").kind == "exact"  # an alias
    assert (m := resolve_estate(city, "oh-nbx-jinzhu", "金竹新苑")).kind == "exact" and codes(m) == ["oh-nbx-jinzhu"]
    # 社区 A's file names no estates: it has config.yaml's
    assert resolve_estate(city, "lc-wuma-a", "翠微苑").kind == "exact"


def test_a_name_found_only_in_one_other_community_is_elsewhere(city: CommunityDirectory) -> None:
    m = resolve_estate(city, "lc-wuma-a", "南垟花园")
    assert m.kind == "elsewhere" and codes(m) == ["oh-nbx-nanyang"]
    assert m.communities[0].label() == "南白象街道 南垟社区"
    assert resolve_estate(city, None, "南垟花园").kind == "elsewhere"  # no community yet: still confirmed


def test_a_name_of_several_communities_is_ambiguous(city: CommunityDirectory) -> None:
    m = resolve_estate(city, "lc-wuma-a", "金竹新苑")
    assert m.kind == "ambiguous" and sorted(codes(m)) == ["lc-songtai", "oh-nbx-jinzhu"]
    assert resolve_estate(city, None, "金竹新苑").kind == "ambiguous"
    assert resolve_estate(city, "oh-nbx-nanyang", "金竹新苑").kind == "ambiguous"


def test_an_unknown_name_is_none(city: CommunityDirectory) -> None:
    assert resolve_estate(city, "lc-wuma-a", "不存在花园").kind == "none"
    assert resolve_estate(city, None, "").kind == "none"


def test_the_gazetteer_holds_every_community_estates_but_no_two_character_forms(city: CommunityDirectory) -> None:
    g = city_gazetteer(city)
    assert g is not None
    assert {"翠微苑", "南垟花园", "南垟花园小区", "金竹新苑", "金竹村一组"} <= g.words()
    assert "白象" not in g and "一组" not in g
    assert city_gazetteer(None) is None
