"""What a flow declares to the engine: its intents, its form, its buttons, its handlers."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

from bot.callbacks import Callback, Namespace

if TYPE_CHECKING:
    from bot.dialogue.turn import Turn

Handler = Callable[["Turn"], None]
V = TypeVar("V")
ButtonHandler = Callable[["Turn", Callback], None]


@dataclass(frozen=True)
class Flow:
    """One capability as the engine sees it; the engine routes by a table of these."""

    name: str
    intents: Mapping[str, Handler] = field(default_factory=dict)  # intent → handler
    forms: Mapping[str, Handler] = field(default_factory=dict)  # open form name → text handler
    buttons: tuple[Namespace, ...] = ()  # button namespaces this flow owns
    on_button: ButtonHandler | None = None
    on_location: Handler | None = None  # a shared location while one of its forms is open
    # Text it answers anywhere, even in staff groups and open forms (e.g. /今日上门); True if so.
    on_any_text: Callable[[Turn], bool] | None = None
    # A photo it takes before the report flow does (a receipt in the staff chat); True if so.
    on_any_photo: Callable[[Turn], bool] | None = None
    # Intents another flow owns that this one adds to (查进度 also lists certificate requests).
    also: Mapping[str, Handler] = field(default_factory=dict)
    # Its open form's question asked again (after "不，继续" to an offered change of request).
    resume: Handler | None = None


@dataclass(frozen=True)
class Routes:
    """The lookup tables built from the registered flows (each key owned by one flow)."""

    intents: Mapping[str, Handler]
    forms: Mapping[str, Flow]
    buttons: Mapping[str, Flow]
    also: Mapping[str, tuple[Handler, ...]] = field(default_factory=dict)

    def handler(self, intent: str) -> Handler | None:
        """The intent's owner, followed by what other flows add to it; None when nobody serves it."""
        owner = self.intents.get(intent)
        if owner is None:
            return None
        extras = self.also.get(intent, ())

        def run(t: Turn) -> None:
            owner(t)
            for extra in extras:
                extra(t)

        return run if extras else owner

    @classmethod
    def of(cls, flows: tuple[Flow, ...]) -> Routes:
        """Index the flows; two flows claiming the same key is a programming error."""
        intents: dict[str, Handler] = {}
        forms: dict[str, Flow] = {}
        buttons: dict[str, Flow] = {}
        for flow in flows:
            _claim(intents, flow.intents, flow.name)
            _claim(forms, dict.fromkeys(flow.forms, flow), flow.name)
            _claim(buttons, {ns.name: flow for ns in flow.buttons}, flow.name)
        also: dict[str, tuple[Handler, ...]] = {}
        for flow in flows:
            for intent, extra in flow.also.items():
                also[intent] = (*also.get(intent, ()), extra)
        return cls(intents, forms, buttons, also)


def _claim(table: dict[str, V], items: Mapping[str, V], owner: str) -> None:
    for key, value in items.items():
        if key in table:
            raise ValueError(f"flow {owner!r}: {key!r} is already routed")
        table[key] = value
