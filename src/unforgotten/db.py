"""Engine, session factory and the unit of work — the one place that commits.

Services receive a :class:`~sqlalchemy.orm.Session` and only flush; the CLI wraps a use case in ``with uow:`` and
the API in a request-scoped unit of work. Every session made here is audited (see ``audit.recorder``): whoever
writes, an event is chained.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import Enum
from types import TracebackType
from typing import Annotated, Any, TypeAlias, cast

import orjson
from annotated_types import Interval
from sqlalchemy import (
    JSON,
    ColumnElement,
    Connection,
    Engine,
    MetaData,
    Select,
    Table,
    create_engine,
    event,
    func,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from unforgotten.errors import Text, UnforgottenError

__all__ = [
    "ID_MAX",
    "IN_CHUNK",
    "SQL_INT_MAX",
    "AnySelect",
    "Base",
    "Database",
    "JSONType",
    "ANALYZE_ROWS",
    "analyze_written",
    "RowCount",
    "RowId",
    "UnitOfWork",
    "analyze",
    "copy_records",
    "copy_rows",
    "domain_error",
    "in_chunks",
    "json_text",
    "insert_rows",
    "make_engine",
]

# Stable constraint names make Alembic migrations identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# A select of any columns, for helpers that only add WHERE clauses to a caller's query.
AnySelect: TypeAlias = Select[*tuple[Any, ...]]

# The largest integer both databases store (SQLite's INTEGER, PostgreSQL's BIGINT). Python's sqlite3 cannot even
# bind a larger one: it raises OverflowError, which was a 500 for an id such as 2**63 in a URL.
SQL_INT_MAX = 2**63 - 1
# The largest id: the tables' ids are INTEGER, 32 bits on PostgreSQL, which refuses a larger one with "integer out
# of range" (a 500 for ``replaces=2147483648``, found by schemathesis on PostgreSQL only).
ID_MAX = 2**31 - 1
# A row id as the API takes it (path, query, form or body): a positive integer every id column can hold, or a 422.
RowId: TypeAlias = Annotated[int, Interval(ge=1, le=ID_MAX)]
# A page's limit or offset as the API takes it: a count the databases can bind, or a 422.
RowCount: TypeAlias = Annotated[int, Interval(ge=0, le=SQL_INT_MAX)]

# JSON on SQLite, JSONB on PostgreSQL (indexable, compact).
JSONType = JSON().with_variant(JSONB(), "postgresql")


def copy_rows(session: Session | Connection, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Write many rows of plain values (numbers, text) as fast as the database takes them, in the session's
    transaction: ``COPY`` on PostgreSQL, one prepared ``executemany`` on SQLite.

    Why not ``insert()``: for derived rows by the million (blocking keys) SQLAlchemy's per-row parameter
    processing and PostgreSQL's per-row round trips cost 4–5× the writing itself (18 s against 4 s for a million
    keys). No type processing happens here, so only plain values belong in it; the names are the caller's own.
    """
    connection = session.connection() if isinstance(session, Session) else session
    names = ", ".join(f'"{c}"' for c in columns)
    if connection.dialect.name == "postgresql":
        cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            with cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row(row)
        finally:
            cursor.close()
        return
    marks = ", ".join("?" for _ in columns)
    connection.exec_driver_sql(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', list(rows))  # noqa: S608


def insert_rows(session: Session, table: Table, rows: Sequence[Mapping[str, Any]]) -> list[int]:
    """Insert rows that all have the same keys; return their new ids, in order.

    The ids are drawn first — from the table's sequence on PostgreSQL; on SQLite after the largest id, which is
    safe because the writer holds the database's write lock from its first statement (``BEGIN IMMEDIATE``) and the
    tables have no AUTOINCREMENT — and the rows written by :func:`copy_records`. Why: SQLAlchemy's ``INSERT …
    RETURNING`` of thousands of rows per statement spent most of its time in psycopg's parsing of the
    statement's placeholders (55 s of a 100,000-row link, cProfile), and on SQLite in per-row parameter processing
    (11 s of the 330,000 persons and matches of a 200,000-row list).
    """
    if not rows:
        return []
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        drawn = connection.execute(
            text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :n)"),
            {"table": table.name, "n": len(rows)},
        ).scalars()
        ids = [int(i) for i in drawn]
    else:
        last = int(connection.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one())
        ids = list(range(last + 1, last + 1 + len(rows)))
    copy_records(connection, table, [{"id": i, **row} for i, row in zip(ids, rows, strict=True)])
    return ids


def bind_processor(session: Session | Connection, column: ColumnElement[Any]) -> Callable[[Any], Any] | None:
    """How SQLAlchemy turns a value of ``column`` into what this database's driver takes (``None``: as it is)."""
    connection = session.connection() if isinstance(session, Session) else session
    dialect = connection.dialect
    return cast("Callable[[Any], Any] | None", column.type.dialect_impl(dialect).bind_processor(dialect))


