"""The real PTB Application (polling) against the local stand-in for the Bot API, with a fake engine."""

from __future__ import annotations

import html
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import httpx
import pytest
from telegram.error import BadRequest

from bot.channels.telegram import COMMANDS, TEXT_ENGINE_ERROR, CunsheApplication, build_application
from bot.events import Button, Document, Inbound, Reply
from tests.support.botapi import BotApiServer
from tests.support.ptb_harness import polling

Script = Callable[[Inbound], list[Reply]]


class FakeEngine:
    """Records events and answers with a script; thread-safe like the real one must be."""

    def __init__(self, script: Script) -> None:
        self.script = script
        self.events: list[Inbound] = []
        self._lock = threading.Lock()
        self.running = 0
        self.max_running = 0

    def handle(self, event: Inbound) -> list[Reply]:
        with self._lock:
            self.events.append(event)
            self.running += 1
            self.max_running = max(self.max_running, self.running)
        try:
            return self.script(event)
        finally:
            with self._lock:
                self.running -= 1


def echo(event: Inbound) -> list[Reply]:
    return [Reply(text=f"您说：{event.text or event.data or event.kind}")]


@asynccontextmanager
async def bot(server: BotApiServer, engine: FakeEngine, **kw: object) -> AsyncIterator[CunsheApplication]:
    kw.setdefault("rate_limit", False)
    app = build_application(engine, server.token, base_url=server.base_url, **kw)  # type: ignore[arg-type]
    async with polling(app):
        yield app


@pytest.mark.asyncio
async def test_text_round_trip_through_rate_limiter(botapi: BotApiServer) -> None:
    engine = FakeEngine(echo)
    async with bot(botapi, engine, rate_limit=True):
        await botapi.inject_text(101, "你好")
        [msg] = await botapi.wait_messages(101)
    assert msg.text == "您说：你好"
    assert msg.parse_mode == "HTML"
    [event] = engine.events
    assert (event.kind, event.chat_id, event.user_id, event.channel) == ("text", 101, 101, "telegram")
    assert botapi.errors == []


@pytest.mark.asyncio
async def test_reply_with_markup_characters_is_escaped(botapi: BotApiServer) -> None:
    shown = "<b>3幢</b> & 水电 <5 天 &amp; \"引号\" 'x'"
    async with bot(botapi, FakeEngine(lambda e: [Reply(text=shown)])):
        await botapi.inject_text(102, "hi")
        [msg] = await botapi.wait_messages(102)
    assert msg.text == shown  # the resident sees exactly the engine's text
    assert msg.raw_text == html.escape(shown)
    assert botapi.errors == []


@pytest.mark.asyncio
async def test_server_rejects_unescaped_html(botapi: BotApiServer) -> None:
    url = f"{botapi.base_url}{botapi.token}/sendMessage"
    async with httpx.AsyncClient() as client:
        for bad in ("a < b", "水 & 电", "<b>未闭合", "<script>x</script>"):
            resp = await client.post(url, data={"chat_id": "5", "text": bad, "parse_mode": "HTML"})
            assert resp.status_code == 400, bad
            body = resp.json()
            assert body["ok"] is False and body["error_code"] == 400
            assert body["description"].startswith("Bad Request: can't parse entities"), body
        resp = await client.post(f"{botapi.base_url}{botapi.token}/noSuchMethod")
        assert resp.status_code == 404
    async with bot(botapi, FakeEngine(echo)) as app:
        with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
            await app.bot.send_message(5, "1 < 2", parse_mode="HTML")
        with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
            from telegram import InlineKeyboardButton, InlineKeyboardMarkup

            markup = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="x" * 65)]])
            await app.bot.send_message(5, "ok", reply_markup=markup)


def staff_card(event: Inbound) -> list[Reply]:
    if event.kind == "button" and event.data == "rep:accept:7":
        return [
            Reply(
                text="BS-0007 已受理 <by 网格员>",
                edit=True,
                notice="已受理",
                buttons=((Button("办结", "rep:done:7"),),),
            )
        ]
    if event.kind == "button":
        return [Reply(text=f"按了 {event.data}", notice="收到")]
    buttons = ((Button("受理", "rep:accept:7"), Button("转派", "rep:move:7")), (Button("不予受理", "rep:reject:7"),))
    return [Reply(text="新工单 BS-0007：3幢2单元楼道灯坏了", buttons=buttons)]


@pytest.mark.asyncio
async def test_buttons_render_and_presses_come_back(botapi: BotApiServer) -> None:
    engine = FakeEngine(staff_card)
    async with bot(botapi, engine):
        await botapi.inject_text(-1001, "new", user_id=55)
        [card] = await botapi.wait_messages(-1001)
        assert card.buttons == [[("受理", "rep:accept:7"), ("转派", "rep:move:7")], [("不予受理", "rep:reject:7")]]
        await botapi.press(card, "转派", user_id=777)
        [answer] = await botapi.wait_messages(-1001)
        await botapi.wait_until(lambda: len(botapi.callback_answers) == 1)
    assert answer.text == "按了 rep:move:7"
    press = engine.events[-1]
    assert (press.kind, press.data, press.user_id, press.chat_id) == ("button", "rep:move:7", 777, -1001)
    assert press.message_id == card.message_id
    assert botapi.callback_answers[0]["text"] == "收到"
    assert botapi.errors == []


