"""Where a push or warning goes: one 村社, a 街道/镇, a 区 or the whole city, as community codes.

The community directory gives the codes; the audience is then read in the sender's unit of
work narrowed to them (`narrowed`), so the storage layer's scoping does the filtering and a
sender can never reach beyond what their own unit of work sees.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from bot import texts
from domain.errors import OutOfReach
from domain.ports import UnitOfWork
from domain.pushes import CITY, COMMUNITY, DISTRICT, STREET, Reach

if TYPE_CHECKING:
    from bot.app import App


class PlaceUnknown(Exception):
    """No community answers to this place; the message says so in Chinese."""


def _root(app: App) -> App:
    return app.root or app


def _community_code(app: App, name: str) -> str | None:
    """A community code from its code or its name (南垟社区, 南垟)."""
    root = _root(app)
    if name in root.codes():
        return name
    for e in root.directory.entries if root.directory else ():
        if name in (e.name, *e.aliases):
            return e.code
    return root.community_code if name == root.config.community.name else None


def resolve(app: App, level: str, name: str = "", district: str = "") -> Reach:
    """The communities of a place; PlaceUnknown when none (or a 街道 name two 区 share)."""
    root = _root(app)
    if level == COMMUNITY:
        code = _community_code(app, name) if name else app.community_code
        if code is None:
            raise PlaceUnknown(texts.REACH_UNKNOWN_COMMUNITY.format(name=name))
        return Reach(COMMUNITY, code, "", (code,))
    if level == CITY:
        return Reach(CITY, "", "", tuple(root.codes()))
    if root.directory is None:
        raise PlaceUnknown(texts.REACH_NO_DIRECTORY)
    if level == STREET:
        entries = root.directory.under(district=district or None, street=name)
        districts = {e.district for e in entries}
        if len(districts) > 1:
            raise PlaceUnknown(texts.REACH_STREET_AMBIGUOUS.format(
                name=name, districts="、".join(sorted(districts))))
        district = district or next(iter(districts), "")
    elif level == DISTRICT:
        entries = root.directory.under(district=name)
    else:
        raise ValueError(f"unknown place level {level!r}")
    if not entries:
        raise PlaceUnknown(texts.REACH_UNKNOWN_PLACE.format(name=name))
    return Reach(level, name, district if level == STREET else "", tuple(e.code for e in entries))


def from_areas(app: App, areas: tuple[str, ...]) -> Reach | None:
    """The place a CAP file's one <areaDesc> names (温州市鹿城区 → 鹿城区); None if not that simple.

    The longest 村社, 街道/镇 or 区 name the description ends with wins; a description that is
    only a city (温州市, 全市) is the whole city. Several areas, or none known: None.
    """
    root = _root(app)
    if len(areas) != 1 or root.directory is None:
        return None
    desc = "".join(areas[0].split())
    found: list[tuple[int, Reach]] = []
    for e in root.directory.entries:
        for name in (e.name, *e.aliases):
            if desc.endswith(name):
                found.append((len(name), Reach(COMMUNITY, e.code, "", (e.code,))))
        if e.street and desc.endswith(e.street):
            found.append((len(e.street), Reach(STREET, e.street, e.district if e.district in desc else "")))
        if e.district and desc.endswith(e.district):
            found.append((len(e.district), Reach(DISTRICT, e.district)))
    if not found:
        return resolve(app, CITY) if desc == texts.REACH_CITY or desc.endswith("市") else None
    best = max(found, key=lambda f: f[0])[1]
    try:
        return best if best.codes else resolve(app, best.level, best.name, best.district)
    except PlaceUnknown:  # a 街道 name two 区 share, the 区 not named
        return None


def of_spec(app: App, spec: dict[str, Any]) -> Reach:
    """A push spec's place resolved now; without one, the sender's own community."""
    data = spec.get("reach")
    if not data:
        return resolve(app, COMMUNITY)
    reach = Reach.from_dict(data)
    return resolve(app, reach.level, reach.name, reach.district)


MAX_PLACES = 8  # place buttons offered in the staff chat (more: the larger places only)


def choices(app: App, uow: UnitOfWork) -> list[Reach]:
    """The places a staff member's unit of work covers, smallest first: their own 村社 (if they
    have one), then each 街道/镇, 区 and the city whose communities they all see. One place:
    nothing to choose."""
    root = _root(app)
    visible, own = uow.visible, uow.community
    out = [resolve(app, COMMUNITY, own)] if own else []
    if root.directory is None:
        return out
    seen = set(root.codes()) if visible is None else set(visible)
    tree = root.directory.tree()
    streets = [Reach(STREET, s, d, tuple(e.code for e in es)) for d, ss in tree.items() for s, es in ss.items() if s]
    districts = [Reach(DISTRICT, d, "", tuple(e.code for ss in tree[d].values() for e in ss)) for d in tree if d]
    if not own and len(seen) <= MAX_PLACES // 2:  # a 街道's few 村社: each one may be chosen
        out += [resolve(app, COMMUNITY, c) for c in sorted(seen)]
    wider = [r for r in (*streets, *districts) if len(r.codes) > 1 and seen.issuperset(r.codes)]
    if visible is None:
        wider.append(resolve(app, CITY))
    listed = {frozenset(r.codes) for r in out}
    for r in list(wider):  # a 区 with one 街道 is that 街道: offered once, by the smaller name
        if frozenset(r.codes) in listed:
            wider.remove(r)
        listed.add(frozenset(r.codes))
    out += wider[-(MAX_PLACES - len(out)):] if len(out) + len(wider) > MAX_PLACES else wider
    return out


@contextlib.contextmanager
def filed(uow: UnitOfWork, app: App, reach: Reach) -> Iterator[None]:
    """A push or warning record needs a community to belong to: the sender's own, or for staff
    above the communities (no home) config.yaml's community when it is in the place, else the
    place's first community."""
    if uow.community is not None:
        yield
        return
    root, visible = _root(app), uow.visible
    home = root.community_code if root.community_code in reach.codes else min(reach.codes)
    uow.scope_to(home, visible)
    try:
        yield
    finally:
        uow.scope_to(None, visible)


@contextlib.contextmanager
def narrowed(uow: UnitOfWork, reach: Reach) -> Iterator[None]:
    """Queries inside see only the reach's communities; new records stay the sender's.

    OutOfReach when the sender's unit of work does not see all of them (a 村社's staff
    member cannot push to the whole 街道).
    """
    before, home = uow.visible, uow.community
    if before is not None and not before.issuperset(reach.codes):
        raise OutOfReach(f"{len(set(reach.codes) - before)} communities beyond the sender's reach")
    # The whole city from a sender who sees it all: no filter, rather than an IN-list of
    # thousands of codes in every page's query (a city-wide warning reads a million rows).
    whole = reach.level == CITY and before is None
    uow.scope_to(home, None if whole else frozenset(reach.codes))
    try:
        yield
    finally:
        uow.scope_to(home, before)


def label(app: App, data: dict[str, Any] | None) -> str:
    """How a push's place reads: 南垟社区, 南白象街道（2个村社）, 全市（3个村社）."""
    if not data:
        return ""
    level, name, n = data.get("level"), str(data.get("name") or ""), int(data.get("communities") or 0)
    if level == COMMUNITY:
        root = _root(app)
        entry = root.directory.get(name) if root.directory else None
        return entry.name if entry else (root.config.community.name if name == root.community_code else name)
    where = texts.REACH_CITY if level == CITY else name
    return texts.REACH_LABEL.format(where=where, n=n)
