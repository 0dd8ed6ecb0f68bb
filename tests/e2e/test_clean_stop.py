"""A clean stop of the real `cunshe run` under a stream of messages (SIGTERM and Ctrl-C).

Whatever reached the bot before the stop is answered (texts still held in a burst too),
the process exits 0, and the log has no asyncio or PTB complaint.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import signal
from pathlib import Path

import pytest

from tests.fixtures import SECRET, make_config_file, run_cunshe
from tests.support.cunshe_proc import RunningBot, TrackingBotApi, cunshe_env

SAYINGS = ("你好", "我家楼道灯坏了好几天了", "查进度", "菜单", "有什么政策", "/start", "谢谢你们")


async def _stream(tg: TrackingBotApi, first_chat: int) -> None:
    """Residents keep writing, each from a chat of their own, until cancelled."""
    for n in itertools.count():
        text = SAYINGS[n % len(SAYINGS)]
        if text.startswith("/"):
            await tg.inject_command(first_chat + n, text)
        else:
            await tg.inject_text(first_chat + n, text)
        await asyncio.sleep(0.01)


@pytest.mark.asyncio
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["sigterm", "ctrl-c"])
async def test_a_stop_under_load_answers_everything_received_and_exits_cleanly(
        tmp_path: Path, sig: signal.Signals) -> None:
    config = make_config_file(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite'}")
    env = cunshe_env(config, SECRET)
    assert (await asyncio.to_thread(run_cunshe, ["db", "upgrade"], env=env)).code == 0
    async with TrackingBotApi() as tg:
        bot = await RunningBot.start(dict(env, CUNSHE_TELEGRAM_TOKEN=tg.token,
                                          CUNSHE_TELEGRAM_BASE_URL=tg.base_url))
        stream = asyncio.create_task(_stream(tg, 20_000))
        try:
            await tg.wait_polling(timeout=60)
            # Under way: replies are flowing, and more texts are held in bursts (2 s gap).
            await tg.wait_until(lambda: len({m.chat_id for m in tg.sent}) >= 10, timeout=60)
            code = await bot.stop(sig)
        finally:
            stream.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await stream
            if bot.proc.returncode is None:
                bot.proc.kill()
    assert code == 0, bot.log[-3000:]
    assert bot.unclean() == [], bot.log[-3000:]
    answered = {m.chat_id for m in tg.sent}
    reached = {u["message"]["chat"]["id"] for u in tg.reached_the_bot()}
    assert len(reached) > 10  # the stop came while messages were still arriving
    assert sorted(reached - answered) == []
