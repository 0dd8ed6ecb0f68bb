"""公开之栏 for residents: the month's notices, 收支 with totals and projects, a phone page at a time."""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime, time

from bot import texts
from bot.callbacks import BOARD, Callback
from bot.dialogue.flow import Flow
from bot.dialogue.turn import Turn
from domain.board import Kind, Project, ProjectStatus, month_bounds, shift_month, totals, yuan
from domain.usecases.board import month_lines
from nlu.numerals import cn_to_int

BUTTONS = (BOARD,)
ALL = "all"  # scope: every 小区 (a resident without an estate, or who asked for all)
NOTICE_CHARS = 30  # a notice's text on the page is cut here; the whole text is in the office
LAST_MONTH = re.compile(r"上个?月")
# How residents ask after a project ("道路翻新的事办得怎么样了", "河边的护栏修好了没有").
ASKS_PROGRESS = re.compile(r"怎么样|咋样|进展|进度|好了没|完了没|完工|什么时候|啥时候|办得|弄得|搞得|到哪")
MONTH = re.compile(r"(\d{1,2}|[一二三四五六七八九十]{1,3})月份?")


def show(t: Turn) -> None:
    """public_info: a named project answers that project; otherwise the month's page 1."""
    project = named_project(t, t.event.text)
    if project is not None:
        return project_detail(t, project)
    year, month = month_asked(t)
    return page(t, year, month, scope_of(t), 1)


def asked_project(t: Turn) -> bool:
    """A resident asking how a project goes, whatever the intent the words looked like; True if so."""
    if t.is_group or t.state.form or t.event.kind != "text" or not ASKS_PROGRESS.search(t.event.text):
        return False
    project = named_project(t, t.event.text)
    if project is None:
        return False
    project_detail(t, project)
    return True


def on_button(t: Turn, cb: Callback) -> None:
    """Paging, month and scope switches, a project, 你说我做."""
    if cb.action == "rep":
        from bot.flows import info

        return info.public_pick(t)
    if cb.action == "prj":
        project = t.uow.board.project(int(cb.arg()))
        if project is None:
            t.say(texts.STALE_BUTTON, texts.MENU_BUTTONS, notice=texts.STALE_BUTTON)
            return None
        return project_detail(t, project)
    ym, scope, n = int(cb.arg(0)), cb.arg(1), int(cb.arg(2))
    year, month = divmod(ym, 100)
    if not 1 <= month <= 12 or (scope != ALL and scope not in _estates(t)):
        t.say(texts.STALE_BUTTON, texts.MENU_BUTTONS, notice=texts.STALE_BUTTON)
        return None
    return page(t, year, month, scope, n, edit=True)


def _estates(t: Turn) -> dict[str, str]:
    return {e.code: e.name for e in t.app.config.estates}


def scope_of(t: Turn) -> str:
    """The 小区 named in the question, else the resident's own, else all of them."""
    named = t.entity("estate") if t.event.text else None
    code = t.app.estate_lookup().get(str(named["value"])) if named else None
    if code is None and t.resident is not None and t.resident.address.estate in _estates(t):
        code = t.resident.address.estate
    return code or ALL


def month_asked(t: Turn) -> tuple[int, int]:
    """这个月 by default; 上个月, or a month by number ("11月": the latest November not to come)."""
    today = t.now.astimezone(t.app.zone).date()
    text = t.event.text
    if LAST_MONTH.search(text):
        return shift_month(today.year, today.month, -1)
    if (m := MONTH.search(text)) is not None and (n := cn_to_int(m.group(1))) and 1 <= n <= 12:
        return (today.year, n) if n <= today.month else (today.year - 1, n)
    return today.year, today.month


def named_project(t: Turn, text: str) -> Project | None:
    """The project a question names: its whole name, or both halves of it (河边的护栏)."""
    if not text:
        return None
    for p in t.uow.board.projects():
        half = len(p.name) // 2
        if p.name in text or (half >= 2 and p.name[:half] in text and p.name[half:] in text):
            return p
    return None


