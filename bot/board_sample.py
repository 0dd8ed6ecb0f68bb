"""The sample community's 公开之栏 (sample_board.yaml): written once, into an empty board."""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

from bot.app import App
from domain.board import Kind, LedgerLine, Notice, Project, ProjectStatus, ProjectUpdate, parse_yuan

log = logging.getLogger(__name__)


def seed_sample_board(app: App, now: datetime) -> bool:
    """Write the sample notices, ledger and projects if the board is empty; True if it wrote."""
    path = app.config.public_board.sample_file
    if not path or not Path(path).is_file():
        return False
    data: dict[str, Any] = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    today = now.astimezone(app.zone).date()
    estates = app.estate_lookup()
    with app.uow() as uow:
        if not uow.board.is_empty():
            return False  # idempotent: staff's own records (or an earlier seed) are left alone
        for n in data.get("notices") or []:
            at = now - timedelta(days=int(n.get("days_ago", 0)))
            uow.board.add_notice(Notice(title=n["title"], text=n["text"],
                                        estate=estates.get(n.get("estate") or "", ""),
                                        published_at=at, by=n.get("by", "")))
        for x in data.get("ledger") or []:
            fen = parse_yuan(str(x["amount"]))
            if fen is None:
                continue
            day = date(today.year, today.month, min(int(x["day"]), today.day))
            uow.board.add_line(LedgerLine(
                day=day, amount_fen=fen, kind=Kind.INCOME if x.get("kind") == "收入" else Kind.EXPENSE,
                purpose=x["purpose"], approver=x.get("approver", ""),
                estate=estates.get(x.get("estate") or "", ""), entered_by="sample", entered_at=now))
        for p in data.get("projects") or []:
            budget = parse_yuan(str(p["budget"])) if p.get("budget") else None
            updates = [ProjectUpdate(day=today - timedelta(days=int(u.get("days_ago", 0))), text=u["text"])
                       for u in p.get("updates") or []]
            uow.board.add_project(Project(name=p["name"], estate=estates.get(p.get("estate") or "", ""),
                                          status=ProjectStatus(p.get("status", "施工中")),
                                          budget_fen=budget, updates=updates))
        uow.commit()
    log.info("sample public board written")
    return True
