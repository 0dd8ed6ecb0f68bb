"""The optional Rasa backend against a stand-in /model/parse server on 127.0.0.1."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from nlu import Lexicon, build_parser
from nlu.parser import BuiltinParser
from nlu.rasa import RasaParser
from tests.unit.nlu.conftest import NOW

RECEIVED: list[dict[str, Any]] = []


class FakeRasa(BaseHTTPRequestHandler):
    """Answers /model/parse like Rasa 3: intent from the stand-in, one entity of its own."""

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        RECEIVED.append({"path": self.path, "body": body})
        if self.path != "/model/parse":
            self.send_error(404)
            return
        reply = {
            "text": body["text"],
            "intent": {"name": "book_service", "confidence": 0.77},
            "intent_ranking": [
                {"name": "book_service", "confidence": 0.77},
                {"name": "greet", "confidence": 0.1},
            ],
            "entities": [
                {
                    "entity": "service",
                    "value": "助浴",
                    "start": 0,
                    "end": 2,
                    "confidence_entity": 0.9,
                    "extractor": "DIETClassifier",
                }
            ],
        }
        data = json.dumps(reply, ensure_ascii=False).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *_: Any) -> None:
        """Keep test output quiet."""


@pytest.fixture()
def rasa_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeRasa)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_rasa_answers(parser: BuiltinParser, rasa_url: str) -> None:
    rasa = RasaParser(rasa_url + "/", parser, timeout=2.0)
    RECEIVED.clear()
    result = rasa.parse("助浴 明天下午两点 电话13812345678", NOW)
    rasa.close()
    assert RECEIVED == [{"path": "/model/parse", "body": {"text": "助浴 明天下午两点 电话13812345678"}}]
    assert result["intent"] == {"name": "book_service", "confidence": 0.77}
    assert [r["name"] for r in result["intent_ranking"]] == ["book_service", "greet"]
    kinds = [e["entity"] for e in result["entities"]]
    assert kinds.count("service") == 1  # Rasa's own service entity wins
    assert "time" in kinds and "phone" in kinds  # builtin fills what Rasa did not return


def test_unreachable_rasa_falls_back(parser: BuiltinParser, caplog: pytest.LogCaptureFixture) -> None:
    rasa = RasaParser("http://127.0.0.1:9", parser, timeout=0.5)  # discard port: refused
    with caplog.at_level(logging.WARNING, logger="nlu.rasa"):
        result = rasa.parse("楼道灯不亮了", NOW)
    assert result["intent"]["name"] == "report_issue"
    assert any("builtin NLU answered" in r.getMessage() for r in caplog.records)


def test_build_parser_backends(lexicon: Lexicon, rasa_url: str) -> None:
    assert isinstance(build_parser(lexicon, backend="rasa", rasa_url=rasa_url), RasaParser)
    with pytest.raises(ValueError):
        build_parser(lexicon, backend="rasa", rasa_url=None)
    with pytest.raises(ValueError):
        build_parser(lexicon, backend="nonsense")
