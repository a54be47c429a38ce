"""A small app with one party and one list of given counts, for tests that look at pages."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from unforgotten.app import create_app
from unforgotten.auth import service as parties
from unforgotten.bootstrap import bootstrap
from unforgotten.lists.models import List
from unforgotten.settings import Settings


def app_with_one_list(
    tmp_path: Path, *, party: str, kind: str, name: str, rows: int, accepted: int, quarantined: int
) -> FastAPI:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'pages.db'}")
    database = bootstrap(settings)
    with database.unit_of_work(actor="test") as uow:
        owner = parties.create(session=uow.session, code=party, name=party)
        uow.session.add(
            List(
                party_id=owner.id,
                kind=kind,
                name=name,
                file_name=f"{name}.csv",
                file_hash="0" * 64,
                file_format="csv",
                submitted_by="test",
                row_count=rows,
                accepted_count=accepted,
                quarantined_count=quarantined,
            )  # fmt: skip
        )
        uow.commit()
    return create_app(settings, database=database)
