"""Telegram Update -> channel-neutral Inbound, and text splitting for Telegram's limits."""

from __future__ import annotations

from typing import Any

from telegram import MessageEntity, Update

from bot.events import Inbound, InboundKind

# Telegram's limit is 4096 UTF-16 units of visible text; keep a margin.
MAX_CHUNK = 4000


def to_inbound(update: Update, bot_username: str | None = None) -> Inbound | None:
    """Convert what a person did into an Inbound; None for anything the engine can't use."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return None

    def make(kind: InboundKind, **fields: Any) -> Inbound:
        return Inbound(
            chat_id=chat.id, user_id=user.id, kind=kind, display_name=user.full_name, channel="telegram", **fields
        )

    query = update.callback_query
    if query is not None:
        message_id = query.message.message_id if query.message is not None else None
        return make("button", data=query.data or "", message_id=message_id)
    msg = update.message  # edits and channel posts are ignored on purpose
    if msg is None:
        return None
    if msg.contact is not None:
        return make("contact", phone=msg.contact.phone_number, contact_user_id=msg.contact.user_id)
    if msg.location is not None:
        loc = msg.location
        return make("location", latitude=loc.latitude, longitude=loc.longitude)
    if msg.photo:
        largest = max(msg.photo, key=lambda p: (p.width * p.height, p.file_size or 0))
        return make("photo", photo_id=largest.file_id, text=msg.caption or "")
    if msg.text is None:
        return None
    entity = msg.entities[0] if msg.entities else None
    if entity is not None and entity.type == MessageEntity.BOT_COMMAND and entity.offset == 0:
        head = msg.parse_entity(entity)[1:]
        name, _, addressee = head.partition("@")
        if addressee and bot_username and addressee.lower() != bot_username.lower():
            return None  # a command for another bot in a group
        args = msg.text[len(msg.parse_entity(entity)) :].strip()
        # Command arguments (deep-link payloads) travel in `data`.
        return make("command", text=name.lower(), data=args)
    return make("text", text=msg.text)


def _units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def split_text(text: str, limit: int = MAX_CHUNK) -> list[str]:
    """Split plain text into chunks Telegram accepts, preferring line breaks."""
    if _units(text) <= limit:
        return [text]
    chunks: list[str] = []
    current = ""
    for line in text.splitlines(keepends=True):
        while _units(line) > limit:  # a single overlong line: hard cut
            cut = limit
            while _units(line[:cut]) > limit:
                cut -= 1
            if current:
                chunks.append(current)
                current = ""
            chunks.append(line[:cut])
            line = line[cut:]
        if _units(current + line) > limit:
            chunks.append(current)
            current = ""
        current += line
    if current.strip():
        chunks.append(current)
    return [c.rstrip("\n") or c for c in chunks if c.strip()]
