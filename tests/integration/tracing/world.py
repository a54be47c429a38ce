"""Two sides, a mediator and a tracing officer each; UA's tracing list of three children, not yet handed over."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from unforgotten.auth import service as auth
from unforgotten.auth.models import PartyKind
from unforgotten.auth.service import Actor
from unforgotten.persons.flows import submit_list

USERS = {
    "ua_coord": ("party_coordinator", "UA"),
    "ua_tracer": ("tracing_officer", "UA"),
    "ua_viewer": ("party_viewer", "UA"),
    "ru_coord": ("party_coordinator", "RU"),
    "ru_tracer": ("tracing_officer", "RU"),
    "ru_viewer": ("party_viewer", "RU"),
    "mediator": ("mediator", "ICRC"),
    "auditor": ("auditor", None),
}
TRACING_CSV = (
    "record_id,family_name,given_name,date_of_birth,place_of_birth,father_name,last_address,removal_date,"
    "removal_place,guardians,guardian_contact\n"
    "C-1,Коваленко,Олександр,2014-03-12,Херсон,Петро,вул. Садова 1,2022-10-05,Херсон,Петро Коваленко,+380 00 000 0001\n"
    "C-2,Шевчук,Марія,2016-07-05,Олешки,Іван,вул. Миру 2,2022-11-01,Олешки,Іван Шевчук,+380 00 000 0002\n"
    "C-3,Мельник,Богдан,2012-11-21,Гола Пристань,Степан,вул. Лісна 3,2022-09-20,Гола Пристань,Ганна Мельник,"
    "+380 00 000 0003\n"
)


def setup(session: Session, tmp: Path) -> tuple[dict[str, Actor], dict[str, str], int]:
    """Parties, users (actors and tokens) and UA's tracing list id."""
    auth.create(session=session, code="UA", name="Ukraine")
    auth.create(session=session, code="RU", name="Russia")
    auth.create(session=session, code="ICRC", name="Mediator", kind=PartyKind.MEDIATOR)
    actors: dict[str, Actor] = {}
    tokens: dict[str, str] = {}
    for name, (role, party) in USERS.items():
        user, tokens[name] = auth.create_user(session=session, name=name, role=role, party_code=party)
        actors[name] = auth.actor_for(session=session, user=user)
    path = tmp / "children.csv"
    path.write_text(TRACING_CSV, encoding="utf-8")
    submission = submit_list(
        session=session, actor=auth.operator("cli:test"), path=path, party_code="UA", kind="tracing"
    )
    return actors, tokens, submission.outcome.list_id
