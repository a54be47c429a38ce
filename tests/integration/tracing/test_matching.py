"""Matching handed-over tracing requests against the other side's records (issue 14 item 3): proposals go to the
mediator's review queue with their reasons, nothing is accepted, a rerun proposes nothing twice, and the requesting
side sees neither the proposals nor the other side's records."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.integration.tracing.world import setup

from unforgotten.app import create_app
from unforgotten.audit.models import Event
from unforgotten.auth import service as auth
from unforgotten.auth.service import Actor
from unforgotten.bootstrap import bootstrap
from unforgotten.errors import NotFoundError, PermissionDeniedError
from unforgotten.lists import service as lists
from unforgotten.lists.models import Entry
from unforgotten.persons import review
from unforgotten.persons.flows import share_list, submit_list
from unforgotten.persons.models import Match, MatchState
from unforgotten.settings import Settings
from unforgotten.tracing import matching, service
from unforgotten.tracing.models import Proposal

# RU's custody list: C-1 (Коваленко Олександр, Херсон, father Петро) as Смирнов Александр, born a year later; C-2
# as written; an adult; and C-3's sister (another name, same family and town).
CUSTODY_CSV = (
    "record_id,family_name,given_name,date_of_birth,place_of_birth,father_name\n"
    "R-1,Смирнов,Александр,2015-03-12,,Пётр\n"
    "R-2,Шевчук,Мария,2016-07-05,Алешки,Иван\n"
    "R-3,Петренко,Иван,1990-01-01,Москва,\n"
    "R-4,Мельник,Анна,2010-05-02,Голая Пристань,Степан\n"
)


def _world(session: Session, tmp: Path) -> tuple[dict[str, Actor], dict[str, str], int, int]:
    actors, tokens, tracing_list = setup(session, tmp)
    service.handover(
        session=session, actor=actors["ua_coord"], list_id=tracing_list, to_party="RU", on=dt.date(2025, 6, 2)
    )
    path = tmp / "custody.csv"
    path.write_text(CUSTODY_CSV, encoding="utf-8")
    custody = submit_list(
        session=session, actor=auth.operator("cli:test"), path=path, party_code="RU", kind="custody"
    ).outcome.list_id
    share_list(session=session, actor=actors["ru_coord"], list_id=custody, party_code="ICRC")
    return actors, tokens, tracing_list, custody


def _record_id(session: Session, match: Match, space: int) -> set[str]:
    """The record ids of the entries of the person a match proposes."""
    entries = select(Match.entry_id).where(
        Match.person_id == match.person_id, Match.space_id == space, Match.state == MatchState.ACCEPTED
    )
    return set(session.scalars(select(Entry.record_id).where(Entry.id.in_(entries))))


def test_proposals_wait_for_the_mediator_with_their_reasons(session: Session, tmp_path: Path) -> None:
    actors, _, _, _ = _world(session, tmp_path)
    mediator = actors["mediator"]
    space = auth.get_mediator(session=session).id  # type: ignore[union-attr]
    for name in ("ua_coord", "ua_tracer", "ru_coord", "ru_tracer"):
        with pytest.raises(PermissionDeniedError):
            matching.match(session=session, actor=actors[name])

    report = matching.match(session=session, actor=mediator)
    assert report.requests == 3 and report.records == 4
    assert report.new >= 1 and report.proposals >= 1
    proposed = session.scalars(select(Match).where(Match.decided_by == matching.PROPOSED_BY)).all()
    assert proposed and all(m.state == MatchState.PENDING and m.space_id == space for m in proposed)
    by_request = {
        session.get(Entry, m.entry_id).record_id: (m, _record_id(session, m, space))  # type: ignore[union-attr]
        for m in proposed
    }
    first, records = by_request["C-1"]
    assert "R-1" in records and first.probability is not None and first.probability >= 0.5
    assert first.explanation["family_name"]["level"] == "differs (weak)"
    assert first.explanation["given_name"]["level"] == "same name group"
    assert first.explanation["dob"]["level"] == "year off by one"
    assert first.explanation["father_name"]["level"] == "same name group"
    assert "R-4" not in {r for _, rs in by_request.values() for r in rs}  # the sister is no candidate
    # In the mediator's review queue, nothing accepted; an audited run.
    assert {m.id for m in proposed} <= {m.id for m in review.get_pending(session=session, actor=mediator)}
    events = session.scalars(select(Event).where(Event.action == "tracing.matched")).all()
    assert events and events[-1].after["new"] == report.new  # type: ignore[index]

    again = matching.match(session=session, actor=mediator)
    assert again.new == 0 and again.already_proposed == report.new
    assert len(session.scalars(select(Match).where(Match.decided_by == matching.PROPOSED_BY)).all()) == len(proposed)

    assert len(session.scalars(select(Proposal)).all()) == len(proposed)
    review.reject(session=session, actor=mediator, match_id=first.id, reason="another child")
    assert matching.match(session=session, actor=mediator).new == 0  # a rejected proposal is not made again
    others = [m for m in proposed if m.id != first.id]
    if others:  # a reviewer's accept is what links: the request's entry now belongs to the record's person
        accepted = review.accept(session=session, actor=mediator, match_id=others[0].id, reason="same child")
        assert accepted.state == MatchState.ACCEPTED and accepted.decided_by == "mediator"


def test_the_requesting_side_sees_neither_proposals_nor_the_other_sides_records(
    session: Session, tmp_path: Path
) -> None:
    actors, _, _, custody = _world(session, tmp_path)
    matching.match(session=session, actor=actors["mediator"])
    proposed = session.scalars(select(Match).where(Match.decided_by == matching.PROPOSED_BY)).all()
    assert proposed
    for name in ("ua_coord", "ua_tracer"):
        actor = actors[name]
        assert not {m.id for m in proposed} & {m.id for m in review.get_pending(session=session, actor=actor)}
        for match in proposed:
            with pytest.raises(NotFoundError):
                review.get_visible_match_or_raise(session=session, actor=actor, match_id=match.id)
        with pytest.raises(NotFoundError):
            lists.get_visible_or_raise(session=session, actor=actor, list_id=custody)


def test_the_api_runs_for_the_mediator_only_and_hides_the_queue_from_the_requesting_side(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 't.db'}", environment="production", secret_key="k" * 40)
    database = bootstrap(settings)
    with database.unit_of_work(actor="cli:setup") as uow:
        _, tokens, _, custody = _world(uow.session, tmp_path)
        uow.commit()
    app = create_app(settings, database=database)
    app.state.database = database
    client = TestClient(app)

    def headers(name: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {tokens[name]}"}

    assert client.post("/api/v1/tracing/match", headers=headers("ua_coord")).status_code == 403
    answer = client.post("/api/v1/tracing/match", headers=headers("mediator"))
    assert answer.status_code == 200, answer.text
    assert answer.json()["new"] >= 1
    queue = client.get("/api/v1/review", headers=headers("mediator")).json()
    ours = [m for m in queue if m["decided_by"] == matching.PROPOSED_BY]
    assert ours
    for name in ("ua_coord", "ua_tracer"):
        seen = client.get("/api/v1/review", headers=headers(name))
        assert seen.status_code in (200, 403)
        if seen.status_code == 200:
            assert not {m["id"] for m in seen.json()} & {m["id"] for m in ours}
        for m in ours:
            accept = client.post(f"/api/v1/review/{m['id']}/accept", headers=headers(name), json={"reason": "x"})
            assert accept.status_code == 404
        assert client.get(f"/api/v1/lists/{custody}", headers=headers(name)).status_code == 404
