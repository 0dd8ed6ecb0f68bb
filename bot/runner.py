"""Starting the bot: Telegram when a token is set, otherwise the terminal chat."""

from __future__ import annotations

import asyncio
import logging
import sys
from typing import TYPE_CHECKING, Any

from bot.channels.terminal import TerminalChannel, TerminalSender
from bot.looplag import LoopLagMonitor
from bot.outbox import Dispatcher

if TYPE_CHECKING:
    from bot.app import App
    from bot.config import Telegram

log = logging.getLogger(__name__)


def run_terminal(app: App, user_id: int, chat_id: int, *, name: str = "",
                 scheduler: bool = True) -> int:
    """Chat in the terminal; messages queued for this chat are shown after each turn."""
    channel = TerminalChannel(app.dialogue, user_id, chat_id, name=name)
    dispatcher = Dispatcher(app, TerminalSender(channel), accepts=lambda c: c == chat_id)
    def deliver_mine() -> None:
        asyncio.run(dispatcher.deliver_due())

    channel.after_turn = deliver_mine
    app.start_parser()  # the NLU loads in the background while the prompt shows
    sched = None
    if scheduler:
        from apscheduler.schedulers.background import BackgroundScheduler

        from bot.jobs import start_scheduler

        sched = start_scheduler(app, BackgroundScheduler())
    interactive = sys.stdin.isatty()
    if interactive:
        print(f"村社通 · {app.config.community.name}（终端聊天，输入 /quit 退出）")
    asyncio.run(dispatcher.deliver_due())  # what was queued for this chat while away
    try:
        channel.loop(
            sys.stdin, echo=not interactive,
            prompt=(lambda: print("你：", end="", flush=True)) if interactive else None,
        )
    except KeyboardInterrupt:
        print()
    finally:
        if sched is not None:
            sched.shutdown(wait=False)
    return 0


def telegram_problem(tg: Telegram) -> str | None:
    """Why this Telegram setup must not start (one line), or None when it can."""
    if not tg.token or tg.mode != "webhook":
        return None  # terminal chat, or polling: nothing more is needed
    if not tg.webhook.url:
        return "webhook mode needs telegram.webhook.url"
    if not tg.webhook.secret_token:
        # Without it anyone who finds the URL can post forged updates as any resident.
        return "webhook mode needs a secret token: set CUNSHE_WEBHOOK_SECRET (or webhook_secret in the secrets file)"
    return None


def worker_problem(tg: Telegram, port: int) -> str | None:
    """Why `cunshe run --port` must not start (one line), or None when it can."""
    if not 1 <= port <= 65535:
        return f"--port {port}: not a port number"
    if not tg.token or tg.mode != "webhook":
        return "--port runs a webhook worker: it needs CUNSHE_TELEGRAM_TOKEN and telegram.mode: webhook"
    return None


def webhook_path(tg: Telegram) -> str:
    """The path workers serve: the webhook URL's, so the proxy passes it through unchanged."""
    from urllib.parse import urlsplit

    return urlsplit(tg.webhook.url or "").path or "/telegram"


