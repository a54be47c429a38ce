"""Crypto-shredding: personal values are sealed in events; erasing a person destroys its key, the log still verifies."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from unforgotten.audit import service as audit
from unforgotten.audit.erasure import erase_person, scrub
from unforgotten.audit.flows import account
from unforgotten.audit.models import DataKey, Event
from unforgotten.audit.personal import ERASED, SEALED
from unforgotten.auth import service as parties
from unforgotten.auth.models import PartyKind, Role
from unforgotten.auth.service import Actor, operator
from unforgotten.bootstrap import bootstrap
from unforgotten.errors import ConflictError, InputError, NotFoundError, PermissionDeniedError
from unforgotten.persons.models import Person, StatusChange
from unforgotten.settings import Settings

CANARY = "Canarychenko Zhovtoslav"
EVIDENCE = "death certificate 77-CANARY-EVIDENCE"


def _setup(session: Session) -> tuple[Actor, Actor, int]:
    """A mediator's person with a canary name and a status change with canary evidence."""
    mediator = parties.create(session=session, code="ICRC", name="ICRC", kind=PartyKind.MEDIATOR)
    side = parties.create(session=session, code="UA", name="Ukraine")
    person = Person(space_id=mediator.id, status="requested", display_name=CANARY)
    session.add(person)
    session.flush()
    session.add(StatusChange(person_id=person.id, from_status="requested", to_status="acknowledged", state="applied",
                             requested_by="icrc", evidence=EVIDENCE, reason=f"seen {CANARY}"))  # fmt: skip
    session.flush()
    as_mediator = Actor(name="icrc", role=Role.MEDIATOR, party_id=mediator.id, party_code="ICRC",
                        party_kind=PartyKind.MEDIATOR)  # fmt: skip
    as_side = Actor(name="ua", role=Role.PARTY_COORDINATOR, party_id=side.id, party_code="UA")
    return as_mediator, as_side, person.id


def _events_text(session: Session) -> str:
    rows = session.execute(sa.select(Event.before, Event.after, Event.reason).order_by(Event.id))
    return json.dumps([list(r) for r in rows], ensure_ascii=False)


def test_personal_values_never_reach_events_in_clear(session: Session) -> None:
    _setup(session)
    stored = _events_text(session)
    assert CANARY not in stored and "CANARY-EVIDENCE" not in stored
    assert SEALED in stored
    person_insert = session.scalars(sa.select(Event).where(Event.action == "persons.insert")).one()
    assert person_insert.after is not None and person_insert.after["status"] == "requested"  # replay's columns clear
    opened = audit.opened(session=session, events=[person_insert])[0]
    assert opened["after"]["display_name"] == CANARY  # readable while the key exists


def test_erase_blanks_destroys_the_key_and_everything_still_verifies(session: Session) -> None:
    as_mediator, _, person_id = _setup(session)
    assert audit.verify(session=session) > 0
    assert account(session=session).ok
    hashes = {i: h for i, h in session.execute(sa.select(Event.id, Event.hash))}

    done = erase_person(session=session, actor=as_mediator, person_id=person_id, reason="request DP-17")
    session.flush()

    assert done.blanked == {"persons": 1, "status_changes": 2}
    person = session.get(Person, person_id)
    assert person is not None and person.display_name == "" and person.status == "requested"
    change = session.scalars(sa.select(StatusChange).where(StatusChange.person_id == person_id)).one()
    assert change.evidence is None and change.reason is None
    key = session.get(DataKey, f"person:{person_id}")
    assert key is not None and key.wrapped is None and key.erased_by == "icrc"
    # no event changed; the chain, replay and the accounting pass
    assert {i: h for i, h in session.execute(sa.select(Event.id, Event.hash).where(Event.id.in_(hashes)))} == hashes
    assert audit.verify(session=session) == len(hashes) + 3  # two blanking updates, one erasure event
    report = account(session=session)
    assert report.ok, report.violations
    # every reader shows <erased>
    events = audit.opened(session=session, events=audit.get_all(session=session, limit=1000))
    shown = json.dumps(events, ensure_ascii=False)
    assert CANARY not in shown and "CANARY-EVIDENCE" not in shown
    inserted = next(e for e in events if e["action"] == "persons.insert")
    assert inserted["after"]["display_name"] == ERASED
    blanking = next(e for e in events if e["action"] == "status_changes.update")
    assert blanking["before"] == {"evidence": ERASED, "reason": ERASED} and blanking["after"]["evidence"] is None
    erased = next(e for e in events if e["action"] == "person.erased")
    assert erased["actor"] == "test" and erased["reason"] == "request DP-17"
    assert erased["after"] == {"erased_by": "icrc", "blanked": {"persons": 1, "status_changes": 2}}


