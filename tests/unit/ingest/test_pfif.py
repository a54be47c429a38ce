"""PFIF 1.4: person records with their notes in; canonical rows out; a round trip keeps names and dates."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from unforgotten.errors import FileReadError
from unforgotten.ingest import RowStatus, read_file, write_pfif

DOC = """<?xml version="1.0" encoding="UTF-8"?>
<pfif:pfif xmlns:pfif="http://zesty.ca/pfif/1.4">
  <pfif:person>
    <pfif:person_record_id>tracing.example/c-17</pfif:person_record_id>
    <pfif:full_name>Марія Коваленко</pfif:full_name>
    <pfif:given_name>Марія</pfif:given_name>
    <pfif:family_name>Коваленко</pfif:family_name>
    <pfif:sex>female</pfif:sex>
    <pfif:date_of_birth>2014-03</pfif:date_of_birth>
    <pfif:home_city>Херсон</pfif:home_city>
    <pfif:note>
      <pfif:note_record_id>tracing.example/n-1</pfif:note_record_id>
      <pfif:status>information_sought</pfif:status>
      <pfif:source_date>2025-01-02T00:00:00Z</pfif:source_date>
      <pfif:text>Мати шукає</pfif:text>
    </pfif:note>
  </pfif:person>
  <pfif:note>
    <pfif:person_record_id>tracing.example/c-17</pfif:person_record_id>
    <pfif:status>believed_alive</pfif:status>
    <pfif:source_date>2025-02-01T00:00:00Z</pfif:source_date>
    <pfif:text>Seen in a camp</pfif:text>
  </pfif:note>
  <pfif:person><pfif:person_record_id>tracing.example/c-18</pfif:person_record_id></pfif:person>
</pfif:pfif>
"""


def test_persons_with_their_notes(tmp_path: Path) -> None:
    path = tmp_path / "children.xml"
    path.write_text(DOC, encoding="utf-8")
    rows = list(read_file(path, today=dt.date(2025, 6, 9)).rows)
    first = rows[0]
    assert first.fields["record_id"] == "tracing.example/c-17" and first.fields["sex"] == "F"
    assert first.fields["date_of_birth"] == "2014-03" and first.fields["place_of_birth"] == "Херсон"
    assert first.fields["notes"] == "information_sought: Мати шукає | believed_alive: Seen in a camp"
    assert rows[1].status == RowStatus.QUARANTINED  # a person record with no name at all


def test_round_trip(tmp_path: Path) -> None:
    out = tmp_path / "out.xml"
    rows = [{"record_id": "1", "family_name": "Шевченко", "given_name": "Олександр", "patronymic": "Іванович",
             "sex": "M", "date_of_birth": "1999-03-12", "place_of_birth": "Київ"}]  # fmt: skip
    assert write_pfif(rows, out, domain="unforgotten.example") == 1
    back = list(read_file(out, today=dt.date(2025, 6, 9)).rows)[0].fields
    assert back["record_id"] == "unforgotten.example/1"
    assert (back["family_name"], back["given_name"], back["date_of_birth"]) == ("Шевченко", "Олександр", "1999-03-12")


def test_persons_with_notes_read_back(tmp_path: Path) -> None:
    from unforgotten.ingest.pfif import PfifNote, write_pfif_persons

    when = dt.datetime(2025, 6, 2, 10, 30)  # naive, as SQLite returns it: taken as UTC
    notes = [
        PfifNote("entry-1", "UA", when, "Listed by UA on request list 'r'"),
        PfifNote("status-2", "cli:olena", when + dt.timedelta(days=1), "Status held → exchanged", "believed_alive"),
    ]
    person = {"record_id": "x", "family_name": "Шевченко", "given_name": "Олександр", "date_of_birth": "1990-03"}
    path = tmp_path / "persons.xml"
    assert write_pfif_persons([("17", person, notes)], path, domain="test.example") == 1
    [row] = list(read_file(path, today=dt.date(2026, 1, 1)).rows)
    assert row.fields["record_id"] == "test.example/17" and row.fields["date_of_birth"] == "1990-03"
    assert row.fields["notes"] == "note: Listed by UA on request list 'r' | believed_alive: Status held → exchanged"
    assert "2025-06-02T10:30:00Z" in path.read_text(encoding="utf-8")


@given(st.binary(max_size=400) | st.text(max_size=300).map(lambda t: f"<pfif:pfif xmlns:pfif='x'>{t}".encode()))
@settings(max_examples=60, deadline=None)
def test_any_bytes_named_xml_are_read_or_refused_clearly(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.xml"
        path.write_bytes(data)
        try:
            rows = list(read_file(path, today=dt.date(2025, 6, 9)).rows)
        except FileReadError:
            return
        assert all(r.status in RowStatus for r in rows)
