"""How volunteer tasks look and who hears of them (offers, the person helped), via the outbox."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from bot import texts
from bot.callbacks import VOLUNTEER
from bot.cards import estate_name, place_label
from bot.dialogue.turn import reply
from bot.events import Reply
from bot.outbox import BULK, enqueue
from domain.ports import UnitOfWork
from domain.usecases import volunteers as uc
from domain.volunteers import Task

if TYPE_CHECKING:
    from bot.app import App


def hours_text(hours: float) -> str:
    """2 / 1.5 as people read it."""
    return f"{hours:g}"


def task_text(app: App, task: Task, now: datetime | None = None) -> str:
    """What a task is, when, how long, where: never who asked for it."""
    where = estate_name(app, task.estate)
    return texts.VOL_TASK.format(
        title=task.title, when=texts.format_when(task.start, app.zone, now),
        hours=hours_text(task.hours), capacity=task.capacity,
        skill=texts.VOL_TASK_SKILL.format(skill=task.skill) if task.skill else "",
        where=texts.VOL_TASK_WHERE.format(estate=where) if where else "")


def offer(app: App, task: Task, now: datetime) -> Reply:
    """The offer a matching volunteer gets, with 我来."""
    return reply(texts.VOL_OFFER.format(task=task_text(app, task, now)),
                 [[VOLUNTEER.button(texts.VOL_TAKE_BUTTON, "take", task.id)]])


def publish(app: App, uow: UnitOfWork, task: Task, who: int | str | None, now: datetime) -> int:
    """Write the task, queue one offer per matching volunteer; the number offered."""
    matched = uc.post_task(uow, task, who, now, app.zone)
    for v in matched:
        enqueue(uow, v.chat_id, offer(app, task, now), f"vtask:{task.id}:{v.chat_id}", now,
                priority=BULK)
    if task.help_id is not None:
        request = uow.volunteers.get_help(task.help_id)
        if request is not None:  # the person who asked hears that help is arranged
            enqueue(uow, request.chat_id, reply(texts.VOL_HELP_ARRANGED.format(
                when=texts.format_when(task.start, app.zone, now))), f"vhelp:{request.id}:task", now)
    return len(matched)


def helped_person(app: App, uow: UnitOfWork, task: Task) -> str:
    """For the volunteer who took a 求助 task: the name and address of the person, nothing more."""
    request = uow.volunteers.get_help(task.help_id) if task.help_id else None
    person = uow.residents.get(request.resident_id) if request and request.resident_id else None
    if person is None:
        return ""
    return texts.VOL_HELP_WHO.format(name=person.name,
                                     address=place_label(app, person.address))
