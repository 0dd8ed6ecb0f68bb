"""What our PTB transport and update processor take from PTB's internals, checked one by one.

bot/channels/telegram_transport.py (AiohttpRequest) and telegram_processor.py subclass PTB base
classes and read private details (the DEFAULT_NONE marker, RequestData's fields, the shape of a
multipart file). A PTB upgrade that changes any of them fails here with the name of the change,
instead of failing on the first photo a resident sends in production.
"""

from __future__ import annotations

import inspect
from typing import Any

import pytest
import telegram
from telegram import InputFile
from telegram.ext import BaseUpdateProcessor
from telegram.request import BaseRequest, RequestData

from bot.channels.telegram_processor import ChatOrderedProcessor
from bot.channels.telegram_transport import _DEFAULT, AiohttpRequest


def changed(what: str) -> str:
    """The failure message: which internal changed and what to do."""
    return (f"python-telegram-bot {telegram.__version__} changed {what}; bot/channels/telegram_transport.py "
            f"and telegram_processor.py rely on it: adapt them before upgrading PTB")


def params(func: Any) -> list[str]:
    return list(inspect.signature(func).parameters)


def test_base_request_asks_for_exactly_what_the_transport_implements() -> None:
    assert set(BaseRequest.__abstractmethods__) == {"do_request", "initialize", "shutdown", "read_timeout"}, \
        changed(f"BaseRequest's abstract methods to {sorted(BaseRequest.__abstractmethods__)}")
    assert params(BaseRequest.do_request) == params(AiohttpRequest.do_request), \
        changed(f"BaseRequest.do_request's parameters to {params(BaseRequest.do_request)}")
    assert isinstance(getattr(BaseRequest, "USER_AGENT", None), str), changed("BaseRequest.USER_AGENT")
    AiohttpRequest()  # instantiable: nothing abstract left


def test_an_unset_timeout_still_arrives_as_the_default_marker() -> None:
    assert isinstance(BaseRequest.DEFAULT_NONE, _DEFAULT), changed("BaseRequest.DEFAULT_NONE")
    for name in ("read_timeout", "write_timeout", "connect_timeout", "pool_timeout"):
        default = inspect.signature(BaseRequest.post).parameters[name].default
        assert isinstance(default, _DEFAULT), changed(f"the default of BaseRequest.post({name}=)")
    assert AiohttpRequest._pick(BaseRequest.DEFAULT_NONE, 5.0) == 5.0
    assert AiohttpRequest._pick(None, 5.0) is None  # an explicit None (no timeout) stays None


def test_request_data_has_the_fields_the_transport_reads() -> None:
    from telegram.request._requestparameter import RequestParameter  # private: this is the check

    data = RequestData([RequestParameter.from_input("chat_id", 5),
                        RequestParameter.from_input("photo", InputFile(b"\xff\xd8", filename="灯.jpg"))])
    assert data.parameters == {"chat_id": 5}, changed("RequestData.parameters")
    assert data.json_parameters == {"chat_id": "5"}, changed("RequestData.json_parameters")
    assert data.multipart_data == {"photo": ("灯.jpg", b"\xff\xd8", "image/jpeg")}, \
        changed("RequestData.multipart_data (a dict of (file name, bytes, mime type))")


def test_update_processor_asks_for_exactly_what_ours_implements() -> None:
    assert set(BaseUpdateProcessor.__abstractmethods__) == {"do_process_update", "initialize", "shutdown"}, \
        changed(f"BaseUpdateProcessor's abstract methods to {sorted(BaseUpdateProcessor.__abstractmethods__)}")
    assert params(BaseUpdateProcessor.do_process_update) == params(ChatOrderedProcessor.do_process_update), \
        changed("BaseUpdateProcessor.do_process_update's parameters")
    ChatOrderedProcessor(4)


# Building a RetryAfter makes PTB warn about its own attribute's future type.
@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
def test_the_rate_limiter_implements_ptbs_hook_and_reads_retry_after_as_ptb_keeps_it() -> None:
    from datetime import timedelta

    from telegram.error import RetryAfter
    from telegram.ext import BaseRateLimiter

    from bot.channels.ratelimit import PriorityRateLimiter

    assert params(BaseRateLimiter.process_request) == params(PriorityRateLimiter.process_request), \
        changed("BaseRateLimiter.process_request's parameters (bot/channels/ratelimit.py)")
    assert isinstance(RetryAfter(3)._retry_after, timedelta), changed("RetryAfter._retry_after")
    PriorityRateLimiter()  # instantiable: nothing abstract left
