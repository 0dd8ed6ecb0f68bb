"""Residents' use cases: import a roster, bind a chat user, verify, see and erase own data."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from domain.errors import (
    InvalidTransition,
    InvalidValue,
    NotFound,
    NotOwnContact,
    PhoneTaken,
    RosterInvalid,
    RowProblem,
    StaffOnly,
    ViewOnly,
)
from domain.events import ResidentUnverified, ResidentVerified
from domain.identity import normalize_phone
from domain.ports import UnitOfWork
from domain.residents import Address, Resident, RosterRow, validate_roster_row

# Who may verify anyone, whatever their grid (a chat-made resident has no estate yet).
VERIFY_ANY_ROLES = frozenset({"书记", "社工"})


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    skipped: list[RowProblem]


def validate_roster(
    rows: Iterable[dict[str, object]], estates: dict[str, str], known_tags: set[str],
    first_row: int = 2,
) -> tuple[list[tuple[int, RosterRow]], list[RowProblem]]:
    """Validate every row; rows are numbered as the office sees them (header is row 1)."""
    good: list[tuple[int, RosterRow]] = []
    problems: list[RowProblem] = []
    seen_phones: dict[str, int] = {}
    seen_ids: dict[str, int] = {}
    for n, raw in enumerate(rows, start=first_row):
        if not any(str(v).strip() for v in raw.values() if v is not None):
            continue  # blank line in a spreadsheet
        result = validate_roster_row(n, raw, estates, known_tags)
        if isinstance(result, list):
            problems.extend(result)
            continue
        if result.phone in seen_phones:
            problems.append(RowProblem(n, "手机号", f"与第{seen_phones[result.phone]}行重复"))
            continue
        if result.id_number and result.id_number in seen_ids:
            # Two rows with one ID number would silently merge into one person on import.
            problems.append(RowProblem(n, "身份证号", f"与第{seen_ids[result.id_number]}行重复"))
            continue
        seen_phones[result.phone] = n
        if result.id_number:
            seen_ids[result.id_number] = n
        good.append((n, result))
    return good, problems


def import_roster(
    uow: UnitOfWork,
    rows: Iterable[dict[str, object]],
    estates: dict[str, str],
    known_tags: set[str],
    *,
    skip_invalid: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Import roster rows all-or-nothing (unless skip_invalid); re-imports update people."""
    good, problems = validate_roster(rows, estates, known_tags)
    if problems and not skip_invalid:
        raise RosterInvalid(problems)
    created = updated = 0
    with uow:
        # One query finds everyone already known, instead of two lookups per row.
        known = uow.residents.find_many(
            phones=[row.phone for _, row in good],
            id_numbers=[row.id_number for _, row in good if row.id_number],
        )
        by_id = {r.id_number: r for r in known if r.id_number}
        by_phone = {r.phone: r for r in known if r.phone}
        fresh: list[Resident] = []
        for i, (_, row) in enumerate(good, start=1):
            existing = (row.id_number and by_id.get(row.id_number)) or by_phone.get(row.phone)
            if existing:
                existing.name, existing.phone, existing.address = row.name, row.phone, row.address
                existing.id_number = row.id_number or existing.id_number
                existing.tags = list(row.tags)
                existing.verified = existing.verified or existing.user_id is not None
                existing.source = "roster"
                uow.residents.save(existing)
                updated += 1
            else:
                fresh.append(Resident(
                    name=row.name, phone=row.phone, id_number=row.id_number,
                    address=row.address, tags=list(row.tags), source="roster",
                ))
                created += 1
            if progress and i % 200 == 0:
                progress(200)
        uow.residents.add_many(fresh)
        uow.commit()
    if progress:
        progress(len(good) % 200)
    return ImportResult(created, updated, problems)


