"""Every tracing endpoint, called as the other side's coordinator: nothing beyond what was handed over (404 for
every request, nothing listed, nothing written); viewing a child's record writes an access event."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.integration.tracing.world import setup

from unforgotten.app import create_app
from unforgotten.audit.models import Event
from unforgotten.bootstrap import bootstrap
from unforgotten.settings import Settings
from unforgotten.tracing import service
from unforgotten.tracing.models import TracingResponse


def test_the_other_coordinator_gets_nothing_and_views_are_access_events(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 't.db'}", environment="production", secret_key="k" * 40)
    database = bootstrap(settings)
    with database.unit_of_work(actor="cli:setup") as uow:
        actors, tokens, list_id = setup(uow.session, tmp_path)
        service.handover(
            session=uow.session, actor=actors["ua_coord"], list_id=list_id, to_party="RU", on=dt.date(2025, 6, 2)
        )
        request_ids = [r.id for r in service.get_all(session=uow.session, actor=actors["ua_tracer"])]
        uow.commit()
    app = create_app(settings, database=database)
    app.state.database = database
    client = TestClient(app)
    paths = sorted(p for p in app.openapi()["paths"] if p.startswith("/api/v1/tracing"))
    assert len(paths) >= 7
    ru = {"Authorization": f"Bearer {tokens['ru_coord']}"}
    for request_id in [*request_ids, 999]:
        assert client.get(f"/api/v1/tracing/requests/{request_id}", headers=ru).status_code == 404
        answer = {"outcome": "located", "responded_on": "2025-06-10", "place": "x"}
        assert (
            client.post(f"/api/v1/tracing/requests/{request_id}/responses", headers=ru, json=answer).status_code == 404
        )
        reunion = {"reunited_on": "2025-07-01", "place": "x", "with_whom": "y"}
        assert (
            client.post(f"/api/v1/tracing/requests/{request_id}/reunification", headers=ru, json=reunion).status_code
            == 404
        )
    assert client.get("/api/v1/tracing/requests", headers=ru).json() == []
    assert client.get("/api/v1/tracing/overdue?as_of=2026-01-01", headers=ru).json() == []
    handing = client.post(
        f"/api/v1/tracing/lists/{list_id}/handover", headers=ru, json={"to": "UA", "on": "2025-06-03"}
    )
    assert handing.status_code == 403  # the list was handed over to RU, so RU sees it, but it is not RU's to hand
    applied = client.post(f"/api/v1/tracing/lists/{list_id}/responses", headers=ru)
    assert applied.status_code == 403
    with database.read() as session:
        assert session.scalars(select(TracingResponse)).all() == []

    tracer = {"Authorization": f"Bearer {tokens['ru_tracer']}"}
    seen = client.get(f"/api/v1/tracing/requests/{request_ids[0]}", headers=tracer)
    assert seen.status_code == 200 and seen.json()["guardian_contact"] is None
    with database.read() as session:
        events = session.execute(select(Event.actor, Event.subject_id).where(Event.action == "access.child_viewed"))
        assert [tuple(e) for e in events] == [("api:ru_tracer", str(request_ids[0]))]
    database.engine.dispose()
