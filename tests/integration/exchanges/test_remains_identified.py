"""A body of a remains batch later identified links to its person in the mediator's space (issue 13, item 4), on
SQLite and PostgreSQL: only the mediator identifies and sees who; the sides keep their counts; the accounting of
remains is unchanged; through the service, the API and the command."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.integration.exchanges.conftest import HOLDS, Exchange

from unforgotten.agreements import service as agreements
from unforgotten.app import create_app
from unforgotten.audit.flows import account
from unforgotten.audit.models import Event
from unforgotten.auth import service as auth
from unforgotten.auth.models import PartyKind
from unforgotten.bootstrap import bootstrap
from unforgotten.errors import ConflictError, InputError, NotFoundError, PermissionDeniedError
from unforgotten.exchanges import remains
from unforgotten.exchanges.models import RemainsIdentification
from unforgotten.persons.flows import submit_list
from unforgotten.persons.models import Person
from unforgotten.settings import Settings, get_settings

DAY = dt.date(2025, 6, 9)
REASON = "DNA match with the mother's reference sample (synthetic)"


def _batches(x: Exchange) -> None:
    remains.create_batch(session=x.session, actor=x.actors["boris"], agreement_id=x.agreement_id, party_code="RU",
                         date=DAY, refs=["R-1", "R-2", "R-3"])  # fmt: skip
    remains.create_batch(session=x.session, actor=x.actors["oksana"], agreement_id=x.agreement_id, party_code="UA",
                         date=DAY, refs=["U-1", "U-2"])  # fmt: skip


def _name(x: Exchange, person_id: int) -> str:
    return x.session.get(Person, person_id).display_name  # type: ignore[union-attr]


def _identify(x: Exchange, who: str, ref: str, person_id: int) -> RemainsIdentification:
    return remains.identify(session=x.session, actor=x.actors[who], agreement_id=x.agreement_id, ref=ref,
                            person_id=person_id, reason=REASON)  # fmt: skip


def test_identify_links_and_shows_to_the_mediator_only(exchange: Exchange) -> None:
    x = exchange
    _batches(x)
    person = x.persons[0]
    link = _identify(x, "marie", "R-2", person)
    assert (link.ref, link.person_id, link.identified_by) == ("R-2", person, "marie")
    # the mediator sees, beside the reference, who it is
    seen = remains.totals(session=x.session, actor=x.actors["marie"], agreement_id=x.agreement_id)
    ru = seen["sides"]["RU"]["batches"][0]
    assert ru["identified"] == {"R-2": {"person_id": person, "display_name": _name(x, person)}}
    assert "identified" not in seen["sides"]["UA"]["batches"][0]
    # the sides keep seeing counts (and their own references), never the name or the person's id
    for side_user in ("ivan", "boris", "olena", "uaview"):
        their = remains.totals(session=x.session, actor=x.actors[side_user], agreement_id=x.agreement_id)
        text = repr(their)
        assert _name(x, person) not in text and "identified" not in text and "person_id" not in text
        assert their["sides"]["RU"]["total"] == 3 and their["sides"]["UA"]["total"] == 2
    # the same person again changes nothing; the insert was one audit event with the evidence sealed
    assert _identify(x, "marie", "R-2", person).id == link.id
    x.session.flush()
    events = x.session.scalars(select(Event).where(Event.subject_type == "exchange_remains_identifications")).all()
    assert len(events) == 1 and REASON not in str(events[0].after) and "~sealed" in str(events[0].after)
    assert str(person) in str(events[0].after)  # ids stay in clear


def test_unknown_ref_conflicting_person_and_a_persons_outside_the_mediators_space(exchange: Exchange) -> None:
    x = exchange
    _batches(x)
    with pytest.raises(InputError, match="R-404"):
        _identify(x, "marie", "R-404", x.persons[0])
    _identify(x, "marie", "U-1", x.persons[1])
    with pytest.raises(ConflictError, match=f"person {x.persons[1]}") as conflict:
        _identify(x, "marie", "U-1", x.persons[2])
    assert _name(x, x.persons[1]) in str(conflict.value)
    # a person of a side's own space, or no person at all, is the same 404
    ua = auth.get_by_code_or_raise(session=x.session, code="UA").id
    theirs = x.session.scalars(select(Person.id).where(Person.space_id == ua)).first()
    assert theirs is not None
    for person_id in (theirs, 999_999):
        with pytest.raises(NotFoundError, match=f"no person with id {person_id}$"):
            _identify(x, "marie", "U-2", person_id)
    with pytest.raises(InputError, match="rests on"):
        remains.identify(session=x.session, actor=x.actors["marie"], agreement_id=x.agreement_id, ref="U-2",
                         person_id=x.persons[0], reason="  ")  # fmt: skip
    assert len(x.session.scalars(select(RemainsIdentification)).all()) == 1


def test_a_sides_coordinator_or_officer_is_refused(exchange: Exchange) -> None:
    x = exchange
    _batches(x)
    for who in ("olena", "ivan", "boris", "uaview", "audrey"):
        with pytest.raises(PermissionDeniedError, match="may not identify remains"):
            _identify(x, who, "R-1", x.persons[0])
    assert x.session.scalars(select(RemainsIdentification)).all() == []


def test_account_still_passes_after_identifications(exchange: Exchange) -> None:
    x = exchange
    _batches(x)
    for ref, person in zip(("R-1", "R-3", "U-2"), x.persons, strict=False):
        _identify(x, "marie", ref, person)
    x.session.flush()
    report = account(session=x.session)
    assert report.ok, report.violations


def _world(tmp_path: Path) -> tuple[Settings, int, list[int], dict[str, str]]:
    """A committed SQLite database for the API and the command: three parties, a mediator, a coordinator, one batch."""
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'r.db'}")
    database = bootstrap(settings)
    with database.unit_of_work(actor="cli:setup") as uow:
        session = uow.session
        operator = auth.operator("cli:setup")
        for code, name in (("UA", "Ukraine"), ("RU", "Russia")):
            auth.create(session=session, code=code, name=name)
        auth.create(session=session, code="ICRC", name="Mediator", kind=PartyKind.MEDIATOR)
        tokens = {}
        for name, role, party in (("marie", "mediator", "ICRC"), ("ivan", "party_coordinator", "RU")):
            _user, tokens[name] = auth.create_user(session=session, name=name, role=role, party_code=party)
        path = tmp_path / "ru.csv"
        path.write_text(HOLDS["RU"], encoding="utf-8")
        submit_list(session=session, actor=operator, path=path, party_code="RU", kind="custody", share_with=("ICRC",))
        category = {"name": "remains", "format": "n_for_n", "quota": 5, "rule": {"remains": True}}
        agreement = agreements.create(session=session, title="t", signed_on=dt.date(2025, 6, 2), reference_date=DAY,
                                      categories=[category])  # fmt: skip
        remains.create_batch(session=session, actor=operator, agreement_id=agreement.id, party_code="RU", date=DAY,
                             refs=["R-1", "R-2"])  # fmt: skip
        icrc = auth.get_by_code_or_raise(session=session, code="ICRC").id
        persons = list(session.scalars(select(Person.id).where(Person.space_id == icrc).order_by(Person.id)))
        agreement_id = agreement.id
        uow.commit()
    database.engine.dispose()
    return settings, agreement_id, persons, tokens


def test_the_api_identifies_for_the_mediator_and_refuses_a_side(tmp_path: Path) -> None:
    settings, agreement_id, persons, tokens = _world(tmp_path)
    database = bootstrap(settings)
    app = create_app(settings, database=database)
    app.state.database = database  # as the lifespan would
    client = TestClient(app)
    url = f"/api/v1/exchanges/remains/{agreement_id}/identifications"
    body = {"ref": "R-1", "person_id": persons[0], "reason": REASON}
    ivan = {"Authorization": f"Bearer {tokens['ivan']}"}
    marie = {"Authorization": f"Bearer {tokens['marie']}"}
    assert client.post(url, headers=ivan, json=body).status_code == 403
    made = client.post(url, headers=marie, json=body)
    assert made.status_code == 201, made.text
    assert made.json()["ref"] == "R-1" and made.json()["person_id"] == persons[0]
    assert client.post(url, headers=marie, json={**body, "ref": "R-9"}).status_code == 422
    assert client.post(url, headers=marie, json={**body, "person_id": persons[1]}).status_code == 409
    assert client.post("/api/v1/exchanges/remains/999/identifications", headers=marie, json=body).status_code == 404
    totals = f"/api/v1/exchanges/remains/{agreement_id}"
    mediator_view = client.get(totals, headers=marie).json()["sides"]["RU"]["batches"][0]
    assert mediator_view["identified"]["R-1"]["person_id"] == persons[0]
    assert "identified" not in client.get(totals, headers=ivan).json()["sides"]["RU"]["batches"][0]
    database.engine.dispose()


def test_the_command_identifies_and_says_so(tmp_path: Path) -> None:
    settings, agreement_id, persons, _tokens = _world(tmp_path)
    root = Path(__file__).resolve().parents[3]  # this checkout's code, whatever the caller's relative PYTHONPATH
    env = {**os.environ, "UNFORGOTTEN_DATABASE_URL": settings.database_url,
           "UNFORGOTTEN_SECRET_KEY": get_settings().secret_key,  # the one the audit data keys were wrapped with
           "PYTHONPATH": os.pathsep.join([str(root / "src"), str(root)])}  # fmt: skip

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "unforgotten", "remains", "identify", "--agreement",
                               str(agreement_id), *args], env=env, cwd=tmp_path, capture_output=True, text=True,
                              timeout=120)  # fmt: skip

    done = cli("--ref", "R-2", "--person", str(persons[1]), "--reason", REASON, "--as", "marie")
    assert done.returncode == 0, done.stderr
    assert f"reference R-2 (batch 1) is person {persons[1]}" in done.stdout
    refused = cli("--ref", "R-1", "--person", str(persons[1]), "--reason", REASON, "--as", "ivan")
    assert refused.returncode != 0 and "may not identify remains" in refused.stdout + refused.stderr
    unknown = cli("--ref", "R-77", "--person", str(persons[1]), "--reason", REASON, "--as", "marie")
    assert unknown.returncode != 0 and "R-77" in unknown.stdout + unknown.stderr
