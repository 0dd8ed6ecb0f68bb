"""The public verification page the certificate's QR code opens: GET /v/CODE (aiohttp)."""

from __future__ import annotations

import asyncio
import html
import ipaddress
import logging
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from aiohttp import web

from bot import texts

if TYPE_CHECKING:
    from bot.app import App
    from bot.certify import Answer

log = logging.getLogger(__name__)
STATUS_CODES = {"genuine": 200, "revoked": 200, "limited": 429}
COLOURS = {"genuine": "#1b7f3b", "revoked": "#b45309"}
HEADERS = {
    "Cache-Control": "no-store",  # a revocation shows at once, never a cached "genuine"
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
    "X-Content-Type-Options": "nosniff",
}
PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ font-family: "WenQuanYi Micro Hei", "Noto Sans CJK SC", sans-serif; margin: 0; background: #f5f5f4; }}
main {{ max-width: 32rem; margin: 2rem auto; background: #fff; padding: 1.5rem 1.75rem;
        border-radius: .75rem; border-top: .5rem solid {colour}; }}
h1 {{ font-size: 1.2rem; color: #444; margin: 0 0 1rem; }}
p {{ font-size: 1.1rem; line-height: 1.7; margin: .2rem 0; }}
p.head {{ color: {colour}; font-weight: bold; font-size: 1.25rem; margin-bottom: .8rem; }}
footer {{ color: #777; font-size: .85rem; margin-top: 1.2rem; }}
</style></head>
<body><main><h1>{community} · {title}</h1>
{lines}
<footer>{foot}</footer></main></body></html>
"""


def render(answer: Answer, community: str) -> str:
    """The page for one answer: every value escaped, only the certified facts."""
    first, *rest = answer.text().split("\n")
    first = re.sub(r"^[^\w]+", "", first)  # the chat's emoji: the page says it in colour instead
    lines = [f'<p class="head">{html.escape(first)}</p>', *(f"<p>{html.escape(x)}</p>" for x in rest)]
    return PAGE.format(title=html.escape(texts.VERIFY_PAGE_TITLE), community=html.escape(community),
                       colour=COLOURS.get(answer.status, "#b91c1c"), lines="\n".join(lines),
                       foot=html.escape(texts.VERIFY_PAGE_FOOT))


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def client_address(peer: str | None, headers: Mapping[str, str], trusted: Sequence[Network]) -> str:
    """The client a request is from: its peer, unless the peer is a trusted proxy (web.trusted_proxies).

    Then the right-most address of X-Forwarded-For that is not a trusted proxy (the ones left of
    it were written by the client and may be forged), or X-Real-IP.
    """
    def trusted_one(a: ipaddress.IPv4Address | ipaddress.IPv6Address | None) -> bool:
        return a is not None and any(a in net for net in trusted)

    here = _address(peer or "")
    if here is None or not trusted_one(here):
        return peer or "unknown"
    chain = [_address(x) for x in headers.get("X-Forwarded-For", "").split(",") if x.strip()]
    for hop in reversed(chain):
        if hop is None:  # garbage in the header: the client wrote it; what is right of it was checked
            break
        if not trusted_one(hop):
            return str(hop)
    real = _address(headers.get("X-Real-IP", ""))
    return str(real) if real is not None else str(here)


def make_web_app(app: App) -> web.Application:
    """The aiohttp application serving /v/CODE."""
    trusted = [ipaddress.ip_network(x, strict=False) for x in app.config.web.trusted_proxies]

    async def verify(request: web.Request) -> web.Response:
        client = f"ip:{client_address(request.remote, request.headers, trusted)}"
        answer = await asyncio.to_thread(app.certifier.check_code, request.match_info["code"], client,
                                         datetime.now(UTC))
        return web.Response(text=render(answer, app.config.community.name), content_type="text/html",
                            charset="utf-8", status=STATUS_CODES.get(answer.status, 404), headers=HEADERS)

    web_app = web.Application()
    web_app.router.add_get("/v/{code}", verify)
    return web_app


async def start_page(app: App, listen: str, port: int) -> web.AppRunner:
    """Serve the page on listen:port until the returned runner is cleaned up."""
    runner = web.AppRunner(make_web_app(app), access_log=None)  # an access log would hold the codes
    await runner.setup()
    await web.TCPSite(runner, listen, port).start()
    log.info("verification page on %s:%d", listen, port)
    return runner
