"""物业评价 storage on SQLite and PostgreSQL: one per resident, target and month; the summary and its CLI."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.app import App
from domain.residents import Address, Resident
from domain.usecases import polls as uc
from storage.polls import RatingRow
from tests.fixtures import app, app_config, clean_env, config_file, database_url, run_cli  # noqa: F401

ZONE = ZoneInfo("Asia/Shanghai")


def person(rid: int, estate: str = "E1") -> Resident:
    return Resident(name=f"居民{rid}", phone=None, address=Address(estate, "1", "1", str(rid)), verified=True, id=rid)


def rate(app: App, who: Resident, target: str, stars: int, at: datetime, comment: str = "") -> bool:  # noqa: F811
    with app.uow() as uow:
        _, replaced = uc.rate(uow, who, target, stars, comment, at, ZONE)
        uow.commit()
    return replaced


def test_one_rating_per_month_replaced_and_summarised(app: App, config_file) -> None:  # noqa: F811
    now = datetime.now(UTC)
    earlier = now - timedelta(days=62)
    assert rate(app, person(1), "property", 2, earlier) is False
    assert rate(app, person(2), "property", 4, earlier) is False
    assert rate(app, person(1), "property", 5, now, "保洁阿姨很负责") is False
    assert rate(app, person(1), "property", 4, now) is True  # the same month: replaced
    assert rate(app, person(1), "committee", 3, now, "开会通知贴得很及时") is False  # another target
    assert rate(app, person(3, "E2"), "property", 1, now) is False
    with app.uow() as uow:
        rows = [(r.rater_hash, r.comment_enc) for r in
                uow.session.scalars(select(RatingRow))]  # type: ignore[attr-defined]
        months, summary = uc.rating_summary(uow, now, ZONE, estate="E1")
    # The rater is a keyed hash, never the resident id; the comment is kept encrypted.
    assert len(rows) == 5 and all(len(rater) == 64 for rater, _ in rows)
    comments = [c for _, c in rows if c]
    assert len(comments) == 1 and "开会".encode() not in comments[0]
    assert len(months) == 6 and months[-1] == f"{now.astimezone(ZONE):%Y-%m}"
    by = {(s.target, s.month): (s.count, s.average) for s in summary}
    assert by[("property", months[-3])] == (2, 3.0) and by[("property", months[-1])] == (1, 4.0)
    assert by[("committee", months[-1])] == (1, 3.0) and all(s.estate == "E1" for s in summary)

    out = run_cli("--config", config_file, "ratings", "summary", "--estate", "翠微苑")
    assert out.code == 0, out.err
    assert "翠微苑物业" in out.out and "上升1.0星" in out.out and "江滨花园" not in out.out
    assert "江滨花园物业" in run_cli("--config", config_file, "ratings", "summary").out
