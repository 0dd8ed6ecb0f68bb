"""A local stand-in for the Telegram Bot API, for tests: aiohttp on 127.0.0.1.

It is not Telegram: it implements the methods the bot uses and validates requests the way
Telegram does (HTML entities, keyboards, callback data, lengths, 403 for blocked chats), so
a request Telegram would refuse fails here too.

The bot under test talks HTTP to it (`base_url`); the test injects what residents do
(`inject_text`, `press_button`, `share_contact`, ...) and awaits what the bot sent
(`wait_messages`). Method handlers live in `botapi_methods.py`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import socket
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from aiohttp import web

from tests.support.botapi_methods import METHODS
from tests.support.botapi_model import ApiError, JsonDict, SentMessage
from tests.support.botapi_webhook import WebhookDelivery

log = logging.getLogger(__name__)

DEFAULT_TOKEN = "123456:TEST-token_for-local-server"


class BotApiServer:
    """A local stand-in for api.telegram.org that validates like Telegram; `async with BotApiServer() as server:`."""

    def __init__(self, token: str = DEFAULT_TOKEN, *, bot_username: str = "cunshe_test_bot",
                 port: int = 0, flood_limit: float | None = None, retry_after: int = 1) -> None:
        self.token = token
        self.bot_id = int(token.split(":", 1)[0])
        self.bot_user: JsonDict = {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": "村社通",
            "username": bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }
        self.port = port  # 0: any free port
        # Telegram's flood control: more than `flood_limit` sends/edits a second (a bucket of one
        # second's worth) get 429 with parameters.retry_after; `too_many_next` forces the next ones.
        self.flood = _Flood(flood_limit, retry_after)
        self.too_many_next = 0
        self.too_many: list[tuple[str, float]] = []  # (method, when) of every 429 answered
        # What the bot did, in order; tests read these directly.
        self.sent: list[SentMessage] = []
        self.edited: list[SentMessage] = []
        self.callback_answers: list[JsonDict] = []
        self.commands: list[JsonDict] = []
        self.webhook: JsonDict = {}  # what setWebhook registered
        self.chat_actions: list[JsonDict] = []
        self.errors: list[tuple[str, str]] = []  # (method, description) of every 4xx we returned
        self.calls: defaultdict[str, int] = defaultdict(int)
        self.messages: dict[tuple[int, int], SentMessage] = {}
        self.open_callbacks: dict[str, JsonDict] = {}
        # Chats whose person blocked the bot: sending there gets Telegram's 403.
        self.blocked_by: set[int] = set()
        self._pending: list[JsonDict] = []
        self._next_update_id = 1
        self._next_message_id: defaultdict[int, int] = defaultdict(lambda: 1)
        self._next_callback_id = 1
        self._inbox: defaultdict[int, asyncio.Queue[SentMessage]] = defaultdict(asyncio.Queue)
        self._changed = asyncio.Event()
        self._closing = False
        self._runner: web.AppRunner | None = None
        self.delivery: WebhookDelivery | None = None  # after setWebhook: posting updates to it

    # -- lifecycle ---------------------------------------------------------------
    @property
    def base_url(self) -> str:
        """What to pass to ApplicationBuilder.base_url (the token is appended by PTB)."""
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        """What to pass to ApplicationBuilder.base_file_url."""
        return f"http://127.0.0.1:{self.port}/file/bot"

    async def start(self) -> BotApiServer:
        """Bind the given port (or a free one) on 127.0.0.1 and serve."""
        app = web.Application(client_max_size=60 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", self.port))
        self.port = sock.getsockname()[1]
        await web.SockSite(self._runner, sock, backlog=1024).start()
        return self

    async def stop(self) -> None:
        """Wake pending long polls and shut the server down."""
        self._closing = True
        self.wake()
        await self.stop_delivery()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> BotApiServer:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # -- HTTP --------------------------------------------------------------------
    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if request.match_info["token"] != self.token:
            return self._error(method, ApiError("Unauthorized", 401))
        handler = METHODS.get(method.lower())
        if handler is None:
            return self._error(method, ApiError("Not Found", 404))
        self.calls[method] += 1
        if self.calls[method] == 1:
            self.wake()  # lets wait_polling() see the first getUpdates
        try:
            if method.lower().startswith(("send", "edit")):
                self._check_flood(method)
            params = await self._params(request)
            result = await handler(self, params)
        except ApiError as exc:
            return self._error(method, exc)
        except ConnectionResetError:  # the client went away mid-request (bot shutting down)
            return web.Response(status=499)
        return web.json_response({"ok": True, "result": result}, dumps=_dumps)

    @staticmethod
    async def _params(request: web.Request) -> JsonDict:
        params: JsonDict = dict(request.query)
        if request.content_type == "application/json":
            body = await request.json()
            if isinstance(body, dict):
                params.update(body)
        elif request.can_read_body:
            params.update(await request.post())
        return params

    def _check_flood(self, method: str) -> None:
        """Answer 429 as Telegram does when the bot sends too fast (or a test forces it)."""
        forced = self.too_many_next > 0
        if not forced and self.flood.take():
            return
        self.too_many_next -= forced
        self.too_many.append((method, time.monotonic()))
        wait = self.flood.retry_after
        raise ApiError(f"Too Many Requests: retry after {wait}", 429, {"retry_after": wait})

    def _error(self, method: str, exc: ApiError) -> web.Response:
        self.errors.append((method, exc.description))
        self.wake()  # lets tests wait for a refusal
        log.info("bot api %s -> %s %s", method, exc.code, exc.description)
        body: JsonDict = {"ok": False, "error_code": exc.code, "description": exc.description}
        if exc.parameters:
            body["parameters"] = exc.parameters
        return web.json_response(body, status=exc.code, dumps=_dumps)

    # -- state used by method handlers -------------------------------------------
    def wake(self) -> None:
        """Wake everything waiting for a change (long polls, test waiters)."""
        self._changed.set()
        self._changed = asyncio.Event()

    async def wait_change(self, timeout: float) -> None:
        """Wait until anything changes or the timeout passes."""
        event = self._changed
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), timeout)

    def take_updates(self, offset: int, limit: int) -> list[JsonDict]:
        """Confirm updates below offset and return up to limit of the rest."""
        if offset > 0:
            self._pending = [u for u in self._pending if u["update_id"] >= offset]
        return self._pending[:limit]

    def pending_updates(self) -> list[JsonDict]:
        """Updates not yet confirmed, oldest first."""
        return self._pending

    def confirm_update(self, update: JsonDict) -> None:
        """A webhook delivery of this update was answered: it is no longer pending."""
        self._pending = [u for u in self._pending if u["update_id"] != update["update_id"]]

    async def start_delivery(self, url: str, secret: str | None, max_connections: int) -> None:
        """setWebhook: post pending and new updates to `url` from now on (as Telegram does)."""
        await self.stop_delivery()
        self.delivery = WebhookDelivery(self, url, secret, max_connections)
        self.delivery.start()

    async def stop_delivery(self) -> None:
        """deleteWebhook (or the server's stop): no more posting."""
        delivery, self.delivery = self.delivery, None
        if delivery is not None:
            await delivery.stop()

    @property
    def closing(self) -> bool:
        """True once stop() was called."""
        return self._closing

    def new_message_id(self, chat_id: int) -> int:
        """Next message id in a chat (ids are per chat, as in private chats)."""
        mid = self._next_message_id[chat_id]
        self._next_message_id[chat_id] = mid + 1
        return mid

    def record_sent(self, msg: SentMessage) -> None:
        """Store a message the bot sent and hand it to waiters."""
        self.messages[(msg.chat_id, msg.message_id)] = msg
        self.sent.append(msg)
        self._inbox[msg.chat_id].put_nowait(msg)
        self.wake()

    def record_edit(self, msg: SentMessage) -> None:
        """Note that a message was edited."""
        self.edited.append(msg)
        self.wake()

    # -- test-side API: what residents do ----------------------------------------
    def _push_update(self, update: JsonDict) -> JsonDict:
        update["update_id"] = self._next_update_id
        self._next_update_id += 1
        self._pending.append(update)
        self.wake()
        return update

    @staticmethod
    def chat(chat_id: int) -> JsonDict:
        """The Chat object for an id: positive ids are private chats, negative are groups."""
        if chat_id > 0:
            return {"id": chat_id, "type": "private", "first_name": "居民"}
        return {"id": chat_id, "type": "supergroup", "title": "社区工作群"}

    @staticmethod
    def user(user_id: int, first_name: str = "居民") -> JsonDict:
        """The User object of a resident or staff member."""
        return {"id": user_id, "is_bot": False, "first_name": first_name, "language_code": "zh-hans"}

    def _user_message(self, chat_id: int, user_id: int | None, **fields: Any) -> JsonDict:
        msg: JsonDict = {
            "message_id": self.new_message_id(chat_id),
            "date": int(time.time()),
            "chat": self.chat(chat_id),
            "from": self.user(user_id if user_id is not None else chat_id),
        }
        msg.update(fields)
        return self._push_update({"message": msg})

    async def inject_text(self, chat_id: int, text: str, *, user_id: int | None = None) -> JsonDict:
        """A resident types a text message."""
        return self._user_message(chat_id, user_id, text=text)

    async def inject_command(
        self, chat_id: int, command: str, args: str = "", *, user_id: int | None = None
    ) -> JsonDict:
        """A resident sends /command (with a bot_command entity, as Telegram marks it)."""
        head = "/" + command.lstrip("/")
        text = f"{head} {args}" if args else head
        entity = {"type": "bot_command", "offset": 0, "length": len(head.encode("utf-16-le")) // 2}
        return self._user_message(chat_id, user_id, text=text, entities=[entity])

    async def press_button(
        self, chat_id: int, message_id: int, data: str, *, user_id: int | None = None, check: bool = True
    ) -> str:
        """Someone presses an inline button on a bot message; returns the callback query id.

        With check=False the data need not be on the message (a forged press).
        """
        msg = self.messages.get((chat_id, message_id))
        if msg is None:
            raise LookupError(f"no bot message {message_id} in chat {chat_id}")
        if check and data not in {d for row in msg.buttons for _, d in row}:
            raise LookupError(f"message {message_id} has no button with data {data!r}: {msg.buttons}")
        query_id = str(self._next_callback_id)
        self._next_callback_id += 1
        query: JsonDict = {
            "id": query_id,
            "from": self.user(user_id if user_id is not None else chat_id),
            "message": msg.to_api(self.bot_user, self.chat(chat_id)),
            "chat_instance": str(chat_id),
            "data": data,
        }
        self.open_callbacks[query_id] = query
        self._push_update({"callback_query": query})
        return query_id

    async def press(self, msg: SentMessage, text: str, *, user_id: int | None = None) -> str:
        """Press the inline button labelled `text` on a message."""
        for row in msg.buttons:
            for label, data in row:
                if label == text:
                    return await self.press_button(msg.chat_id, msg.message_id, data, user_id=user_id)
        raise LookupError(f"no button {text!r} on message {msg.message_id}: {msg.buttons}")

    async def share_contact(
        self, chat_id: int, phone: str, *, user_id: int | None = None, contact_user_id: int | None = None
    ) -> JsonDict:
        """A resident taps the request_contact button (their own contact by default)."""
        uid = user_id if user_id is not None else chat_id
        contact = {
            "phone_number": phone,
            "first_name": "居民",
            "user_id": contact_user_id if contact_user_id is not None else uid,
        }
        return self._user_message(chat_id, uid, contact=contact)

    async def share_card(
        self, chat_id: int, phone: str, *, card_user_id: int | None = None, user_id: int | None = None
    ) -> JsonDict:
        """Someone forwards a contact card: from the phone book (no user_id, as Telegram sends
        it for people who are not on Telegram or not in one's contacts), or another user's."""
        contact: JsonDict = {"phone_number": phone, "first_name": "王", "last_name": "秀英"}
        if card_user_id is not None:
            contact["user_id"] = card_user_id
        return self._user_message(chat_id, user_id, contact=contact)

    async def share_location(
        self, chat_id: int, latitude: float, longitude: float, *, user_id: int | None = None
    ) -> JsonDict:
        """A resident shares a location."""
        return self._user_message(chat_id, user_id, location={"latitude": latitude, "longitude": longitude})

    async def send_photo(self, chat_id: int, caption: str = "", *, user_id: int | None = None) -> JsonDict:
        """A resident sends a photo; Telegram lists several sizes, largest last."""
        n = self._next_update_id
        sizes = [
            {
                "file_id": f"photo-{n}-{w}",
                "file_unique_id": f"u{n}-{w}",
                "width": w,
                "height": w * 3 // 4,
                "file_size": w * 90,
            }
            for w in (90, 320, 1280)
        ]
        fields: JsonDict = {"photo": sizes}
        if caption:
            fields["caption"] = caption
        return self._user_message(chat_id, user_id, **fields)

    # -- test-side API: what the bot did -----------------------------------------
    async def wait_messages(self, chat_id: int, n: int = 1, timeout: float = 5.0) -> list[SentMessage]:
        """The next n messages the bot sends to a chat (edits excluded); TimeoutError if late."""
        queue = self._inbox[chat_id]
        out: list[SentMessage] = []
        async with asyncio.timeout(timeout):
            while len(out) < n:
                out.append(await queue.get())
        return out

    def drain(self, chat_id: int) -> list[SentMessage]:
        """Take whatever the bot sent to a chat and nobody awaited yet."""
        queue = self._inbox[chat_id]
        out = []
        while not queue.empty():
            out.append(queue.get_nowait())
        return out

    async def wait_until(self, predicate: Callable[[], bool], timeout: float = 5.0) -> None:
        """Wait until predicate() holds (checked on every server-side change)."""
        async with asyncio.timeout(timeout):
            while not predicate():
                await self.wait_change(timeout)

    async def wait_polling(self, timeout: float = 30.0) -> None:
        """Wait until a bot has started long polling."""
        await self.wait_until(lambda: self.calls["getUpdates"] > 0, timeout)

    def messages_in(self, chat_id: int) -> list[SentMessage]:
        """All messages the bot sent to a chat, oldest first (current content)."""
        return [m for m in self.sent if m.chat_id == chat_id]


class _Flood:
    """A token bucket of one second's sends; no limit when `limit` is None."""

    def __init__(self, limit: float | None, retry_after: int) -> None:
        self.limit = limit
        self.retry_after = retry_after
        self._tokens = limit or 0.0
        self._at = time.monotonic()

    def take(self) -> bool:
        if self.limit is None:
            return True
        now = time.monotonic()
        self._tokens = min(self.limit, self._tokens + (now - self._at) * self.limit)
        self._at = now
        if self._tokens < 1:
            return False
        self._tokens -= 1
        return True


def _dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
