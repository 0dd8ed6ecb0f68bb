"""One turn of a conversation: the event, its unit of work, who is speaking, reply helpers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property
from typing import TYPE_CHECKING, Any

from bot.dialogue.state import ChatState
from bot.events import Button, Inbound, Location, Reply, RequestKind
from domain.ports import UnitOfWork
from domain.residents import Resident
from domain.staff import Staff

if TYPE_CHECKING:
    from bot.app import App

ButtonRows = Sequence[Sequence[tuple[str, str]]]


def buttons(rows: ButtonRows) -> tuple[tuple[Button, ...], ...]:
    """(text, data) rows → Button rows."""
    return tuple(tuple(Button(text, data) for text, data in row) for row in rows)


def grid_rows(items: Sequence[tuple[str, str]], per_row: int = 3) -> list[list[tuple[str, str]]]:
    """Lay choices out a few per row so old eyes can tap them."""
    return [list(items[i : i + per_row]) for i in range(0, len(items), per_row)]


def reply(
    text: str, rows: ButtonRows = (), *, request: RequestKind | None = None, edit: bool = False,
    notice: str = "", photos: tuple[str, ...] = (), location: Location | None = None,
) -> Reply:
    """Build a Reply from plain rows of (text, data)."""
    return Reply(text=text, buttons=buttons(rows), request=request, edit=edit, notice=notice,
                 photos=photos, location=location)


@dataclass
class Turn:
    """Everything a flow needs to answer one event."""

    app: App
    uow: UnitOfWork
    event: Inbound
    now: datetime
    state: ChatState
    replies: list[Reply] = field(default_factory=list)

    @cached_property
    def staff(self) -> Staff | None:
        """The speaker as staff, if they are."""
        return self.uow.staff.by_user(self.event.user_id)

    @cached_property
    def resident(self) -> Resident | None:
        """The speaker as a resident bound to this chat user, if bound."""
        return self.uow.residents.by_user(self.event.user_id)

    @cached_property
    def parse(self) -> dict[str, Any]:
        """The NLU result of the text (parsed once per turn)."""
        return self.app.parser.parse(self.event.text, now=self.now)

    @property
    def intent(self) -> str:
        """The top intent name."""
        return str(self.parse.get("intent", {}).get("name") or "out_of_scope")

    @property
    def confidence(self) -> float:
        """The top intent's confidence."""
        return float(self.parse.get("intent", {}).get("confidence") or 0.0)

    def entity(self, name: str) -> dict[str, Any] | None:
        """The first entity of a kind."""
        for e in self.parse.get("entities", []):
            if e.get("entity") == name:
                return dict(e)
        return None

    def say(self, text: str, rows: ButtonRows = (), **kw: Any) -> None:
        """Add a reply to this chat."""
        self.replies.append(reply(text, rows, **kw))

    def enter(self, community: str) -> None:
        """Move this turn into a record's own community: its config, its records, filed under it.

        Callers check first that the speaker may act there (staff reach, a resident's own report).
        """
        if not community or community == self.uow.community:
            return
        tenant = self.app.tenant(community)
        self.uow.scope_to(community, frozenset({community}), tenant.on_event or tenant.notifier.handle)
        self.app = tenant

    @property
    def is_group(self) -> bool:
        """Telegram group chats have negative ids: staff groups, where we speak only when asked."""
        return self.event.chat_id < 0


def example_estate(t: Turn) -> str:
    """Their own community's first 小区, for "直接说‘…3幢2单元’" (another's name would puzzle them)."""
    estates = t.app.config.estates
    return estates[0].name if estates else "您的小区"


def live_pending(t: Turn, key: str, minutes: float, expired: str = "") -> dict[str, Any] | None:
    """A copy of the open step a staff member left under `key` (a draft, a note asked for).

    Past `minutes` it is dropped and `expired` (if given) is said, so a late answer is never
    taken for it.
    """
    step = t.state.staff_pending.get(key)
    if step is None:
        return None
    if t.now - datetime.fromisoformat(step["at"]) > timedelta(minutes=minutes):
        del t.state.staff_pending[key]
        if expired:
            t.say(expired)
        return None
    return dict(step)