def run_telegram(app: App, *, worker_port: int | None = None) -> int:
    """Run the real Telegram bot: polling or webhook, outbox dispatcher, scheduled jobs.

    With `worker_port` this process is one webhook worker of several behind a reverse proxy
    (bot/channels/webhook.py): it listens on that port, answers each update after its turn,
    and leaves setWebhook to `cunshe webhook set`.
    """
    from bot.channels.telegram import build_application, run_polling, run_webhook
    from bot.leader import LeadingScheduler

    tg = app.config.telegram
    assert tg.token
    _ = app.parser  # train the classifier before the first update arrives
    app.warm_policies()  # and the policy search index, once
    burst_gap = app.config.dialogue.burst_gap_seconds
    if worker_port is not None and app.engine.dialect.name == "sqlite":
        log.warning("worker mode on SQLite: run one worker only (several need PostgreSQL: on SQLite "
                    "every worker runs the scheduled jobs)")
    if worker_port is not None and burst_gap:
        # Lines held for a burst live in one process; behind a proxy a chat's next line may
        # reach another worker, and Telegram waits for each answer: each line is its own turn.
        log.info("worker mode: short lines are answered one by one (burst_gap_seconds ignored)")
        burst_gap = 0.0
    application = build_application(
        app.dialogue, tg.token, base_url=tg.base_url, concurrent_updates=tg.concurrent_updates,
        pool_size=tg.connection_pool_size, burst_gap=burst_gap,
        engine_threads=tg.engine_threads, rate_limit_per_second=tg.rate_limit_per_second,
        paid_broadcasts=tg.paid_broadcasts, shared_budget=shared_budget(app),
    )
    dispatcher = Dispatcher(app, application.sender)
    monitor = LoopLagMonitor()
    running: dict[str, Any] = {}

    async def post_init(_application: object) -> None:
        await monitor.start()  # one log line whenever the event loop is blocked > 100 ms
        running["outbox"] = asyncio.create_task(dispatcher.run(), name="outbox")
        # The scheduled jobs run in one worker of the deployment (the leader), in a thread of
        # their own: APScheduler reads and updates its job store (our database) every time it
        # wakes, and on the loop each of those waits stalled every chat (seen as 0.7–1 s stalls
        # on PostgreSQL under `make bench-hostile`).
        jobs = LeadingScheduler(app)
        running["jobs"] = (jobs, asyncio.create_task(jobs.run(), name="leader"))
        seals = app.config.seals
        if seals.page_port and worker_port is None:  # the page certificates' QR codes open (/v/CODE)
            from bot.seal_page import start_page

            try:
                running["page"] = await start_page(app, seals.page_listen, seals.page_port)
            except OSError as exc:  # the chat keeps working; the page is said to be missing
                log.error("verification page not started on port %d: %s", seals.page_port, exc.strerror)

    async def post_stop(_application: object) -> None:
        # PTB has stopped taking updates, finished the turns in flight and the held bursts
        # (CunsheApplication.stop); what those turns queued is delivered before the exit.
        await stop_background(running, dispatcher, monitor)

    async def post_shutdown(_application: object) -> None:
        # Only does something when a stop signal came during the start, before PTB ran (then
        # post_stop is skipped): nothing was handled yet, so the outbox is not given a round.
        await stop_background(running, dispatcher, monitor, last_round=False)

    application.post_init = post_init
    application.post_stop = post_stop
    application.post_shutdown = post_shutdown
    problem = telegram_problem(tg)
    if problem:
        log.error("%s", problem)
        return 2
    if worker_port is not None:
        from bot.channels.webhook import serve
        from bot.seal_page import make_web_app

        assert tg.webhook.secret_token
        # The verification page is on each worker's own port (one fixed page port would clash).
        asyncio.run(serve(application, listen=tg.webhook.listen, port=worker_port,
                          path=webhook_path(tg), secret=tg.webhook.secret_token,
                          concurrency=tg.concurrent_updates,
                          pages=make_web_app(app) if app.config.seals.page_port else None))
    elif tg.mode == "webhook":
        assert tg.webhook.url
        run_webhook(application, listen=tg.webhook.listen, port=tg.webhook.port,
                    url=tg.webhook.url, secret_token=tg.webhook.secret_token)
    else:
        run_polling(application)
    # A refused token was said in one line at start; anything else ended by a stop signal.
    return 1 if application.token_refused else 0


def shared_budget(app: App) -> Any:
    """The deployment-wide send budget on PostgreSQL (several workers), else None (this process's own)."""
    rate = app.config.telegram.rate_limit_per_second
    if not rate or app.engine.dialect.name != "postgresql":
        return None
    from bot.channels.ratelimit import BURST_SECONDS, DEBT_SECONDS
    from storage.ratebudget import SharedBucket

    bucket = SharedBucket(app.engine, "telegram", rate, capacity=max(1.0, rate * BURST_SECONDS),
                          floor=-rate * DEBT_SECONDS)
    return bucket.exchange


async def stop_background(running: dict[str, Any], dispatcher: Dispatcher, monitor: LoopLagMonitor,
                          *, last_round: bool = True) -> None:
    """End the bot's own background work: scheduled jobs, outbox (after a last round), watchdog.

    Every task is awaited to its end, so none is left pending when the loop closes. Calling
    it again does nothing.
    """
    if not running:
        return
    jobs = running.pop("jobs", None)
    if jobs is not None:  # no new jobs; one under way finishes in its thread; the lock is freed
        leading, task = jobs
        leading.stop()
        await asyncio.gather(task, return_exceptions=True)
    outbox: asyncio.Task[None] | None = running.pop("outbox", None)
    if outbox is not None:
        dispatcher.stop()
        if not last_round:
            outbox.cancel()
        await asyncio.gather(outbox, return_exceptions=True)
    page = running.pop("page", None)
    if page is not None:
        await page.cleanup()  # the verification page's server, closed with the bot
    await monitor.stop()
    # The run's worst event-loop stall, for operators and `make bench-hostile`.
    log.info("stopped cleanly; worst event-loop stall %.0f ms (%d over %.0f ms)",
             monitor.worst * 1000, monitor.stalls, monitor.threshold * 1000)
