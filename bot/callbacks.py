"""Button data: one typed, versioned codec for every inline button the bot makes.

Data looks like ``1:s:acc:BS-20261128-0001``: the codec version, the namespace of the flow
that owns the button, the action, then the action's arguments, each checked against its kind.
Anything else (older formats, forged or truncated data) decodes to None: a stale button.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

VERSION = "1"
SEP = ":"
MAX_BYTES = 64  # Telegram's limit for callback data

# Argument kinds: what each position of an action may hold.
KINDS: Mapping[str, re.Pattern[str]] = {
    "number": re.compile(r"[A-Z]{1,4}-\d{8}-\d{4}", re.ASCII),  # a report number
    "code": re.compile(r"[A-Za-z0-9_]{1,16}", re.ASCII),  # estate, category, staff or grid code
    "id": re.compile(r"[1-9]\d{0,11}", re.ASCII),  # a record id
    "stars": re.compile(r"[1-5]", re.ASCII),
    "slug": re.compile(r"[A-Za-z0-9_.-]{1,32}", re.ASCII),  # a longer config code (a policy)
}


@dataclass(frozen=True)
class Callback:
    """Decoded button data: namespace, action and checked arguments."""

    ns: str
    action: str
    args: tuple[str, ...] = ()

    def arg(self, i: int = 0) -> str:
        """The i-th argument (present: the codec checked the count)."""
        return self.args[i]


@dataclass(frozen=True)
class Namespace:
    """A flow's buttons: each action with the kinds of its arguments."""

    name: str
    actions: Mapping[str, Sequence[str]]

    def data(self, action: str, *args: object) -> str:
        """Encode a press of `action`; a wrong argument is a programming error."""
        kinds = self.actions[action]
        parts = [str(a) for a in args]
        if len(parts) != len(kinds) or not all(
                KINDS[k].fullmatch(p) for k, p in zip(kinds, parts, strict=True)):
            raise ValueError(f"bad arguments for {self.name}:{action}")
        data = SEP.join([VERSION, self.name, action, *parts])
        if len(data.encode("utf-8")) > MAX_BYTES:
            raise ValueError(f"button data too long for {self.name}:{action}")
        return data

    def button(self, label: str, action: str, *args: object) -> tuple[str, str]:
        """(label, data) for a button row."""
        return label, self.data(action, *args)

    def rows(self, rows: Sequence[Sequence[tuple[str, str]]]) -> tuple[tuple[tuple[str, str], ...], ...]:
        """Rows of (label, action) without arguments → rows of (label, data)."""
        return tuple(tuple(self.button(label, action) for label, action in row) for row in rows)


STAFF = Namespace("s", {
    "acc": ("number",), "prog": ("number",), "done": ("number",), "rej": ("number",),
    "dup": ("number",), "asg": ("number",), "to": ("number", "code"), "card": ("number",),
    "pic": ("number",), "ph": ("number",), "ver": ("id",),
    # the note confirmation: send to the resident, keep internal, skip the note, cancel
    "npub": ("number",), "nint": ("number",), "nskip": ("number",), "nx": ("number",),
    "td": ("slug",),  # levels2: 待办 of one community (staff above several)
})
FORM = Namespace("f", {
    "cat": ("code",), "est": ("code",), "loc": (), "yes": (), "no": (),
    "edit": ("code",), "dup": ("code",), "switch": ("code",),
})
MENU = Namespace("m", {a: () for a in (
    "report", "suggest", "status", "public", "shelter", "policy", "me", "menu", "relay")})
STATUS = Namespace("st", {"show": ("number",), "rate": ("number", "stars"), "reopen": ("number",)})
PUBLIC = Namespace("pub", {"estate": ("code",)})
MY_DATA = Namespace("me", {"share": (), "erase": (), "erase_yes": ()})
# 云盖章: the resident's template choice and submit/cancel; staff approve, reject, cancel a rejection.
SEAL = Namespace("z", {"tpl": ("code",), "ok": (), "x": (), "yes": ("number",), "no": ("number",),
                       "nx": ("number",), "card": ("number",)})  # card: staff open it from 待办

# --- bookings ---
# svc: a service; page: a catalogue page; who: self | family | a past beneficiary's index;
# at: a slot (epoch seconds); cx/mv: cancel or move a booking; cxy: yes, cancel it.
BOOKING = Namespace("bk", {
    "svc": ("code",), "page": ("id",), "who": ("code",), "at": ("id",), "yes": (), "no": (),
    "time": (), "cx": ("number",), "mv": ("number",), "cxy": ("number",), "keep": (),
    # after the visit: 已上门 / 未上门 (provider), stars (booker), patience (person served)
    "vd": ("number",), "vn": ("number",), "rate": ("number", "stars"), "pat": ("number", "code"),
    "vskip": ("number",), "vx": ("number",),  # the note asked after 已上门 / 未上门: 跳过 / 取消
    "today": ("slug",),  # /今日上门 of one community, for staff above several
})
# 核实家属关系: staff or the person served decide; staff open its card again from 待办
LINK = Namespace("bl", {"ok": ("id",), "no": ("id",), "card": ("id",)})
# --- volunteer --- sign-up (skill/time toggles by 1-based index), tasks (take, withdraw), staff
# (publish/cancel a draft, attendance list, 到了/没来 per task and resident), 求助 (confirm, to task).
VOLUNTEER = Namespace("v", {
    "sk": ("id",), "x": (), "skd": (), "tm": ("id",), "tmd": (), "edit": (), "stop": (),
    "stopy": (), "tasks": (), "take": ("id",), "wd": ("id",), "pub": (), "px": (),
    "roll": ("id",), "att": ("id", "id"), "abs": ("id", "id"), "hok": (), "hno": (), "h2t": ("id",),
    "hv": ("id",),  # levels2: a 求助's staff card, opened from 待办
})

