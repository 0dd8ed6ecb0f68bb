"""`cunshe run` as a real process: Telegram with a token (local Bot API server), else the terminal."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.fixtures import SECRET, make_config_file, run_cunshe
from tests.support.botapi import BotApiServer


def _env(config: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CUNSHE_")}
    env.update(CUNSHE_CONFIG=str(config), CUNSHE_SECRET_KEY=SECRET, **extra)
    return env


def _cunshe() -> list[str]:
    script = Path(sys.executable).parent / "cunshe"
    return [str(script)] if script.exists() else [sys.executable, "-m", "bot.cli"]


@contextlib.asynccontextmanager
async def _running(env: dict[str, str]) -> AsyncIterator[None]:
    """`cunshe run` as a real process; stopped with Ctrl-C, which must end it cleanly."""
    proc = await asyncio.create_subprocess_exec(
        *_cunshe(), "run", env=env, stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    try:
        yield
    finally:
        proc.send_signal(signal.SIGINT)
        out, _ = await asyncio.wait_for(proc.communicate(), timeout=30)
    assert proc.returncode == 0, out.decode()[-2000:]
    assert b"Traceback" not in out


@pytest.mark.asyncio
async def test_run_with_a_token_serves_telegram_and_stops_cleanly(tmp_path: Path) -> None:
    config = make_config_file(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite'}")
    migrated = await asyncio.to_thread(run_cunshe, ["db", "upgrade"], env=_env(config))
    assert migrated.code == 0, migrated.err
    async with BotApiServer() as tg:
        env = _env(config, CUNSHE_TELEGRAM_TOKEN=tg.token, CUNSHE_TELEGRAM_BASE_URL=tg.base_url)
        async with _running(env):
            await tg.wait_polling(timeout=60)
            assert {c["command"] for c in tg.commands} >= {"start", "menu", "help", "cancel"}
            await tg.inject_text(777, "你好")
            greeting, _ask_contact = await tg.wait_messages(777, 2, timeout=30)
            assert "小助手" in greeting.text


def test_run_without_a_token_chats_in_the_terminal(tmp_path: Path) -> None:
    config = make_config_file(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite'}")
    assert run_cunshe(["db", "upgrade"], env=_env(config)).code == 0
    import subprocess

    proc = subprocess.run([*_cunshe(), "run"], input="你好\n查进度\n", capture_output=True, text=True,
                          env=_env(config), timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "终端聊天" in proc.stdout and "小助手" in proc.stdout and "还没有报修" in proc.stdout


async def _accepting(port: int, timeout: float = 30) -> None:
    """Wait until the bot's webhook server accepts connections (PTB sets the webhook just before it listens)."""
    async with asyncio.timeout(timeout):
        while True:
            try:
                _reader, writer = await asyncio.open_connection("127.0.0.1", port)
            except OSError:
                await asyncio.sleep(0.05)  # readiness poll: the port is not bound yet
                continue
            writer.close()
            await writer.wait_closed()
            return


@pytest.mark.asyncio
async def test_run_in_webhook_mode_accepts_only_updates_with_the_secret(tmp_path: Path) -> None:
    import socket

    import aiohttp

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}/telegram/hook"
    config = make_config_file(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite'}", changes={
        "telegram.mode": "webhook",
        "telegram.webhook": {"listen": "127.0.0.1", "port": port, "url": url}})
    assert (await asyncio.to_thread(run_cunshe, ["db", "upgrade"], env=_env(config))).code == 0
    async with BotApiServer() as tg:
        env = _env(config, CUNSHE_TELEGRAM_TOKEN=tg.token, CUNSHE_TELEGRAM_BASE_URL=tg.base_url,
                   CUNSHE_WEBHOOK_SECRET="hook-secret_1")
        async with _running(env):
            await tg.wait_until(lambda: bool(tg.webhook), timeout=60)
            assert tg.webhook == {"url": url, "secret_token": "hook-secret_1"}
            await _accepting(port)
            update = {"update_id": 1, "message": {
                "message_id": 1, "date": 1, "text": "你好",
                "chat": {"id": 778, "type": "private"}, "from": {"id": 778, "is_bot": False, "first_name": "居民"}}}
            async with aiohttp.ClientSession() as http:
                forged = await http.post(url, json=update)
                assert forged.status == 403  # no secret: refused before it reaches the bot
                sent = await http.post(url, json=update,
                                       headers={"X-Telegram-Bot-Api-Secret-Token": "hook-secret_1"})
                assert sent.status == 200
            greeting, _ = await tg.wait_messages(778, 2, timeout=30)
            assert "小助手" in greeting.text
