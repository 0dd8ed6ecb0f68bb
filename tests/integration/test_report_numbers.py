"""Report numbers stay unique and gap-free under concurrent writers, on both databases."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

from bot.app import App
from domain.reports import Kind
from domain.residents import Address
from domain.usecases.reports import Draft, file_report


def test_concurrent_filings_get_distinct_consecutive_numbers(app: App) -> None:
    now = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
    numbers: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def worker(n: int) -> None:
        try:
            for i in range(10):
                draft = Draft(Kind.REPAIR, "lighting", f"第{n}号楼道灯坏了{i}", Address("E1", str(n)))
                report = file_report(app.uow(), draft, app.report_rules, now, None, 9000 + n)
                with lock:
                    numbers.append(report.number)
        except BaseException as exc:  # surfaced below, with the thread's own traceback
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(numbers) == [f"BS-20261130-{i:04d}" for i in range(1, 61)]
    with app.uow() as uow:
        assert len(uow.reports.list(limit=100)) == 60