def test_erasing_twice_is_a_clear_error(session: Session) -> None:
    as_mediator, _, person_id = _setup(session)
    erase_person(session=session, actor=as_mediator, person_id=person_id, reason="request DP-17")
    with pytest.raises(ConflictError, match="already erased"):
        erase_person(session=session, actor=as_mediator, person_id=person_id, reason="again")


def test_only_the_mediator_or_the_operator_erases(session: Session) -> None:
    _, as_side, person_id = _setup(session)
    assert as_side.party_id is not None
    own = Person(space_id=as_side.party_id, status="requested", display_name="Own Person")
    session.add(own)
    session.flush()
    with pytest.raises(PermissionDeniedError):  # its own space's person, but not its role
        erase_person(session=session, actor=as_side, person_id=own.id, reason="no")
    with pytest.raises(NotFoundError):  # another space's person: not visible, so not found
        erase_person(session=session, actor=as_side, person_id=person_id, reason="no")
    with pytest.raises(InputError):
        erase_person(session=session, actor=operator("cli:root"), person_id=person_id, reason="  ")
    assert session.get(DataKey, f"person:{person_id}") is not None  # nothing destroyed by a refusal
    assert session.get(Person, person_id).display_name == CANARY  # type: ignore[union-attr]


def test_an_erased_person_takes_no_new_personal_data(session: Session) -> None:
    as_mediator, _, person_id = _setup(session)
    erase_person(session=session, actor=as_mediator, person_id=person_id, reason="request DP-17")
    person = session.get(Person, person_id)
    assert person is not None
    person.status = "acknowledged"  # non-personal changes still go through
    session.flush()
    person.display_name = CANARY
    with pytest.raises(ConflictError, match="was erased"):
        session.flush()


def test_the_canary_is_gone_from_the_sqlite_file(tmp_path: Path) -> None:
    db = tmp_path / "erase.db"
    database = bootstrap(Settings(database_url=f"sqlite:///{db}"))
    with database.unit_of_work(actor="cli:test") as uow:
        _, _, person_id = _setup(uow.session)
        uow.commit()
    files = lambda: b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("erase.db"))  # noqa: E731
    assert CANARY.encode() in files()  # the current row holds it …
    with database.read() as session:
        assert CANARY not in _events_text(session)  # … the log never did in clear
    with database.unit_of_work(actor="cli:test") as uow:
        erase_person(session=uow.session, actor=operator("cli:test"), person_id=person_id, reason="request DP-17")
        uow.commit()
    scrub(database.engine)
    database.engine.dispose()
    content = files()
    for canary in (CANARY, "CANARY-EVIDENCE", "Canarychenko"):
        assert canary.encode() not in content
    check = bootstrap(Settings(database_url=f"sqlite:///{db}"))
    with check.read() as session:
        assert account(session=session).ok
    check.engine.dispose()


def test_new_persons_get_keys_without_looking_any_up(session: Session) -> None:
    # A 200,000-person link looked up 200,000 keys that could not exist, each on a plan PostgreSQL had made while
    # the key table was empty (99 s of a 100,000-row link); a person's later events still find its key.
    from unforgotten.audit.recorder import record_inserts

    space = parties.create(session=session, code="ICRC", name="ICRC", kind=PartyKind.MEDIATOR).id
    session.flush()
    lookups: list[str] = []

    def watch(_conn: object, _cursor: object, statement: str, *_rest: object) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "audit_data_keys" in statement:
            lookups.append(statement)

    connection = session.connection()
    sa.event.listen(connection, "before_cursor_execute", watch)
    try:
        ids = [session.scalar(sa.select(sa.func.coalesce(sa.func.max(Person.id), 0))) + n for n in (1, 2)]
        rows = [{"id": i, "space_id": space, "status": "requested", "display_name": f"{CANARY} {i}",
                 "merged_into_id": None, "retired_reason": None, "version": 1} for i in ids]  # fmt: skip
        session.execute(sa.insert(Person), rows)
        record_inserts(session, "persons", rows)
        assert lookups == []
        assert session.scalar(sa.select(sa.func.count()).select_from(DataKey)) >= 2
        session.commit()  # a new transaction: the key cache is gone, so the next change must find the key
        person = session.get(Person, ids[0])
        assert person is not None
        person.display_name = "Corrected Name"
        session.flush()
        assert lookups, "a person's later change looks its key up"
    finally:
        sa.event.remove(connection, "before_cursor_execute", watch)
    changed = session.scalars(sa.select(Event).where(Event.action == "persons.update")).all()
    assert changed and all(SEALED in (event.after or {}) for event in changed)