@pytest.mark.asyncio
async def test_edit_replaces_the_pressed_message(botapi: BotApiServer) -> None:
    async with bot(botapi, FakeEngine(staff_card)):
        await botapi.inject_text(-1002, "new")
        [card] = await botapi.wait_messages(-1002)
        await botapi.press(card, "受理", user_id=778)
        await botapi.wait_until(lambda: bool(botapi.edited) and bool(botapi.callback_answers))
    assert card.text == "BS-0007 已受理 <by 网格员>"  # the same record, edited in place
    assert card.edits == ["新工单 BS-0007：3幢2单元楼道灯坏了"]
    assert card.buttons == [[("办结", "rep:done:7")]]
    assert len(botapi.messages_in(-1002)) == 1
    assert botapi.callback_answers[0]["text"] == "已受理"
    assert botapi.errors == []


def contact_flow(event: Inbound) -> list[Reply]:
    if event.kind == "contact":
        return [Reply(text=f"已记下 {event.phone}")]
    if event.kind == "location":
        return [Reply(text=f"位置 {event.latitude},{event.longitude}")]
    if event.kind == "photo":
        return [Reply(text=f"照片 {event.photo_id} {event.text}")]
    return [Reply(text="请分享您的手机号", request="contact")]


@pytest.mark.asyncio
async def test_contact_request_and_shared_contact(botapi: BotApiServer) -> None:
    engine = FakeEngine(contact_flow)
    async with bot(botapi, engine):
        await botapi.inject_text(103, "登记")
        [ask] = await botapi.wait_messages(103)
        assert ask.keyboard[0][0]["request_contact"] is True
        assert ask.reply_markup is not None
        assert ask.reply_markup["one_time_keyboard"] is True and ask.reply_markup["resize_keyboard"] is True
        await botapi.share_contact(103, "+8613800138000")
        [done] = await botapi.wait_messages(103)
        assert done.text == "已记下 +8613800138000"
        assert done.removes_keyboard  # the request keyboard goes away with the next reply
        await botapi.share_location(103, 27.99, 120.69)
        await botapi.send_photo(103, caption="灯坏了")
        loc, photo = await botapi.wait_messages(103, 2)
    assert not loc.removes_keyboard
    contact = engine.events[1]
    assert (contact.kind, contact.phone, contact.contact_user_id, contact.user_id) == (
        "contact",
        "+8613800138000",
        103,
        103,
    )
    assert loc.text == "位置 27.99,120.69"
    assert photo.text.startswith("照片 photo-") and photo.text.endswith("-1280 灯坏了")


@pytest.mark.asyncio
async def test_per_chat_order_under_concurrency(botapi: BotApiServer) -> None:
    overlap = threading.Event()

    def held_echo(event: Inbound) -> list[Reply]:
        # Each turn waits until two turns run at once (an event, not a sleep): the bot must
        # start a second chat while the first is busy, or this stalls and max_running stays 1.
        if engine.running >= 2:
            overlap.set()
        if not overlap.wait(timeout=5):
            overlap.set()  # never two at once: let the rest through and fail on max_running below
        return [Reply(text=event.text)]

    engine = FakeEngine(held_echo)
    chats = [201, 202, 203, 204, 205, 206]
    async with bot(botapi, engine, concurrent_updates=4, engine_threads=8):
        for i in range(20):
            for chat in chats if i < 10 else chats[:1]:
                await botapi.inject_text(chat, f"{chat}-{i}")
        got = {chat: await botapi.wait_messages(chat, 20 if chat == 201 else 10, timeout=10) for chat in chats}
    for chat, msgs in got.items():
        assert [m.text for m in msgs] == [f"{chat}-{i}" for i in range(len(msgs))]
    assert 2 <= engine.max_running <= 4  # chats ran side by side, never more than the bound


@pytest.mark.asyncio
async def test_command_menu_and_commands(botapi: BotApiServer) -> None:
    engine = FakeEngine(echo)
    async with bot(botapi, engine):
        assert botapi.commands == [{"command": c, "description": d} for c, d in COMMANDS]
        await botapi.inject_command(104, "start", "ref-abc")
        [msg] = await botapi.wait_messages(104)
    assert msg.text == "您说：start"
    [event] = engine.events
    assert (event.kind, event.text, event.data) == ("command", "start", "ref-abc")


@pytest.mark.asyncio
async def test_crashing_engine_gets_a_polite_answer(botapi: BotApiServer) -> None:
    def flaky(event: Inbound) -> list[Reply]:
        if event.text == "炸":
            raise RuntimeError("database is down")
        return echo(event)

    async with bot(botapi, FakeEngine(flaky)):
        await botapi.inject_text(105, "炸")
        await botapi.inject_text(105, "还在吗")
        sorry, fine = await botapi.wait_messages(105, 2)
    assert sorry.text == TEXT_ENGINE_ERROR
    assert fine.text == "您说：还在吗"


@pytest.mark.asyncio
async def test_sender_delivers_documents_and_raises_on_failure(botapi: BotApiServer) -> None:
    async with bot(botapi, FakeEngine(echo)) as app:
        pdf = Document(filename="居住证明.pdf", content=b"%PDF-1.4 test", caption="您的居住证明 <已盖章>")
        await app.sender.send(106, Reply(text="", document=pdf))
        await app.sender.send(-1003, Reply(text="x" * 5000))
        [doc] = await botapi.wait_messages(106)
        first, second = await botapi.wait_messages(-1003, 2)
        with pytest.raises(BadRequest):
            await app.sender.send(0, Reply(text="nobody"))
    assert doc.kind == "document" and doc.document_bytes == b"%PDF-1.4 test"
    assert doc.document_name == "居住证明.pdf" and doc.text == "您的居住证明 <已盖章>"
    assert len(first.text) + len(second.text) == 5000
