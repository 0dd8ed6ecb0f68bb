"""`cunshe nlu parse | eval | export`."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest
import yaml

import bot.cli as cli
from nlu.parser import BuiltinParser
from tests.unit.nlu.conftest import ROOT

CONFIG = str(ROOT / "config.yaml")


@pytest.fixture()
def reuse_parser(monkeypatch: pytest.MonkeyPatch, parser: BuiltinParser) -> None:
    """Reuse the session's trained parser (training takes seconds)."""
    monkeypatch.setattr("nlu.build_parser", lambda *_a, **_k: parser)


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli.main(["--config", CONFIG, *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_parse_text(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["nlu", "parse", "--now", "2024-11-30T10:00:00+08:00", "帮我妈约明天下午两点的助浴"], capsys)
    assert code == 0
    result = json.loads(out)
    assert "帮我妈" in out  # ensure_ascii=False
    assert result["intent"]["name"] == "book_service"
    times = [e["value"] for e in result["entities"] if e["entity"] == "time"]
    assert times == ["2024-12-01T14:00:00+08:00"]


@pytest.mark.usefixtures("reuse_parser")
def test_parse_stdin_one_object_per_line(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("是\n取消预约\n\n算了\n"))
    code, out, _ = run(["nlu", "parse"], capsys)
    assert code == 0
    intents = [json.loads(line)["intent"]["name"] for line in out.splitlines()]
    assert intents == ["affirm", "cancel_booking", "out_of_scope", "stop"]


@pytest.mark.usefixtures("reuse_parser")
def test_parse_bad_now(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["nlu", "parse", "--now", "yesterday", "hi"], capsys)
    assert code == 2 and "--now" in err


@pytest.mark.usefixtures("reuse_parser")
def test_eval_json(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    test_file = tmp_path / "t.yml"
    test_file.write_text(
        yaml.safe_dump(
            {
                "version": "3.1",
                "nlu": [
                    {"intent": "affirm", "examples": "- 是的\n- 好的\n"},
                    {"intent": "report_issue", "examples": "- [楼道灯](report_category)不亮了\n"},
                ],
            },
            allow_unicode=True,
        ),
        encoding="utf-8",
    )
    code, out, _ = run(["nlu", "eval", str(test_file), "--json"], capsys)
    report = json.loads(out)
    assert code == 0 and report["total"] == 3 and report["accuracy"] == 1.0
    assert set(report["per_intent"]["affirm"]) == {"precision", "recall", "f1-score", "support"}
    assert "macro_f1" in report and "confused" in report


@pytest.mark.usefixtures("reuse_parser")
def test_eval_heldout_text(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["nlu", "eval", str(ROOT / "nlu/data/test/heldout.yml")], capsys)
    assert code == 0 and "accuracy" in out and "macro-F1" in out


@pytest.mark.usefixtures("reuse_parser")
def test_eval_missing_file(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["nlu", "eval", "/nonexistent.yml"], capsys)
    assert code == 2 and "no such file" in err


@pytest.mark.usefixtures("reuse_parser")
def test_export_has_generated_synonyms_and_lookups(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["nlu", "export"], capsys)
    doc = yaml.safe_load(out)
    assert code == 0
    synonyms = {i["synonym"]: i["examples"] for i in doc["nlu"] if "synonym" in i}
    lookups = {i["lookup"] for i in doc["nlu"] if "lookup" in i}
    assert "洗澡" in synonyms["助浴"] and "翠微" in synonyms["翠微苑"]
    assert lookups == {"estate", "service", "report_category", "relation"}


def test_parse_knows_the_estates_of_every_community_like_the_bot(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["nlu", "parse", "金竹新苑3幢楼道灯坏了"], capsys)  # 金竹村's, not config.yaml's
    assert code == 0
    assert [e["value"] for e in json.loads(out)["entities"] if e["entity"] == "estate"] == ["金竹新苑"]


def test_export_looks_up_the_estates_of_every_community(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["nlu", "export"], capsys)
    assert code == 0
    doc = yaml.safe_load(out)
    [estates] = [[e.removeprefix("- ") for e in i["examples"].splitlines()]
                 for i in doc["nlu"] if i.get("lookup") == "estate"]
    # config.yaml's, and those of 金竹村's and 南垟社区's own files
    assert {"翠微苑", "金竹新苑", "金竹村一组", "南垟花园"} <= set(estates)
    assert len(estates) == len(set(estates))  # each once
