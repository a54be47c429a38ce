"""A small world for the access-model tests: two sides and a mediator, each side with a shared and an unshared list.

Every field of each side's unshared list, and every reason it writes about it (review decisions, status changes),
carries a canary string unique to that side. Built through the same services as the CLI and the API, in
production mode, so sign-in and sessions are real.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from fastapi import FastAPI
from sqlalchemy import select

from unforgotten.app import create_app
from unforgotten.auth import service as auth
from unforgotten.auth.models import PartyKind
from unforgotten.bootstrap import bootstrap
from unforgotten.db import Database
from unforgotten.jobs.service import create_import
from unforgotten.persons import cases, review
from unforgotten.persons.flows import submit_list
from unforgotten.persons.models import Match, MatchState, Person
from unforgotten.settings import Settings

SIDES = ("UA", "RU")
_SHARED_KIND = {"UA": "request", "RU": "custody"}  # each side's shared list
# The columns a canary goes into: names, places, notes, health, ids, next of kin — every column a list carries.
CANARY_COLUMNS = (
    "record_id", "family_name", "given_name", "patronymic", "date_of_birth", "place_of_birth", "rank",
    "service_number", "military_unit", "place_of_capture", "health_status", "father_name", "mother_maiden_name",
    "next_of_kin", "notes",
)  # fmt: skip
USERS = {
    "ua_coord": ("party_coordinator", "UA"),
    "ua_viewer": ("party_viewer", "UA"),
    "ru_coord": ("party_coordinator", "RU"),
    "ru_viewer": ("party_viewer", "RU"),
    "mediator": ("mediator", "ICRC"),
    "admin": ("admin", None),
    "auditor": ("auditor", None),
}


def canary(side: str, column: str) -> str:
    return f"Cnry{side}{column.replace('_', '')}Qz"


def canaries(side: str) -> list[str]:
    return [canary(side, c) for c in (*CANARY_COLUMNS, "file", "review", "status")]


def _names(side: str) -> list[tuple[str, str, str, str]]:
    """Persons both sides write about: (family, given, patronymic, date of birth) as each side spells them."""
    if side == "UA":
        return [("Коваленко", "Олександр", "Петрович", "1990-03-12"), ("Шевчук", "Андрій", "Іванович", "1999-07-05"),
                ("Мельник", "Богдан", "Степанович", "2001-11-21")]  # fmt: skip
    return [("Коваленко", "Александр", "Петрович", "1990-03-12"), ("Шевчук", "Андрей", "Иванович", "1999-07-05"),
            ("Мельник", "Богдан", "Степанович", "2001-11-21")]  # fmt: skip


def write_list(path: Path, side: str, *, secret: bool) -> Path:
    """A list in the canonical columns; a secret list carries the side's canary in every other column."""
    rows = [",".join(CANARY_COLUMNS)]
    for number, (family, given, patronymic, dob) in enumerate(_names(side), start=1):
        values = {c: "" for c in CANARY_COLUMNS}
        values.update(record_id=f"{side}-{number}", family_name=family, given_name=given, patronymic=patronymic,
                      date_of_birth=dob)  # fmt: skip
        if secret:
            values = {c: canary(side, c) if c in ("record_id", "date_of_birth") or not values[c] else values[c]
                      for c in CANARY_COLUMNS}  # fmt: skip
            values["date_of_birth"] = dob
            values["record_id"] = f"{canary(side, 'record_id')}{number}"
            if number == 1:  # one row whose names themselves are canaries
                values.update(family_name=canary(side, "family_name"), given_name=canary(side, "given_name"),
                              patronymic=canary(side, "patronymic"))  # fmt: skip
        rows.append(",".join(values[c] for c in CANARY_COLUMNS))
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


@dataclass
class World:
    app: FastAPI
    database: Database
    tokens: dict[str, str]
    tmp: Path
    secret_lists: dict[str, int] = field(default_factory=dict)


