"""Channel-neutral inbound events and outbound replies: what the dialogue engine speaks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

InboundKind = Literal["text", "button", "contact", "location", "photo", "command"]
RequestKind = Literal["contact", "location"]

# Telegram limits callback data to 64 bytes; every button we make must fit.
MAX_BUTTON_DATA_BYTES = 64


@dataclass(frozen=True)
class Button:
    """One choice; `data` is what comes back when pressed (no secrets, <= 64 bytes)."""

    text: str
    data: str

    def __post_init__(self) -> None:
        if len(self.data.encode("utf-8")) > MAX_BUTTON_DATA_BYTES:
            raise ValueError(f"button data too long: {self.data!r}")


@dataclass(frozen=True)
class Document:
    """A file to send (certificate PDF, export)."""

    filename: str
    content: bytes
    caption: str = ""


@dataclass(frozen=True)
class Location:
    """A point to show on a map (a shelter): Telegram sends a pin, the terminal a line."""

    latitude: float
    longitude: float
    title: str = ""


@dataclass(frozen=True)
class Inbound:
    """One thing a person did in a chat, whatever the channel."""

    chat_id: int
    user_id: int
    kind: InboundKind
    text: str = ""
    data: str = ""  # button data for kind == "button"
    phone: str | None = None  # shared contact
    contact_user_id: int | None = None  # whose contact it is (must be the sender's own)
    latitude: float | None = None
    longitude: float | None = None
    photo_id: str | None = None
    message_id: int | None = None  # the message a pressed button belongs to
    display_name: str = ""
    channel: str = "terminal"


@dataclass(frozen=True)
class Reply:
    """One message to show. Plain text: channels escape it for their parse mode."""

    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    request: RequestKind | None = None  # ask for the user's contact or location
    document: Document | None = None
    photos: tuple[str, ...] = ()  # channel file ids of photos residents sent (sent before the text)
    # When True the reply replaces the message whose button was pressed (staff cards).
    edit: bool = False
    # Toast shown for a button press (Telegram answerCallbackQuery); channels may ignore it.
    notice: str = ""
    location: Location | None = None  # a map pin sent after the text
    image: Document | None = None  # a picture the bot made (a poll's chart): a photo, the text its caption
    # Edit this earlier message of the chat instead of sending a new one (a push's progress).
    edit_message_id: int | None = None


class Engine(Protocol):
    """What a channel needs from the dialogue engine."""

    def handle(self, event: Inbound) -> list[Reply]:
        """Handle one inbound event for its chat and return the replies to that chat."""
        ...


class ChatUnreachable(Exception):
    """The person blocked the bot (Telegram 403): retrying cannot help until they write."""


class Sender(Protocol):
    """What the outbox dispatcher needs from a channel: deliver to any chat."""

    async def send(self, chat_id: int, reply: Reply, priority: int = 1) -> None:
        """Deliver one reply; raise ChatUnreachable if blocked, anything else to retry later.

        `priority` is the outbox row's (domain.ports ANSWER 0, NOTICE 1, BULK 2).
        """
        ...
