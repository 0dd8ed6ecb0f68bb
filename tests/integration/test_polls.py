"""线上表决 storage on SQLite and PostgreSQL: one vote per household, even at the same moment; the tally."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.app import App
from domain.errors import InvalidValue
from domain.polls import VoteOutcome
from domain.residents import Address, Resident
from domain.usecases import polls as uc
from storage.polls import PollBallotRow, PollVoterRow
from tests.fixtures import app, app_config, clean_env, config_file, database_url, run_cli  # noqa: F401

NOW = datetime(2026, 12, 2, 2, 0, tzinfo=UTC)


def person(rid: int, room: str, estate: str = "E1", verified: bool = True) -> Resident:
    return Resident(name=f"居民{rid}", phone=None, address=Address(estate, "3", "2", room), verified=verified,
                    id=rid, chat_id=5000 + rid)


def new_poll(app: App, estate: str | None = "E1") -> int:  # noqa: F811
    with app.uow() as uow:
        poll = uc.create_poll(uow, question="东门装道闸吗", options=["同意", "不同意"],
                              ends_at=NOW + timedelta(days=3), created_by="S02", now=NOW, estate=estate)
        uow.commit()
    assert poll.id is not None
    return poll.id


def vote(app: App, poll_id: int, who: Resident, option: int, at: datetime = NOW) -> VoteOutcome:  # noqa: F811
    with app.uow() as uow:
        outcome = uc.vote(uow, poll_id, who, option, who.chat_id, at)
        uow.commit()
    return outcome


def test_one_vote_per_household_and_who_is_kept_apart_from_what(app: App) -> None:  # noqa: F811
    poll_id = new_poll(app)
    assert vote(app, poll_id, person(1, "302"), 0) == VoteOutcome.VOTED
    assert vote(app, poll_id, person(2, "302"), 1) == VoteOutcome.ALREADY  # the same flat
    assert vote(app, poll_id, person(3, "501"), 1) == VoteOutcome.VOTED
    assert vote(app, poll_id, person(4, "101", estate="E2"), 1) == VoteOutcome.OUT_OF_SCOPE
    assert vote(app, poll_id, person(5, "601", verified=False), 1) == VoteOutcome.UNVERIFIED
    assert vote(app, poll_id, person(6, "701"), 1, at=NOW + timedelta(days=4)) == VoteOutcome.CLOSED
    with app.uow() as uow:
        tally = uc.tally(uow, poll_id)
        voters = uow.session.scalars(select(PollVoterRow.voter_hash)).all()  # type: ignore[attr-defined]
        ballots = uow.session.scalars(select(PollBallotRow.ballot_hash)).all()  # type: ignore[attr-defined]
    assert tally.counts == (1, 1) and tally.households == 2
    # The ballot rows name no voter: their household hash is another keyed hash than the voters'.
    assert len(voters) == len(ballots) == 2 and not set(voters) & set(ballots)
    assert not hasattr(PollBallotRow, "chat_id") and not hasattr(PollBallotRow, "voted_at")


def test_household_members_pressing_at_once_make_exactly_one_vote(app: App) -> None:  # noqa: F811
    poll_id = new_poll(app)
    family = [person(10 + i, "302") for i in range(6)]
    start = threading.Barrier(len(family))
    outcomes: list[VoteOutcome] = []
    errors: list[BaseException] = []

    def press(who: Resident) -> None:
        try:
            start.wait()
            outcomes.append(vote(app, poll_id, who, who.id % 2 if who.id else 0))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=press, args=(who,)) for who in family]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(outcomes).count(VoteOutcome.VOTED) == 1
    assert outcomes.count(VoteOutcome.ALREADY) == len(family) - 1
    with app.uow() as uow:
        assert uc.tally(uow, poll_id).households == 1 and len(uow.polls.ballots(poll_id)) == 1


def test_tally_digest_is_stable_and_changes_with_the_ballots(app: App) -> None:  # noqa: F811
    poll_id = new_poll(app, estate=None)
    for rid, room, option in ((1, "101", 0), (2, "102", 1), (3, "103", 0)):
        vote(app, poll_id, person(rid, room), option)
    with app.uow() as uow:
        first, again = uc.tally(uow, poll_id), uc.tally(uow, poll_id)
    assert first.counts == (2, 1) and first.households == 3 and first.winner() == "同意"
    assert first.digest == again.digest and len(first.digest) == 64
    vote(app, poll_id, person(4, "104"), 1)
    with app.uow() as uow:
        after = uc.tally(uow, poll_id)
    assert after.digest != first.digest and after.counts == (2, 2) and after.winner() is None


def test_cli_creates_tallies_and_closes(app: App, config_file) -> None:  # noqa: F811
    created = run_cli("--config", config_file, "polls", "create", "--question", "河边护栏刷什么颜色",
                      "--option", "绿色", "--option", "灰色", "--ends", "2030-12-10 18:00", "--estate", "翠微苑")
    assert created.code == 0, created.err
    with app.uow() as uow:
        (poll,) = uow.polls.list()
    assert poll.estate == "E1" and poll.ends_at == datetime(2030, 12, 10, 10, 0, tzinfo=UTC)
    vote(app, poll.id or 0, person(1, "302"), 1, at=datetime.now(UTC))
    tally = run_cli("--config", config_file, "polls", "tally", str(poll.id))
    assert "灰色" in tally.out and "投票户数：1" in tally.out and "sha256" in tally.out
    assert tally.out == run_cli("--config", config_file, "polls", "tally", str(poll.id)).out
    assert run_cli("--config", config_file, "polls", "close", str(poll.id)).code == 0
    assert "已结束" in run_cli("--config", config_file, "polls", "list").out
    bad = run_cli("--config", config_file, "polls", "create", "--question", "只有一个选项",
                  "--option", "好", "--ends", "2030-12-10 18:00")
    assert bad.code != 0 and "选项要2到6个" in bad.err


def test_poll_rules() -> None:
    for options in (["只有一个"], [str(i) for i in range(7)], ["同意", "同意"]):
        try:
            uc.create_poll(None, question="问", options=options, ends_at=NOW + timedelta(days=1),  # type: ignore[arg-type]
                           created_by="S02", now=NOW)
        except InvalidValue as exc:
            assert exc.field == "options"
        else:
            raise AssertionError(options)
