"""Per-chat conversation state, stored as JSON in the database (encrypted)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from bot import texts
from domain.ports import UnitOfWork


@dataclass
class ChatState:
    """Where a chat is: the open form, its slots and step, a pending question."""

    form: str | None = None  # e.g. "report"
    step: str | None = None  # the slot or question we are waiting for
    slots: dict[str, Any] = field(default_factory=dict)
    pending: dict[str, Any] = field(default_factory=dict)  # e.g. an intent switch to confirm
    staff_pending: dict[str, dict[str, Any]] = field(default_factory=dict)  # user id → note ask
    contact_asked: bool = False
    # A request that waits for the phone number (开证明 before they are known): intent, text, at.
    after_contact: dict[str, Any] = field(default_factory=dict)
    community: str = ""  # the 村社 this chat chose before they are on a roster (its code)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ChatState:
        """Rebuild from stored JSON, ignoring unknown keys from older versions."""
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)

    def start(self, form: str, slots: dict[str, Any]) -> None:
        """Open a form (dropping any other)."""
        self.form, self.step, self.slots, self.pending = form, None, dict(slots), {}

    def end(self) -> None:
        """Close the open form."""
        self.form, self.step, self.slots, self.pending = None, None, {}, {}

    @property
    def is_empty(self) -> bool:
        """Nothing worth storing."""
        return not (self.form or self.pending or self.staff_pending or self.contact_asked
                    or self.community or self.after_contact)


def close_idle_form(state: ChatState, minutes: int) -> str:
    """End the open form and return what to tell the resident about it."""
    name = texts.FORM_NAMES.get(state.slots.get("kind", ""), texts.FORM_DEFAULT)
    state.end()
    return texts.FORM_EXPIRED.format(form=name, minutes=minutes)


def save_state(uow: UnitOfWork, chat_id: int, state: ChatState, now: datetime) -> None:
    """Store the chat's state, or forget it when nothing is left worth keeping."""
    if state.is_empty:
        uow.conversations.clear(chat_id)
    else:
        uow.conversations.store(chat_id, state.to_dict(), now)
