"""Chinese NLU for 村社通: text -> intent + normalised entities, in Rasa's /model/parse shape."""

from __future__ import annotations

from nlu.gazetteer import Gazetteer
from nlu.lexicon import Lexicon
from nlu.parser import BuiltinParser, Parser, build_parser

INTENTS = (
    "greet",
    "help",
    "report_issue",
    "suggest",
    "book_service",
    "request_seal",
    "check_status",
    "cancel_booking",
    "find_shelter",
    "ask_policy",
    "subscribe",
    "unsubscribe",
    "volunteer",
    "ask_help",
    "public_info",
    "contact_office",
    "affirm",
    "deny",
    "stop",
    "thank",
    "out_of_scope",
    "rate_property",
)
ENTITIES = (
    "time",
    "phone",
    "id_number",
    "estate",
    "building",
    "unit",
    "room",
    "service",
    "report_category",
    "relation",
)

__all__ = ["ENTITIES", "INTENTS", "BuiltinParser", "Gazetteer", "Lexicon", "Parser", "build_parser"]
