"""Hostile-load benchmark (not a timed test): the real `cunshe run` under a hostile mix.

    make bench-hostile                      # 5 minutes at 30 messages/s on SQLite
    BENCH_SECONDS=60 make bench-hostile     # shorter
    CUNSHE_BENCH_DATABASE_URL=postgresql://… make bench-hostile   # also on PostgreSQL

The bot runs as its own process (`cunshe run`, polling the local stand-in for the Bot API,
only 127.0.0.1 traffic); residents are simulated in this process. Each resident has at most
one message waiting for an answer; every 1/30 s one who is not waiting sends something from
the mix: residents' sentences, 4,096- and 10,000-character texts, zalgo and RTL overrides,
emoji sequences, HTML/Markdown/SQL specials, nested JSON, control characters, commands with
emoji, contacts, locations, and genuine and forged button presses.

Printed: first-reply latency p50/p95/p99/max, how many got no reply within 10 s, callback
answers later than 1 s, every 4xx the stand-in returned, the worst event-loop stall the bot
logged at its stop, and whether the stop was clean. Bursts are off (dialogue.burst_gap_seconds
0) so the latency is the bot's own, not the deliberate wait for more lines; BENCH_BURST_GAP
turns them on. BENCH_RATE sets the bot's sending budget (telegram.rate_limit_per_second, 30/s).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.fixtures import SECRET, _pg_schema, make_config_file, run_cunshe  # noqa: E402
from tests.support.botapi_model import SentMessage  # noqa: E402
from tests.support.cunshe_proc import RunningBot, TrackingBotApi, cunshe_env  # noqa: E402

RATE = 30.0  # messages a second
USERS = 60
ANSWER_WITHIN = 10.0  # seconds: later counts as unanswered
FIRST_CHAT = 300_000

SENTENCES = (
    "你好", "我家楼道灯坏了好几天了", "3幢2单元门口垃圾没人清理", "查一下我的报修", "菜单", "算了",
    "附近有没有避难的地方", "最近有什么养老政策", "我想预约上门助浴", "谢谢你们", "帮助",
    "楼上漏水漏到我家了天花板都湿了", "小区路灯不亮老人晚上出门不方便", "我要开居住证明",
)
SPECIALS = (
    "<b>灯坏了</b><script>alert(1)</script>&amp;&lt;", "**加粗** _斜体_ `代码` [链接](http://x.y)",
    "'; DROP TABLE reports; --", "1' OR '1'='1", "\\x00\\n\\r%s%d{0}",
    "@everyone #话题 $PATH ${HOME} `rm -rf /`",
)


def _zalgo(rng: random.Random, n: int) -> str:
    return "".join(c + "".join(chr(rng.randint(0x300, 0x36F)) for _ in range(rng.randint(3, 9)))
                   for c in (rng.choice(SENTENCES) * 40)[:n])


def _nested_json(depth: int) -> str:
    node: object = {"报修": "灯坏了"}
    for i in range(depth):
        node = {"level": i, "items": [node, [1, 2.5, None, True]], "文本": "楼道"}
    return json.dumps(node, ensure_ascii=False)


def hostile_text(rng: random.Random) -> tuple[str, str]:
    """One text from the hostile mix, and its kind."""
    kind = rng.choice(("sentence", "sentence", "sentence", "4096", "10000", "zalgo", "rtl",
                       "emoji", "special", "json", "control"))
    return kind, _text_of(rng, kind)


def _text_of(rng: random.Random, kind: str) -> str:
    base = rng.choice(SENTENCES)
    if kind == "4096":
        return (base * 400)[:4096]
    if kind == "10000":
        return (base * 1000)[:10000]
    if kind == "zalgo":
        return _zalgo(rng, 300)
    if kind == "rtl":
        return "\u202e" + base + "\u202d\u2067" + base[::-1] + "\u2069\u200f"
    if kind == "emoji":
        return base + "👨‍👩‍👧‍👦🏳️‍🌈👍🏽🇨🇳" * rng.randint(1, 50)
    if kind == "special":
        return rng.choice(SPECIALS) + base
    if kind == "json":
        return _nested_json(rng.randint(5, 40))
    if kind == "control":
        return "".join(rng.choice((c, chr(rng.randint(0, 31)), "\u200b", "\ufeff")) for c in base)
    return base


@dataclass
class Timing:
    """When things were sent and first answered, per chat (one message waiting at a time)."""

    waiting: dict[int, float] = field(default_factory=dict)
    kind: dict[int, str] = field(default_factory=dict)  # what the waiting message is
    latencies: list[float] = field(default_factory=list)
    by_kind: dict[str, list[float]] = field(default_factory=dict)
    late: int = 0
    pressed: dict[str, float] = field(default_factory=dict)
    pressed_in: dict[str, int] = field(default_factory=dict)  # callback query id -> chat
    late_kinds: dict[str, int] = field(default_factory=dict)  # what the unanswered messages were
    answer_late: int = 0
    answers: int = 0
    # What each resident did last, and how many messages (sent + edited) its answer took.
    last_kind: dict[int, str] = field(default_factory=dict)
    replies: dict[int, int] = field(default_factory=dict)
    per_kind: dict[str, list[int]] = field(default_factory=dict)  # kind -> messages per turn
    other: int = 0  # messages to chats that are not the residents' (staff cards)
    shown: dict[int, list[str]] = field(default_factory=dict)  # the turn's messages, abridged
    multi: dict[str, list[list[str]]] = field(default_factory=dict)  # examples of 2+ per kind

    def acted(self, chat_id: int, kind: str) -> None:
        """A resident did something: close the count of their previous turn's messages."""
        self.close_turn(chat_id)
        self.last_kind[chat_id] = kind
        self.replies[chat_id] = 0
        self.shown[chat_id] = []

    def close_turn(self, chat_id: int) -> None:
        if chat_id in self.last_kind:
            kind = self.last_kind[chat_id]
            self.per_kind.setdefault(kind, []).append(self.replies.get(chat_id, 0))
            if len(shown := self.shown.get(chat_id, [])) > 1 and len(self.multi.get(kind, [])) < 2:
                self.multi.setdefault(kind, []).append(shown)

    def counted(self, chat_id: int, what: str) -> None:
        if chat_id in self.replies:
            self.replies[chat_id] += 1
            self.shown[chat_id].append(what)
        else:
            self.other += 1

    def answered(self, chat_id: int) -> None:
        """The bot sent or edited something in the chat: the waiting message has its answer."""
        at = self.waiting.pop(chat_id, None)
        if at is not None:
            self.latencies.append(took := time.monotonic() - at)
            self.by_kind.setdefault(self.kind.pop(chat_id, "?"), []).append(took)


