"""A small exchange in the mediator's space: two persons held by each side, eligible, consent confirmed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from unforgotten.agreements import service as agreements
from unforgotten.auth import service as auth
from unforgotten.auth.models import PartyKind
from unforgotten.auth.service import Actor
from unforgotten.persons import cases
from unforgotten.persons.flows import submit_list
from unforgotten.persons.models import Person

HEADER = "record_id,family_name,given_name,patronymic,date_of_birth,health_status\n"
HOLDS = {
    "RU": HEADER + "RU-1,Коваленко,Олександр,Петрович,1990-03-12,seriously wounded\n"
                   "RU-2,Шевчук,Андрій,Іванович,1999-07-05,seriously wounded\n",
    "UA": HEADER + "UA-1,Смирнов,Алексей,Игоревич,1988-01-02,seriously wounded\n"
                   "UA-2,Кузнецов,Дмитрий,Сергеевич,1995-05-06,seriously wounded\n",
}  # fmt: skip
STAGES = """stages:
  - {id: S1, date: 2025-06-09, place: A, capacity: {UA: 1, RU: 1}}
  - {id: S2, date: 2025-06-10, place: A, capacity: {UA: 1, RU: 1}}
"""
USERS = {"olena": ("party_coordinator", "UA"), "ivan": ("party_coordinator", "RU"), "oksana": ("officer", "UA"),
         "boris": ("officer", "RU"), "uaview": ("party_viewer", "UA"), "marie": ("mediator", "ICRC"),
         "audrey": ("auditor", None)}  # fmt: skip


@dataclass
class Exchange:
    session: Session
    actors: dict[str, Actor]
    agreement_id: int
    persons: list[int]  # the mediator's


@pytest.fixture
def exchange(session: Session, tmp_path: Path) -> Exchange:
    operator = auth.operator("cli:test")
    auth.create(session=session, code="UA", name="Ukraine")
    auth.create(session=session, code="RU", name="Russia")
    auth.create(session=session, code="ICRC", name="Mediator", kind=PartyKind.MEDIATOR)
    actors = {}
    for name, (role, party) in USERS.items():
        user, _ = auth.create_user(session=session, name=name, role=role, party_code=party)
        actors[name] = auth.actor_for(session=session, user=user)
    for side, text in HOLDS.items():
        path = tmp_path / f"{side}.csv"
        path.write_text(text, encoding="utf-8")
        submit_list(session=session, actor=operator, path=path, party_code=side, kind="custody", share_with=("ICRC",))
    agreement = agreements.create(
        session=session, title="t", signed_on=dt.date(2025, 6, 2), reference_date=dt.date(2025, 6, 9),
        categories=[{"name": "seriously wounded", "format": "all_for_all",
                     "rule": {"all": [{"list_kind": ["custody"]}, {"health_status": ["seriously_wounded"]}]}},
                    {"name": "remains", "format": "n_for_n", "quota": 10, "rule": {"remains": True}}],
    )  # fmt: skip
    icrc = auth.get_by_code_or_raise(session=session, code="ICRC").id
    persons = list(session.scalars(select(Person.id).where(Person.space_id == icrc).order_by(Person.id)))
    for status in ("identity_confirmed", "eligible", "consent_confirmed"):
        for pid in persons:
            cases.transition(session=session, actor=actors["marie"], person_id=pid, to_status=status, reason="t")
    return Exchange(session=session, actors=actors, agreement_id=agreement.id, persons=persons)
