"""The file a list came from is kept whole (issue 11, item 1): read back byte for byte by whoever may see the list,
by nobody else, once per content, and a stored file altered in the database is caught, not served."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from unforgotten.auth import service as auth
from unforgotten.errors import IntegrityError, NotFoundError
from unforgotten.lists import service as lists
from unforgotten.lists.models import StoredFile
from unforgotten.lists.originals import read_original

# cp1251, a stray quote and a BOM-less header: the bytes as a clerk's machine wrote them, not as we read them.
CONTENT = 'ПІБ;Дата народження\r\nШевчук Роман;19.04.1990\r\n"Гнатюк Петро;03.02.1985\r\n'.encode("cp1251")


def test_the_original_file_comes_back_byte_for_byte_to_those_who_see_the_list(session: Session, tmp_path: Path) -> None:
    auth.create(session=session, code="UA", name="UA")
    auth.create(session=session, code="RU", name="RU")
    path = tmp_path / "список.csv"
    path.write_bytes(CONTENT)
    outcome = lists.import_file(session=session, path=path, party_code="UA", kind="request", submitted_by="t")
    name, content = read_original(session=session, actor=auth.operator("t"), list_id=outcome.list_id)
    assert (name, content) == ("список.csv", CONTENT)
    ru_user, _ = auth.create_user(session=session, name="ru", role="party_coordinator", party_code="RU")
    with pytest.raises(NotFoundError):  # RU does not see UA's list, so not its file either
        read_original(session=session, actor=auth.actor_for(session=session, user=ru_user), list_id=outcome.list_id)
    # Once per content: the same bytes as another party's list are stored once.
    again = tmp_path / "copy.csv"
    again.write_bytes(CONTENT)
    lists.import_file(session=session, path=again, party_code="RU", kind="custody", submitted_by="t")
    assert session.scalar(sa.select(sa.func.count()).select_from(StoredFile)) == 1


def test_a_stored_file_altered_in_the_database_is_refused(session: Session, tmp_path: Path) -> None:
    import zlib

    auth.create(session=session, code="UA", name="UA")
    path = tmp_path / "list.csv"
    path.write_bytes(CONTENT)
    outcome = lists.import_file(session=session, path=path, party_code="UA", kind="request", submitted_by="t")
    forged = zlib.compress(CONTENT.replace("Шевчук".encode("cp1251"), "Петрук".encode("cp1251")))
    session.execute(sa.update(StoredFile).values(content=forged))
    session.expire_all()
    with pytest.raises(IntegrityError, match="does not match the hash"):
        read_original(session=session, actor=auth.operator("t"), list_id=outcome.list_id)