def copy_records(session: Session | Connection, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """:func:`copy_rows` for rows as the ORM would take them (mappings with the same keys): each value processed
    as the engine's own type processing would (JSON serialised, enums as their values, times as SQLite stores
    them), once per column rather than per row and statement."""
    if not rows:
        return
    connection = session.connection() if isinstance(session, Session) else session
    columns = list(rows[0])
    json_columns = {column.name for column in table.c if isinstance(column.type, JSON)}
    postgresql = connection.dialect.name == "postgresql"

    def plain(column: str) -> Callable[[Any], Any] | None:
        if column in json_columns:
            return json_text
        if postgresql:  # COPY takes times, numbers and text as they are
            return _enum_value
        process = bind_processor(connection, table.c[column])
        return _enum_value if process is None else lambda value: process(_enum_value(value))

    processors = [(column, plain(column)) for column in columns]
    copy_rows(
        connection,
        table.name,
        columns,
        (tuple(row[c] if p is None else p(row[c]) for c, p in processors) for row in rows),
    )


def _enum_value(value: Any) -> Any:
    return value.value if isinstance(value, Enum) else value


IN_CHUNK = 5_000
"""Ids or keys per ``IN (...)``: within every database's parameter limit."""


def in_chunks(values: Sequence[Any], size: int = IN_CHUNK) -> Iterator[Sequence[Any]]:
    """``values`` in slices of ``size``, for queries and writes that must not grow with the list."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


ANALYZE_ROWS = 5_000
"""Rows written in one go beyond which the tables written are analysed on PostgreSQL (:func:`analyze`)."""


def analyze(session: Session, *tables: str) -> None:
    """Refresh PostgreSQL's planner statistics of ``tables`` inside the current transaction (no-op on SQLite).

    Why: the queries that follow a bulk write in the same transaction (repeated record ids, linking, the first
    searches) are planned from statistics, and autovacuum cannot see uncommitted rows — nor runs at all where it
    is off. Without them, a table of 300,000 fresh entries was taken for a few rows: one duplicate-id query ran for
    13 minutes, a name search over 5,000 persons took 151 s (the load benchmark). ANALYZE samples a bounded number
    of rows (30,000 by default), so it costs a fraction of a second whatever the size. A role that does not own
    the tables gets PostgreSQL's warning and no statistics, never an error.
    """
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        for table in tables:
            connection.exec_driver_sql(f'ANALYZE "{table}"')


def analyze_written(session: Session, written: int, *tables: str) -> None:
    """:func:`analyze` the tables just written to when the rows written are :data:`ANALYZE_ROWS` or more, or more
    than autovacuum's own share of what the planner believes a table holds (50 rows + 10%; a table never analysed
    holds none for it).

    Why: a server with autovacuum off (or one that has not come round yet) plans a young database as empty tables;
    6,300 entries of lists of 3,000 rows were taken for one, and finding which entries wait to be linked became a
    nested loop over every match — 6.2 s for a 100-row list. The planner's belief (``pg_class.reltuples``) is read
    without touching the table.
    """
    connection = session.connection()
    if connection.dialect.name != "postgresql" or written <= 0:
        return
    stale = list(tables)
    if written < ANALYZE_ROWS:
        believed = connection.execute(
            text("SELECT relname, reltuples FROM pg_class WHERE oid = ANY(CAST(:names AS regclass[]))"),
            {"names": list(tables)},
        )
        rows = {name: count for name, count in believed}
        stale = [table for table in tables if written > 50 + 0.1 * max(rows.get(table, -1.0), 0.0)]
    analyze(session, *stale)


class Base(DeclarativeBase):
    """Declarative base of every table."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # pysqlite's own transaction handling breaks SAVEPOINTs (nested units of work, rolled-back test
    # transactions); SQLAlchemy's documented remedy: let the driver autocommit and emit BEGIN ourselves.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # 32 MiB of page cache (the default is 2 MiB): an import writes millions of index rows (search and blocking
    # keys), and with the default cache each batch re-reads the pages it wrote a moment before.
    cursor.execute("PRAGMA cache_size=-32768")
    cursor.close()


READ_ONLY = "unforgotten_read_only"
# How long a SQLite writer waits for another writer before giving up (then: 503 with a retry hint, never a 500).
SQLITE_BUSY_SECONDS = 30.0


