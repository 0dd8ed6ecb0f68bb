"""`cunshe run` as a real process: Telegram with a token, else the terminal.

Telegram here is a local stand-in for the Bot API that validates like Telegram.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.fixtures import SECRET, make_config_file, run_cunshe
from tests.support.botapi import BotApiServer
from tests.support.cunshe_proc import cunshe_command as _cunshe
from tests.support.cunshe_proc import cunshe_env


def _env(config: Path, **extra: str) -> dict[str, str]:
    return cunshe_env(config, SECRET, **extra)


class Output:
    """What the running process printed so far (stdout and stderr, line by line)."""

    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc
        self.lines: list[str] = []

    async def wait_for(self, text: str, count: int = 1, timeout: float = 60) -> list[str]:
        """Read until `count` lines containing `text` were printed; returns those lines."""
        assert self.proc.stdout is not None
        async with asyncio.timeout(timeout):
            while len(hits := [x for x in self.lines if text in x]) < count:
                line = await self.proc.stdout.readline()
                if not line:
                    raise AssertionError(f"process ended before {text!r}: {self.lines[-20:]}")
                self.lines.append(line.decode(errors="replace"))
        return hits


@contextlib.asynccontextmanager
async def _running(env: dict[str, str]) -> AsyncIterator[Output]:
    """`cunshe run` as a real process; stopped with Ctrl-C, which must end it cleanly."""
    proc = await asyncio.create_subprocess_exec(
        *_cunshe(), "run", env=env, stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    output = Output(proc)
    try:
        yield output
    finally:
        proc.send_signal(signal.SIGINT)
        rest, _ = await asyncio.wait_for(proc.communicate(), timeout=30)
    output.lines += rest.decode(errors="replace").splitlines(keepends=True)
    out = "".join(output.lines)
    assert proc.returncode == 0, out[-2000:]
    assert "Traceback" not in out


def _free_port() -> int:
    """A port nothing listens on (bound and released at once)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _listening(port: int, timeout: float = 60) -> None:
    """Readiness: wait until something accepts connections on the port (no fixed sleep)."""
    async with asyncio.timeout(timeout):
        while True:
            try:
                _, writer = await asyncio.open_connection("127.0.0.1", port)
            except OSError:
                await asyncio.sleep(0.05)
                continue
            writer.close()
            await writer.wait_closed()
            return


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


@pytest.mark.asyncio
async def test_run_in_webhook_mode_accepts_only_updates_with_the_secret(tmp_path: Path) -> None:
    import aiohttp

    port = _free_port()
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
            # PTB registers the webhook before its server listens: posting right after
            # setWebhook once failed with "Connect call failed". Wait until it accepts.
            await _listening(port)
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


def _webhook_config(tmp_path: Path) -> Path:
    port = _free_port()
    return make_config_file(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite'}", changes={
        "telegram.mode": "webhook",
        "telegram.webhook": {"listen": "127.0.0.1", "port": port,
                             "url": f"http://127.0.0.1:{port}/telegram/hook"}})


def test_webhook_mode_without_a_secret_token_refuses_to_start(tmp_path: Path) -> None:
    config = _webhook_config(tmp_path)
    assert run_cunshe(["db", "upgrade"], env=_env(config)).code == 0
    res = run_cunshe(["run"], env=_env(config, CUNSHE_TELEGRAM_TOKEN="123456:TEST-token",
                                       CUNSHE_TELEGRAM_BASE_URL=f"http://127.0.0.1:{_free_port()}/bot"),
                     timeout=60)
    assert res.code == 2, res.err
    assert res.err.strip().splitlines() == [
        "cunshe: webhook mode needs a secret token: set CUNSHE_WEBHOOK_SECRET "
        "(or webhook_secret in the secrets file)"]
    assert "Traceback" not in res.out + res.err


@pytest.mark.asyncio
async def test_an_unreachable_bot_api_is_retried_until_it_answers(tmp_path: Path) -> None:
    config = make_config_file(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite'}")
    assert (await asyncio.to_thread(run_cunshe, ["db", "upgrade"], env=_env(config))).code == 0
    port = _free_port()  # nothing listens here yet
    stand_in = BotApiServer(port=port)
    env = _env(config, CUNSHE_TELEGRAM_TOKEN=stand_in.token,
               CUNSHE_TELEGRAM_BASE_URL=f"http://127.0.0.1:{port}/bot")
    try:
        async with _running(env) as output:
            tries = await output.wait_for("Bot API not reachable", count=2)
            assert "try 1 failed, next in 1 s" in tries[0] and "try 2 failed, next in 2 s" in tries[1]
            assert all(stand_in.token not in line for line in output.lines)
            tg = await stand_in.start()  # the Bot API comes up: the bot connects and serves
            await tg.wait_polling(timeout=60)
            await tg.inject_text(779, "你好")
            greeting, _ = await tg.wait_messages(779, 2, timeout=30)
            assert "小助手" in greeting.text
    finally:
        await stand_in.stop()  # after the bot stopped: its last getUpdates still gets an answer


@pytest.mark.asyncio
async def test_ctrl_c_while_waiting_for_the_bot_api_stops_cleanly(tmp_path: Path) -> None:
    config = make_config_file(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite'}")
    assert (await asyncio.to_thread(run_cunshe, ["db", "upgrade"], env=_env(config))).code == 0
    env = _env(config, CUNSHE_TELEGRAM_TOKEN="123456:TEST-token",
               CUNSHE_TELEGRAM_BASE_URL=f"http://127.0.0.1:{_free_port()}/bot")
    async with _running(env) as output:  # asserts exit 0 and no traceback on Ctrl-C
        await output.wait_for("Bot API not reachable", count=2)
    assert not [line for line in output.lines if "ERROR" in line or "Unclosed" in line]


@pytest.mark.asyncio
async def test_a_refused_token_is_one_line_and_exit_1(tmp_path: Path) -> None:
    config = make_config_file(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite'}")
    assert (await asyncio.to_thread(run_cunshe, ["db", "upgrade"], env=_env(config))).code == 0
    async with BotApiServer() as tg:  # it answers 401 for any other token, as Telegram does
        env = _env(config, CUNSHE_TELEGRAM_TOKEN="999:WRONG-token_x", CUNSHE_TELEGRAM_BASE_URL=tg.base_url)
        res = await asyncio.to_thread(run_cunshe, ["run"], env=env, timeout=120)
    out = res.out + res.err
    assert res.code == 1, out[-2000:]
    assert [line for line in out.splitlines() if "ERROR" in line] == [
        next(line for line in out.splitlines() if "Telegram refused the bot token" in line)]
    assert "Traceback" not in out and "WRONG-token_x" not in out and "Unclosed" not in out