# --- polls ---
# v: vote (poll id, option 1-6); open: show a poll to vote in; res/cls: staff see the count, close;
# the staff's new poll: est (an estate) / all (whole community) scope, pub 发布, x 取消.
POLL = Namespace("pl", {"v": ("id", "id"), "open": ("id",), "res": ("id",), "cls": ("id",),
                        "est": ("code",), "all": (), "pub": (), "x": ()})
# 物业评价 / 业委会评价: the target, the stars, the comment's 确认 / 跳过, 取消.
RATE = Namespace("rt", {"t": ("code",), "s": ("code", "stars"), "ok": (), "skip": (), "x": ()})

# 预警 from the staff chat: a level for a draft; 确认发布 / 取消.
ALERT = Namespace("al", {"lv": ("code", "id"), "ok": ("id",), "x": ("id",),
                         "pl": ("code", "id")})  # a place (p<index>) for staff above one 村社

# 惠民政策: one policy's part (code, aspect | "all"), "我能申请吗" (code), the library list
POLICY = Namespace("pol", {"part": ("code", "code"), "me": ("code",), "list": ()})

# --- push --- subscriptions (topic code): on, off, off confirmed (仍然关闭), keep (保留)
SUBS = Namespace("sb", {"on": ("code",), "off": ("code",), "offy": ("code",), "keep": ("code",)})
# staff push: a policy, its targets (policy, target), 确认发送 (policy, target), 取消
PUSH = Namespace("pu", {"pol": ("slug",), "to": ("slug", "code"), "ok": ("slug", "code"), "x": (),
                        # a place chosen by staff above one 村社 (<target>_<index>), and its 确认发送
                        "pl": ("slug", "code"), "okp": ("slug", "code")})

# --- ledger --- 公开之栏: a resident's page (month yyyymm, scope estate|all, page), a project,
# 你说我做; staff drafts (ledger line, notice, project update), each carrying its draft id.
BOARD = Namespace("pb", {"pg": ("id", "code", "id"), "prj": ("id",), "rep": ()})
LEDGER = Namespace("lg", {"ok": ("id",), "ed": ("id",), "x": ("id",), "nok": ("id",),
                          "pj": ("id", "id"), "uok": ("id",), "us": ("id", "code"),
                          # board2: a notice's scope and 只发布; a new project's 小区, status, budget
                          "sc": ("id", "code"), "nop": ("id",), "np": ("id", "code"),
                          "ns": ("id", "code"), "nb": ("id",), "pok": ("id",),
                          # a project update's 只发布 (nobody would be notified)
                          "uop": ("id",)})
# ws-citynlu: which community an estate named means (a community code; 都不是).
ESTATE = Namespace("es", {"in": ("slug",), "no": ()})

# --- placement --- a community chosen (pick; no: not the guess), 打字说, 换社区 (move, to, stay)
PLACE = Namespace("cm", {"pick": ("slug",), "no": (), "type": (), "move": (), "to": ("slug",),
                         "stay": (), "st": ("slug",)})

NAMESPACES: Mapping[str, Namespace] = {
    ns.name: ns for ns in (
        STAFF, FORM, MENU, STATUS, PUBLIC, MY_DATA, SEAL, BOOKING, LINK, POLL, RATE, VOLUNTEER, ALERT,
        POLICY, SUBS, PUSH, BOARD, LEDGER, ESTATE,
        PLACE,
    )}


def decode(data: str | None) -> Callback | None:
    """The checked meaning of button data, or None for anything stale, unknown or malformed."""
    if not data or len(data.encode("utf-8", "replace")) > MAX_BYTES:
        return None
    version, _, rest = data.partition(SEP)
    if version != VERSION:
        return None
    name, _, rest = rest.partition(SEP)
    ns = NAMESPACES.get(name)
    if ns is None:
        return None
    action, *args = rest.split(SEP)
    kinds = ns.actions.get(action)
    if kinds is None or len(args) != len(kinds):
        return None
    if not all(KINDS[k].fullmatch(a) for k, a in zip(kinds, args, strict=True)):
        return None
    return Callback(name, action, tuple(args))
