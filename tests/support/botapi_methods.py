"""Bot API method handlers of the local stand-in for the Bot API, one async function per method."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from tests.support.botapi_model import (
    ApiError,
    JsonDict,
    SentMessage,
    check_commands,
    check_reply_markup,
    check_text,
    get_float,
    get_int,
)

if TYPE_CHECKING:
    from tests.support.botapi import BotApiServer

Handler = Callable[["BotApiServer", JsonDict], Awaitable[Any]]
METHODS: dict[str, Handler] = {}


def method(name: str) -> Callable[[Handler], Handler]:
    """Register a handler under the Bot API method name (matched case-insensitively)."""

    def register(fn: Handler) -> Handler:
        METHODS[name.lower()] = fn
        return fn

    return register


@method("getMe")
async def get_me(server: BotApiServer, params: JsonDict) -> JsonDict:
    return server.bot_user


@method("close")
@method("logOut")
@method("deleteMyCommands")
async def ok_true(server: BotApiServer, params: JsonDict) -> bool:
    return True


@method("deleteWebhook")
async def delete_webhook(server: BotApiServer, params: JsonDict) -> bool:
    server.webhook = {}
    await server.stop_delivery()
    return True


@method("setWebhook")
async def set_webhook(server: BotApiServer, params: JsonDict) -> bool:
    # Real Telegram wants https on ports 443/80/88/8443; the local stand-in accepts loopback http.
    url = str(params.get("url") or "")
    if not url.startswith(("https://", "http://127.0.0.1", "http://localhost")):
        raise ApiError("Bad Request: bad webhook: An HTTPS URL must be provided for webhook")
    server.webhook = {"url": url, "secret_token": params.get("secret_token")}
    max_connections = get_int(params, "max_connections", 40)
    if not 1 <= max_connections <= 100:
        raise ApiError("Bad Request: bad webhook: max_connections must be between 1 and 100")
    await server.start_delivery(url, params.get("secret_token"), max_connections)
    server.wake()
    return True


@method("getWebhookInfo")
async def get_webhook_info(server: BotApiServer, params: JsonDict) -> JsonDict:
    url = server.webhook.get("url", "") if server.webhook else ""
    return {"url": url, "has_custom_certificate": False, "pending_update_count": len(server.take_updates(0, 10_000))}


@method("setMyCommands")
async def set_my_commands(server: BotApiServer, params: JsonDict) -> bool:
    server.commands = check_commands(params)
    return True


@method("getMyCommands")
async def get_my_commands(server: BotApiServer, params: JsonDict) -> list[JsonDict]:
    return server.commands


@method("getUpdates")
async def get_updates(server: BotApiServer, params: JsonDict) -> list[JsonDict]:
    offset = get_int(params, "offset", 0)
    limit = min(max(get_int(params, "limit", 100), 1), 100)
    timeout = float(params.get("timeout") or 0)
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        updates = server.take_updates(offset, limit)
        left = deadline - asyncio.get_running_loop().time()
        if updates or left <= 0 or server.closing:
            return updates
        await server.wait_change(left)


def _message(server: BotApiServer, params: JsonDict) -> SentMessage:
    chat_id = get_int(params, "chat_id")
    if chat_id == 0:
        raise ApiError("Bad Request: chat not found")
    if chat_id in server.blocked_by:
        raise ApiError("Forbidden: bot was blocked by the user", 403)
    return SentMessage(chat_id=chat_id, message_id=0, date=int(time.time()), parse_mode=params.get("parse_mode"))


def _store(server: BotApiServer, msg: SentMessage) -> JsonDict:
    msg.message_id = server.new_message_id(msg.chat_id)
    server.record_sent(msg)
    return msg.to_api(server.bot_user, server.chat(msg.chat_id))


@method("sendMessage")
async def send_message(server: BotApiServer, params: JsonDict) -> JsonDict:
    msg = _message(server, params)
    msg.raw_text = str(params.get("text") or "")
    msg.text = check_text(msg.raw_text, msg.parse_mode)
    msg.reply_markup = check_reply_markup(params)
    return _store(server, msg)


@method("sendDocument")
async def send_document(server: BotApiServer, params: JsonDict) -> JsonDict:
    msg = _message(server, params)
    msg.kind = "document"
    doc = params.get("document")
    if doc is None or doc == "":
        raise ApiError("Bad Request: there is no document in the request")
    if isinstance(doc, str):  # a file_id or URL
        msg.document_name, msg.document_bytes = doc, b""
    else:  # aiohttp FileField from a multipart upload
        msg.document_name = doc.filename
        msg.document_bytes = doc.file.read()
        if not msg.document_bytes:
            raise ApiError("Bad Request: file must be non-empty")
    return _store_media(server, msg, params)


def _store_media(server: BotApiServer, msg: SentMessage, params: JsonDict) -> JsonDict:
    """Caption (optional, checked like Telegram), keyboard, then store a media message."""
    msg.raw_text = str(params.get("caption") or "")
    msg.text = check_text(msg.raw_text, msg.parse_mode, caption=True) if msg.raw_text else ""
    msg.reply_markup = check_reply_markup(params)
    return _store(server, msg)


@method("sendPhoto")
async def send_photo(server: BotApiServer, params: JsonDict) -> JsonDict:
    msg = _message(server, params)
    msg.kind = "photo"
    photo = params.get("photo")
    if photo is None or photo == "":
        raise ApiError("Bad Request: there is no photo in the request")
    if not isinstance(photo, str):  # an upload (multipart): checked as Telegram checks photos
        msg.document_name, msg.document_bytes = photo.filename, photo.file.read()
        check_photo(msg.document_bytes)
        return _store_media(server, msg, params)
    if not photo.startswith("photo-"):  # only file ids this server handed out exist
        raise ApiError("Bad Request: wrong file identifier/HTTP URL specified")
    msg.document_name = photo
    return _store_media(server, msg, params)


PHOTO_MAX_BYTES = 10 * 1024 * 1024


def check_photo(data: bytes) -> None:
    """Telegram's limits for an uploaded photo: an image, at most 10 MB, sides adding up to 10000."""
    import io

    from PIL import Image, UnidentifiedImageError

    if not data:
        raise ApiError("Bad Request: file must be non-empty")
    if len(data) > PHOTO_MAX_BYTES:
        raise ApiError("Bad Request: PHOTO_INVALID_DIMENSIONS")
    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
    except UnidentifiedImageError:
        raise ApiError("Bad Request: IMAGE_PROCESS_FAILED") from None
    if width + height > 10_000 or max(width, height) > 20 * min(width, height):
        raise ApiError("Bad Request: PHOTO_INVALID_DIMENSIONS")


