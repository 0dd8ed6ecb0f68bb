"""A tiny reverse proxy for tests, standing in for nginx in front of several webhook workers.

Round robin over the upstream ports, like nginx's default `upstream`: a worker that refuses
the connection (dead, or not yet listening) is skipped for the next one, as nginx's
`proxy_next_upstream error` does; a worker that dies with the request under way answers 502
(nginx does not resend a POST it already handed over), and Telegram tries again later.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import socket
import sys

import aiohttp
from aiohttp import web

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class RoundRobinProxy:
    """`async with RoundRobinProxy([p1, p2, p3]) as proxy:` then post to proxy.url(path)."""

    def __init__(self, upstreams: list[int]) -> None:
        self.upstreams = upstreams
        self.port = 0
        self.handled: dict[int, int] = dict.fromkeys(upstreams, 0)  # answered requests per worker
        self.refused = 0  # connections refused (skipped to the next worker)
        self.dropped = 0  # requests lost with their worker (answered 502)
        self._turn = itertools.cycle(range(len(upstreams)))
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None

    def url(self, path: str) -> str:
        """The public URL of `path` (what setWebhook is given)."""
        return f"http://127.0.0.1:{self.port}/{path.lstrip('/')}"

    async def __aenter__(self) -> RoundRobinProxy:
        self._session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=0), timeout=aiohttp.ClientTimeout(total=120))
        app = web.Application(client_max_size=10 * 1024 * 1024)
        app.router.add_route("POST", "/{path:.*}", self._forward)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        await web.SockSite(self._runner, sock, backlog=1024).start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
        if self._session is not None:
            await self._session.close()

    async def _forward(self, request: web.Request) -> web.Response:
        assert self._session is not None
        body = await request.read()
        headers = {"Content-Type": request.headers.get("Content-Type", "application/json")}
        if SECRET_HEADER in request.headers:  # passed through, as proxy_pass does by default
            headers[SECRET_HEADER] = request.headers[SECRET_HEADER]
        for _ in range(len(self.upstreams)):
            port = self.upstreams[next(self._turn)]
            try:
                async with self._session.post(f"http://127.0.0.1:{port}{request.path_qs}", data=body,
                                              headers=headers) as resp:
                    text = await resp.read()
                    self.handled[port] += 1
                    return web.Response(status=resp.status, body=text)
            except aiohttp.ClientConnectorError:
                self.refused += 1  # never reached the worker: the next one gets it
            except (aiohttp.ClientError, TimeoutError):
                self.dropped += 1
                return web.Response(status=502)
        return web.Response(status=502)


async def _serve_forever(upstreams: list[int]) -> None:
    async with RoundRobinProxy(upstreams) as proxy:
        print(proxy.port, flush=True)  # the parent reads the port from the first line
        await asyncio.Event().wait()


if __name__ == "__main__":  # its own process (benchmarks): python -m tests.support.proxy 8441,8442
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve_forever([int(p) for p in sys.argv[1].split(",")]))
