"""Planner statistics follow what a transaction wrote: a young database is analysed as it fills (autovacuum may be
off, and never sees uncommitted rows), a large table is not analysed again for a few rows."""

from __future__ import annotations

import sqlalchemy as sa

from unforgotten.db import Database, analyze_written


def _believed(connection: sa.Connection) -> float:
    return float(
        connection.execute(sa.text("SELECT reltuples FROM pg_class WHERE oid = 'uf_probe'::regclass")).scalar_one()
    )


def _add(connection: sa.Connection, start: int, count: int) -> None:
    connection.execute(
        sa.text("INSERT INTO uf_probe SELECT generate_series(CAST(:a AS integer), CAST(:b AS integer))"),
        {"a": start, "b": start + count - 1},
    )


def test_tables_are_analysed_when_the_rows_written_are_a_large_share_of_them(postgres_database: Database) -> None:
    with postgres_database.unit_of_work(actor="test") as uow:
        connection = uow.session.connection()
        connection.execute(sa.text("CREATE TABLE uf_probe (n integer)"))
        _add(connection, 0, 100)
        assert _believed(connection) < 1  # never analysed: the planner takes it for empty
        analyze_written(uow.session, 100, "uf_probe")
        assert _believed(connection) == 100
        _add(connection, 100, 40)
        analyze_written(uow.session, 40, "uf_probe")  # 40 rows are not 50 + 10% of 100: left as it was
        assert _believed(connection) == 100
        _add(connection, 140, 61)
        analyze_written(uow.session, 61, "uf_probe")
        assert _believed(connection) == 201
        analyze_written(uow.session, 0, "uf_probe")  # nothing written, nothing to do
        uow.rollback()
