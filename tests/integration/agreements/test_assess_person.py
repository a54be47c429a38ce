"""One person's assessment (the person page) agrees with the whole space's (the agreement page, ``assess``), for
every person of a small space with full, partial and missing facts, in each space that sees them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from unforgotten.agreements import service as agreements
from unforgotten.agreements.flows import assess, assess_person, assess_person_in_force, facts_by_person
from unforgotten.auth import service as auth
from unforgotten.auth.models import PartyKind, Role
from unforgotten.auth.service import Actor
from unforgotten.persons import cases
from unforgotten.persons.flows import submit_list
from unforgotten.persons.models import Person

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "agreements" / "2025-06-02.yaml"
COLUMNS = "record_id,family_name,given_name,date_of_birth,person_type,health_status,sex"
CUSTODY = [
    "C-1,Коваленко,Олександр,2001-03-12,military,тяжело ранен,M",  # young, seriously wounded
    "C-2,Шевчук,Андрій,1999-06,military,,M",  # born 1999-06: 25 or 26 on the reference date
    "C-3,Мельник,Богдан,,military,тяжелобольной,M",  # no date of birth
    "C-4,Бондар,Ірина,1970-01-01,civilian,здорова,F",
    "C-5,Ткаченко,Василь,1980,,,",
]
REMAINS = ["R-1,Невідомий,,,,,", "R-2,Кравець,Павло,1995-02-02,military,,M"]


@pytest.fixture
def world(session: Session, tmp_path: Path) -> dict[str, int]:
    spaces = {
        "UA": auth.create(session=session, code="UA", name="Ukraine").id,
        "RU": auth.create(session=session, code="RU", name="Russia").id,
        "ICRC": auth.create(session=session, code="ICRC", name="ICRC", kind=PartyKind.MEDIATOR).id,
    }
    operator = auth.operator("test")
    for party, kind, rows in (("RU", "custody", CUSTODY), ("RU", "remains", REMAINS)):
        path = tmp_path / f"{party}-{kind}.csv"
        path.write_text("\n".join([COLUMNS, *rows]) + "\n", encoding="utf-8")
        submit_list(session=session, actor=operator, path=path, party_code=party, kind=kind, share_with=("ICRC",))
    mediator = Actor(name="m", role=Role.MEDIATOR, party_id=spaces["ICRC"], party_code="ICRC")
    shevchuk = session.scalar(
        select(Person.id).where(Person.space_id == spaces["ICRC"], Person.display_name.contains("Шевчук"))
    )
    assert shevchuk is not None
    cases.record_finding(session=session, actor=mediator, person_id=shevchuk, outcome="repatriate",
                         examined_on=dt.date(2025, 6, 5))  # fmt: skip
    return spaces


@pytest.mark.parametrize("space", ["RU", "ICRC"])
def test_assess_person_gives_the_rows_assess_gives_for_every_person(
    session: Session, world: dict[str, int], space: str
) -> None:
    agreement = agreements.load_file(session=session, path=EXAMPLE)
    report = assess(session=session, agreement=agreement, space_id=world[space])
    persons = sorted({r.person_id for r in report.rows})
    assert len(persons) == len(CUSTODY) + len(REMAINS)
    verdicts = {r.verdict for r in report.rows}
    assert verdicts == {"eligible", "not_eligible", "undetermined"}  # the space exercises all three
    for person_id in persons:
        expected = [r for r in report.rows if r.person_id == person_id]
        one = assess_person(session=session, agreement=agreement, person_id=person_id, space_id=world[space])
        assert sorted(one, key=lambda r: r.category) == sorted(expected, key=lambda r: r.category), person_id


def test_the_filter_reads_only_the_persons_asked_for(session: Session, world: dict[str, int]) -> None:
    everyone = facts_by_person(session=session, space_id=world["ICRC"])
    some = sorted(everyone)[:2]
    assert facts_by_person(session=session, space_id=world["ICRC"], person_ids=some) == {p: everyone[p] for p in some}
    # the commission finding of the mediator's space comes with the person it concerns, and only with it
    found = next(p for p, f in everyone.items() if f.commission)
    assert facts_by_person(session=session, space_id=world["ICRC"], person_ids=[found])[found].commission
    assert facts_by_person(session=session, space_id=world["ICRC"], person_ids=[]) == {}


def test_a_person_of_another_space_or_none_has_no_verdicts(session: Session, world: dict[str, int]) -> None:
    agreement = agreements.load_file(session=session, path=EXAMPLE)
    ru_person = min(facts_by_person(session=session, space_id=world["RU"]))
    assert assess_person(session=session, agreement=agreement, person_id=ru_person, space_id=world["ICRC"]) == []
    assert assess_person(session=session, agreement=agreement, person_id=10**9, space_id=world["RU"]) == []


def test_agreements_in_force_come_first_else_every_agreement(session: Session, world: dict[str, int]) -> None:
    loaded = agreements.load_file(session=session, path=EXAMPLE)
    category = {"name": "all", "format": "all_for_all", "rule": {"remains": True}}
    other = agreements.create(session=session, title="other", signed_on=dt.date(2024, 1, 1),
                              reference_date=dt.date(2024, 1, 1), categories=[category])  # fmt: skip
    person_id = min(facts_by_person(session=session, space_id=world["RU"]))
    waiting = assess_person_in_force(session=session, person_id=person_id, space_id=world["RU"])
    assert [(a.agreement.id, a.in_force) for a in waiting] == [(loaded.id, False), (other.id, False)]
    operator = auth.operator("test")
    for side in ("UA", "RU"):
        agreements.accept(session=session, actor=operator, agreement_id=loaded.id, party_code=side)
    forced = assess_person_in_force(session=session, person_id=person_id, space_id=world["RU"])
    assert [(a.agreement.id, a.in_force) for a in forced] == [(loaded.id, True)]
    assert [r.category for r in forced[0].rows] == ["seriously wounded", "seriously ill", "aged 18-25", "remains"]
