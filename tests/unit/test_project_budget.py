"""A new project's budget as staff type it in the chat: 万, 元, Chinese numerals; nothing else."""

from __future__ import annotations

import pytest

from bot.flows.board_drafts import parse_budget


@pytest.mark.parametrize(("typed", "fen"), [
    ("3.8万", 3_800_000), ("3.8万元", 3_800_000), ("38000元", 3_800_000), ("38,000", 3_800_000),
    ("三万", 3_000_000), ("十二万五千", 12_500_000), ("一百块", 10_000), ("25.5", 2_550),
])
def test_budgets_in_staff_words(typed: str, fen: int) -> None:
    assert parse_budget(typed) == fen


@pytest.mark.parametrize("typed", ["0", "-5", "负五万", "大概不少钱吧", "", "0万"])
def test_not_a_budget(typed: str) -> None:
    assert parse_budget(typed) is None
