"""On PostgreSQL a transaction's events are chained when it commits (issue 11's load benchmark): a long import no
longer holds the chain's lock while it works, and a savepoint rolled back takes exactly its own events with it."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from unforgotten.audit import service as audit
from unforgotten.audit.flows import account
from unforgotten.audit.models import Event
from unforgotten.auth import service as auth
from unforgotten.auth.models import PartyKind
from unforgotten.db import Database

pytestmark = pytest.mark.postgres


def _actions(database: Database) -> list[tuple[str, str]]:
    with database.read() as session:
        rows = session.execute(sa.select(Event.action, Event.after).order_by(Event.id)).all()
        assert audit.verify(session=session) == len(rows)
        assert account(session=session).ok
    return [(action, (after or {}).get("code", "")) for action, after in rows]


def test_an_open_transaction_does_not_hold_the_chain(postgres_database: Database) -> None:
    database = postgres_database
    with database.unit_of_work(actor="cli:long") as long:
        auth.create(session=long.session, code="UA", name="UA", kind=PartyKind.SIDE)
        long.session.flush()  # its event exists, unchained: a long import is here for minutes
        with database.unit_of_work(actor="cli:short") as short:
            short.session.execute(sa.text("SET LOCAL lock_timeout = '2s'"))  # waiting would fail the test
            auth.create(session=short.session, code="RU", name="RU", kind=PartyKind.SIDE)
            short.commit()
        long.commit()
    assert _actions(database) == [("parties.insert", "RU"), ("parties.insert", "UA")]


def test_a_rolled_back_savepoint_takes_only_its_own_events(postgres_database: Database) -> None:
    database = postgres_database
    with database.unit_of_work(actor="cli:test") as uow:
        auth.create(session=uow.session, code="UA", name="UA", kind=PartyKind.SIDE)
        with pytest.raises(RuntimeError), uow.session.begin_nested():
            auth.create(session=uow.session, code="RU", name="RU", kind=PartyKind.SIDE)
            # reading the log inside the savepoint chains both pending events there, then the savepoint goes
            assert uow.session.scalar(sa.select(sa.func.count()).select_from(Event)) == 2
            raise RuntimeError("abandon")
        assert uow.session.scalar(sa.select(sa.func.count()).select_from(Event)) == 1
        auth.create(session=uow.session, code="ICRC", name="ICRC", kind=PartyKind.MEDIATOR)
        uow.commit()
    assert _actions(database) == [("parties.insert", "UA"), ("parties.insert", "ICRC")]
