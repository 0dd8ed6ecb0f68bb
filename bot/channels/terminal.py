"""The terminal channel: a Chinese chat in the console, scriptable from a pipe.

Type a message; choose a button by its number or its text. Special lines:
/contact 13812345678 (a forwarded card: /contact PHONE card) · /location 28.01 120.65 · /photo [caption]
/start /menu /help /cancel /status · /quit
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TextIO

from bot.events import Button, Engine, Inbound, Reply

COMMANDS = frozenset({"start", "menu", "help", "cancel", "status", "verify"})


@dataclass
class TerminalChannel:
    """One user in one chat, talking to the engine through stdin/stdout."""

    engine: Engine
    user_id: int
    chat_id: int
    out: TextIO = field(default_factory=lambda: sys.stdout)
    name: str = ""
    after_turn: Callable[[], None] | None = None  # e.g. deliver this chat's outbox
    _buttons: list[tuple[Button, int]] = field(default_factory=list)
    _message_id: int = 0
    _photos: int = 0

    def show(self, reply: Reply) -> None:
        """Print one reply; buttons get numbers to type."""
        self._message_id += 1
        w = self.out.write
        if reply.notice:
            w(f"  〔提示〕{reply.notice}\n")
        for photo in reply.photos:
            w(f"  〔照片〕{photo}\n")
        if reply.text:
            w(("（更新）" if reply.edit else "") + reply.text + "\n")
        if reply.buttons:
            self._buttons = []
            for row in reply.buttons:
                cells = []
                for b in row:
                    self._buttons.append((b, self._message_id))
                    cells.append(f"[{len(self._buttons)}] {b.text}")
                w("  " + "   ".join(cells) + "\n")
        if reply.request == "contact":
            w("  （输入 /contact 手机号 来分享手机号）\n")
        elif reply.request == "location":
            w("  （输入 /location 纬度 经度 来发送位置）\n")
        if reply.document:
            w(f"  〔文件〕{reply.document.filename}\n")
        if reply.image:
            w(f"  〔图片〕{reply.image.filename}\n")
        if reply.location:
            loc = reply.location
            w(f"  〔位置〕{loc.title} {loc.latitude:.5f}, {loc.longitude:.5f}\n".replace("〕 ", "〕"))
        self.out.flush()

    def to_event(self, line: str) -> Inbound | None:
        """A typed line as an inbound event (None for an empty line)."""
        text = line.strip()
        base = {"chat_id": self.chat_id, "user_id": self.user_id, "display_name": self.name, "channel": "terminal"}
        if not text:
            return None
        if text.isdigit() and 1 <= int(text) <= len(self._buttons):
            button, msg = self._buttons[int(text) - 1]
            return Inbound(kind="button", data=button.data, message_id=msg, **base)  # type: ignore[arg-type]
        for button, msg in self._buttons:
            if text == button.text:
                return Inbound(kind="button", data=button.data, message_id=msg, **base)  # type: ignore[arg-type]
        if text.startswith("/"):
            cmd, _, rest = text[1:].partition(" ")
            if cmd == "contact":
                return self._contact(rest, base)
            if cmd == "location":
                try:
                    lat, lon = (float(x) for x in rest.split())
                except ValueError:
                    self.out.write("  （格式：/location 28.0139 120.6441）\n")
                    return None
                return Inbound(kind="location", latitude=lat, longitude=lon, **base)  # type: ignore[arg-type]
            if cmd == "photo":
                self._photos += 1
                # `/photo 扫帚 25元`: the rest of the line is the caption, as Telegram sends it.
                return Inbound(kind="photo", photo_id=f"terminal-photo-{self._photos}",
                               text=rest.strip(), **base)  # type: ignore[arg-type]
            if cmd in COMMANDS:
                return Inbound(kind="command", text=cmd, data=rest.strip(), **base)  # type: ignore[arg-type]
        return Inbound(kind="text", text=text, **base)  # type: ignore[arg-type]

    def _contact(self, rest: str, base: dict[str, Any]) -> Inbound:
        """/contact PHONE shares one's own number; `/contact PHONE card` sends a phone-book
        card (no user id) and `/contact PHONE 4004` someone else's contact, as Telegram can."""
        phone, _, owner = rest.strip().partition(" ")
        owner = owner.strip()
        who: int | None = self.user_id
        if owner:
            who = int(owner) if owner.lstrip("-").isdigit() else None
        return Inbound(kind="contact", phone=phone, contact_user_id=who, **base)

    def turn(self, line: str) -> list[Reply]:
        """Handle one typed line and print the replies."""
        event = self.to_event(line)
        if event is None:
            return []
        replies = self.engine.handle(event)
        for r in replies:
            self.show(r)
        if self.after_turn:
            self.after_turn()
        return replies

    def loop(self, lines: Iterable[str], *, echo: bool, prompt: Callable[[], None] | None) -> None:
        """Read lines until /quit or end of input."""
        if prompt:
            prompt()
        for line in lines:
            if line.strip() in ("/quit", "/exit"):
                break
            if echo:
                self.out.write(f"» {line.strip()}\n")
            self.turn(line)
            if prompt:
                prompt()


class TerminalSender:
    """Outbox delivery to the terminal: this chat's messages are printed."""

    def __init__(self, channel: TerminalChannel) -> None:
        self.channel = channel

    async def send(self, chat_id: int, reply: Reply, priority: int = 1) -> None:
        """Print a message addressed to the terminal's chat (one reader: no priority needed)."""
        self.channel.show(reply)

