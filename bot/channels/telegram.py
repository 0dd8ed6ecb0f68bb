"""Telegram channel over python-telegram-bot 22: Update -> engine -> rendered replies."""

from __future__ import annotations

import asyncio
import html
import logging
import sys
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import urlsplit

from telegram import (
    BotCommand,
    InputFile,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, TelegramError
from telegram.ext import Application, ApplicationBuilder, ContextTypes, TypeHandler

from bot.channels.burst import Bursts
from bot.channels.pooled_budget import Exchange
from bot.channels.ratelimit import PriorityRateLimiter
from bot.channels.telegram_convert import split_text, to_inbound
from bot.channels.telegram_processor import ChatOrderedProcessor
from bot.channels.telegram_transport import Transport, make_request
from bot.events import ChatUnreachable, Engine, Inbound, Reply
from domain.ports import ANSWER, NOTICE

# ---- user-facing texts (move to bot/texts.py when it exists) --------------------------
TEXT_ENGINE_ERROR = "抱歉，系统刚才出了点问题，没能办好。请稍后再发一次，或发送“菜单”重新开始。"
TEXT_UNSUPPORTED = "暂时看不懂这类消息。请打字告诉我，或发送“菜单”看看能办哪些事。"
TEXT_SHARE_CONTACT = "📱 发送我的手机号"
TEXT_SHARE_LOCATION = "📍 发送我的位置"
TEXT_CANCEL = "取消"
COMMANDS = (
    ("start", "开始"),
    ("menu", "菜单"),
    ("help", "帮助"),
    ("cancel", "取消"),
    ("status", "查进度"),
    ("verify", "核验证明：/verify 核验码"),
)
# ---------------------------------------------------------------------------------------

log = logging.getLogger(__name__)
JsonDict = dict[str, Any]
AnyApp = Application[Any, Any, Any, Any, Any, Any]
# Document captions are limited to 1024 characters; longer texts go in their own message.
MAX_CAPTION = 1000
MAX_EDIT = 4000
# A pressed button is answered within this many seconds even if the engine is still busy.
ANSWER_WITHIN = 1.0


class TelegramSender:
    """Renders channel-neutral replies as Telegram messages; also the outbox's Sender."""

    def __init__(self, bot: Any) -> None:
        self.bot = bot
        # Chats currently showing a reply keyboard (contact/location request), so the
        # next plain reply removes it. In memory: after a restart a stale one-time
        # keyboard at worst stays until the user taps it.
        self._keyboards: set[int] = set()

    async def send(self, chat_id: int, reply: Reply, priority: int = NOTICE) -> None:
        """Deliver one reply to any chat; ChatUnreachable on 403, TelegramError otherwise."""
        try:
            await self.deliver(chat_id, reply, priority=priority)
        except Forbidden as exc:  # blocked by the user, or removed from the group
            raise ChatUnreachable(exc.message) from None

    async def _call(self, endpoint: str, priority: int, **params: Any) -> Any:
        """Call a Bot API method without building PTB objects for the result.

        Why: under load, de-serialising every returned Message (with its keyboard) was
        a large share of the bot's CPU, and nothing here reads those objects. Bot API
        method names are case-insensitive; the capitalised spelling ("SendMessage") keeps
        PTB from warning that a typed method exists for this endpoint. The priority tells the
        rate limiter how long this request may wait (answers first).
        """
        if self.bot.rate_limiter is None:
            return await self.bot.do_api_request(endpoint, api_kwargs=params)
        return await self.bot.do_api_request(endpoint, api_kwargs=params,
                                             rate_limit_args={"priority": priority})

    def _markup(self, chat_id: int, reply: Reply) -> JsonDict | None:
        """reply_markup as Bot API JSON; also tracks shown reply keyboards."""
        if reply.request is not None:
            label = TEXT_SHARE_CONTACT if reply.request == "contact" else TEXT_SHARE_LOCATION
            self._keyboards.add(chat_id)
            return {
                # 取消 as a second button: there is always a way out without typing.
                "keyboard": [[{"text": label, f"request_{reply.request}": True}], [{"text": TEXT_CANCEL}]],
                "one_time_keyboard": True,
                "resize_keyboard": True,
            }
        if reply.buttons:
            rows = [[{"text": b.text, "callback_data": b.data} for b in row] for row in reply.buttons]
            return {"inline_keyboard": rows}
        if chat_id in self._keyboards:
            self._keyboards.discard(chat_id)
            return {"remove_keyboard": True}
        return None

    async def _send_text(self, chat_id: int, text: str, markup: JsonDict | None, priority: int) -> None:
        params: JsonDict = {"chat_id": chat_id, "text": html.escape(text), "parse_mode": ParseMode.HTML.value}
        if markup is not None:
            params["reply_markup"] = markup
        await self._call("SendMessage", priority, **params)

    async def deliver(self, chat_id: int, reply: Reply, *, edit_message_id: int | None = None,
                      priority: int = ANSWER) -> None:
        """Send (or, for edit=True with a pressed message, edit) one reply."""
        for photo in reply.photos:  # residents' photos, re-sent by file id (no download)
            await self._call("SendPhoto", priority, chat_id=chat_id, photo=photo)
        if reply.document is not None:
            await self._send_document(chat_id, reply, priority)
            return
        if reply.image is not None:
            await self._send_image(chat_id, reply, priority)
            return
        if not reply.text:
            # Ids only: a reply (and its notice) holds what residents and staff read.
            log.debug("reply without text to chat %s: nothing to send", chat_id)
            return
        target = reply.edit_message_id or (edit_message_id if reply.edit else None)
        if target is not None and reply.request is None and await self._edit(chat_id, target, reply, priority):
            return
        chunks = split_text(reply.text)
        for i, chunk in enumerate(chunks):
            markup = self._markup(chat_id, reply) if i == len(chunks) - 1 else None
            await self._send_text(chat_id, chunk, markup, priority)
        if reply.location is not None:  # the pin follows the text it belongs to
            await self._call("SendLocation", priority, chat_id=chat_id, latitude=reply.location.latitude,
                             longitude=reply.location.longitude)

    async def _edit(self, chat_id: int, message_id: int, reply: Reply, priority: int) -> bool:
        """Edit the pressed message; False when it can't be edited and a new one is needed."""
        params: JsonDict = {
            "chat_id": chat_id,
            "message_id": message_id,
            "text": html.escape(reply.text[:MAX_EDIT]),
            "parse_mode": ParseMode.HTML.value,
        }
        if reply.buttons:
            params["reply_markup"] = self._markup(chat_id, reply)
        try:
            await self._call("EditMessageText", priority, **params)
        except BadRequest as exc:
            if "not modified" in exc.message:
                return True  # the message already shows this reply
            # Too old or deleted: say it in a new message instead.
            log.info("edit of %s/%s failed (%s); sending anew", chat_id, message_id, exc.message)
            return False
        return True

    async def _send_document(self, chat_id: int, reply: Reply, priority: int) -> None:
        doc = reply.document
        assert doc is not None
        await self._send_file(chat_id, reply, "SendDocument", "document", doc.content, doc.filename,
                              doc.caption or reply.text, priority)

    async def _send_image(self, chat_id: int, reply: Reply, priority: int) -> None:
        """A picture the bot drew (a poll's chart), uploaded as a photo with the text as caption."""
        image = reply.image
        assert image is not None
        await self._send_file(chat_id, reply, "SendPhoto", "photo", image.content, image.filename,
                              reply.text, priority)

    async def _send_file(self, chat_id: int, reply: Reply, method: str, field: str, content: bytes,
                         filename: str, caption: str, priority: int) -> None:
        if len(caption) > MAX_CAPTION:
            await self.deliver(chat_id, Reply(text=caption), priority=priority)
            caption = ""
        params: JsonDict = {"chat_id": chat_id, field: InputFile(content, filename=filename)}
        if caption:
            params.update(caption=html.escape(caption), parse_mode=ParseMode.HTML.value)
        markup = self._markup(chat_id, reply)
        if markup is not None:
            params["reply_markup"] = markup
        await self._call(method, priority, **params)


class CunsheApplication(Application):  # type: ignore[type-arg,unused-ignore]
    """PTB Application that also sets the command menu and owns the engine's threads."""

    engine: Engine
    sender: TelegramSender
    engine_executor: ThreadPoolExecutor
    bursts: Bursts
    # Waits between tries to reach the Bot API at start: 1 s, 2 s, 4 s … at most a minute.
    startup_retry_first: float = 1.0
    startup_retry_max: float = 60.0
    token_refused: bool = False  # set when Telegram refused the token at start (exit 1)

    async def initialize(self) -> None:
        """Initialise PTB (waiting for the Bot API to be reachable), then set the command menu."""
        await self._initialize_with_retries()
        try:
            await self.bot.set_my_commands([BotCommand(c, d) for c, d in COMMANDS])
        except TelegramError as exc:
            log.warning("could not set the command menu: %s", exc.message)

    async def _initialize_with_retries(self) -> None:
        # A network outage or a Bot API server still starting must not end the bot: try
        # again with a growing wait, one log line per try. A refused token is not retried.
        delay, tries = self.startup_retry_first, 0
        while True:
            try:
                await super().initialize()
                return
            except InvalidToken:
                # Retrying cannot help. PTB would log a traceback quoting the token: say it in
                # one line, close the connections and stop (run_* treat SystemExit as a stop).
                log.error("Telegram refused the bot token (check CUNSHE_TELEGRAM_TOKEN)")
                self.token_refused = True
                await self.bot.shutdown()
                raise SystemExit(1) from None
            except NetworkError as exc:  # TimedOut included
                tries += 1
                log.warning("Bot API not reachable (%s); try %d failed, next in %.0f s",
                            _scrub(exc.message, self.bot.token), tries, delay)
            # Closed while waiting, so Ctrl-C now leaves no open session; the next try reopens.
            await self.bot.shutdown()
            await asyncio.sleep(delay)
            delay = min(delay * 2, self.startup_retry_max)

    async def stop(self) -> None:
        """Stop taking updates, then answer the texts still held in a burst."""
        await super().stop()
        await self.bursts.flush_all()

    async def shutdown(self) -> None:
        """Shut PTB down and release the engine's worker threads."""
        await super().shutdown()
        self.engine_executor.shutdown(wait=False, cancel_futures=True)


async def _handle_update(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    app: CunsheApplication = context.application  # type: ignore[assignment]
    inbound = to_inbound(update, app.bot.username)
    if app.bursts.enabled:
        if inbound is not None and inbound.kind == "text":
            await app.bursts.add(inbound)  # short lines sent together are one message
            return
        if update.effective_chat is not None:
            await app.bursts.flush(update.effective_chat.id)  # what was typed before comes first
    if inbound is None:
        if update.message is not None and update.effective_chat is not None:
            await app.sender.deliver(update.effective_chat.id, Reply(text=TEXT_UNSUPPORTED))
        return
    await _respond(app, inbound, update)


async def _respond(app: CunsheApplication, inbound: Inbound, update: Update | None = None) -> None:
    """Run the engine on one inbound event and deliver its replies."""
    if update is None or update.callback_query is None:
        replies = await _call_engine(app, inbound)
    else:
        replies = await _answered(app, update, inbound)
    edit_id = inbound.message_id if inbound.kind == "button" else None
    for reply in replies:
        try:
            await app.sender.deliver(inbound.chat_id, reply, edit_message_id=edit_id)
        except Forbidden:
            log.info("chat %s blocked the bot; reply not delivered", inbound.chat_id)
            return
        except TelegramError as exc:
            log.error("could not deliver a reply to chat %s: %s", inbound.chat_id, exc.message)
            await app.sender.deliver(inbound.chat_id, Reply(text=TEXT_ENGINE_ERROR))
            return


async def _answered(app: CunsheApplication, update: Update, inbound: Inbound) -> list[Reply]:
    """Run the engine for a button press and answer the query promptly, so it never spins.

    The answer carries the engine's toast when the engine is done within ANSWER_WITHIN
    seconds; otherwise it is sent empty at once, and a toast that came later is sent to a
    private chat as a message (in a staff group it stays with the presser, so it is dropped).
    """
    task = asyncio.ensure_future(_call_engine(app, inbound))
    done, _ = await asyncio.wait({task}, timeout=ANSWER_WITHIN)
    if done:
        replies = task.result()
        await _answer(update, inbound, next((r.notice for r in replies if r.notice), None))
        return replies
    await _answer(update, inbound, None)
    replies = await task
    if inbound.chat_id > 0:
        replies = [Reply(text=r.notice) if not r.text and r.notice else r for r in replies]
    return replies


async def _answer(update: Update, inbound: Inbound, notice: str | None) -> None:
    query = update.callback_query
    assert query is not None
    try:
        await query.answer(text=notice)
    except BadRequest as exc:
        if "too old" in exc.message or "query id is invalid" in exc.message.lower():
            log.info("callback query in chat %s expired before it was answered", inbound.chat_id)
        else:
            log.warning("callback answer refused for chat %s: %s", inbound.chat_id, exc.message)
    except TelegramError as exc:
        log.warning("callback answer failed for chat %s: %s", inbound.chat_id, type(exc).__name__)


async def _call_engine(app: CunsheApplication, inbound: Inbound) -> list[Reply]:
    """Run the synchronous engine in a worker thread so NLU and DB work don't block the loop."""
    loop = asyncio.get_running_loop()
    try:
        return list(await loop.run_in_executor(app.engine_executor, app.engine.handle, inbound))
    except Exception:
        log.exception("engine failed on %s event of chat %s", inbound.kind, inbound.chat_id)
        return [Reply(text=TEXT_ENGINE_ERROR)]


def build_application(
    engine: Engine,
    token: str,
    *,
    base_url: str | None = None,
    concurrent_updates: int = 32,
    pool_size: int | None = None,
    rate_limit: bool = True,
    max_retries: int = 5,
    rate_limit_per_second: float = 30.0,
    paid_broadcasts: bool = False,
    shared_budget: Exchange | None = None,
    engine_threads: int = 8,
    transport: Transport = "aiohttp",
    burst_gap: float = 0.0,
) -> CunsheApplication:
    """Build the tuned PTB Application that feeds `engine` (call run_polling/run_webhook, or drive it)."""
    # Every in-flight update may hold one connection, plus a few for the outbox sender.
    pool = pool_size if pool_size is not None else concurrent_updates + 8
    request = make_request(transport, pool_size=pool, read_timeout=15.0, pool_timeout=10.0)
    # getUpdates has its own single connection so long polling never waits for the pool.
    updates_request = make_request(transport, pool_size=1, read_timeout=15.0, pool_timeout=1.0)
    builder = (
        ApplicationBuilder()
        .application_class(CunsheApplication)
        .token(token)
        .request(request)
        .get_updates_request(updates_request)
        .concurrent_updates(ChatOrderedProcessor(concurrent_updates))
    )
    if base_url:
        builder = builder.base_url(base_url).base_file_url(_file_url(base_url))
    if rate_limit:
        # Answers first, then notices, then bulk; 429s waited out (bot/channels/ratelimit.py).
        # With `shared_budget` the rate holds for every worker of the deployment together.
        limiter: Any = PriorityRateLimiter(rate_limit_per_second, max_retries=max_retries,
                                           paid_broadcast=paid_broadcasts, shared=shared_budget)
        builder = builder.rate_limiter(limiter)
    app: CunsheApplication = builder.build()  # type: ignore[assignment]
    app.engine = engine
    app.sender = TelegramSender(app.bot)
    app.engine_executor = ThreadPoolExecutor(max_workers=engine_threads, thread_name_prefix="engine")
    app.bursts = Bursts(burst_gap, lambda inbound: _respond(app, inbound))
    app.add_handler(TypeHandler(Update, _handle_update))
    return app


def _scrub(text: str, token: str) -> str:
    """An error message without the bot token (URLs in errors may carry it)."""
    return text.replace(token, "<token>") if token else text


def _file_url(base_url: str) -> str:
    # A self-hosted Bot API server serves files under /file/bot next to /bot.
    return base_url[: -len("/bot")] + "/file/bot" if base_url.endswith("/bot") else base_url


def _tune_gil(switch_interval: float | None) -> None:
    # The engine's CPU-bound threads hold the GIL for up to the switch interval (5 ms by
    # default) while the event loop waits to send replies; a shorter interval measured
    # about 10 % more replies/s in bench_bot.
    if switch_interval:
        sys.setswitchinterval(switch_interval)


class _StopRace(logging.Filter):
    """PTB's CRITICAL "Updater stopped unexpectedly" at a stop under load, said as what it is.

    When a stop signal comes while a getUpdates answer is on its way, PTB ignores that answer
    and does not confirm it, so Telegram hands those updates over again at the next start:
    nothing is lost, and it is no error. One INFO line of ours says so instead.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name == "telegram.ext.Updater" and "stopped unexpectedly" in record.getMessage():
            log.info("updates fetched during the stop are left for the next start")
            return False
        return True


_STOP_RACE = _StopRace()


def run_polling(app: AnyApp, *, switch_interval: float | None = 0.001) -> None:
    """Run until interrupted, fetching updates by long polling."""
    _tune_gil(switch_interval)
    updater_log = logging.getLogger("telegram.ext.Updater")
    if _STOP_RACE not in updater_log.filters:
        updater_log.addFilter(_STOP_RACE)
    app.run_polling(allowed_updates=Update.ALL_TYPES)


def run_webhook(
    app: AnyApp,
    *,
    listen: str,
    port: int,
    url: str,
    secret_token: str | None = None,
    switch_interval: float | None = 0.001,
) -> None:
    """Run until interrupted, receiving updates on a webhook at `url` (served on listen:port)."""
    _tune_gil(switch_interval)
    path = urlsplit(url).path.lstrip("/")
    app.run_webhook(
        listen=listen,
        port=port,
        url_path=path,
        webhook_url=url,
        secret_token=secret_token,
        allowed_updates=Update.ALL_TYPES,
    )
