"""Importing lists into the database: counts add up, re-import is a no-op, versions diff, export round-trips."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from unforgotten.audit.flows import account
from unforgotten.auth import service as auth
from unforgotten.auth.service import operator
from unforgotten.columns import CANONICAL_COLUMNS
from unforgotten.errors import FileReadError, InputError
from unforgotten.lists import service as lists
from unforgotten.lists.models import Entry

HEADER = "Прізвище;Ім'я;По батькові;Дата народження;Особистий номер\n"


@pytest.fixture
def party(session: Session) -> str:
    auth.create(session=session, code="UA", name="Ukraine")
    return "UA"


def write(path: Path, body: str) -> Path:
    path.write_text(HEADER + body, encoding="cp1251")
    return path


def test_counts_add_up_and_reimport_changes_nothing(session: Session, party: str, tmp_path: Path) -> None:
    path = write(tmp_path / "ua_request.csv", "Шевченко;Олександр;Іванович;12.03.1999;A1\n;;;;\n;;;01.01.1990;A2\n"
                 "Коваль;Ірина;;31.02.1990;A3\n")  # fmt: skip
    first = lists.import_file(session=session, path=path, party_code=party, kind="request", submitted_by="t")
    assert (first.rows, first.accepted, first.quarantined, first.blank) == (4, 2, 1, 1)
    events_before = session.scalar(sa.text("SELECT count(*) FROM events"))
    again = lists.import_file(session=session, path=path, party_code=party, kind="request", submitted_by="t")
    assert again.unchanged and again.list_id == first.list_id
    assert session.scalar(sa.text("SELECT count(*) FROM events")) == events_before
    assert session.scalar(sa.select(sa.func.count()).select_from(Entry)) == 4
    quarantined = lists.get_entries(session=session, list_id=first.list_id, status="quarantined")
    assert quarantined[0].row_number == 4 and "no_name" in {f["code"] for f in quarantined[0].findings}


def test_new_version_with_diff(session: Session, party: str, tmp_path: Path) -> None:
    v1 = write(tmp_path / "v1.csv", "Шевченко;Олександр;Іванович;12.03.1999;A1\nКоваль;Ірина;;1990;A2\n")
    v2 = write(tmp_path / "v2.csv", "Шевченко;Олександр;Іванович;12.03.1998;A1\nМельник;Петро;;1980;A3\n")
    first = lists.import_file(session=session, path=v1, party_code=party, kind="request", submitted_by="t", name="r")
    second = lists.import_file(session=session, path=v2, party_code=party, kind="request", submitted_by="t", name="r")
    assert (first.version, second.version) == (1, 2)
    assert second.diff == {"added": 1, "removed": 1, "changed": 1, "unchanged": 0}


def test_export_round_trips(session: Session, party: str, tmp_path: Path) -> None:
    path = write(tmp_path / "l.csv", "ШЕВЧЕНКО;Олександр;Іванович;12.03.1999;A1\nКоваль;Ірина;;1990-05;A2\n")
    outcome = lists.import_file(session=session, path=path, party_code=party, kind="request", submitted_by="t")
    out = tmp_path / "out.csv"
    assert lists.export_entries(session=session, actor=operator("t"), list_id=outcome.list_id, path=out) == 2
    with out.open(encoding="utf-8-sig") as handle:  # exports carry a BOM, for Excel on a Cyrillic Windows
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == list(CANONICAL_COLUMNS)
    assert rows[0]["family_name"] == "ШЕВЧЕНКО" and rows[1]["date_of_birth"] == "1990-05"
    reimported = lists.import_file(session=session, path=out, party_code=party, kind="custody", submitted_by="t")
    assert reimported.accepted == 2


def test_accounting_catches_a_deleted_entry(session: Session, party: str, tmp_path: Path) -> None:
    path = write(tmp_path / "l.csv", "Шевченко;Олександр;Іванович;12.03.1999;A1\n")
    lists.import_file(session=session, path=path, party_code=party, kind="request", submitted_by="t")
    assert not [v for v in account(session=session).violations if v.check != "entry → one person"]
    session.execute(sa.text("DELETE FROM entries"))
    checks = {v.check for v in account(session=session).violations}
    assert {"rows = entries", "entries unchanged"} <= checks


def test_bad_input_is_refused_clearly(session: Session, party: str, tmp_path: Path) -> None:
    with pytest.raises(FileReadError, match="not found"):
        lists.import_file(
            session=session, path=tmp_path / "nope.csv", party_code=party, kind="request", submitted_by="t"
        )
    with pytest.raises(InputError, match="kind"):
        lists.import_file(session=session, path=tmp_path / "nope.csv", party_code=party, kind="held", submitted_by="t")


def test_duplicate_record_ids_are_flagged_after_the_first(session: Session, party: str, tmp_path: Path) -> None:
    path = tmp_path / "ids.csv"
    path.write_text(
        "record_id,family_name,given_name\nA1,Шевченко,Олександр\nA2,Коваль,Ірина\nA1,Шевченко,Олександр\n"
        "A1,Шевченко,Олексій\n",
        encoding="utf-8",
    )
    outcome = lists.import_file(session=session, path=path, party_code=party, kind="request", submitted_by="t")
    assert outcome.accepted == 4  # a warning, not an error: the rows are kept
    flagged = {
        e.row_number: f["message"]
        for e in lists.get_entries(session=session, list_id=outcome.list_id)
        for f in e.findings
        if f["code"] == "duplicate_record_id"
    }
    assert flagged == {4: "record id also used on row 2", 5: "record id also used on row 2"}


def test_diff_counts_a_repeated_key_once_and_reads_lists_stored_without_keys(
    session: Session, party: str, tmp_path: Path
) -> None:
    v1 = write(tmp_path / "v1.csv", "Шевченко;Олександр;Іванович;12.03.1999;A1\nКоваль;Ірина;;1990;A2\n")
    v2 = write(
        tmp_path / "v2.csv",
        "Шевченко;Олександр;Іванович;12.03.1999;A1\nШевченко;Олександр;Іванович;12.03.1999;A1\nКоваль;Ірина;;1991;A2\n",
    )
    first = lists.import_file(session=session, path=v1, party_code=party, kind="request", submitted_by="t", name="r")
    # As a list imported before entries carried their keys: the diff must compute them, not call everything new.
    session.execute(sa.update(Entry).where(Entry.list_id == first.list_id).values(diff_key=None, fingerprint=None))
    second = lists.import_file(session=session, path=v2, party_code=party, kind="request", submitted_by="t", name="r")
    assert second.diff == {"added": 0, "removed": 0, "changed": 1, "unchanged": 1}


def test_a_large_import_leaves_postgresql_fresh_statistics(session: Session, party: str, tmp_path: Path) -> None:
    # The load benchmark: 300,000 fresh entries taken for a handful, a duplicate-id query ran for 13 minutes.
    rows = "".join(f"Прізвище{n};Ім'я;;01.01.1990;N{n}\n" for n in range(6_000))
    outcome = lists.import_file(session=session, path=write(tmp_path / "big.csv", rows), party_code=party,
                                kind="request", submitted_by="t")  # fmt: skip
    assert outcome.accepted == 6_000  # on SQLite, where there is nothing to analyse, the same import just works
    if session.connection().dialect.name == "postgresql":
        estimated = session.scalar(sa.text("SELECT reltuples FROM pg_class WHERE relname = 'entries'"))
        assert estimated is not None and estimated >= 6_000
