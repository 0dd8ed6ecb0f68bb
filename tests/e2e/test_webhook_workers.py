"""`cunshe run --port`: webhook workers behind a reverse proxy (SQLite here; PostgreSQL in test_workers.py).

The local stand-in for the Bot API posts updates to the proxy as Telegram does; the proxy hands
a chat's consecutive messages to different workers.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import aiohttp
import pytest

from tests.fixtures import SECRET, make_config_file, run_cunshe
from tests.support.botapi import BotApiServer
from tests.support.cunshe_proc import cunshe_env
from tests.support.proxy import RoundRobinProxy
from tests.support.workers import HOOK_PATH, HOOK_SECRET, free_ports, migrate, start_workers, worker_changes


@pytest.mark.asyncio
async def test_a_chats_lines_are_answered_in_order_across_two_workers(tmp_path: Path) -> None:
    ports = free_ports(2)
    async with BotApiServer() as tg, RoundRobinProxy(ports) as proxy:
        config = make_config_file(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite'}",
                                  changes=worker_changes(ports, proxy.url(HOOK_PATH)))
        env = cunshe_env(config, SECRET, CUNSHE_TELEGRAM_TOKEN=tg.token, CUNSHE_TELEGRAM_BASE_URL=tg.base_url,
                         CUNSHE_WEBHOOK_SECRET=HOOK_SECRET)
        await asyncio.to_thread(migrate, env)
        workers = await start_workers(env, ports)
        try:
            # One webhook for the deployment, set once by `cunshe webhook set`, never by a worker.
            assert tg.webhook == {"url": proxy.url(HOOK_PATH), "secret_token": HOOK_SECRET}
            assert tg.calls["setWebhook"] == 1
            # Typed quickly one after the other, as residents do; the stand-in has them all at once.
            for line in ("查进度", "帮助", "菜单", "查进度"):
                await tg.inject_text(901, line)
            answers = await tg.wait_messages(901, 4, timeout=60)
            assert ["还没有报修" in answers[0].text, "我可以帮您" in answers[1].text,
                    "请问要办什么" in answers[2].text, "还没有报修" in answers[3].text] == [True] * 4
            await tg.wait_until(lambda: not tg.pending_updates(), timeout=30)
            assert list(proxy.handled.values()) == [2, 2]  # round robin: each worker took two
            async with aiohttp.ClientSession() as http:
                forged = await http.post(proxy.url(HOOK_PATH), json={"update_id": 99, "message": {}})
                assert forged.status == 403  # no secret header: refused by the worker
                page = await http.get(f"http://127.0.0.1:{ports[1]}/v/ABCDEFGH")
                assert "text/html" in page.headers["Content-Type"]  # each worker serves /v/CODE
        finally:
            codes = [await w.stop() for w in workers]
    assert codes == [0, 0], [w.log[-2000:] for w in workers]
    assert not [line for w in workers for line in w.unclean()]


def test_a_worker_needs_webhook_mode(tmp_path: Path) -> None:
    config = make_config_file(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite'}")
    env = cunshe_env(config, SECRET, CUNSHE_TELEGRAM_TOKEN="123456:TEST-token")
    done = run_cunshe(["run", "--port", "8441"], env=env)
    assert done.code == 2
    assert "--port runs a webhook worker" in done.err
