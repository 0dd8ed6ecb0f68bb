"""Staff use cases: keep accounts in step with config, add one by hand."""

from __future__ import annotations

from domain.errors import InvalidValue, NotFound
from domain.ports import UnitOfWork
from domain.staff import ROLES, Staff


def add_staff(uow: UnitOfWork, staff: Staff, known_grids: set[str]) -> Staff:
    """Add or update one staff account after checking role and grids."""
    if staff.role not in ROLES:
        raise InvalidValue("role", "unknown", roles="、".join(ROLES))
    unknown = [g for g in staff.grids if g not in known_grids]
    if unknown:
        raise InvalidValue("grids", "unknown", grid=unknown[0])
    with uow:
        if staff.user_id is not None:
            other = uow.staff.by_user(staff.user_id)
            if other is not None and other.code != staff.code:
                raise InvalidValue("user_id", "taken", holder=other.code)
        uow.staff.save(staff)
        uow.commit()
    return staff


def sync_staff(uow: UnitOfWork, declared: list[Staff]) -> int:
    """Make config-declared staff exist as declared; returns how many were written."""
    with uow:
        for s in declared:
            if s.user_id is not None:
                holder = uow.staff.by_user(s.user_id)
                if holder is not None and holder.code != s.code:
                    # Config is the source of truth: the chat user now belongs to s.
                    holder.user_id = None
                    uow.staff.save(holder)
            uow.staff.save(s)
        uow.commit()
    return len(declared)


def deactivate_staff(uow: UnitOfWork, code: str) -> Staff:
    """A staff member leaves: their buttons and chat stop working; their history stays."""
    with uow:
        staff = uow.staff.get(code)
        if staff is None:
            raise NotFound(code)
        staff.active = False
        uow.staff.save(staff)
        uow.commit()
        return staff
