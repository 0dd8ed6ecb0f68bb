"""The city's estates (every community's) are entities too; the classifier's artefact does not depend on them."""

from __future__ import annotations

from pathlib import Path

import pytest

from nlu import Gazetteer, Lexicon, build_parser
from nlu.artefact import load, path_for, save
from nlu.classifier import USER_WORD_FREQ, IntentClassifier, fresh_tokenizer
from nlu.gazetteer import teach
from nlu.parser import BuiltinParser
from tests.unit.nlu.conftest import NOW, entities_of, values_of
from tests.unit.nlu.test_artefact import key_of

# The sample's other two communities, as the bot passes them in (names and aliases of the index).
CITY = ("南垟花园", "南垟花园小区", "白象新村", "白象", "金竹村一组", "一组", "金竹新苑", "新苑")


@pytest.fixture(scope="module")
def city_parser(lexicon: Lexicon) -> BuiltinParser:
    built = build_parser(lexicon, gazetteer=Gazetteer(CITY))
    assert isinstance(built, BuiltinParser)
    return built


def test_an_estate_of_another_community_is_an_estate(city_parser: BuiltinParser, parser: BuiltinParser) -> None:
    said = "金竹新苑3幢楼道灯坏了"
    result = city_parser.parse(said, NOW)
    assert values_of(result, "estate") == ["金竹新苑"]
    assert values_of(result, "building") == ["3"]
    assert result["intent"]["name"] == "report_issue"
    assert values_of(parser.parse(said, NOW), "estate") == []  # the community's own lexicon alone


def test_the_community_own_estates_keep_their_code_and_short_forms(city_parser: BuiltinParser) -> None:
    [estate] = entities_of(city_parser.parse("翠微那边3幢漏水", NOW), "estate")
    assert (estate["value"], estate["code"]) == ("翠微苑", "E1")


def test_short_city_forms_are_not_taken_they_are_ordinary_words_somewhere() -> None:
    g = Gazetteer(["东西苑", "东西", "一组", "新苑"])
    assert g.find("我家东西坏了 我们一组的") == []
    assert g.find("东西苑3幢") == [(0, 3, "东西苑")]
    assert "东西" not in g and len(g) == 1


def test_longest_name_wins_and_a_longer_city_name_beats_a_shorter_own_alias(lexicon: Lexicon) -> None:
    g = Gazetteer(["南垟花园", "南垟花园小区", "翠微山庄"])
    assert g.find("南垟花园小区5幢") == [(0, 6, "南垟花园小区")]
    built = BuiltinParser(lexicon, use_recognizers=False, gazetteer=g)
    assert values_of(built.parse("翠微山庄2幢路灯不亮", NOW), "estate") == ["翠微山庄"]
    assert values_of(built.parse("翠微苑2幢路灯不亮", NOW), "estate") == ["翠微苑"]


def test_taught_words_change_only_the_cuts_of_text_that_holds_them() -> None:
    plain, taught = fresh_tokenizer(()), fresh_tokenizer(())
    total = taught.total
    assert teach(taught, ["金竹新苑", "南垟花园小区"], USER_WORD_FREQ) == 2
    assert taught.total == total  # jieba's add_word would have raised it and shifted every cut
    other = "明天下午帮我妈预约一下上门理发 楼道里的灯坏了好几天"
    assert taught.lcut(other, HMM=False) == plain.lcut(other, HMM=False)
    assert "金竹新苑" in taught.lcut("金竹新苑3幢楼道灯坏了", HMM=False)
    assert "金竹新苑" not in plain.lcut("金竹新苑3幢楼道灯坏了", HMM=False)


def test_the_artefact_is_the_same_whatever_the_city_holds(tmp_path: Path, trained: IntentClassifier,
                                                           lexicon: Lexicon) -> None:
    key = key_of(lexicon)
    path = path_for(tmp_path, key)
    save(trained, path, key, 1)
    before = path.read_bytes()
    for names in (CITY, [f"新村{i}号苑" for i in range(500)]):
        built = BuiltinParser(lexicon, use_recognizers=False, cache_dir=tmp_path, gazetteer=Gazetteer(names))
        assert built.model_source == "artefact"  # a new community retrains nothing
    assert path.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == [path.name]
    loaded = load(path, key)
    assert loaded is not None and "金竹新苑" not in loaded[0].tokenizer.FREQ


def test_a_city_of_estate_names_keeps_the_accuracy_gates(lexicon: Lexicon) -> None:
    from nlu.data import heldout_file, times_file
    from nlu.evaluate import evaluate_file, evaluate_times
    from tests.unit.nlu.test_accuracy import INTENT_GATE, TIME_GATE

    syllables = "东南西北江山河湖田垟岙溪岭桥塘浦坑头尾前后上下新老金银竹松梅兰桂华光明安宁丰泰和平"
    names = [a + b + suffix for a in syllables for b in syllables for suffix in ("苑", "花园", "新村", "小区")]
    built = BuiltinParser(lexicon, gazetteer=Gazetteer(names))
    assert evaluate_file(built, heldout_file())["accuracy"] >= INTENT_GATE
    times = evaluate_times(built, times_file())
    assert times["accuracy"] >= TIME_GATE and [e for e in times["errors"] if e["got"] is not None] == []