@method("sendLocation")
async def send_location(server: BotApiServer, params: JsonDict) -> JsonDict:
    msg = _message(server, params)
    msg.kind = "location"
    msg.latitude, msg.longitude = get_float(params, "latitude"), get_float(params, "longitude")
    if not (-90 <= msg.latitude <= 90 and -180 <= msg.longitude <= 180):
        raise ApiError("Bad Request: wrong coordinates")
    msg.reply_markup = check_reply_markup(params)
    return _store(server, msg)


@method("sendChatAction")
async def send_chat_action(server: BotApiServer, params: JsonDict) -> bool:
    server.chat_actions.append({"chat_id": get_int(params, "chat_id"), "action": params.get("action")})
    return True


def _target(server: BotApiServer, params: JsonDict) -> SentMessage:
    if params.get("inline_message_id"):
        raise ApiError("Bad Request: inline messages are not supported by the local stand-in")
    key = (get_int(params, "chat_id"), get_int(params, "message_id"))
    msg = server.messages.get(key)
    if msg is None:
        raise ApiError("Bad Request: message to edit not found")
    return msg


def _apply_edit(
    server: BotApiServer, msg: SentMessage, text: str | None, raw: str | None, mode: str | None, markup: JsonDict | None
) -> JsonDict:
    new_text = msg.text if text is None else text
    # Telegram's edit with no reply_markup removes an inline keyboard.
    if new_text == msg.text and markup == msg.reply_markup:
        raise ApiError(
            "Bad Request: message is not modified: specified new message content and reply markup "
            "are exactly the same as a current content and reply markup of the message"
        )
    msg.edits.append(msg.text)
    msg.text = new_text
    if raw is not None:
        msg.raw_text, msg.parse_mode = raw, mode
    msg.reply_markup = markup
    server.record_edit(msg)
    return msg.to_api(server.bot_user, server.chat(msg.chat_id))


@method("editMessageText")
async def edit_message_text(server: BotApiServer, params: JsonDict) -> JsonDict:
    msg = _target(server, params)
    if msg.kind != "text":
        raise ApiError("Bad Request: there is no text in the message to edit")
    raw = str(params.get("text") or "")
    mode = params.get("parse_mode")
    text = check_text(raw, mode)
    markup = check_reply_markup(params)
    if markup is not None and "inline_keyboard" not in markup:
        raise ApiError("Bad Request: inline keyboard expected")
    return _apply_edit(server, msg, text, raw, mode, markup)


@method("editMessageReplyMarkup")
async def edit_message_reply_markup(server: BotApiServer, params: JsonDict) -> JsonDict:
    msg = _target(server, params)
    markup = check_reply_markup(params)
    if markup is not None and "inline_keyboard" not in markup:
        raise ApiError("Bad Request: inline keyboard expected")
    return _apply_edit(server, msg, None, None, None, markup)


@method("answerCallbackQuery")
async def answer_callback_query(server: BotApiServer, params: JsonDict) -> bool:
    query_id = str(params.get("callback_query_id") or "")
    if server.open_callbacks.pop(query_id, None) is None:
        raise ApiError("Bad Request: query is too old and response timeout expired or query ID is invalid")
    text = params.get("text")
    if text is not None and len(str(text)) > 200:
        raise ApiError("Bad Request: MESSAGE_TOO_LONG")
    show_alert = params.get("show_alert") in (True, "true", "True")
    server.callback_answers.append({"callback_query_id": query_id, "text": text, "show_alert": show_alert})
    server.wake()
    return True
