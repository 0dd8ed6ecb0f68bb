"""Family links (家属代办) waiting for staff are in 待办: the community's own staff and staff above
it see them (oldest first, the relation and the surname only), open the card again from there and
decide it; nobody else sees them, and a decided link leaves the list (SQLite and PostgreSQL)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from bot import texts
from bot.app import App
from bot.callbacks import LINK
from domain.bookings import BeneficiaryLink
from tests.fixtures import clean_env, database_url  # noqa: F401
from tests.integration.test_community_isolation import A, J, N
from tests.integration.test_link_communities import (
    BOOKER,
    J_GRID,
    MUM_PHONE,
    book_for,
    press,
    shown,
    state,
    town,  # noqa: F401
)
from tests.integration.test_staff_levels import CITY_VIEWER, STREET, city  # noqa: F401
from tests.support.chat import Chat

J_SECRETARY, N_SECRETARY, A_SECRETARY = 720000001, 710000001, 700000001
LINE = re.compile(r"^· 家属核实(\d+) · (\S+) · 待核实 · .+提出(?:（(.+)）)?$")


def linked(app: App, code: str, name: str, relation: str, days_ago: float) -> int:
    """A link waiting in `code` since `days_ago` days (as a booking there would file it); its id."""
    with app.tenant(code).uow() as uow:
        link = BeneficiaryLink(booker_user_id=BOOKER, booker_chat_id=BOOKER, name=name, contact="13900009999",
                               relation=relation, created_at=datetime.now(UTC) - timedelta(days=days_ago))
        uow.bookings.add_link(link)
        uow.commit()
    assert link.id is not None
    return link.id


def todo(app: App, user: int, said: str = "待办") -> tuple[str, list[tuple[int, str, str]], dict[str, str]]:
    """What a staff member's 待办 says: the text, its link lines (id, who, community) and its buttons."""
    chat = Chat(app, user)
    out = chat.say(said)
    lines = [(int(m[1]), m[2], m[3] or "") for m in map(LINE.match, out.splitlines()) if m]
    buttons = {b.text: b.data or "" for r in chat.replies for row in r.buttons for b in row}
    return out, lines, buttons


def test_a_secretary_sees_a_pending_link_in_todo_and_decides_it_from_there(town: App) -> None:  # noqa: F811
    number = book_for(town, BOOKER, "帮我妈约明天下午两点的助浴", f"王秀英 {MUM_PHONE}")
    with town.tenant(J).uow() as uow:
        [link] = uow.bookings.links_of(BOOKER)
    out, lines, buttons = todo(town, J_SECRETARY)
    assert texts.STAFF_TASKS.format(n=1) in out, out
    assert lines == [(link.id, "母亲王**", "")], out
    assert "王秀英" not in out and MUM_PHONE[-4:] not in out  # a list names no one: the card does
    # The card again, with 属实 / 不属实, as the staff chat had it
    replies = press(town, J_SECRETARY, J_SECRETARY, buttons[texts.WORKLIST_LINK_BUTTON.format(id=link.id)])
    [card] = [r for r in replies if "核实家属关系" in r.text]
    assert "王秀英" in card.text and [b.text for b in card.buttons[0]] == [texts.BOOK_LINK_YES, texts.BOOK_LINK_NO]
    done = press(town, J_SECRETARY, J_SECRETARY, card.buttons[0][0].data or "")
    assert texts.BOOK_LINK_DONE["confirmed"] in shown(done)
    assert state(town, J, number) == ("confirmed", False)  # the booking is no longer 待核实
    out, lines, _ = todo(town, J_SECRETARY)
    assert lines == [] and texts.STAFF_TASKS_EMPTY in out, out
    # the list shown before is stale now: its button says so and changes nothing
    again = press(town, J_SECRETARY, J_SECRETARY, LINK.data("card", link.id))
    assert shown(again) == texts.WORKLIST_LINK_DECIDED["confirmed"], shown(again)


def test_only_the_links_own_community_and_staff_above_it_see_it(town: App) -> None:  # noqa: F811
    mum = linked(town, J, "王秀英", "母亲", 2)
    # 金竹村's 网格员 decides links as its 书记 does: it is in their 待办 too
    assert todo(town, J_GRID)[1] == [(mum, "母亲王**", "")]
    for other in (N_SECRETARY, A_SECRETARY):  # another community's staff: never listed, never opened
        out, lines, _ = todo(town, other)
        assert lines == [] and "家属核实" not in out, out
        opened = shown(press(town, other, other, LINK.data("card", mum)))
        assert texts.BOOK_LINK_NOT_THEIRS in opened and "王秀英" not in opened, opened
    with town.tenant(J).uow() as uow:
        link = uow.bookings.get_link(mum)
    assert link is not None and link.status == "pending"


def test_staff_above_see_links_of_their_communities_named_oldest_first_and_counted(town: App) -> None:  # noqa: F811
    mum = linked(town, J, "王秀英", "母亲", 1)
    dad = linked(town, N, "李建国", "父亲", 3)
    aunt = linked(town, A, "张三", "姑姑", 5)  # 社区 A is outside the 街道
    decided = linked(town, J, "陈明", "哥哥", 9)
    with town.tenant(J).uow() as uow:
        old = uow.bookings.get_link(decided)
        assert old is not None
        old.status, old.decided_by = "denied", "staff:J01"
        uow.bookings.save_link(old)
        uow.commit()
    out, lines, buttons = todo(town, STREET)
    assert texts.STAFF_TASKS.format(n=2) in out, out
    assert lines == [(dad, "父亲李**", "南垟社区"), (mum, "母亲王**", "金竹村")], out
    # narrowed to one community: its own count
    out, lines, _ = todo(town, STREET, "金竹村的待办")
    assert texts.WORKLIST_IN.format(community="金竹村", n=1) in out and lines == [(mum, "母亲王**", "")], out
    # the 街道's member opens 金竹村's card (named) and decides it there; it leaves the list
    [card] = [r for r in press(town, STREET, STREET, buttons[texts.WORKLIST_LINK_BUTTON.format(id=mum)])
              if "核实家属关系" in r.text]
    assert card.text.startswith(texts.STAFF_LEVEL_CARD.format(community="金竹村")), card.text
    assert texts.BOOK_LINK_DONE["denied"] in shown(press(town, STREET, STREET, card.buttons[0][1].data or ""))
    out, lines, _ = todo(town, STREET)
    assert texts.STAFF_TASKS.format(n=1) in out and lines == [(dad, "父亲李**", "南垟社区")], out
    # the 市's read-only account sees every community's, opens the card, but cannot decide
    out, lines, buttons = todo(town, CITY_VIEWER)
    assert lines == [(aunt, "姑姑张*", "A社区"), (dad, "父亲李**", "南垟社区")], out
    [card] = [r for r in press(town, CITY_VIEWER, CITY_VIEWER, buttons[texts.WORKLIST_LINK_BUTTON.format(id=aunt)])
              if "核实家属关系" in r.text]
    refused = shown(press(town, CITY_VIEWER, CITY_VIEWER, card.buttons[0][0].data or ""))
    assert "只能查看" in refused, refused
    with town.tenant(A).uow() as uow:
        link = uow.bookings.get_link(aunt)
    assert link is not None and link.status == "pending"
