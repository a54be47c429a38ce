"""The list page shows where a list came from and every finding (issue 11 item 1, issue 12), in a real browser too."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from unforgotten.app import create_app
from unforgotten.auth import service as auth
from unforgotten.bootstrap import bootstrap
from unforgotten.lists import service as lists
from unforgotten.persons import flows
from unforgotten.settings import Settings


def _app(tmp_path: Path) -> tuple[TestClient, int]:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'page.db'}")
    database = bootstrap(settings)
    path = tmp_path / "запити.csv"
    path.write_text(
        "ПІБ;Дата народження;Військова частина\n"
        "Шевчук Роман Ярославович;31.02.1990;А0769\n"  # an impossible date: dropped, with a warning
        f";;\n{'Коваленко' * 30};12.03.1990;А1\n"  # a blank row, and a name too long for its column
        "Гнатюк Петро Іванович;03.02.1985;=1+1\n",  # a formula-like value
        encoding="utf-8",
    )
    with database.unit_of_work(actor="test") as uow:
        auth.create(session=uow.session, code="UA", name="UA")
        outcome = lists.import_file(session=uow.session, path=path, party_code="UA", kind="request",
                                    submitted_by="test")  # fmt: skip
        uow.commit()
    with database.unit_of_work(actor="test") as uow:
        flows.withdraw_list(session=uow.session, actor=auth.operator("test"), list_id=outcome.list_id,
                            reason="sent twice")  # fmt: skip
        uow.commit()
    return TestClient(create_app(settings, database=database)), outcome.list_id


def test_the_list_page_shows_rows_findings_and_the_withdrawal(tmp_path: Path) -> None:
    client, list_id = _app(tmp_path)
    with client:
        page = client.get(f"/lists/{list_id}")
        missing = client.get("/lists/999")
        original = client.get(f"/lists/{list_id}/original")
    assert page.status_code == 200, page.text
    html = page.text
    for text in ("запити", "date_dropped", "value_too_long", "sent twice", "the file as it was sent"):
        assert text in html, text
    assert missing.status_code == 404
    assert original.status_code == 200 and "Шевчук".encode() in original.content
