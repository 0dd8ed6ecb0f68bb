"""The engine routes by the table of flows: a new capability is one registration line."""

from __future__ import annotations

import pytest

from bot.callbacks import BOOKING, FORM
from bot.dialogue.engine import FLOWS, ROUTES
from bot.dialogue.flow import Flow, Routes


def test_each_intent_form_and_namespace_has_exactly_one_flow() -> None:
    assert ROUTES.intents["book_service"].__module__ == "bot.flows.booking"
    assert ROUTES.intents["report_issue"].__module__ == "bot.flows.report"
    assert ROUTES.forms["booking"].name == "booking" and ROUTES.forms["report"].name == "report"
    assert ROUTES.buttons[BOOKING.name].name == "booking"
    assert len({f.name for f in FLOWS}) == len(FLOWS)


def test_two_flows_claiming_one_intent_or_namespace_is_refused() -> None:
    def noop(t: object) -> None:
        return None

    with pytest.raises(ValueError, match="'book_service' is already routed"):
        Routes.of((Flow("a", intents={"book_service": noop}), Flow("b", intents={"book_service": noop})))
    with pytest.raises(ValueError, match="'f' is already routed"):
        Routes.of((Flow("a", buttons=(FORM,)), Flow("b", buttons=(FORM,))))
