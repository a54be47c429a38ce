"""Tracing requests: who sees a child, hand-over deadlines, answers one by one and by file, reunion, overdue."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy.orm import Session
from tests.integration.tracing.world import setup

from unforgotten.auth.service import operator
from unforgotten.errors import ConflictError, InputError, NotFoundError, PermissionDeniedError
from unforgotten.tracing import flows, service

JUNE_2 = dt.date(2025, 6, 2)


def _ids(session: Session, actor_name: str, actors: dict) -> list[int]:
    return [r.id for r in service.get_all(session=session, actor=actors[actor_name])]


def test_requests_are_seen_only_by_those_who_need_them(session: Session, tmp_path: Path) -> None:
    actors, _, list_id = setup(session, tmp_path)
    assert service.register(session=session, actor=actors["ua_tracer"], list_id=list_id) == 3
    assert service.register(session=session, actor=actors["ua_tracer"], list_id=list_id) == 0  # idempotent
    first = _ids(session, "ua_tracer", actors)[0]
    for name in ("ru_tracer", "ru_coord", "mediator", "ua_viewer", "auditor"):
        assert _ids(session, name, actors) == [], name
        with pytest.raises(NotFoundError):
            service.get_visible_or_raise(session=session, actor=actors[name], request_id=first)
    assert len(_ids(session, "ua_coord", actors)) == 3

    with pytest.raises(InputError) as bad:
        service.handover(
            session=session,
            actor=actors["ua_coord"],
            list_id=list_id,
            to_party="RU",
            on=JUNE_2,
            deadline=dt.date(2025, 6, 1),
        )
    assert bad.value.column == "deadline"
    with pytest.raises(PermissionDeniedError):
        service.handover(session=session, actor=actors["ua_tracer"], list_id=list_id, to_party="RU", on=JUNE_2)
    made = service.handover(session=session, actor=actors["ua_coord"], list_id=list_id, to_party="RU", on=JUNE_2)
    assert made.deadline == JUNE_2 + dt.timedelta(days=30)
    with pytest.raises(ConflictError):
        service.handover(session=session, actor=actors["ua_coord"], list_id=list_id, to_party="RU", on=JUNE_2)

    assert len(_ids(session, "ru_tracer", actors)) == 3
    assert len(_ids(session, "mediator", actors)) == 3
    assert _ids(session, "ru_coord", actors) == []  # the other side's coordinator: the list, not the requests
    assert service.overdue(session=session, actor=actors["ru_coord"], as_of=dt.date(2026, 1, 1)) == []
    seen = service.view(
        session=session,
        actor=actors["ru_tracer"],
        request=service.get_visible_or_raise(session=session, actor=actors["ru_tracer"], request_id=first),
    )
    assert seen["family_name"] == "Коваленко" and seen["guardian_contact"] is None and seen["removal_place"] == "Херсон"
    own = service.view(
        session=session,
        actor=actors["ua_tracer"],
        request=service.get_visible_or_raise(session=session, actor=actors["ua_tracer"], request_id=first),
    )
    assert own["guardian_contact"] == "+380 00 000 0001"


def test_answers_follow_up_and_overdue(session: Session, tmp_path: Path) -> None:
    actors, _, list_id = setup(session, tmp_path)
    service.handover(session=session, actor=actors["ua_coord"], list_id=list_id, to_party="RU", on=JUNE_2, days=14)
    c1, c2, c3 = _ids(session, "ru_tracer", actors)
    ru = actors["ru_tracer"]
    with pytest.raises(PermissionDeniedError):
        service.respond(
            session=session, actor=actors["ua_tracer"], request_id=c1, outcome="located", responded_on=JUNE_2, place="x"
        )
    with pytest.raises(InputError) as bad:
        service.respond(session=session, actor=ru, request_id=c1, outcome="deceased", responded_on=JUNE_2)
    assert bad.value.column == "evidence"
    service.respond(
        session=session,
        actor=ru,
        request_id=c1,
        outcome="located",
        responded_on=dt.date(2025, 6, 10),
        place="Ростов-на-Дону",
        institution="foster family",
        name_now_used="Александр Иванов",
    )
    with pytest.raises(ConflictError, match="duplicate"):
        service.respond(session=session, actor=ru, request_id=c1, outcome="located", responded_on=JUNE_2, place="y")
    service.respond(session=session, actor=ru, request_id=c2, outcome="no_information", responded_on=JUNE_2)

    late = service.overdue(session=session, actor=actors["ua_tracer"], as_of=dt.date(2025, 7, 1))
    assert [(r.record_id, r.status, r.days_overdue) for r in late] == [("C-3", "sought", 15)]
    later = service.overdue(session=session, actor=actors["ua_tracer"], as_of=dt.date(2025, 7, 15))
    assert {r.record_id: r.status for r in later} == {"C-3": "sought", "C-1": "located"}

    with pytest.raises(PermissionDeniedError):
        service.reunify(session=session, actor=ru, request_id=c1, on=dt.date(2025, 7, 1), place="Київ", with_whom="x")
    service.reunify(
        session=session,
        actor=actors["mediator"],
        request_id=c1,
        on=dt.date(2025, 7, 1),
        place="Київ",
        with_whom="father, Петро Коваленко",
    )
    with pytest.raises(ConflictError):
        service.reunify(
            session=session,
            actor=actors["mediator"],
            request_id=c2,
            on=dt.date(2025, 7, 1),
            place="Київ",
            with_whom="x",
        )
    assert [r.record_id for r in service.overdue(session=session, actor=ru, as_of=dt.date(2025, 7, 15))] == ["C-3"]
    assert c3


def test_a_response_file_applies_known_ids_and_refuses_the_rest(session: Session, tmp_path: Path) -> None:
    actors, _, list_id = setup(session, tmp_path)
    service.handover(session=session, actor=actors["ua_coord"], list_id=list_id, to_party="RU", on=JUNE_2)
    path = tmp_path / "answers.csv"
    path.write_text(
        "record_id,family_name,given_name,date_of_birth,outcome,place,institution,with_whom,name_now_used,evidence,"
        "responded_on\n"
        "C-1,Коваленко,Александр,2014-03-12,located,Таганрог,дитячий будинок №3,,Александр Коваленко,,2025-06-20\n"
        "C-2,Шевчук,Мария,2016-07-05,returned,,,,,,2025-06-21\n"
        "C-9,Петров,Иван,2015-01-01,not_found,,,,,,2025-06-21\n"
        "C-1,Коваленко,Александр,2014-03-12,located,Таганрог,,,,,2025-06-22\n"
        "C-3,Мельник,Богдан,2012-11-21,vanished,,,,,,2025-06-22\n",
        encoding="utf-8",
    )
    with pytest.raises(PermissionDeniedError):
        flows.submit_responses(session=session, actor=actors["ru_coord"], path=path, party_code="RU")
    report = flows.submit_responses(session=session, actor=actors["ru_tracer"], path=path, party_code="RU")
    assert report.applied == 2
    reasons = {r["row"]: r["reason"] for r in report.refused}
    assert "on no tracing list handed over" in reasons[4]
    assert "duplicate" in reasons[5]
    assert "unknown outcome" in reasons[6]
    statuses = {r.record_id: r.status for r in service.get_all(session=session, actor=actors["ua_tracer"])}
    assert statuses == {"C-1": "located", "C-2": "returned", "C-3": "sought"}
    again = flows.apply_responses(session=session, actor=operator("cli:test"), list_id=report.list_id)
    assert again.applied == 0 and again.refused == []  # every row was already accounted for
