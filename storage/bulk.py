"""Writing many rows at once: COPY on PostgreSQL, one executemany INSERT elsewhere.

Why not the ORM or executemany on PostgreSQL: a city's roster (a million residents) or a city-wide
warning (a million outbox rows) went in at about 2,000 rows/s, most of it spent building and
parsing multi-row INSERT texts of a different length for every batch. COPY streams the rows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import JSON, Column, Table, insert
from sqlalchemy.orm import Session

COPY_CHUNK = 5000  # rows per COPY statement: bounds the memory of one write


def _processor(column: Column[Any], dialect: Any) -> Callable[[Any], Any] | None:
    # The same conversion SQLAlchemy applies to a parameter (UTC datetimes, …); JSON is sent
    # through psycopg's JSON adapter, as SQLAlchemy's psycopg dialect does.
    if isinstance(column.type, JSON):
        from psycopg.types.json import Json

        return lambda v: None if v is None else Json(v)
    return column.type.bind_processor(dialect)


def insert_rows(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> int:
    """Insert rows (dicts with the same keys) in the session's transaction; how many."""
    if not rows:
        return 0
    connection = session.connection()
    if connection.dialect.name != "postgresql" or connection.dialect.driver != "psycopg":
        session.execute(insert(table), list(rows))
        return len(rows)
    from psycopg import sql

    columns = list(rows[0])
    processors = [_processor(table.c[c], connection.dialect) for c in columns]
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table.name), sql.SQL(", ").join(sql.Identifier(c) for c in columns))
    driver = connection.connection.driver_connection
    assert driver is not None
    with driver.cursor() as cursor:
        for start in range(0, len(rows), COPY_CHUNK):
            with cursor.copy(statement) as copy:
                for row in rows[start:start + COPY_CHUNK]:
                    copy.write_row([p(row[c]) if p else row[c]
                                    for c, p in zip(columns, processors, strict=True)])
    return len(rows)