def _sqlite_begin(connection: Any) -> None:
    # A writer takes the write lock when it begins (IMMEDIATE), so writers queue on the busy timeout; a deferred
    # writer would read a snapshot, then fail with "database is locked" when another wrote first.
    read_only = connection.get_execution_options().get(READ_ONLY, False)
    connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def json_text(value: Any) -> str:
    """JSON as the engine writes it to JSON columns (for rows written without the ORM: :func:`copy_rows`)."""
    # orjson: entries carry a raw row and findings as JSON, and imports write hundreds of thousands of them.
    return orjson.dumps(value).decode("utf-8")


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine for ``url`` with the settings each backend needs."""
    kwargs.setdefault("json_serializer", json_text)
    if url.startswith("sqlite"):
        connect_args = {"check_same_thread": False, "timeout": SQLITE_BUSY_SECONDS}
        engine = create_engine(url, connect_args=connect_args, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, pool_pre_ping=True, connect_args=_postgres_options(url), **kwargs)


@contextmanager
def planner_setting(session: Session, name: str, value: str) -> Iterator[None]:
    """Plan the statements run inside with one PostgreSQL planner setting changed, then set it back to the
    session's value (no-op on SQLite). ``SET LOCAL``: the change cannot outlive the transaction, whatever happens
    inside.

    For the rare query whose plan is known to hinge on one cost: a search whose driving word is narrow looks up a
    few thousand entries' matches by index, but with the default ``random_page_cost`` (4, a spinning disk's) the
    planner reads all 500,000 accepted matches of the space instead — 90-170 ms against 6-60 ms
    (docs/benchmarks.md, "Search").
    """
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        yield
        return
    if not name.replace("_", "").isalnum():
        raise ValueError(f"not a setting name: {name!r}")
    connection.execute(text("SELECT set_config(:name, :value, true)"), {"name": name, "value": value})
    try:
        yield
    finally:
        connection.exec_driver_sql(f"SET LOCAL {name} TO DEFAULT")


# Each statement is planned for its own values. psycopg prepares a statement on the server after its fifth
# execution, and PostgreSQL then settles on a generic plan that knows neither the IN-list nor which keys are
# common: search's generic plan read every row of a common given name (629,000 at 1M entries) for a query whose
# own plan probes 3,000 — p95 137 ms against 107 ms with custom plans (docs/benchmarks.md, "Search").
_PLANNING = "-c plan_cache_mode=force_custom_plan"


def _postgres_options(url: str) -> dict[str, Any]:
    """libpq's ``options`` with :data:`_PLANNING` added to any the URL already gives (they are kept, and win)."""
    from sqlalchemy.engine import make_url

    given = make_url(url).query.get("options")
    given_text = " ".join(given) if isinstance(given, tuple) else (given or "")
    return {"options": f"{_PLANNING} {given_text}".strip()}


@dataclass
class Database:
    """An engine with its audited session factory; built by :func:`unforgotten.bootstrap.bootstrap`."""

    engine: Engine
    session_factory: sessionmaker[Session] = field(init=False)
    read_factory: sessionmaker[Session] = field(init=False)

    def __post_init__(self) -> None:
        from unforgotten.audit.recorder import install_recorder

        self.session_factory = sessionmaker(bind=self.engine, expire_on_commit=False)
        install_recorder(self.session_factory)
        read_engine = self.engine.execution_options(**{READ_ONLY: True})
        self.read_factory = sessionmaker(bind=read_engine, expire_on_commit=False)

    def unit_of_work(self, *, actor: str, reason: str | None = None) -> UnitOfWork:
        return UnitOfWork(self.session_factory, actor=actor, reason=reason)

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading only (it takes no write lock); anything written in it is rolled back."""
        session = self.read_factory()
        try:
            yield session
        finally:
            try:
                session.rollback()
            except DBAPIError as error:
                # The server closed the connection after the last read (a restart): there is nothing to undo, and
                # the pool has dropped it. Raised here it would end an API response already sent — uvicorn then
                # resets the client's connection instead of the next request getting its 503.
                if not error.connection_invalidated:
                    raise
            session.close()


class UnitOfWork:
    """One business transaction: commit explicitly, roll back on error or when left uncommitted."""

    session: Session

    def __init__(self, session_factory: sessionmaker[Session], *, actor: str, reason: str | None = None) -> None:
        self._factory = session_factory
        self.actor = actor
        self.reason = reason

    def __enter__(self) -> UnitOfWork:
        self.session = self._factory()
        self.session.info["actor"] = self.actor
        self.session.info["reason"] = self.reason
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.session.rollback()
        self.session.close()

    def commit(self) -> None:
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()


def domain_error(error: BaseException) -> UnforgottenError | None:
    """The domain error a database failure means to a coordinator, or None when it is a bug.

    A lost race on a versioned row (two people changed one person at once) is a conflict to reload and decide
    again; a database that is locked past the wait, or gone, is a moment to retry — neither is a 500.
    """
    from sqlalchemy.exc import DBAPIError, OperationalError
    from sqlalchemy.orm.exc import StaleDataError

    from unforgotten.errors import ConflictError, UnavailableError

    if isinstance(error, StaleDataError):
        return ConflictError(
            Text("someone else changed this record at the same moment; nothing of yours was applied"),
            hint=Text("reload it, see its current state, and decide again"),
        )
    if isinstance(error, OperationalError) or (isinstance(error, DBAPIError) and error.connection_invalidated):
        return UnavailableError(
            Text("the database is busy or unreachable; nothing was changed"), hint=Text("try again in a few seconds")
        )
    return None
