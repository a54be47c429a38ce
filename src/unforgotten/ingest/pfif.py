"""PFIF 1.4 (People Finder Interchange Format): person records in, person records out.

Mapping: ``person_record_id`` → record_id; ``full_name``, ``given_name``, ``family_name``, ``alternate_names``,
``date_of_birth`` (partial allowed) as they are; ``sex`` male/female → M/F; ``home_city`` → place_of_birth (PFIF has
no birthplace; home city is the nearest field); notes attached to a person (nested, or top-level with its
``person_record_id``) → ``notes`` as "status: text" joined by " | ", oldest first. Unknown fields stay in the raw row.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from unforgotten.errors import FileReadError, Text
from unforgotten.ingest.mapping import map_headers
from unforgotten.ingest.model import ParsedRow, ReadResult
from unforgotten.ingest.rows import RowBuilder

__all__ = ["PFIF_NS", "PfifNote", "read_pfif", "write_pfif", "write_pfif_persons"]

PFIF_NS = "http://zesty.ca/pfif/1.4"
_PERSON_FIELDS = ("person_record_id", "full_name", "given_name", "family_name", "alternate_names", "sex",
                  "date_of_birth", "home_city", "home_state", "home_country", "description", "source_name")  # fmt: skip
_HEADERS = ["record_id", "full_name", "given_name", "family_name", "alternate_names", "sex", "date_of_birth",
            "place_of_birth", "notes"]  # fmt: skip
_SEX = {"male": "M", "female": "F"}


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _fields(element: ET.Element) -> dict[str, str]:
    return {_local(child.tag): (child.text or "").strip() for child in element if len(child) == 0}


def _root_children(path: Path) -> Iterator[ET.Element]:
    """The root's children (persons and top-level notes), one at a time, each cleared once used.

    Raises:
        FileReadError: the root is not ``pfif``. A malformed document raises ``ET.ParseError`` as it is reached.
    """
    depth = 0
    for event, element in ET.iterparse(path, events=("start", "end")):
        if event == "start":
            if depth == 0 and _local(element.tag) != "pfif":
                raise FileReadError(Text("not a PFIF document (the root element is not pfif)"), file=path.name)
            depth += 1
            continue
        depth -= 1
        if depth == 1:
            yield element
            element.clear()


def _top_level_notes(path: Path) -> dict[str, list[tuple[str, str]]]:
    """First pass: notes outside their person (PFIF allows them anywhere), by person; also checks the document.

    Only these are held in memory — a note is a line of text, and a person's own notes are read with the person.
    """
    notes: dict[str, list[tuple[str, str]]] = defaultdict(list)
    try:
        for element in _root_children(path):
            if _local(element.tag) == "note":
                fields = _fields(element)
                notes[fields.get("person_record_id", "")].append((fields.get("source_date", ""), _note_text(fields)))
    except ET.ParseError as error:
        raise FileReadError(Text("not a well-formed PFIF XML document"), file=path.name, hint=str(error)) from error
    return notes


def _persons(path: Path) -> Iterator[tuple[dict[str, str], list[tuple[str, str]]]]:
    """Second pass: each person with its own notes, one at a time (the document is never held whole)."""
    for element in _root_children(path):
        if _local(element.tag) == "person":
            nested = [_fields(n) for n in element if _local(n.tag) == "note"]
            yield _fields(element), [(n.get("source_date", ""), _note_text(n)) for n in nested]


def read_pfif(path: Path, *, today: dt.date | None, progress: Callable[[int], None] | None = None) -> ReadResult:
    """Read the person records of a PFIF 1.4 document, each with its notes, streaming."""
    notes = _top_level_notes(path)
    positions, _ = map_headers(_HEADERS)
    builder = RowBuilder(headers=_HEADERS, positions=positions, sheet="", today=today, spreadsheet=False)
    result = ReadResult(path=str(path), format="pfif", rows=iter(()), encoding="utf-8", sheets=[""])
    result.mapping[""] = {h: h for h in _HEADERS}

    def rows() -> Iterator[ParsedRow]:
        number = 0
        for number, (fields, own_notes) in enumerate(_persons(path), start=1):
            record_id = fields.get("person_record_id", "")
            attached = sorted(own_notes + notes.get(record_id, []))
            cells = [
                record_id, fields.get("full_name", ""), fields.get("given_name", ""), fields.get("family_name", ""),
                fields.get("alternate_names", ""), _SEX.get(fields.get("sex", "").lower(), fields.get("sex", "")),
                fields.get("date_of_birth", ""), fields.get("home_city", ""), " | ".join(text for _, text in attached),
            ]  # fmt: skip
            row = builder.build(number, cells)
            row.raw = {**fields, "notes": [text for _, text in attached]}  # type: ignore[dict-item]
            yield row
            if progress is not None and number % 5000 == 0:
                progress(number)
        if progress is not None:
            progress(number)

    result.rows = result.tally(rows())
    return result


def _note_text(fields: Mapping[str, str]) -> str:
    status = fields.get("status") or "note"
    return f"{status}: {fields.get('text', '')}".strip()


def _utc(moment: dt.datetime) -> str:
    """PFIF dates are UTC; a database without time zones (SQLite) gives naive datetimes, stored as UTC."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)
    return aware.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _person(row: Mapping[str, str | None], record_id: str, source_date: str) -> ET.Element:
    person = ET.Element(f"{{{PFIF_NS}}}person")
    values = {
        "person_record_id": record_id,
        "source_date": source_date,
        "full_name": row.get("full_name")
        or " ".join(p for p in (row.get("given_name"), row.get("patronymic"), row.get("family_name")) if p),
        "given_name": row.get("given_name"),
        "family_name": row.get("family_name"),
        "alternate_names": row.get("alternate_names"),
        "sex": {"M": "male", "F": "female"}.get(row.get("sex") or "", None),
        "date_of_birth": row.get("date_of_birth"),
        "home_city": row.get("place_of_birth"),
    }
    _add_fields(person, values)
    return person


