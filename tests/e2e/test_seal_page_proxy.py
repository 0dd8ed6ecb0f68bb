"""The verification page behind a reverse proxy: the rate limit is per real client, not per proxy.

Served by the real aiohttp server on a port; requests come from 127.0.0.1, as nginx's do.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import aiohttp
import pytest
import pytest_asyncio

from bot.app import App
from bot.config import ConfigError, load_config
from tests.fixtures import _migrated, clean_env, make_config_file  # noqa: F401

LIMIT = 2  # seals.verify_per_minute in these tests


def _app(tmp_path: Path, trusted: list[str]) -> Iterator[App]:
    config = make_config_file(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite'}", changes={
        "web.trusted_proxies": trusted, "seals.verify_per_minute": LIMIT,
        "seals.ca_dir": str(tmp_path / "ca")})
    yield from _migrated(load_config(config))


@pytest_asyncio.fixture
async def served(request: pytest.FixtureRequest, tmp_path: Path,
                 clean_env: pytest.MonkeyPatch) -> AsyncIterator[str]:  # noqa: F811
    """The page of an app trusting `request.param` as proxies, on a free port; its base URL."""
    from aiohttp import web

    from bot.seal_page import make_web_app

    apps = _app(tmp_path, request.param)
    app = next(apps)
    runner = web.AppRunner(make_web_app(app), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        host, port = runner.addresses[0][:2]
        yield f"http://{host}:{port}"
    finally:
        await runner.cleanup()
        apps.close()


async def _statuses(base: str, headers: dict[str, str], n: int) -> list[int]:
    async with aiohttp.ClientSession() as http:
        out = []
        for _ in range(n):
            async with http.get(f"{base}/v/ABCDEFGH23", headers=headers) as page:
                out.append(page.status)
        return out


@pytest.mark.asyncio
@pytest.mark.parametrize("served", [["127.0.0.1/32", "::1"]], indirect=True)
async def test_two_clients_behind_a_trusted_proxy_each_have_their_own_limit(served: str) -> None:
    # nginx appends the address it saw: the client may have put anything before it.
    first = {"X-Forwarded-For": "198.51.100.9, 203.0.113.5"}
    assert await _statuses(served, first, LIMIT + 1) == [404] * LIMIT + [429]
    assert await _statuses(served, {"X-Forwarded-For": "203.0.113.6"}, 1) == [404]  # another resident
    # The same client forging a different left-most address is still the same client.
    assert await _statuses(served, {"X-Forwarded-For": "10.9.9.9, 203.0.113.5"}, 1) == [429]
    assert await _statuses(served, {"X-Real-IP": "203.0.113.7"}, 1) == [404]  # nginx's other header


@pytest.mark.asyncio
@pytest.mark.parametrize("served", [[]], indirect=True)
async def test_a_forged_header_from_an_untrusted_peer_is_ignored(served: str) -> None:
    statuses = [(await _statuses(served, {"X-Forwarded-For": f"203.0.113.{i}",
                                          "X-Real-IP": f"198.51.100.{i}"}, 1))[0] for i in range(LIMIT + 1)]
    assert statuses == [404] * LIMIT + [429]  # each "new address" was the one peer all along


def test_a_trusted_proxy_that_is_no_address_is_refused(tmp_path: Path, clean_env: pytest.MonkeyPatch) -> None:  # noqa: F811
    config = make_config_file(tmp_path, "sqlite:///x.db", changes={"web.trusted_proxies": ["nginx"]})
    with pytest.raises(ConfigError, match=r"web\.trusted_proxies"):
        load_config(config)