def build(tmp: Path, *, with_secrets: bool = True, database_url: str | None = None) -> World:
    """The world in a fresh database: SQLite in ``tmp`` unless ``database_url`` names another (an empty one)."""
    url = database_url or f"sqlite:///{tmp / 'access.db'}"
    settings = Settings(database_url=url, environment="production", secret_key="k" * 40)
    database = bootstrap(settings)
    tokens: dict[str, str] = {}
    with database.unit_of_work(actor="cli:setup") as uow:
        s = uow.session
        auth.create(session=s, code="UA", name="Ukraine")
        auth.create(session=s, code="RU", name="Russia")
        auth.create(session=s, code="ICRC", name="Mediator", kind=PartyKind.MEDIATOR)
        for name, (role, party) in USERS.items():
            tokens[name] = auth.create_user(session=s, name=name, role=role, party_code=party)[1]
        uow.commit()
    world = World(app=create_app(settings, database=database), database=database, tokens=tokens, tmp=tmp)
    world.app.state.database = database  # what the lifespan would set; clients here are used without one
    # The probe posts junk to every form as every user, the account page's "current password" among them, and each
    # wrong password is a failed sign-in from the test client's one address: the real limit would lock the next
    # user's sign-in out. The limiter has tests of its own (tests/e2e/test_signin.py, test_account_page.py).
    from unforgotten.auth.limits import SignInLimiter

    world.app.state.sign_in_limiter = SignInLimiter(limit=1_000_000)
    operator = auth.operator("cli:setup")
    with database.unit_of_work(actor="cli:setup") as uow:
        for side, other in (("UA", "RU"), ("RU", "UA")):
            shared = write_list(tmp / f"{side.lower()}_shared.csv", side, secret=False)
            kind = _SHARED_KIND[side]
            submit_list(session=uow.session, actor=operator, path=shared, party_code=side, kind=kind,
                        share_with=("ICRC", other))  # fmt: skip
        uow.commit()
    if with_secrets:
        for side in SIDES:
            plant_secrets(world, side)
    return world


def plant_secrets(world: World, side: str) -> None:
    """The side's unshared list, a review decision and a status change on it, each carrying the side's canaries."""
    operator = auth.operator("cli:setup")
    path = write_list(world.tmp / f"{canary(side, 'file')}.csv", side, secret=True)
    with world.database.unit_of_work(actor="cli:setup") as uow:
        s = uow.session
        party = auth.get_by_code_or_raise(session=s, code=side)
        submission = submit_list(session=s, actor=operator, path=path, party_code=side, kind="request")
        world.secret_lists[side] = submission.outcome.list_id
        # A new version of the side's shared list, shared with nobody: who sees only the shared version must not
        # learn of this one from the versions or the diffs — not its rows, not even that it exists.
        version = write_list(world.tmp / f"{canary(side, 'file')}-v2.csv", side, secret=True)
        extra = [f"{canary(side, 'record_id')}9", canary(side, "family_name"), *[""] * (len(CANARY_COLUMNS) - 2)]
        version.write_text(version.read_text(encoding="utf-8") + ",".join(extra) + "\n", encoding="utf-8")
        submit_list(session=s, actor=operator, path=version, party_code=side, kind=_SHARED_KIND[side],
                    name=f"{side.lower()}_shared")  # fmt: skip
        user = auth.get_user_by_name_or_raise(session=s, name=f"{side.lower()}_coord")
        coordinator = auth.actor_for(session=s, user=user)
        persons = s.scalars(select(Person).where(Person.space_id == party.id).order_by(Person.id)).all()
        entry = s.scalars(select(Match.entry_id).where(Match.person_id == persons[-1].id,
                                                       Match.state == MatchState.ACCEPTED)).first()  # fmt: skip
        assert entry is not None
        suggestion = review.propose(session=s, space_id=party.id, entry_id=entry, person_id=persons[0].id,
                                    probability=0.4, explanation={"why": canary(side, "review")})  # fmt: skip
        s.flush()
        review.reject(session=s, actor=coordinator, match_id=suggestion.id, reason=canary(side, "review"))
        # An applied change: a pending *deceased* is shown to the mediator on purpose (the side asks it to confirm).
        named = next(p for p in persons if canary(side, "family_name") in p.display_name)
        cases.transition(session=s, actor=coordinator, person_id=named.id, to_status="not_acknowledged",
                         reason=canary(side, "status"))  # fmt: skip
        # An upload waiting as a job, not shared with the mediator: its file's name is the side's canary.
        create_import(session=s, actor=coordinator, path=path, file_name=path.name, party_code=side,
                      kind="custody", share_with_mediator=False)  # fmt: skip
        uow.commit()
