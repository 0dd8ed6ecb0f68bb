"""Community scoping: every record belongs to one 村社, and every ORM query sees only its scope.

Why here and not in each repository: a city deployment has dozens of repositories and hundreds
of queries, and one forgotten filter would show one community's reports to another. The
session carries its scope (`session.info`), and two SQLAlchemy hooks apply it to every ORM
SELECT, UPDATE and DELETE (`with_loader_criteria`, SQLAlchemy's own multi-tenant recipe) and
stamp every new row. Identity lookups that must see the whole city (who is this Telegram user?
whose phone is this?) say so explicitly with `ANY_COMMUNITY`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Engine, String, event, select
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, mapped_column, sessionmaker, with_loader_criteria

from domain.errors import NoCommunity

# session.info keys: the communities visible (a frozenset; absent = the whole city), and the
# community new records belong to.
SCOPE = "community_scope"
HOME = "community_home"
# Statement execution option for identity lookups that must see every community.
ANY_COMMUNITY = {"any_community": True}


class OutOfScope(NoCommunity):
    """A record with no community, or another community's, was about to be written here."""


class Scoped:
    """Mixin: a record that belongs to one community (its code, e.g. "oh-nbx-nanyang")."""

    community: Mapped[str] = mapped_column(String(32), index=True, default="")


def set_scope(session: Session, home: str | None, visible: frozenset[str] | None) -> None:
    """Scope the session: new records belong to `home`; queries see `visible` (None: all)."""
    session.info[HOME] = home
    if visible is None:
        session.info.pop(SCOPE, None)
    else:
        session.info[SCOPE] = frozenset(visible)


def home_of(session: Session) -> str:
    """The community new records of this session belong to (for Core INSERTs, which no hook sees)."""
    home = session.info.get(HOME)
    if not home:
        raise OutOfScope("no community to file this under")
    return str(home)


def _criteria(visible: frozenset[str]) -> Any:
    codes = sorted(visible)
    return with_loader_criteria(Scoped, lambda cls: cls.community.in_(codes), include_aliases=True)


def _on_execute(state: ORMExecuteState) -> None:
    visible = state.session.info.get(SCOPE)
    if visible is None or state.is_column_load or state.is_relationship_load:
        return
    if state.execution_options.get("any_community"):
        return
    if state.is_select or state.is_update or state.is_delete:
        state.statement = state.statement.options(_criteria(visible))


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    home = session.info.get(HOME)
    visible = session.info.get(SCOPE)
    for obj in session.new:
        if not isinstance(obj, Scoped):
            continue
        if not obj.community:
            if not home:
                raise OutOfScope(f"{type(obj).__name__}: no community to file it under")
            obj.community = home
        elif visible is not None and obj.community not in visible:
            raise OutOfScope(f"{type(obj).__name__}: community outside this scope")


def communities_with(engine: Engine, tables: Iterable[str]) -> set[str]:
    """The communities that have rows in any of these tables (which ones a job must visit)."""
    from storage.models import Base

    found: set[str] = set()
    with engine.connect() as conn:
        for name in tables:
            table = Base.metadata.tables[name]
            found.update(conn.execute(select(table.c.community).distinct()).scalars())
    return found


def install(sessions: sessionmaker[Session]) -> None:
    """Apply community scoping to every session this factory makes."""
    event.listen(sessions, "do_orm_execute", _on_execute)
    event.listen(sessions, "before_flush", _before_flush)
