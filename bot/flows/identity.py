"""Greeting, identity binding by shared contact, and a resident's own data."""

from __future__ import annotations

from bot import texts
from bot.callbacks import MY_DATA, Callback
from bot.cards import estate_name
from bot.dialogue.flow import Flow
from bot.dialogue.state import ChatState
from bot.dialogue.turn import Turn
from bot.flows import community, subscriptions, waiting
from domain.errors import NotFound, NotOwnContact
from domain.identity import mask_phone
from domain.usecases import residents as uc

BUTTONS = (MY_DATA,)  # this flow's button namespace


def greet(t: Turn) -> None:
    """Hello, the menu, and (once) an invitation to share the phone number."""
    t.say(texts.GREETING.format(community=community.greeting_name(t)), texts.MENU_BUTTONS)
    if not t.state.contact_asked and not t.is_group and t.resident is None:
        t.state.contact_asked = True
        t.say(texts.ASK_CONTACT, request="contact")


def on_contact(t: Turn) -> None:
    """A shared contact binds the chat user to the roster (or leaves them unverified)."""
    ev = t.event
    try:
        resident = uc.bind_contact(t.uow, ev.user_id, ev.chat_id, ev.phone or "",
                                   ev.contact_user_id, ev.display_name)
    except NotOwnContact:
        # A phone-book card or someone else's contact: nothing is bound, ask for their own.
        t.say(texts.CONTACT_NOT_OWN, request="contact")
        return
    t.state.contact_asked = False
    held, t.state.after_contact = t.state.after_contact, {}
    goes_on = bool(held) and not waiting.expired(t, held)
    menu = () if goes_on else texts.MENU_BUTTONS  # the held request's question comes next
    if resident.verified:
        name = estate_name(t.app, resident.address.estate) or t.app.config.community.name
        t.say(texts.BOUND_VERIFIED.format(estate=name) + community.named(t), menu)
    else:
        t.say(texts.BOUND_UNVERIFIED, menu)
    if goes_on:
        waiting.resume(t, held)
    elif held:
        waiting.too_late(t, held)


def show_mine(t: Turn) -> None:
    """What we hold about the asker, with the choice to delete it."""
    try:
        r = uc.show_my_data(t.uow, t.event.user_id)
    except NotFound:
        where, rows = community.mine(t)
        t.say(texts.MY_DATA_NONE + (f"\n{where}" if where else ""),
              [[MY_DATA.button(texts.SHARE_CONTACT_BUTTON, "share")], *rows])
        return
    none = texts.MY_DATA_NONE_FIELD
    where, rows = community.mine(t)
    subs_line, subs_rows = subscriptions.summary(t, r)
    t.say(texts.MY_DATA.format(
        name=r.name, phone=mask_phone(r.phone) if r.phone else none["phone"],
        address=r.address.label(estate_name(t.app, r.address.estate)) or none["address"],
        tags="、".join(r.tags) or none["tags"], verified=texts.MY_DATA_VERIFIED[r.verified],
    ) + "\n" + subs_line + (f"\n{where}" if where else ""), [*subs_rows, *rows, *texts.MY_DATA_BUTTONS])
    if r.id is not None:
        from bot.flows import volunteer

        volunteer.mine(t, r.id)  # a volunteer also sees their skills, times and hours


def on_button(t: Turn, cb: Callback) -> None:
    """Share the phone, erase (asks), erase_yes (deletes)."""
    if cb.action == "share":
        t.state.contact_asked = True
        t.say(texts.ASK_CONTACT, request="contact")
    elif cb.action == "erase":
        t.say(texts.CONFIRM_ERASE, texts.ERASE_BUTTONS)
    elif cb.action == "erase_yes":
        uc.erase_my_data(t.uow, t.event.user_id)
        # A fresh state, so the engine does not write the erased one back after this turn.
        t.state = ChatState()
        t.say(texts.ERASED, texts.MENU_BUTTONS)
    else:
        show_mine(t)


def my_data_typed(t: Turn) -> bool:
    """ "我的信息" typed in a private chat, outside a form: what we hold (the menu button's answer)."""
    if t.is_group or t.state.form or t.event.kind != "text":
        return False
    if t.event.text.strip().strip("。.!！？? ") not in texts.MY_INFO_WORDS:
        return False
    show_mine(t)
    return True


FLOW = Flow(name="identity", intents={"greet": greet}, buttons=BUTTONS, on_button=on_button,
            on_any_text=my_data_typed)