def _add_fields(parent: ET.Element, values: Mapping[str, str | None]) -> None:
    """One PFIF child element per value given; empty values are left out, as PFIF omits unknown fields."""
    for name, value in values.items():
        if value:
            ET.SubElement(parent, f"{{{PFIF_NS}}}{name}").text = value


class _Document:
    """A PFIF document written one person at a time, so an export of any size holds one record in memory."""

    def __init__(self, path: Path) -> None:
        ET.register_namespace("pfif", PFIF_NS)
        self._handle = path.open("w", encoding="utf-8")
        self._handle.write(f"<?xml version='1.0' encoding='utf-8'?>\n<pfif:pfif xmlns:pfif=\"{PFIF_NS}\">\n")

    def add(self, element: ET.Element) -> None:
        self._handle.write(ET.tostring(element, encoding="unicode"))
        self._handle.write("\n")

    def close(self) -> None:
        self._handle.write("</pfif:pfif>\n")
        self._handle.close()


def write_pfif(rows: Iterable[Mapping[str, str | None]], path: Path, *, domain: str) -> int:
    """Write canonical rows as PFIF 1.4 person records with ids ``domain/record_id``; return how many."""
    document = _Document(path)
    count = 0
    try:
        now = _utc(dt.datetime.now(dt.UTC))
        for row in rows:
            document.add(_person(row, f"{domain}/{row.get('record_id')}", now))
            count += 1
    finally:
        document.close()
    return count


@dataclass(frozen=True)
class PfifNote:
    """A note on a person: what one source said, when; ``status`` only where PFIF has a word for it."""

    note_record_id: str
    author_name: str
    source_date: dt.datetime
    text: str
    status: str | None = None  # information_sought, is_note_author, believed_alive, believed_missing, believed_dead


def write_pfif_persons(
    persons: Iterable[tuple[str, Mapping[str, str | None], Sequence[PfifNote]]], path: Path, *, domain: str
) -> int:
    """Write persons (local id, canonical fields, notes) as PFIF 1.4 person records with nested notes."""
    document = _Document(path)
    count = 0
    try:
        now = _utc(dt.datetime.now(dt.UTC))
        for local_id, row, notes in persons:
            record_id = f"{domain}/{local_id}"
            person = _person(row, record_id, now)
            for note in notes:
                _add_fields(
                    ET.SubElement(person, f"{{{PFIF_NS}}}note"),
                    {
                        "note_record_id": f"{domain}/{note.note_record_id}",
                        "person_record_id": record_id,
                        "author_name": note.author_name,
                        "source_date": _utc(note.source_date),
                        "status": note.status,
                        "text": note.text,
                    },
                )
            document.add(person)
            count += 1
    finally:
        document.close()
    return count
