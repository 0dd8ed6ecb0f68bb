"""A scheduled job for tests: each run appends this process's id to a file (who ran it)."""

from __future__ import annotations

import os


def beat(path: str) -> None:
    """Note one run of the job by this process."""
    with open(path, "a", encoding="utf-8") as f:
        f.write(f"{os.getpid()}\n")