class BenchBotApi(TrackingBotApi):
    """The stand-in, timing the first answer to each resident's message and each button press."""

    def __init__(self, timing: Timing) -> None:
        super().__init__()
        self.timing = timing
        self.callback_answers = _Answers(timing)
        self.by_chat: dict[int, list[SentMessage]] = {}  # messages_in() scans them all: too slow here

    def record_sent(self, msg: SentMessage) -> None:
        """Store the message; it answers its chat's waiting message."""
        super().record_sent(msg)
        self.by_chat.setdefault(msg.chat_id, []).append(msg)
        self.timing.answered(msg.chat_id)
        self.timing.counted(msg.chat_id, _abridged(msg))

    def record_edit(self, msg: SentMessage) -> None:
        """Note the edit; an edited message answers a pressed button."""
        super().record_edit(msg)
        self.timing.answered(msg.chat_id)
        self.timing.counted(msg.chat_id, _abridged(msg))


class _Answers(list):  # type: ignore[type-arg]
    """callback_answers that also time each answer from its press."""

    def __init__(self, timing: Timing) -> None:
        super().__init__()
        self.timing = timing

    def append(self, item: dict[str, object]) -> None:
        query = str(item.get("callback_query_id"))
        at = self.timing.pressed.pop(query, None)
        chat = self.timing.pressed_in.pop(query, None)
        if at is not None:
            self.timing.answers += 1
            self.timing.answer_late += time.monotonic() - at > 1.0
        if item.get("text") and chat is not None:
            self.timing.answered(chat)  # a toast is the answer the resident sees
        super().append(item)


