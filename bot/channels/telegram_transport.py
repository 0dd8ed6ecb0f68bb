"""HTTP transport for PTB: an aiohttp-based BaseRequest, and the choice between it and httpx.

Why: profiling the bot under load showed most CPU in httpx/httpcore's connection pool
(per request it scans every pooled connection and polls idle sockets). aiohttp's client
does the same work for a fraction of the CPU, which is what bounds replies/s on a small
machine. httpx (PTB's default) stays available and is used when aiohttp is missing.
"""

from __future__ import annotations

import importlib.util
import json
from typing import Any, Literal

from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, HTTPXRequest, RequestData

Transport = Literal["aiohttp", "httpx"]
# PTB's "argument not given" marker class, without importing its private module.
_DEFAULT = type(BaseRequest.DEFAULT_NONE)
_JSON = {"Content-Type": "application/json"}


def aiohttp_available() -> bool:
    """True when the aiohttp client can be used."""
    return importlib.util.find_spec("aiohttp") is not None


class AiohttpRequest(BaseRequest):
    """PTB BaseRequest over one aiohttp ClientSession with a bounded keep-alive pool."""

    def __init__(
        self,
        connection_pool_size: int = 1,
        read_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
    ) -> None:
        self._pool_size = connection_pool_size
        self._read_timeout = read_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._session: Any = None  # aiohttp.ClientSession, created in initialize()

    @property
    def read_timeout(self) -> float | None:
        """Default read timeout (PTB adds the long-poll time to it for getUpdates)."""
        return self._read_timeout

    async def initialize(self) -> None:
        """Open the session (on the running loop)."""
        import aiohttp

        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self._pool_size, keepalive_timeout=30.0)
            self._session = aiohttp.ClientSession(
                connector=connector, headers={"User-Agent": self.USER_AGENT}, raise_for_status=False
            )

    async def shutdown(self) -> None:
        """Close the session and its connections."""
        if self._session is not None and not self._session.closed:
            await self._session.close()

    @staticmethod
    def _pick(value: Any, default: float | None) -> float | None:
        return default if isinstance(value, _DEFAULT) else value

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Send one Bot API request; map failures to PTB's TimedOut / NetworkError."""
        import aiohttp

        if self._session is None or self._session.closed:
            raise RuntimeError("AiohttpRequest is not initialized")
        read = self._pick(read_timeout, self._read_timeout)
        connect = self._pick(connect_timeout, self._connect_timeout)
        pool = self._pick(pool_timeout, self._pool_timeout)
        # aiohttp's `connect` covers waiting for a pooled connection plus connecting.
        wait = None if connect is None and pool is None else (connect or 0) + (pool or 0)
        timeout = aiohttp.ClientTimeout(total=None, connect=wait, sock_connect=connect, sock_read=read)
        data: Any = None
        headers: dict[str, str] | None = None
        if request_data is not None:
            files = request_data.multipart_data
            if files:
                form = aiohttp.FormData(quote_fields=False)  # UTF-8 file names, as httpx sends them
                for name, value in request_data.json_parameters.items():
                    form.add_field(name, value)
                for name, (filename, content, mime) in files.items():
                    form.add_field(name, content, filename=filename, content_type=mime)
                data = form
            else:
                # One JSON body (Telegram accepts application/json): a dict here would make
                # aiohttp build a FormData with a uuid4 boundary (an os.urandom call) per request.
                data = json.dumps(request_data.parameters, ensure_ascii=False).encode()
                headers = _JSON
        try:
            async with self._session.request(method, url, data=data, headers=headers, timeout=timeout) as resp:
                return resp.status, await resp.read()
        except TimeoutError as exc:
            raise TimedOut from exc
        except aiohttp.ClientError as exc:
            raise NetworkError(f"aiohttp.{type(exc).__name__}: {exc}") from exc


def make_request(transport: Transport, *, pool_size: int, read_timeout: float, pool_timeout: float) -> BaseRequest:
    """The BaseRequest for a transport name (aiohttp falls back to httpx when missing)."""
    if transport == "aiohttp" and aiohttp_available():
        return AiohttpRequest(pool_size, read_timeout=read_timeout, pool_timeout=pool_timeout)
    return HTTPXRequest(
        connection_pool_size=pool_size, read_timeout=read_timeout, write_timeout=read_timeout, pool_timeout=pool_timeout
    )
