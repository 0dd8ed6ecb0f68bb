"""`make bench-push` (not a timed test): the broadcaster's figures.

    make bench-push                                   # SQLite
    CUNSHE_BENCH_DATABASE_URL=postgresql://… make bench-push   # also PostgreSQL

Delivery (bench_push_delivery.py): 20,000 bulk outbox rows through the real `cunshe run` and
the local stand-in for the Bot API limited to 1,000 sends a second, once straight through and
once killed with SIGKILL mid-way and restarted. BENCH_PUSH_MESSAGES and BENCH_PUSH_LIMIT change
the size and the limit.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.benchmarks import bench_push_delivery  # noqa: E402


async def main() -> None:
    """Each part in turn."""
    await bench_push_delivery.main()


if __name__ == "__main__":
    asyncio.run(main())