async def act(tg: BenchBotApi, rng: random.Random, chat: int) -> str:
    """One resident does one thing from the mix; returns what kind of thing."""
    roll = rng.random()
    mine = tg.by_chat.get(chat, [])
    with_buttons = [m for m in mine[-5:] if m.buttons]
    if roll < 0.12 and with_buttons:  # a genuine press of a button the bot showed
        msg = rng.choice(with_buttons)
        _label, data = rng.choice([b for row in msg.buttons for b in row])
        query = await tg.press_button(chat, msg.message_id, data)
        tg.timing.pressed[query], tg.timing.pressed_in[query] = time.monotonic(), chat
        return "button"
    if roll < 0.17 and mine:  # a forged press: data the bot never sent
        msg = mine[-1]
        forged = rng.choice(("r:999999:ok", "x" * 64, "'; DROP", "s:1:take", "🎉", "b:" + "9" * 40))
        query = await tg.press_button(chat, msg.message_id, forged, check=False)
        tg.timing.pressed[query], tg.timing.pressed_in[query] = time.monotonic(), chat
        return "forged button"
    if roll < 0.22:
        await tg.inject_command(chat, rng.choice(("start", "menu", "help", "status", "cancel")),
                                rng.choice(("", "🎉", "👨‍👩‍👧", "ref-😀")))
        return "command"
    if roll < 0.26:
        await tg.share_contact(chat, f"+86138{rng.randint(0, 99_999_999):08d}")
        return "contact"
    if roll < 0.30:
        await tg.share_location(chat, 27.99 + rng.random() / 50, 120.69 + rng.random() / 50)
        return "location"
    kind, text = hostile_text(rng)
    await tg.inject_text(chat, text)
    return kind


async def drive(tg: BenchBotApi, seconds: float, rng: random.Random) -> int:
    """Send at RATE for `seconds`; returns how many were sent."""
    timing, sent = tg.timing, 0
    started = time.monotonic()
    while (now := time.monotonic()) - started < seconds:
        for chat, at in list(timing.waiting.items()):  # not answered in time: free the resident
            if now - at > ANSWER_WITHIN:
                del timing.waiting[chat]
                timing.late += 1
                kind = timing.kind.get(chat, "?")
                timing.late_kinds[kind] = timing.late_kinds.get(kind, 0) + 1
        idle = [FIRST_CHAT + u for u in range(USERS) if FIRST_CHAT + u not in timing.waiting]
        if idle:
            chat = rng.choice(idle)
            timing.waiting[chat] = time.monotonic()
            timing.kind[chat] = kind = await act(tg, rng, chat)
            timing.acted(chat, kind)
            sent += 1
        await asyncio.sleep(max(0.0, started + (sent + 1) / RATE - time.monotonic()))
    with contextlib.suppress(TimeoutError):  # the last ones get their 10 s too
        await tg.wait_until(lambda: not timing.waiting, timeout=ANSWER_WITHIN)
    timing.late += len(timing.waiting)
    for chat in timing.waiting:
        kind = timing.kind.get(chat, "?")
        timing.late_kinds[kind] = timing.late_kinds.get(kind, 0) + 1
    return sent


def _pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else (
        values[0] if values else float("nan"))


async def bench(label: str, database_url: str, seconds: float, changes: dict[str, object]) -> None:
    """Run one database's benchmark and print its figures."""
    with tempfile.TemporaryDirectory() as tmp:
        config = make_config_file(Path(tmp), database_url, changes=changes)
        env = cunshe_env(config, SECRET)
        migrated = await asyncio.to_thread(run_cunshe, ["db", "upgrade"], env=env)
        assert migrated.code == 0, migrated.err
        timing = Timing()
        async with BenchBotApi(timing) as tg:
            bot = await RunningBot.start(dict(env, CUNSHE_TELEGRAM_TOKEN=tg.token,
                                              CUNSHE_TELEGRAM_BASE_URL=tg.base_url))
            try:
                await tg.wait_polling(timeout=120)
                sent = await drive(tg, seconds, random.Random(15))
                cpu = _cpu_seconds(bot.proc.pid)
            finally:
                try:
                    code = await bot.stop()
                except TimeoutError:
                    print("the bot did not stop within 60 s; its last lines:\n" + "".join(bot.lines[-30:]))
                    bot.proc.kill()
                    raise
        report(label, sent, seconds, timing, tg, bot, code)
        print(f"bot process CPU: {cpu:.1f} s over the run ({cpu / seconds:.0%} of one core)")


