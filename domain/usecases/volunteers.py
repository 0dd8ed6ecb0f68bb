"""Volunteer use cases: sign up, post and take tasks within capacity, attendance, hours, 求助."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from zoneinfo import ZoneInfo

from domain.errors import InvalidValue, NotFound, NotVerifiedResident, StaffOnly, ViewOnly
from domain.ports import UnitOfWork
from domain.residents import Resident
from domain.staff import ROLES, Staff
from domain.volunteers import (
    TIME_SLOTS,
    HelpRequest,
    NotVolunteer,
    Signup,
    Task,
    TaskClosed,
    TaskFull,
    TooEarly,
    Volunteer,
)

Actor = int | str  # a chat user id (buttons) or a staff code (CLI)
MAX_TITLE = 60
MAX_HELP = 300


def sign_up(uow: UnitOfWork, resident: Resident, skills: list[str], times: list[str],
            now: datetime) -> Volunteer:
    """Sign up (or change skills and times); only residents the office verified, with a chat."""
    if not resident.verified or resident.id is None or resident.user_id is None:
        raise NotVerifiedResident("volunteer")
    skills = [s.strip() for s in dict.fromkeys(skills) if s.strip()]
    times = [t for t in dict.fromkeys(times) if t in TIME_SLOTS]
    if not skills:
        raise InvalidValue("skills", "missing")
    if not times:
        raise InvalidValue("times", "missing")
    old = uow.volunteers.get(resident.id)
    v = Volunteer(resident_id=resident.id, user_id=resident.user_id,
                  chat_id=resident.chat_id or resident.user_id, skills=skills, times=times,
                  active=True, joined_at=old.joined_at if old and old.joined_at else now)
    uow.volunteers.save(v)
    return v


def stop(uow: UnitOfWork, resident_id: int) -> Volunteer:
    """Stop volunteering: no more offers; the hours served stay on record."""
    v = uow.volunteers.get(resident_id)
    if v is None:
        raise NotFound("volunteer")
    v.active = False
    uow.volunteers.save(v)
    return v


def staff_for(uow: UnitOfWork, who: Actor, grid: str | None, *, acting: bool = True) -> Staff:
    """The staff member behind a chat user or code, if they serve the grid (书记/社工: all).

    A read-only (city) account may look (`acting` False), never act.
    """
    staff = uow.staff.get(who) if isinstance(who, str) else uow.staff.by_user(who)
    if staff is not None and staff.active and staff.read_only:
        if acting:
            raise ViewOnly("volunteers")
        return staff
    if staff is None or not staff.active or staff.role not in ROLES:
        raise StaffOnly("volunteers")
    if grid is None and staff.role == "网格员":
        raise StaffOnly("volunteers")  # a community-wide task is for 书记/社工
    if grid is not None and not staff.serves(grid):
        raise StaffOnly("volunteers")
    return staff


def post_task(uow: UnitOfWork, task: Task, who: Actor | None, now: datetime,
              zone: ZoneInfo) -> list[Volunteer]:
    """Write the task and return the volunteers to offer it to (skill and free time fit).

    `who` None is the office's own command line (it holds the database already).
    """
    code = staff_for(uow, who, task.grid).code if who is not None else "office"
    task.title = task.title.strip()[:MAX_TITLE]
    if not task.title:
        raise InvalidValue("title", "missing")
    if task.start <= now:
        raise InvalidValue("when", "past")
    if not 0 < task.hours <= 24:
        raise InvalidValue("hours", "range")
    if not 1 <= task.capacity <= 100:
        raise InvalidValue("capacity", "range")
    task.posted_by, task.created_at, task.status, task.taken = code, now, "open", 0
    if task.help_id is not None:
        request = uow.volunteers.get_help(task.help_id)
        if request is None:
            raise NotFound("help")
        if who is not None:
            staff_for(uow, who, request.grid)
    uow.volunteers.add_task(task)
    if task.help_id is not None:
        request = uow.volunteers.get_help(task.help_id)
        assert request is not None
        request.status, request.task_id = "task", task.id
        uow.volunteers.save_help(request)
    uow.audit.record(f"staff:{code}", "vtask_post", f"vtask:{task.id}", now)
    return [v for v in uow.volunteers.active() if task.fits(v, zone)]


def take(uow: UnitOfWork, task_id: int, resident_id: int, now: datetime) -> tuple[Task, bool]:
    """Take a place, first come first served; (task, False) if this volunteer already has one.

    The place is taken by one conditional UPDATE (never read-then-write); concurrent takers
    queue on the task row, so the last place goes to exactly one of them.
    """
    v = uow.volunteers.get(resident_id)
    if v is None or not v.active:
        raise NotVolunteer("volunteer")
    task = uow.volunteers.get_task(task_id)
    if task is None:
        raise NotFound("vtask")
    if not task.open_at(now):
        raise TaskClosed(str(task_id))
    mine = uow.volunteers.signup(task_id, resident_id)
    if mine is not None and mine.status == "taken":
        return task, False
    if not uow.volunteers.take(task_id, now):
        raise TaskFull(str(task_id))
    # Read again after the row lock: the same volunteer pressing twice at once takes one place.
    mine = uow.volunteers.signup(task_id, resident_id)
    if mine is not None and mine.status == "taken":
        uow.volunteers.release(task_id)
        return task, False
    signup = mine or Signup(task_id=task_id, resident_id=resident_id)
    signup.status, signup.attended, signup.at = "taken", None, now
    uow.volunteers.save_signup(signup)
    task.taken += 1
    return task, True


def withdraw(uow: UnitOfWork, task_id: int, resident_id: int, now: datetime) -> Task:
    """Give the place back before the task starts; it is free for the next volunteer."""
    task = uow.volunteers.get_task(task_id)
    mine = uow.volunteers.signup(task_id, resident_id)
    if task is None or mine is None or mine.status != "taken":
        raise NotFound("signup")
    if not task.open_at(now):
        raise TaskClosed(str(task_id))
    mine.status = "withdrawn"
    uow.volunteers.save_signup(mine)
    uow.volunteers.release(task_id)
    task.taken -= 1
    return task


def mark(uow: UnitOfWork, task_id: int, resident_id: int, present: bool, who: Actor | None,
         now: datetime) -> Signup:
    """Staff mark a volunteer 到了 / 没来 once the task has started (a later press corrects it)."""
    task = uow.volunteers.get_task(task_id)
    if task is None:
        raise NotFound("vtask")
    code = staff_for(uow, who, task.grid).code if who is not None else "office"
    if now < task.start:
        raise TooEarly(str(task_id))
    mine = uow.volunteers.signup(task_id, resident_id)
    if mine is None or mine.status != "taken":
        raise NotFound("signup")
    mine.attended = present
    uow.volunteers.save_signup(mine)
    uow.audit.record(f"staff:{code}", "vtask_present" if present else "vtask_absent",
                     f"vtask:{task_id}:{resident_id}", now)
    return mine


def hours(uow: UnitOfWork, since: datetime, until: datetime) -> dict[int, tuple[int, float]]:
    """Per volunteer (resident id): tasks attended and hours, for tasks starting in [since, until)."""
    out: dict[int, list[float]] = defaultdict(lambda: [0, 0.0])
    for signup, task in uow.volunteers.attended(since, until):
        out[signup.resident_id][0] += 1
        out[signup.resident_id][1] += task.hours
    return {rid: (int(n), h) for rid, (n, h) in out.items()}


def ask_help(uow: UnitOfWork, resident: Resident, chat_id: int, text: str, grid: str | None,
             now: datetime) -> HelpRequest:
    """Record a resident's 求助 (their words, their estate's grid) before anyone is told."""
    text = text.strip()[:MAX_HELP]
    if not text:
        raise InvalidValue("help", "missing")
    request = HelpRequest(resident_id=resident.id, chat_id=chat_id, text=text,
                          estate=resident.address.estate, grid=grid, created_at=now)
    uow.volunteers.add_help(request)
    return request
