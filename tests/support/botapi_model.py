"""Records, parameter parsing and Telegram-like validation for the local stand-in for the Bot API."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any

from tests.support.tg_html import HtmlError, parse_html, utf16_len

JsonDict = dict[str, Any]

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64


class ApiError(Exception):
    """A Bot API error: becomes {"ok": false, "error_code": code, "description": ...}."""

    def __init__(self, description: str, code: int = 400, parameters: JsonDict | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters  # ResponseParameters, e.g. {"retry_after": 3} with a 429


@dataclass
class SentMessage:
    """A message the bot sent (or edited), as the server stored it."""

    chat_id: int
    message_id: int
    date: int
    text: str = ""  # what the user sees (entities parsed)
    raw_text: str = ""  # what the bot sent
    parse_mode: str | None = None
    reply_markup: JsonDict | None = None
    kind: str = "text"  # text | document | location | photo
    document_name: str | None = None
    document_bytes: bytes | None = None
    latitude: float | None = None
    longitude: float | None = None
    edits: list[str] = field(default_factory=list)  # earlier texts, oldest first
    received_at: float = field(default_factory=time.perf_counter)  # for latency figures

    @property
    def buttons(self) -> list[list[tuple[str, str]]]:
        """Inline keyboard as rows of (text, callback_data)."""
        rows = (self.reply_markup or {}).get("inline_keyboard") or []
        return [[(b["text"], b.get("callback_data", "")) for b in row] for row in rows]

    @property
    def keyboard(self) -> list[list[JsonDict]]:
        """Reply keyboard rows (buttons normalised to dicts), empty if none."""
        rows = (self.reply_markup or {}).get("keyboard") or []
        return [[b if isinstance(b, dict) else {"text": b} for b in row] for row in rows]

    @property
    def removes_keyboard(self) -> bool:
        """True if this message carried ReplyKeyboardRemove."""
        return bool((self.reply_markup or {}).get("remove_keyboard"))

    def to_api(self, bot_user: JsonDict, chat: JsonDict) -> JsonDict:
        """Serialise as a Telegram Message object."""
        msg: JsonDict = {"message_id": self.message_id, "date": self.date, "chat": chat, "from": bot_user}
        if self.edits:
            msg["edit_date"] = self.date
        if self.kind == "text":
            msg["text"] = self.text
        elif self.kind == "document":
            msg["document"] = {
                "file_id": f"doc-{self.message_id}",
                "file_unique_id": f"udoc-{self.message_id}",
                "file_name": self.document_name,
                "file_size": len(self.document_bytes or b""),
            }
            if self.text:
                msg["caption"] = self.text
        elif self.kind == "location":
            msg["location"] = {"latitude": self.latitude, "longitude": self.longitude}
        elif self.kind == "photo":
            uid = f"u{self.message_id}"
            size = {"file_id": self.document_name, "file_unique_id": uid, "width": 1280, "height": 960}
            msg["photo"] = [size]
            if self.text:
                msg["caption"] = self.text
        # Telegram echoes only inline keyboards in the returned Message.
        if self.reply_markup and "inline_keyboard" in self.reply_markup:
            msg["reply_markup"] = self.reply_markup
        return msg


def get_json(params: JsonDict, name: str) -> Any:
    """A parameter that form posts carry JSON-encoded and JSON posts carry as-is."""
    value = params.get(name)
    if isinstance(value, str):
        try:
            return json.loads(value)
        except json.JSONDecodeError as exc:
            raise ApiError(f"Bad Request: can't parse {name} JSON object") from exc
    return value


def get_int(params: JsonDict, name: str, default: int | None = None) -> int:
    """An integer parameter; missing and no default -> 400 like Telegram."""
    value = params.get(name)
    if value is None or value == "":
        if default is None:
            raise ApiError(f"Bad Request: {name} is empty" if name != "chat_id" else "Bad Request: chat not found")
        return default
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise ApiError(f"Bad Request: invalid {name} specified") from exc


def get_float(params: JsonDict, name: str) -> float:
    """A float parameter (coordinates)."""
    try:
        return float(params[name])
    except (KeyError, TypeError, ValueError) as exc:
        raise ApiError(f"Bad Request: wrong {name} specified") from exc


def check_text(raw: str | None, parse_mode: str | None, *, caption: bool = False) -> str:
    """Validate a text or caption as Telegram does and return what the user sees."""
    raw = raw or ""
    mode = (parse_mode or "").upper()
    if mode == "HTML":
        try:
            plain = parse_html(raw)
        except HtmlError as exc:
            raise ApiError(f"Bad Request: can't parse entities: {exc}") from exc
    elif mode in ("", "NONE"):
        plain = raw
    else:
        # Only HTML is validated here; MarkdownV2 is not used by this project.
        raise ApiError(f"Bad Request: unsupported parse_mode {parse_mode!r} in the local stand-in")
    limit = MAX_CAPTION if caption else MAX_TEXT
    if not caption and not plain.strip():
        raise ApiError("Bad Request: message text is empty")
    if utf16_len(plain) > limit:
        raise ApiError("Bad Request: message caption is too long" if caption else "Bad Request: message is too long")
    return plain


def _check_inline_button(button: Any) -> None:
    if not isinstance(button, dict) or not isinstance(button.get("text"), str) or not button["text"]:
        raise ApiError(
            "Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    actions = {
        "url",
        "callback_data",
        "switch_inline_query",
        "switch_inline_query_current_chat",
        "web_app",
        "login_url",
        "pay",
        "copy_text",
        "callback_game",
        "switch_inline_query_chosen_chat",
    }
    present = actions & button.keys()
    if len(present) != 1:
        raise ApiError(
            "Bad Request: can't parse inline keyboard button: exactly one of the optional fields must be used"
        )
    if "callback_data" in present:
        data = button["callback_data"]
        if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA:
            raise ApiError("Bad Request: BUTTON_DATA_INVALID")


def _check_reply_button(button: Any) -> None:
    if isinstance(button, str):
        if not button:
            raise ApiError("Bad Request: keyboard button text is empty")
        return
    if not isinstance(button, dict) or not isinstance(button.get("text"), str) or not button["text"]:
        raise ApiError('Bad Request: can\'t parse keyboard button: Field "text" must be of type String')
    requests = {"request_contact", "request_location", "request_poll", "request_users", "request_chat", "web_app"}
    if len(requests & {k for k, v in button.items() if v}) > 1:
        raise ApiError("Bad Request: can't parse keyboard button: only one request can be used")


def _rows(markup: JsonDict, key: str) -> list[list[Any]]:
    rows = markup.get(key)
    if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
        raise ApiError(
            f'Bad Request: can\'t parse reply keyboard markup JSON object: field "{key}" must be an Array of Arrays'
        )
    return rows


def check_reply_markup(params: JsonDict) -> JsonDict | None:
    """Parse and validate reply_markup; None when absent."""
    if params.get("reply_markup") in (None, ""):
        return None
    markup = get_json(params, "reply_markup")
    if not isinstance(markup, dict):
        raise ApiError("Bad Request: can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        for row in _rows(markup, "inline_keyboard"):
            for button in row:
                _check_inline_button(button)
    elif "keyboard" in markup:
        rows = _rows(markup, "keyboard")
        if not any(rows):
            raise ApiError("Bad Request: keyboard must be non-empty")
        for row in rows:
            for button in row:
                _check_reply_button(button)
    elif markup.get("remove_keyboard") is not True and markup.get("force_reply") is not True:
        raise ApiError("Bad Request: can't parse reply keyboard markup JSON object")
    return markup


def check_commands(params: JsonDict) -> list[JsonDict]:
    """Validate setMyCommands' list of BotCommand."""
    commands = get_json(params, "commands")
    if not isinstance(commands, list) or len(commands) > 100:
        raise ApiError("Bad Request: can't parse commands JSON object")
    for cmd in commands:
        name = cmd.get("command", "") if isinstance(cmd, dict) else ""
        desc = cmd.get("description", "") if isinstance(cmd, dict) else ""
        valid = 1 <= len(name) <= 32 and all(c.islower() or c.isdigit() or c == "_" for c in name)
        if not valid or not name.isascii():
            raise ApiError("Bad Request: BOT_COMMAND_INVALID")
        if not 1 <= len(desc) <= 256:
            raise ApiError(
                "Bad Request: command description is empty"
                if not desc
                else "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID"
            )
    return list(commands)
