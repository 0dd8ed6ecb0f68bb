"""Alembic environment: the URL and connection come from storage.migrate, not an ini file."""

from __future__ import annotations

from alembic import context

from storage import alerts, bookings, polls, seals, volunteers  # noqa: F401  (their tables join the metadata)
from storage.models import Base

config = context.config
target_metadata = Base.metadata


def run() -> None:
    """Run migrations on the connection handed over by storage.migrate."""
    connection = config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("use `cunshe db upgrade`: migrations need a connection")
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run()
