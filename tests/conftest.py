"""Shared pytest fixtures."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio

from tests.support.botapi import BotApiServer


@pytest_asyncio.fixture
async def botapi() -> AsyncIterator[BotApiServer]:
    """A local stand-in for the Bot API on 127.0.0.1 (random port), stopped after the test."""
    async with BotApiServer() as server:
        yield server
