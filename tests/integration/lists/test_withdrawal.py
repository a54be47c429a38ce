"""A list can be withdrawn by its party, or replaced by a corrected file (issue 11, item 6): its entries leave the
persons of every space, nothing is deleted, the accounting still holds, and nobody else can do it."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from unforgotten.audit.flows import account
from unforgotten.audit.models import Event
from unforgotten.auth import service as auth
from unforgotten.auth.models import PartyKind
from unforgotten.errors import ConflictError, InputError, NotFoundError, PermissionDeniedError
from unforgotten.lists import service as lists
from unforgotten.lists.flows import reconcile
from unforgotten.lists.models import Entry
from unforgotten.persons import flows
from unforgotten.persons.models import Match, Person, current_persons

UA_ROWS = ("ПІБ;Дата народження", "Шевчук Роман Ярославович;19.04.1990", "Гнатюк Петро Іванович;03.02.1985")


def _write(path: Path, *lines: str) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def world(session: Session) -> dict[str, object]:
    for code, kind in (("UA", PartyKind.SIDE), ("RU", PartyKind.SIDE), ("ICRC", PartyKind.MEDIATOR)):
        auth.create(session=session, code=code, name=code, kind=kind)
    users = {}
    for name, role, party in (("ua", "party_coordinator", "UA"), ("ru", "party_coordinator", "RU")):
        user, _ = auth.create_user(session=session, name=name, role=role, party_code=party)
        users[name] = auth.actor_for(session=session, user=user)
    return users


def test_a_withdrawn_list_leaves_every_space_and_the_accounting_holds(
    session: Session, tmp_path: Path, world: dict[str, object]
) -> None:
    ua = world["ua"]
    submitted = flows.submit_list(session=session, actor=ua, path=_write(tmp_path / "ua.csv", *UA_ROWS),  # type: ignore[arg-type]
                                  party_code="UA", kind="request", share_with=("ICRC",))  # fmt: skip
    list_id = submitted.outcome.list_id
    ru = world["ru"]
    custody = flows.submit_list(session=session, actor=ru, path=_write(tmp_path / "ru.csv", *UA_ROWS),  # type: ignore[arg-type]
                                party_code="RU", kind="custody", share_with=("ICRC",)).outcome  # fmt: skip
    linked_before = session.scalar(sa.select(sa.func.count()).select_from(Match).where(Match.state == "accepted"))
    withdrawn = flows.withdraw_list(session=session, actor=ua, list_id=list_id, reason="wrong file sent")  # type: ignore[arg-type]
    assert withdrawn == 4  # two entries, each linked in UA's and the mediator's space
    entries = sa.select(Entry.id).where(Entry.list_id == list_id)
    states = set(session.scalars(sa.select(Match.state).where(Match.entry_id.in_(entries))))
    assert states == {"withdrawn"}
    assert session.scalar(sa.select(sa.func.count()).select_from(Entry).where(Entry.list_id == list_id)) == 2
    ua_persons = sa.select(sa.func.count()).select_from(Person).where(Person.space_id == ua.space_id, current_persons())  # type: ignore[attr-defined]
    assert session.scalar(ua_persons) == 0  # UA's persons came from this list only: retired, not deleted
    assert linked_before is not None
    event = session.scalars(sa.select(Event).where(Event.action == "list.withdrawn")).one()
    assert event.reason == "wrong file sent" and event.actor == "test"
    report = account(session=session)
    assert report.violations == [], report.violations
    # Linking again does not bring it back; reconciling it is refused, naming why.
    assert flows.link_all(session=session, decided_by="test") == 0
    icrc = auth.get_by_code_or_raise(session=session, code="ICRC").id
    with pytest.raises(ConflictError, match="withdrawn"):
        reconcile(session=session, request=lists.get_or_raise(session=session, list_id=list_id),
                  custody=lists.get_or_raise(session=session, list_id=custody.list_id), space_id=icrc)  # fmt: skip
    with pytest.raises(ConflictError, match="already withdrawn"):
        flows.withdraw_list(session=session, actor=ua, list_id=list_id, reason="again")  # type: ignore[arg-type]


def test_only_the_list_s_own_coordinators_may_withdraw_it(
    session: Session, tmp_path: Path, world: dict[str, object]
) -> None:
    ua, ru = world["ua"], world["ru"]
    shared = flows.submit_list(session=session, actor=ua, path=_write(tmp_path / "a.csv", *UA_ROWS),  # type: ignore[arg-type]
                               party_code="UA", kind="request", share_with=("RU",)).outcome  # fmt: skip
    private = flows.submit_list(session=session, actor=ua, path=_write(tmp_path / "b.csv", *UA_ROWS[:2]),  # type: ignore[arg-type]
                                party_code="UA", kind="custody").outcome  # fmt: skip
    with pytest.raises(PermissionDeniedError):  # RU sees it (shared), may not withdraw it
        flows.withdraw_list(session=session, actor=ru, list_id=shared.list_id, reason="x")  # type: ignore[arg-type]
    with pytest.raises(NotFoundError):  # RU does not see it at all: the same answer as no such list
        flows.withdraw_list(session=session, actor=ru, list_id=private.list_id, reason="x")  # type: ignore[arg-type]
    with pytest.raises(InputError):
        flows.withdraw_list(session=session, actor=ua, list_id=private.list_id, reason="  ")  # type: ignore[arg-type]


def test_a_corrected_file_replaces_a_list_whatever_its_name(
    session: Session, tmp_path: Path, world: dict[str, object]
) -> None:
    ua = world["ua"]
    first = flows.submit_list(session=session, actor=ua, path=_write(tmp_path / "requests.csv", *UA_ROWS),  # type: ignore[arg-type]
                              party_code="UA", kind="request").outcome  # fmt: skip
    corrected = _write(tmp_path / "scan_0042_fixed.csv", *UA_ROWS, "Олійник Тарас Юрійович;05.05.1993")
    with pytest.raises(InputError, match="must be one too"):
        flows.submit_list(session=session, actor=ua, path=corrected, party_code="UA", kind="custody",  # type: ignore[arg-type]
                          replaces=first.list_id)  # fmt: skip
    second = flows.submit_list(session=session, actor=ua, path=corrected, party_code="UA", kind="request",  # type: ignore[arg-type]
                               replaces=first.list_id)  # fmt: skip
    assert second.replaced == first.list_id
    assert (second.outcome.name, second.outcome.version) == ("requests", 2)
    assert second.outcome.diff["added"] == 1
    old = lists.get_or_raise(session=session, list_id=first.list_id)
    assert old.withdrawn_reason == f"replaced by list {second.outcome.list_id}"
    assert account(session=session).violations == []