def report(label: str, sent: int, seconds: float, timing: Timing, tg: BenchBotApi, bot: RunningBot,
           code: int) -> None:
    """Print one run's figures."""
    lat = sorted(timing.latencies)
    stall = re.search(r"worst event-loop stall (\d+) ms \((\d+) over", bot.log)
    print(f"\n== {label}: {sent} messages in {seconds:.0f} s ({sent / seconds:.1f}/s), {USERS} residents")
    print(f"first reply   p50 {_pct(lat, 50):.3f} s  p95 {_pct(lat, 95):.3f} s  "
          f"p99 {_pct(lat, 99):.3f} s  max {max(lat, default=float('nan')):.3f} s")
    slowest = sorted(timing.by_kind.items(), key=lambda kv: -_pct(kv[1], 99))
    print("  p99 by kind: " + ", ".join(f"{k} {_pct(v, 99):.2f} s" for k, v in slowest))
    print(f"the bot sent {len(tg.sent)} messages ({len(tg.sent) / seconds:.1f}/s) and edited {len(tg.edited)}")
    for chat in list(timing.last_kind):
        timing.close_turn(chat)
    per_turn = sorted(timing.per_kind.items(), key=lambda kv: -sum(kv[1]))
    print("  messages per turn by kind (turns; sent+edited; turns with 2 or more): " + ", ".join(
        f"{k} {len(v)}; {sum(v)}; {len([n for n in v if n > 1])}" for k, v in per_turn))
    print(f"  messages to other chats (staff): {timing.other}")
    for kind, examples in timing.multi.items():
        print(f"    {kind}: " + " | ".join(" + ".join(e) for e in examples))
    kinds = ", ".join(f"{k} {n}" for k, n in sorted(timing.late_kinds.items()))
    print(f"unanswered within {ANSWER_WITHIN:.0f} s: {timing.late}" + (f" ({kinds})" if kinds else ""))
    print(f"button answers: {timing.answers}, later than 1 s: {timing.answer_late}")
    print(f"4xx from the stand-in: {len(tg.errors)}")
    for (method, description), n in _counted(tg.errors):
        print(f"    {n} × {method}: {description}")
    if stall:
        print(f"worst event-loop stall: {stall.group(1)} ms ({stall.group(2)} stalls over 100 ms)")
    else:
        print("worst event-loop stall: not logged (the bot did not stop cleanly)")
    for line in [x for x in bot.lines if "event loop blocked" in x][:10]:  # where it was stuck
        print("    " + line.rstrip().split(" in: ", 1)[-1][:200])
    print(f"stop: exit {code}, {'clean log' if not bot.unclean() else 'UNCLEAN log:'}")
    for line in bot.unclean()[:10]:
        print("    " + line.rstrip()[:200])
    if tracebacks := [i for i, x in enumerate(bot.lines) if "Traceback" in x]:  # the first, whole
        first = tracebacks[0]
        print("".join("    " + x[:200] for x in bot.lines[first:first + 40]).rstrip())


def _abridged(msg: SentMessage) -> str:
    """What kind of message it is, for the per-turn examples."""
    text = getattr(msg, "text", "") or ""
    return text[:24].replace("\n", " ") or f"({msg.kind})"


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc), or nan."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _counted(errors: list[tuple[str, str]]) -> Iterator[tuple[tuple[str, str], int]]:
    counts: dict[tuple[str, str], int] = {}
    for e in errors:
        counts[e] = counts.get(e, 0) + 1
    yield from sorted(counts.items(), key=lambda kv: -kv[1])


async def main() -> None:
    """SQLite, then PostgreSQL when CUNSHE_BENCH_DATABASE_URL is set."""
    seconds = float(os.environ.get("BENCH_SECONDS", "300"))
    changes: dict[str, object] = {"dialogue.burst_gap_seconds": float(os.environ.get("BENCH_BURST_GAP", "0")),
                                  "seals.page_port": None}  # no certificate page: its port may be taken
    if rate := os.environ.get("BENCH_RATE", os.environ.get("BENCH_OVERALL_RATE")):
        changes["telegram.rate_limit_per_second"] = float(rate)  # the bot's budget (config: 30/s)
        changes["telegram.paid_broadcasts"] = float(rate) > 30
    print(f"machine: {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f} at the start; config changes {changes}")
    with tempfile.TemporaryDirectory() as tmp:
        await bench("SQLite", f"sqlite:///{tmp}/bench.sqlite", seconds, changes)
    pg = os.environ.get("CUNSHE_BENCH_DATABASE_URL")
    if pg:
        with _pg_schema(pg) as url:
            await bench("PostgreSQL", url, seconds, changes)


if __name__ == "__main__":
    asyncio.run(main())
