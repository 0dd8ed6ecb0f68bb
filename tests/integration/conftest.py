"""Fixtures shared by these tests (see tests/fixtures.py)."""

from tests.fixtures import *  # noqa: F403
