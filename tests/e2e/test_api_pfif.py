"""``GET /api/v1/pfif/persons``: the persons a caller may see, as PFIF 1.4 — and nothing from lists they may not."""

from __future__ import annotations

import os
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

from fastapi.testclient import TestClient

from unforgotten.app import create_app
from unforgotten.auth import service as auth
from unforgotten.auth.models import PartyKind
from unforgotten.bootstrap import bootstrap
from unforgotten.lists import service as lists
from unforgotten.persons.flows import link_all
from unforgotten.settings import Settings

NS = {"p": "http://zesty.ca/pfif/1.4"}


def test_a_party_exports_its_own_persons_and_the_mediator_what_was_shared(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'api.db'}")
    database = bootstrap(settings)
    ua_list, ru_list = tmp_path / "ua.csv", tmp_path / "ru.csv"
    ua_list.write_text("Прізвище;Ім'я;Дата народження\nШевченко;Олександр;12.03.1999\n", encoding="utf-8")
    ru_list.write_text("Фамилия;Имя;Дата рождения\nШевченко;Александр;12.03.1999\nПетров;Игорь;01.01.1980\n",
                       encoding="utf-8")  # fmt: skip
    with database.unit_of_work(actor="test") as uow:
        s = uow.session
        auth.create(session=s, code="UA", name="Ukraine")
        auth.create(session=s, code="RU", name="Russia")
        auth.create(session=s, code="ICRC", name="Mediator", kind=PartyKind.MEDIATOR)
        ua = auth.create_user(session=s, name="ua", role="party_coordinator", party_code="UA")[1]
        icrc = auth.create_user(session=s, name="icrc", role="mediator", party_code="ICRC")[1]
        lists.import_file(session=s, path=ua_list, party_code="UA", kind="request", submitted_by="test")
        ru = lists.import_file(session=s, path=ru_list, party_code="RU", kind="custody", submitted_by="test")
        lists.share_with(session=s, list_id=ru.list_id, party_code="ICRC")
        link_all(session=s, decided_by="test")
        uow.commit()
    before = {f for f in os.listdir(tempfile.gettempdir()) if f.startswith("unforgotten-pfif-")}  # other runs' files
    with TestClient(create_app(settings, database=database)) as client:

        def export(token: str) -> list[list[str]]:
            response = client.get("/api/v1/pfif/persons", headers={"Authorization": f"Bearer {token}"})
            assert response.status_code == 200 and response.headers["content-type"].startswith("application/xml")
            root = ET.fromstring(response.content)
            return [[n.findtext("p:text", namespaces=NS) or "" for n in p.findall("p:note", NS)]
                    for p in root.findall("p:person", NS)]  # fmt: skip

        [ua_notes] = export(ua)  # one person, Шевченко, seen through UA's own request only
        assert len(ua_notes) == 1 and ua_notes[0].startswith("Listed by UA on request list")
        icrc_persons = export(icrc)  # the shared custody list: Шевченко (same person) and Петров
        assert len(icrc_persons) == 2 and all(n.startswith("Listed by RU") for notes in icrc_persons for n in notes)
        leftovers = {f for f in os.listdir(tempfile.gettempdir()) if f.startswith("unforgotten-pfif-")} - before
        assert leftovers == set(), "the temporary export files were not removed after sending"
        anonymous = client.get("/api/v1/pfif/persons")
        assert anonymous.status_code == 401 and anonymous.headers["content-type"] == "application/problem+json"
