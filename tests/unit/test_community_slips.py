"""Voice-typing slips in a community's name: one character heard wrong in a full name."""

from __future__ import annotations

from bot.communities import CommunityDirectory
from bot.community_finder import CommunityFinder
from bot.config import load_config
from tests.fixtures import REPO


def _finder() -> CommunityFinder:
    city = load_config(REPO / "config.yaml", environ=False).raw
    return CommunityFinder(CommunityDirectory.open(REPO / "communities", city=city).entries)


def test_one_misheard_character_in_a_full_name_is_found() -> None:
    finder = _finder()
    assert [e.code for e in finder.by_slip("我是南洋社区的")] == ["oh-nbx-nanyang"]
    assert [e.code for e in finder.by_slip("住在金珠村")] == ["oh-nbx-jinzhu"]


def test_a_short_name_or_an_ordinary_sentence_is_not_taken_for_a_slip() -> None:
    finder = _finder()
    assert finder.by_slip("南洋") == []  # two characters with one wrong say too little
    assert finder.by_slip("我家楼道灯坏了好几天了") == []


def test_an_estate_names_its_community_also_with_a_misheard_character() -> None:
    finder = _finder()
    assert [e.code for e in finder.by_estate("我住白象新村")] == ["oh-nbx-nanyang"]
    assert finder.by_estate("我住南洋花园") == [] and finder.by_name("我住白象新村") == []
    assert [e.code for e in finder.by_slip("我住南洋花园3幢")] == ["oh-nbx-nanyang"]
    assert finder.by_estate("南白象街道") == []  # 白象 (an alias) is too short to name it
