"""A person who arrives at the crossing but is not on the manifest: candidates from the mediator's space only,
found across scripts and explained; the discrepancy keeps the stage open until the mediator resolves it."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from tests.integration.exchanges.conftest import HEADER, Exchange
from tests.integration.exchanges.test_exchange import _approved, _settle, _stage

from unforgotten.audit.models import Event
from unforgotten.auth import service as auth
from unforgotten.errors import ConflictError, InputError, NotFoundError, PermissionDeniedError
from unforgotten.exchanges import handover, unexpected
from unforgotten.exchanges.models import Unexpected
from unforgotten.persons.flows import submit_list
from unforgotten.persons.models import Person

# RU's custody list, shared with the mediator, names him in Cyrillic; UA's own request list, shared with no one,
# names a namesake born another year with a patronymic only it has — it must never be offered.
RU_SHARED = HEADER + "RU-9,Шевченко,Олександр,Петрович,1991-04-04,\nRU-10,Бондар,Тарас,Іванович,1980-02-02,\n"
UA_UNSHARED = HEADER + "UA-9,Шевченко,Олександр,Тарасович,1977-07-07,\n"


@pytest.fixture
def arrivals(exchange: Exchange, tmp_path: Path) -> Exchange:
    operator = auth.operator("cli:test")
    for side, text, share in (("RU", RU_SHARED, ("ICRC",)), ("UA", UA_UNSHARED, ())):
        path = tmp_path / f"{side}_more.csv"
        path.write_text(text, encoding="utf-8")
        submit_list(session=exchange.session, actor=operator, path=path, party_code=side,
                    kind="custody" if side == "RU" else "request", share_with=share)  # fmt: skip
    return exchange


def test_a_latin_name_finds_the_cyrillic_person_with_an_explanation_and_never_the_unshared_list(
    arrivals: Exchange,
) -> None:
    x = arrivals
    stage = _stage(x, _approved(x))
    arrival = unexpected.record(session=x.session, actor=x.actors["marie"], stage_id=stage.id,
                                names="Shevchenko Oleksandr", date_of_birth="1991-04-04", from_side="ru",
                                note="walked over with the group")  # fmt: skip
    icrc = auth.get_by_code_or_raise(session=x.session, code="ICRC").id
    best = arrival.candidates[0]
    person = x.session.get(Person, best["person_id"])
    assert person is not None and person.space_id == icrc
    assert person.display_name == "Шевченко Олександр Петрович"
    assert best["probability"] > 0.9
    assert best["explanation"]["dob"]["level"] == "exact" and best["explanation"]["dob"]["weight"] > 0
    assert "given_name" in best["explanation"]
    # every candidate is the mediator's, and none is the namesake only UA's unshared list knows
    spaces = set(x.session.scalars(select(Person.space_id).where(
        Person.id.in_([c["person_id"] for c in arrival.candidates]))))  # fmt: skip
    assert spaces == {icrc}
    assert all("Тарасович" not in c["name"] for c in arrival.candidates)
    assert arrival.state == "open" and arrival.from_party_id == auth.get_by_code_or_raise(session=x.session,
                                                                                         code="RU").id  # fmt: skip
    # audited: the insert is an event, its names sealed (personal), not in clear
    x.session.flush()
    events = x.session.scalars(select(Event).where(Event.subject_type == "exchange_unexpected")).all()
    assert events and "Shevchenko" not in str(events[-1].after)


def test_a_sides_officer_records_but_sees_no_candidates_and_cannot_resolve(arrivals: Exchange) -> None:
    x = arrivals
    stage = _stage(x, _approved(x))
    arrival = unexpected.record(session=x.session, actor=x.actors["oksana"], stage_id=stage.id,
                                names="Бондар Тарас")  # fmt: skip
    seen = unexpected.view(session=x.session, actor=x.actors["oksana"], arrival=arrival)
    assert "candidates" not in seen and "person_id" not in seen and seen["state"] == "open"
    assert unexpected.view(session=x.session, actor=x.actors["marie"], arrival=arrival)["candidates"]
    with pytest.raises(PermissionDeniedError):
        unexpected.resolve(session=x.session, actor=x.actors["oksana"], unexpected_id=arrival.id, person_id=None,
                           note="x")  # fmt: skip
    with pytest.raises(PermissionDeniedError):  # a viewer reads, never records
        unexpected.record(session=x.session, actor=x.actors["uaview"], stage_id=stage.id, names="Бондар Тарас")
    with pytest.raises(NotFoundError):  # an auditor is party to no plan: the same 404 as a missing stage
        unexpected.record(session=x.session, actor=x.actors["audrey"], stage_id=stage.id, names="Бондар Тарас")
    with pytest.raises(InputError, match="YYYY"):
        unexpected.record(session=x.session, actor=x.actors["marie"], stage_id=stage.id, names="A B",
                          date_of_birth="12.03.1990")  # fmt: skip
    with pytest.raises(InputError, match="sides"):
        unexpected.record(session=x.session, actor=x.actors["marie"], stage_id=stage.id, names="A B", from_side="XX")


def test_close_is_refused_while_an_arrival_is_unresolved_and_the_act_lists_it(arrivals: Exchange) -> None:
    x = arrivals
    stage = _stage(x, _approved(x))
    _settle(x, stage)
    arrival = unexpected.record(session=x.session, actor=x.actors["boris"], stage_id=stage.id,
                                names="Shevchenko Oleksandr")  # fmt: skip
    with pytest.raises(ConflictError, match=rf"unresolved unexpected person.*#{arrival.id} 'Shevchenko Oleksandr'"):
        handover.close(session=x.session, actor=x.actors["marie"], stage_id=stage.id)
    with pytest.raises(InputError, match="what was done"):
        unexpected.resolve(session=x.session, actor=x.actors["marie"], unexpected_id=arrival.id, person_id=None)
    stranger = max(x.session.scalars(select(Person.id))) + 1
    with pytest.raises(InputError, match="not a candidate"):
        unexpected.resolve(session=x.session, actor=x.actors["marie"], unexpected_id=arrival.id, person_id=stranger)
    chosen = arrival.candidates[0]["person_id"]
    unexpected.resolve(session=x.session, actor=x.actors["marie"], unexpected_id=arrival.id, person_id=chosen,
                       note="identified at the crossing")  # fmt: skip
    with pytest.raises(ConflictError, match="already resolved"):
        unexpected.resolve(session=x.session, actor=x.actors["marie"], unexpected_id=arrival.id, person_id=None,
                           note="changed my mind")  # fmt: skip
    act = handover.close(session=x.session, actor=x.actors["marie"], stage_id=stage.id)
    (listed,) = act.payload["discrepancies"]
    assert listed["kind"] == "unexpected_person" and listed["person"] == f"ICRC:{chosen}"
    assert listed["names"] == "Shevchenko Oleksandr" and listed["recorded_by"] == "boris"
    assert listed["person_name"] == "Шевченко Олександр Петрович"
    assert {"persons", "totals", "stage", "parties", "closed_by"} <= act.payload.keys()  # the keys of format 1 stay
    with pytest.raises(ConflictError, match="closed"):
        unexpected.record(session=x.session, actor=x.actors["marie"], stage_id=stage.id, names="Late Arrival")
    assert x.session.scalars(select(Unexpected.state)).all() == ["resolved"]
