"""Driving the dialogue engine through the terminal channel in tests."""

from __future__ import annotations

import asyncio
import io
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

import yaml

from bot.app import App
from bot.channels.terminal import TerminalChannel, TerminalSender
from bot.dialogue.engine import DialogueEngine
from bot.events import Reply
from bot.outbox import Dispatcher, from_payload
from tests.fixtures import SHIPPED_CONFIG


@lru_cache(maxsize=1)
def shared_parser() -> Any:
    """The NLU parser, built once per test session (it trains at start)."""
    from bot.communities import CommunityDirectory
    from bot.estates import city_gazetteer
    from nlu import Lexicon, build_parser

    raw = yaml.safe_load(SHIPPED_CONFIG.read_text(encoding="utf-8"))
    # As the app builds it: the sample city's estates are known too (bot/estates.py).
    directory = CommunityDirectory.open(SHIPPED_CONFIG.parent / "communities", city=raw)
    return build_parser(Lexicon.from_config(raw), gazetteer=city_gazetteer(directory))


class Clock:
    """A settable clock so tests can let 31 minutes or 4 working hours pass."""

    def __init__(self, start: datetime | None = None) -> None:
        # Monday 2026-11-30 10:00 in Shanghai: inside office hours.
        self.now = start or datetime(2026, 11, 30, 2, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kw: float) -> None:
        """Let time pass."""
        self.now += timedelta(**kw)


def wire(app: App, clock: Clock) -> DialogueEngine:
    """Give the app the shared parser and an engine on the test clock."""
    app.__dict__["parser"] = shared_parser()
    engine = DialogueEngine(app, clock=clock)
    app.__dict__["dialogue"] = engine
    return engine


def staffed(app: App, clock: Clock) -> App:
    """A migrated app wired for tests, with the sample community's staff in place."""
    from domain.usecases.staff import sync_staff

    wire(app, clock)
    sync_staff(app.uow(), app.declared_staff())
    return app


def staffed_city(app: App, clock: Clock) -> App:
    """A migrated city app wired for tests, each community's staff in place (filed under it)."""
    from domain.usecases.staff import sync_staff

    wire(app, clock)
    for code in app.codes():
        tenant = app.tenant(code)
        sync_staff(tenant.uow(), tenant.declared_staff())
    return app


class Chat:
    """One person in one chat, typing lines into the terminal channel."""

    def __init__(self, app: App, user_id: int, chat_id: int | None = None, name: str = "") -> None:
        self.app = app
        self.out = io.StringIO()
        self.chat_id = chat_id if chat_id is not None else user_id
        self.channel = TerminalChannel(app.dialogue, user_id, self.chat_id, out=self.out, name=name)
        self.dispatcher = Dispatcher(app, TerminalSender(self.channel),
                                     accepts=lambda c: c == self.chat_id,
                                     clock=lambda: max(app.dialogue.clock(), datetime.now(UTC)))
        self.replies: list[Reply] = []

    def say(self, line: str) -> str:
        """Type a line (a button number or text presses that button); return what was printed."""
        start = len(self.out.getvalue())
        self.replies = self.channel.turn(line)
        return self.out.getvalue()[start:]

    def inbox(self) -> str:
        """Deliver what the outbox holds for this chat and return what was printed."""
        start = len(self.out.getvalue())
        asyncio.run(self.dispatcher.deliver_due())
        return self.out.getvalue()[start:]

    @property
    def text(self) -> str:
        """Everything printed so far."""
        return self.out.getvalue()


def queued(app: App, chat_id: int) -> list[Reply]:
    """Unsent outbox messages for a chat (without sending them)."""
    with app.uow() as uow:
        far = datetime.now(UTC) + timedelta(days=3650)
        return [from_payload(m.payload) for m in uow.outbox.due(far, limit=1000)
                if m.chat_id == chat_id]