def bind_contact(
    uow: UnitOfWork, user_id: int, chat_id: int, phone_raw: str, contact_user_id: int | None,
    display_name: str = "",
) -> Resident:
    """Bind a chat user by their own shared phone: roster match → verified; else unverified.

    Only the sender's own contact binds (Telegram sets `user_id` on it). A phone-book card
    carries no user_id and anyone can send one: it would make them someone else.
    """
    if contact_user_id is None or contact_user_id != user_id:
        raise NotOwnContact(str(contact_user_id or "card"))
    phone = normalize_phone(phone_raw)
    if phone is None:
        raise InvalidValue("phone", "invalid")
    with uow:
        current = uow.residents.by_user(user_id)
        match = uow.residents.by_phone(phone)
        if match is not None and match.user_id not in (None, user_id):
            raise PhoneTaken(str(match.id))
        if current is not None and match is not None and current.id != match.id:
            # A chat-made record of the same person: the roster record wins.
            uow.residents.delete(current.id)  # type: ignore[arg-type]
            current = None
        resident = match or current
        if resident is None:
            resident = uow.residents.add(Resident(
                name=display_name or "居民", phone=phone, source="chat",
                user_id=user_id, chat_id=chat_id, verified=False,
            ))
            uow.publish(ResidentUnverified(resident.id or 0))
        else:
            resident.user_id, resident.chat_id = user_id, chat_id
            resident.phone = phone
            resident.verified = resident.source == "roster" or resident.verified
            uow.residents.save(resident)
        uow.commit()
        return resident


def verify_resident(
    uow: UnitOfWork, resident_id: int, staff: str | int, address: Address | None = None,
    tags: list[str] | None = None, *, grid_of_estate: Mapping[str, str] | None = None,
) -> Resident:
    """Staff confirm an unverified chat user by hand (optionally with address and tags).

    `staff` is a staff code (CLI) or chat user id (button). Allowed: 书记/社工, or staff serving
    the grid of the person's estate (the address given here, else the one on record); a person
    with no estate can be verified only by 书记/社工. Only while the person is unverified.
    """
    with uow:
        who = uow.staff.get(staff) if isinstance(staff, str) else uow.staff.by_user(staff)
        if who is None or not who.active:
            raise StaffOnly(str(staff))
        if who.read_only:
            raise ViewOnly(str(staff))
        resident = uow.residents.get(resident_id)
        if resident is None:
            raise NotFound(f"resident {resident_id}")
        estate = (address or resident.address).estate
        grid = (grid_of_estate or {}).get(estate) if estate else None
        if not (who.level or who.role in VERIFY_ANY_ROLES or (grid and grid in who.grids)):
            raise StaffOnly(str(staff))
        if resident.verified:
            raise InvalidTransition(f"resident {resident_id} already verified")
        resident.verified = True
        if address is not None:
            resident.address = address
        if tags is not None:
            resident.tags = tags
        uow.residents.save(resident)
        uow.publish(ResidentVerified(resident_id))
        uow.commit()
        return resident


def show_my_data(uow: UnitOfWork, user_id: int) -> Resident:
    """What we hold about the asking user (only theirs)."""
    with uow:
        resident = uow.residents.by_user(user_id)
        if resident is None:
            raise NotFound("no data")
        return resident


def erase_resident(uow: UnitOfWork, resident_id: int) -> int:
    """Delete a resident's personal data; their reports stay, anonymised. Returns reports kept.

    What the bot still owed their chat (queued messages) and their half-filled forms
    (dialogue state) hold their words too, so they go with it.
    """
    with uow:
        resident = uow.residents.get(resident_id)
        if resident is None:
            raise NotFound(f"resident {resident_id}")
        if resident.chat_id is not None:
            uow.outbox.erase_chat(resident.chat_id)
            uow.conversations.clear(resident.chat_id)
        kept = uow.reports.detach_resident(resident_id)
        uow.residents.delete(resident_id)
        uow.commit()
        return kept


def erase_my_data(uow: UnitOfWork, user_id: int) -> int:
    """The asking user deletes their own personal data (see erase_resident)."""
    with uow:
        resident = uow.residents.by_user(user_id)
        if resident is None or resident.id is None:
            raise NotFound("no data")
        kept = erase_resident(uow, resident.id)
        uow.commit()
        return kept
