"""Request bodies are capped (issue 11, item 2): an upload over the limit is refused with 413 problem+json naming
the limit, before it is read — whether it declares its length or arrives in chunks — and nothing is imported."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from unforgotten.app import create_app
from unforgotten.auth import service as auth
from unforgotten.bootstrap import bootstrap
from unforgotten.lists.models import List
from unforgotten.settings import Settings


@pytest.fixture
def limited(tmp_path: Path) -> Iterator[tuple[TestClient, str, sa.Engine]]:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'api.db'}", max_upload_mb=1, max_body_kb=4)
    database = bootstrap(settings)
    with database.unit_of_work(actor="test") as uow:
        auth.create(session=uow.session, code="UA", name="Ukraine")
        token = auth.create_user(session=uow.session, name="ua", role="party_coordinator", party_code="UA")[1]
        uow.commit()
    with TestClient(create_app(settings, database=database)) as client:
        yield client, token, database.engine


def _csv(rows: int) -> bytes:
    lines = ["ПІБ;Дата народження"] + [f"Шевченко Тарас Григорович {i};09.03.1990" for i in range(rows)]
    return "\n".join(lines).encode("utf-8")


def _lists(engine: sa.Engine) -> int:
    with engine.connect() as connection:
        return int(connection.scalar(sa.select(sa.func.count()).select_from(List)) or 0)


def test_an_upload_over_the_limit_is_refused_and_names_the_limit(limited: tuple[TestClient, str, sa.Engine]) -> None:
    client, token, engine = limited
    big = _csv(40_000)  # about 1.6 MB, over the 1 MB limit
    assert len(big) > 1 << 20
    response = client.post(
        "/api/v1/lists",
        headers={"Authorization": f"Bearer {token}"},
        files={"file": ("big.csv", big, "text/csv")},
        data={"kind": "custody"},
    )
    assert response.status_code == 413
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "1 MB (UNFORGOTTEN_MAX_UPLOAD_MB)" in response.json()["detail"]
    assert "Шевченко" not in response.text  # no row data in an error
    assert _lists(engine) == 0


def test_a_chunked_upload_is_counted_as_it_arrives(limited: tuple[TestClient, str, sa.Engine]) -> None:
    client, token, engine = limited
    boundary = "b0undary"
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\ncustody\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.csv\"\r\n"
            "Content-Type: text/csv\r\n\r\n").encode()  # fmt: skip

    def body() -> Iterator[bytes]:  # no Content-Length: a generator body is sent chunked
        yield head
        data = _csv(40_000)
        for start in range(0, len(data), 64 * 1024):
            yield data[start : start + 64 * 1024]
        yield f"\r\n--{boundary}--\r\n".encode()

    response = client.post(
        "/api/v1/lists",
        headers={"Authorization": f"Bearer {token}", "Content-Type": f"multipart/form-data; boundary={boundary}"},
        content=body(),
    )
    assert response.status_code == 413, response.text
    assert "UNFORGOTTEN_MAX_UPLOAD_MB" in response.json()["detail"]
    assert _lists(engine) == 0


def test_an_upload_under_the_limit_is_imported(limited: tuple[TestClient, str, sa.Engine]) -> None:
    client, token, engine = limited
    response = client.post(
        "/api/v1/lists",
        headers={"Authorization": f"Bearer {token}"},
        files={"file": ("small.csv", _csv(20), "text/csv")},
        data={"kind": "custody"},
    )
    assert response.status_code == 201, response.text
    assert _lists(engine) == 1


def test_a_json_body_over_its_limit_is_refused(limited: tuple[TestClient, str, sa.Engine]) -> None:
    client, token, _ = limited
    response = client.post(
        "/api/v1/lists/1/shares",
        headers={"Authorization": f"Bearer {token}"},
        json={"party": "RU" * 5000},
    )
    assert response.status_code == 413
    assert "4 KB (UNFORGOTTEN_MAX_BODY_KB)" in response.json()["detail"]
