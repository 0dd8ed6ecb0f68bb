"""The dialogue engine: load a chat's state, route the event to a flow, save, answer."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from bot import callbacks, texts
from bot.dialogue.flow import Flow, Routes
from bot.dialogue.state import ChatState, close_idle_form, save_state
from bot.dialogue.turn import Turn, reply
from bot.events import Inbound, Reply
from bot.flows import (
    alerts,
    board,
    booking,
    community,
    estate_choice,
    identity,
    info,
    ledger,
    policy,
    polls,
    push_staff,
    ratings,
    report,
    seal,
    staff,
    status,
    story,
    subscriptions,
    volunteer,
    waiting,
)
from domain.errors import DomainError, NoCommunity, NotAllowed, NotFound
from domain.ports import UnitOfWork
from domain.staff import Staff

if TYPE_CHECKING:
    from bot.app import App

log = logging.getLogger(__name__)

# Words that work everywhere, before any parsing: the way out is never in doubt.
MENU_WORDS = frozenset({"菜单", "主菜单", "menu", "首页", "返回"})
HELP_WORDS = frozenset({"帮助", "help", "怎么用", "?", "？"})
STOP_WORDS = frozenset({"取消", "算了", "不办了", "退出", "不要了", "cancel", "停"})
# A report number however it is typed: BS-20261202-0001, bs202612020001, BS 20261202 0001.
NUMBER = re.compile(r"(?<![A-Za-z0-9])([A-Za-z]{1,4})[\s-]*(20\d{6})[\s-]*(\d{4})(?![0-9])")
COMMANDS = {"start": "start", "menu": "menu", "help": "help", "cancel": "cancel", "status": "status",
            "todo": "todo"}
COMMAND_INTENTS = {"start": "greet", "help": "help", "status": "check_status"}
TASK_WORDS = frozenset({"待办", "我的待办", "todo", "工单", "待处理"})
# The flows, as peers: each declares its intents, forms and button namespaces (bot/dialogue/flow.py).
# A new capability is one line here.
FLOWS: tuple[Flow, ...] = (
    staff.FLOW,
    report.FLOW,
    status.FLOW,
    identity.FLOW,
    info.FLOW,
    booking.FLOW,
    seal.FLOW,
    polls.FLOW,
    ratings.FLOW,
    volunteer.FLOW,
    alerts.FLOW,
    policy.FLOW,
    subscriptions.FLOW,
    push_staff.FLOW,
    board.FLOW,
    ledger.FLOW,
    estate_choice.FLOW,
    community.FLOW,
)
ROUTES = Routes.of(FLOWS)


class DialogueEngine:
    """Channel-neutral: Inbound in, Replies out; every step is one database transaction."""

    def __init__(self, app: App, clock: Callable[[], datetime] | None = None) -> None:
        self.app = app
        self.clock = clock or (lambda: datetime.now(UTC))
        self.timeout = timedelta(minutes=app.config.dialogue.form_timeout_minutes)

    def handle(self, event: Inbound) -> list[Reply]:
        """Answer one event; the records it makes are committed before the answer exists."""
        now = self.clock()
        try:
            with self.app.uow() as uow:
                # First: with several worker processes, another may be in a turn of this chat.
                uow.lock_chat(event.chat_id)
                # They wrote, so they can be reached again (a 403 had marked the chat).
                uow.outbox.unblock_chat(event.chat_id)
                state, expired = self._load(uow, event.chat_id, now)
                before = state.to_dict()
                turn = self._placed(uow, event, now, state)
                if expired:
                    turn.say(expired)
                try:
                    community.route(turn, self._route)  # an unplaced speaker is asked first
                except DomainError as exc:
                    uow.rollback()
                    return [*turn.replies[:1 if expired else 0],
                            self._error_reply(event, exc, turn.staff)]
                if expired or turn.state.to_dict() != before or turn.state.form:
                    # Unchanged idle state is not rewritten: most turns then stay read-only.
                    save_state(uow, event.chat_id, turn.state, now)
                uow.commit()
                return turn.replies
        except Exception:
            log.exception("dialogue failed for chat %s", event.chat_id)
            return [reply(texts.SYSTEM_ERROR)]

    def _placed(self, uow: UnitOfWork, event: Inbound, now: datetime, state: ChatState) -> Turn:
        """The turn, in the speaker's community: its config, and only its records visible."""
        staff = uow.staff.by_user(event.user_id)
        resident = None if staff is not None else uow.residents.by_user(event.user_id)
        app = self.app
        if staff is not None and staff.level:
            return self._above(uow, event, now, state, staff)
        code = (staff.community if staff is not None else resident.community if resident is not None
                else state.community) or None
        if code is None and not app.several:
            code = app.community_code
        if code is not None and code not in app.codes():
            code = None  # a community taken out of the deployment: they are asked again
        if code is None:
            # Not placed yet: config.yaml's community speaks, nothing is visible and nothing
            # can be filed (NoCommunity) until they say where they live.
            tenant, visible = app.tenant(app.community_code), frozenset[str]()
        else:
            tenant, visible = app.tenant(code), frozenset({code})
        uow.scope_to(code, visible, tenant.on_event or tenant.notifier.handle)
        turn = Turn(tenant, uow, event, now, state)
        turn.__dict__.update(staff=staff, resident=resident)  # known now: not asked again
        return turn

    def _above(self, uow: UnitOfWork, event: Inbound, now: datetime, state: ChatState,
               staff: Staff) -> Turn:
        """A 街道/区/市 staff member's turn: every community below them visible, none home.

        Nothing new is filed in their name by accident (no home: NoCommunity); an action on a
        record moves the turn into that record's community first (bot/flows/staff.py `enter`).
        """
        app = self.app
        visible = app.reach(staff)
        home = next(iter(visible)) if len(visible) == 1 else None
        tenant = app.tenant(home or (min(visible) if visible else app.community_code))
        # The city's staff see every community: no IN-list of thousands of codes in each query.
        seen = None if staff.level == "市" and app.several else visible
        uow.scope_to(home, seen, tenant.on_event or tenant.notifier.handle)
        turn = Turn(tenant, uow, event, now, state)
        turn.__dict__.update(staff=staff, resident=None)
        return turn

    @staticmethod
    def _error_reply(event: Inbound, exc: DomainError, staff: Staff | None = None) -> Reply:
        text = texts.error_text(exc)
        if isinstance(exc, NoCommunity) and staff is not None and staff.level:
            text = texts.STAFF_LEVEL_FILES_NOTHING  # not a resident to be placed: say what they can do
        if event.kind != "button":
            return reply(text)
        # A pressed button gets a toast; in staff groups nothing more is posted for everyone.
        return reply("" if event.chat_id < 0 else text, notice=text)

    def _load(self, uow: UnitOfWork, chat_id: int, now: datetime) -> tuple[ChatState, str]:
        loaded = uow.conversations.load(chat_id)
        if loaded is None:
            return ChatState(), ""
        data, at = loaded
        state = ChatState.from_dict(data)
        if state.form and now - at > self.timeout:
            return state, close_idle_form(state, self.app.config.dialogue.form_timeout_minutes)
        return state, ""

    # -- routing ---------------------------------------------------------------------
    def _route(self, t: Turn) -> None:
        ev = t.event
        if ev.kind == "button":
            return self._button(t)
        if ev.kind == "contact":
            return identity.on_contact(t)
        if ev.kind == "location":
            alerts.remember_location(t)  # the next warning measures from here
            form = ROUTES.forms.get(t.state.form or "")
            return form.on_location(t) if form and form.on_location else info.shelters(t)
        if ev.kind == "photo":
            if any(f.on_any_photo(t) for f in FLOWS if f.on_any_photo is not None):
                return None
            return report.on_photo(t)
        if ev.kind == "command" and ev.text.strip().lstrip("/").lower() == "verify":
            return seal.verify(t)
        if ev.kind == "command":
            if any(f.on_any_text(t) for f in FLOWS if f.on_any_text is not None):
                return None  # a flow's own command (/today)
            return self._command(t, COMMANDS.get(ev.text.strip().lstrip("/").lower(), ""))
        return self._text(t)

    def _command(self, t: Turn, name: str) -> None:
        if name == "todo" and t.staff is not None:
            return staff.tasks(t)
        if name == "cancel":
            return self._stop(t)
        if name in COMMAND_INTENTS:
            return dispatch(t, COMMAND_INTENTS[name])
        return info.menu(t)

    def _text(self, t: Turn) -> None:
        text = t.event.text.strip()
        # Text a flow answers anywhere, even in staff groups (a reason a staff member was asked
        # for, /今日上门) comes before staff talk: staff text is otherwise never a resident's.
        if any(f.on_any_text(t) for f in FLOWS if f.on_any_text is not None):
            return None
        if staff.on_staff_text(t):  # staff talk as staff; a note they were asked for
            return None
        if t.is_group:
            return None  # staff groups: speak only when a button or command asks
        text = _without_greeting(t, text)
        word = text.lower().strip("。.!！ ")
        # Several lines sent as one burst: "…算了" at the end still stops, "…菜单" still leads out.
        last = text.splitlines()[-1].lower().strip("。.!！ ") if "\n" in text else word
        if word in STOP_WORDS or last in STOP_WORDS:
            return self._stop(t)
        if word in MENU_WORDS or last in MENU_WORDS:
            t.state.pending, t.state.after_contact = {}, {}
            return info.menu(t, in_form=bool(t.state.form))
        if word in HELP_WORDS:
            t.say(texts.HELP, texts.MENU_BUTTONS)
            return None
        if word in TASK_WORDS and t.staff is not None:
            return staff.tasks(t)
        if t.state.form:
            form = ROUTES.forms.get(t.state.form)
            if form is not None:
                return form.forms[t.state.form](t)
            t.state.end()  # a form no flow serves any more (an older version's): start afresh
        if waiting.held_line(t):  # more about a request that waits for the phone number
            return None
        if (number := find_number(text)) is not None:
            if number.startswith(t.app.config.seals.number_prefix + "-"):
                return seal.show(t, number)
            if t.staff is not None:
                try:
                    return staff.show_card(t, number)
                except (NotFound, NotAllowed):
                    pass  # not theirs to handle: maybe their own report as a resident
            return status.show(t, number)
        if status.rate_typed(t):
            return None
        return dispatch(t, t.intent)

    @staticmethod
    def _stop(t: Turn) -> None:
        had = bool(t.state.form or t.state.after_contact)
        t.state.end()
        t.state.after_contact = {}
        t.say(texts.STOPPED if had else texts.NOTHING_TO_STOP, texts.MENU_BUTTONS if had else ())

    def _button(self, t: Turn) -> None:
        cb = callbacks.decode(t.event.data)
        flow = ROUTES.buttons.get(cb.ns) if cb is not None else None
        if cb is None or flow is None or flow.on_button is None:
            # Old, forged or broken data: a toast, and in a private chat the way on.
            if t.is_group:
                t.replies.append(reply("", notice=texts.STALE_BUTTON))
            else:
                t.say(texts.STALE_BUTTON, texts.MENU_BUTTONS, notice=texts.STALE_BUTTON)
            return None
        return flow.on_button(t, cb)


def find_number(text: str) -> str | None:
    """The report number in a text, in its canonical form (BS-20261202-0001)."""
    m = NUMBER.search(text)
    return f"{m.group(1).upper()}-{m.group(2)}-{m.group(3)}" if m else None


def _without_greeting(t: Turn, text: str) -> str:
    """ "你好 我家楼道灯坏了" is the request: the rest of the message is what gets understood."""
    rest = story.strip_greeting(text)
    if rest and rest != text:
        t.event = replace(t.event, text=rest)
        t.__dict__.pop("parse", None)  # parse the request, not the greeting
        return rest
    return text


def dispatch(t: Turn, intent: str) -> None:
    """Route an intent to the flow that serves it (also used after an intent switch)."""
    handler = ROUTES.handler(intent)
    if handler is not None:
        return handler(t)
    if intent in info.COMING_SOON:
        return info.coming_soon(t, intent)  # not built yet: the office, and a relay to staff
    t.say(texts.NOT_UNDERSTOOD, texts.MENU_BUTTONS)
    return None
