"""A read whose connection the server closed under it (a restart, a failover, an administrator) ends quietly.

Why it matters: the API's read session is a yield dependency whose end runs after the response is sent. When its
rollback raised there, uvicorn logged the error and closed the connection, and the client's next request on that
keep-alive connection was reset — an answer-less failure during a PostgreSQL restart, where a 503 was due.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from tests.postgres import scratch_database

from unforgotten.db import Database, make_engine

pytestmark = pytest.mark.postgres


@pytest.fixture
def database(postgres_server: str) -> Iterator[tuple[Database, sa.Engine]]:
    with scratch_database(postgres_server) as url:
        database = Database(make_engine(url))
        admin = sa.create_engine(url, isolation_level="AUTOCOMMIT", poolclass=sa.NullPool)
        yield database, admin
        database.engine.dispose()
        admin.dispose()


def _terminate(admin: sa.Engine, pid: int) -> None:
    with admin.connect() as connection:
        assert connection.scalar(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        for _ in range(100):  # until the server has closed it
            if not connection.scalar(sa.text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid"), {"pid": pid}):
                return
            connection.execute(sa.text("SELECT pg_sleep(0.02)"))
    raise AssertionError(f"backend {pid} was not terminated")


def test_a_read_session_ends_quietly_when_its_connection_was_closed(database: tuple[Database, sa.Engine]) -> None:
    db, admin = database
    with db.read() as session:
        _terminate(admin, session.scalar(sa.text("SELECT pg_backend_pid()")))
    with db.read() as session:  # and the next read gets a working connection (the pool dropped the dead one)
        assert session.scalar(sa.text("SELECT 1")) == 1


def test_a_read_that_fails_on_a_closed_connection_raises_the_failure_itself(
    database: tuple[Database, sa.Engine],
) -> None:
    db, admin = database
    with pytest.raises(sa.exc.OperationalError) as raised, db.read() as session:
        _terminate(admin, session.scalar(sa.text("SELECT pg_backend_pid()")))
        session.execute(sa.text("SELECT 1"))
    assert raised.value.connection_invalidated  # the API answers it 503 (see unforgotten.db.domain_error)
