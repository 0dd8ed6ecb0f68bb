"""The button codec: round trips, limits, and any data at all gets a calm answer."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot import texts
from bot.app import App
from bot.callbacks import MAX_BYTES, NAMESPACES, STAFF, Callback, decode
from bot.config import load_config
from bot.dialogue.engine import ROUTES, DialogueEngine
from bot.events import Inbound
from tests.fixtures import SHIPPED_CONFIG, one_community
from tests.support.chat import shared_parser
from tests.support.fakes import FakeUnitOfWork

NOW = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
LONGEST = {"number": "BSXX-20261130-9999", "code": "X" * 16, "id": "9" * 12, "stars": "5", "slug": "x" * 32}
SAMPLE = {"number": "BS-20261130-0001", "code": "E1", "id": "1", "stars": "3", "slug": "home_care_subsidy"}


def test_every_action_round_trips_and_fits_telegrams_64_bytes() -> None:
    for ns in NAMESPACES.values():
        for action, kinds in ns.actions.items():
            for values in (SAMPLE, LONGEST):
                args = tuple(values[k] for k in kinds)
                data = ns.data(action, *args)
                assert len(data.encode()) <= MAX_BYTES
                assert decode(data) == Callback(ns.name, action, args)


def test_every_namespace_is_routed_to_a_flow() -> None:
    assert set(ROUTES.buttons) == set(NAMESPACES)


@pytest.mark.parametrize("data", [
    "s:acc:BS-20261128-0001", "f:yes", "m:report", "rt:BS-20261128-0001:5", "me:erase:yes",
    "1:s:acc", "1:s:acc:BS-20261128-0001:x", "1:s:nope:BS-20261128-0001", "1:s:acc:bs-1",
    "1:st:rate:BS-20261128-0001:9", "2:s:acc:BS-20261128-0001", "1:zz:acc", "", "1", "1:",
    "1:s:ver:0", "1:s:ver:١٢", "1:f:cat:" + "x" * 60,
])
def test_old_forged_or_broken_data_decodes_to_nothing(data: str) -> None:
    assert decode(data) is None


def test_a_wrong_argument_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        STAFF.data("acc", "not a number")
    with pytest.raises(ValueError):
        STAFF.data("to", "BS-20261130-0001")


@pytest.fixture(scope="module")
def engine() -> DialogueEngine:
    app = App(one_community(load_config(SHIPPED_CONFIG, environ=False)))
    uow = FakeUnitOfWork()
    uow.on_event = app.notifier.handle
    app.uow_factory = lambda: uow
    app.__dict__["parser"] = shared_parser()
    for s in app.declared_staff():
        uow.staff.save(s)
    eng = DialogueEngine(app, clock=lambda: NOW)
    eng.handle(Inbound(chat_id=81, user_id=81, kind="text", text="翠微苑3幢楼道灯坏了"))
    from bot.callbacks import FORM

    eng.handle(Inbound(chat_id=81, user_id=81, kind="button", data=FORM.data("yes")))
    return eng


def test_todays_old_format_gets_the_stale_answer(engine: DialogueEngine) -> None:
    for chat in (700000002, -1002000000011):
        replies = engine.handle(Inbound(chat_id=chat, user_id=700000002, kind="button",
                                        data="s:acc:BS-20261130-0001"))
        assert any(r.notice == texts.STALE_BUTTON for r in replies)
        assert all(texts.SYSTEM_ERROR not in r.text for r in replies)


def _shaped() -> st.SearchStrategy[str]:
    """Data that looks like ours: a namespace and action we know, arguments of any kind."""
    part = st.one_of(st.sampled_from(["BS-20261130-0001", "BS-20261130-0002", "E1", "S03", "1", "5",
                                      "follow", "yes", "place", "99"]), st.text(max_size=8))
    return st.builds(
        lambda ns, action, args: ":".join(["1", ns, action, *args]),
        st.sampled_from(sorted(NAMESPACES)),
        st.sampled_from(sorted({a for ns in NAMESPACES.values() for a in ns.actions})),
        st.lists(part, max_size=3))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.one_of(st.text(max_size=80), st.binary(max_size=64).map(lambda b: b.decode("latin-1")),
                      _shaped()),
       who=st.sampled_from([(81, 81), (82, 82), (700000002, -1002000000011), (700000003, 700000003),
                            (700000001, 700000001)]))
def test_any_button_data_gets_an_answer_never_a_system_error(
        engine: DialogueEngine, data: str, who: tuple[int, int]) -> None:
    user, chat = who
    replies = engine.handle(Inbound(chat_id=chat, user_id=user, kind="button", data=data))
    assert replies, data
    assert all(texts.SYSTEM_ERROR not in r.text for r in replies), data