def _body(t: Turn, year: int, month: int, scope: str) -> tuple[str, list[str], list[Project]]:
    """The totals line, the page lines (notices, ledger, projects) and the projects listed."""
    names = _estates(t)
    estates = None if scope == ALL else [scope, ""]
    zone = t.app.zone
    start, end = month_bounds(year, month)
    since = datetime.combine(start, time(), zone).astimezone(UTC)
    until = datetime.combine(end, time(), zone).astimezone(UTC)
    lines: list[str] = []
    notices = t.uow.board.notices(since=since, until=until, estates=estates, limit=20)
    if notices:
        lines.append(texts.BOARD_NOTICES)
        for n in notices:
            body = n.text if len(n.text) <= NOTICE_CHARS else n.text[:NOTICE_CHARS] + "…"
            lines.append(texts.BOARD_NOTICE_LINE.format(
                day=texts.format_day(n.published_at, zone), title=n.title, text=body))
    ledger = month_lines(t.uow, year, month, estates)
    if ledger:
        lines.append(texts.BOARD_LEDGER)
        for x in ledger:
            lines.append(texts.BOARD_LEDGER_LINE.format(
                day=texts.format_md(x.day),
                kind=texts.BOARD_INCOME if x.kind == Kind.INCOME else texts.BOARD_EXPENSE,
                amount=yuan(x.amount_fen), purpose=x.purpose,
                estate=texts.BOARD_LINE_ESTATE.format(estate=names[x.estate])
                if scope == ALL and x.estate in names else "",
                approver=texts.BOARD_APPROVER.format(name=x.approver) if x.approver else ""))
    projects = [p for p in t.uow.board.projects(estates)
                if p.status != ProjectStatus.DONE or (p.latest and start <= p.latest.day < end)]
    if projects:
        lines.append(texts.BOARD_PROJECTS)
        for p in projects:
            latest = p.latest
            lines.append(texts.BOARD_PROJECT_LINE.format(
                name=p.name, estate=names.get(p.estate, texts.BOARD_WHOLE),
                status=p.status.value, latest=texts.BOARD_PROJECT_LATEST.format(
                    day=texts.format_md(latest.day), text=latest.text) if latest else ""))
    sums = totals(ledger)
    total_line = texts.BOARD_TOTALS.format(income=yuan(sums.income), expense=yuan(sums.expense),
                                           balance=yuan(sums.balance))
    return total_line, lines, projects


def page(t: Turn, year: int, month: int, scope: str, n: int, *, edit: bool = False) -> None:
    """One page: the head and totals always, then about ten lines, with buttons to move on."""
    names = _estates(t)
    total_line, lines, projects = _body(t, year, month, scope)
    per = t.app.config.public_board.page_lines
    pages = max(1, math.ceil(len(lines) / per))
    n = min(max(1, n), pages)
    scope_label = (texts.BOARD_SCOPE_ALL if scope == ALL
                   else texts.BOARD_SCOPE_ESTATE.format(estate=names[scope]))
    head = texts.BOARD_HEAD.format(community=t.app.config.community.name, year=year, month=month,
                                   scope=scope_label)
    shown = lines[(n - 1) * per : n * per] or [texts.BOARD_EMPTY]
    parts = [head, total_line, *shown]
    if pages > 1:
        parts.append(texts.BOARD_PAGE.format(page=n, pages=pages))
    ym = year * 100 + month
    rows: list[list[tuple[str, str]]] = []
    paging = []
    if n > 1:
        paging.append(BOARD.button(texts.BOARD_PREV, "pg", ym, scope, n - 1))
    if n < pages:
        paging.append(BOARD.button(texts.BOARD_NEXT, "pg", ym, scope, n + 1))
    if paging:
        rows.append(paging)
    today = t.now.astimezone(t.app.zone).date()
    months = [BOARD.button(texts.BOARD_PREV_MONTH, "pg", _ym(shift_month(year, month, -1)), scope, 1)]
    if (year, month) < (today.year, today.month):
        months.append(BOARD.button(texts.BOARD_NEXT_MONTH, "pg", _ym(shift_month(year, month, 1)), scope, 1))
    rows.append(months)
    if projects:
        rows.append([BOARD.button(p.name, "prj", p.id) for p in projects[:3] if p.id])
    own = t.resident.address.estate if t.resident is not None else ""
    other = ([BOARD.button(texts.BOARD_ALL, "pg", ym, ALL, 1)] if scope != ALL else
             [BOARD.button(texts.BOARD_MINE.format(estate=names[own]), "pg", ym, own, 1)]
             if own in names else [])
    rows.append([*other, BOARD.button(texts.BOARD_REPORTS, "rep")])
    t.say("\n".join(parts), rows, edit=edit)


def _ym(ym: tuple[int, int]) -> int:
    return ym[0] * 100 + ym[1]


def project_detail(t: Turn, project: Project) -> None:
    """A project: status, budget and every update, newest last."""
    names = _estates(t)
    budget = (texts.BOARD_PROJECT_BUDGET.format(budget=yuan(project.budget_fen))
              if project.budget_fen else "")
    lines = [texts.BOARD_PROJECT.format(name=project.name, estate=names.get(project.estate, texts.BOARD_WHOLE),
                                        status=project.status.value, budget=budget)]
    per = t.app.config.public_board.page_lines
    updates = project.updates[-(per - 2):]  # the newest that fit one screen
    lines += [texts.BOARD_PROJECT_UPDATE.format(day=texts.format_md(u.day), text=u.text)
              for u in updates] or [texts.BOARD_PROJECT_NONE]
    if project.status != ProjectStatus.DONE:
        lines.append(texts.BOARD_PROJECT_MORE)
    today = t.now.astimezone(t.app.zone).date()
    scope = project.estate if project.estate in names else ALL
    label = texts.BOARD_ALL if scope == ALL else texts.BOARD_ESTATE_BUTTON.format(estate=names[scope])
    t.say("\n".join(lines), [[BOARD.button(label, "pg", today.year * 100 + today.month, scope, 1)]])


FLOW = Flow(name="board", intents={"public_info": show}, buttons=BUTTONS, on_button=on_button,
            on_any_text=asked_project)
