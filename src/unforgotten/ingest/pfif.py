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
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from unforgotten.errors import FileReadError
from unforgotten.ingest.mapping import map_headers
from unforgotten.ingest.model import ParsedRow, ReadResult
from unforgotten.ingest.rows import RowBuilder

__all__ = ["PFIF_NS", "read_pfif", "write_pfif"]

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


def read_pfif(path: Path, *, today: dt.date | None, progress: Callable[[int], None] | None = None) -> ReadResult:
    """Read the person records of a PFIF 1.4 document, each with its notes."""
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as error:
        raise FileReadError("not a well-formed PFIF XML document", file=path.name, hint=str(error)) from error
    if _local(root.tag) != "pfif":
        raise FileReadError("not a PFIF document (the root element is not pfif)", file=path.name)
    notes: dict[str, list[tuple[str, str]]] = defaultdict(list)
    persons: list[tuple[dict[str, str], list[tuple[str, str]]]] = []
    for element in root:
        kind = _local(element.tag)
        if kind == "note":
            fields = _fields(element)
            notes[fields.get("person_record_id", "")].append((fields.get("source_date", ""), _note_text(fields)))
        elif kind == "person":
            nested = [_fields(n) for n in element if _local(n.tag) == "note"]
            persons.append((_fields(element), [(n.get("source_date", ""), _note_text(n)) for n in nested]))
    positions, _ = map_headers(_HEADERS)
    builder = RowBuilder(headers=_HEADERS, positions=positions, sheet="", today=today, spreadsheet=False)
    result = ReadResult(path=str(path), format="pfif", rows=iter(()), encoding="utf-8", sheets=[""])
    result.mapping[""] = {h: h for h in _HEADERS}

    def rows() -> Iterable[ParsedRow]:
        for number, (fields, own_notes) in enumerate(persons, start=1):
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
        if progress is not None:
            progress(len(persons))

    result.rows = iter(rows())
    return result


def _note_text(fields: Mapping[str, str]) -> str:
    status = fields.get("status") or "note"
    return f"{status}: {fields.get('text', '')}".strip()


def write_pfif(rows: Iterable[Mapping[str, str | None]], path: Path, *, domain: str) -> int:
    """Write canonical rows as PFIF 1.4 person records with ids ``domain/record_id``; return how many."""
    ET.register_namespace("pfif", PFIF_NS)
    root = ET.Element(f"{{{PFIF_NS}}}pfif")
    count = 0
    for row in rows:
        person = ET.SubElement(root, f"{{{PFIF_NS}}}person")
        values = {
            "person_record_id": f"{domain}/{row.get('record_id')}",
            "source_date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "full_name": row.get("full_name")
            or " ".join(p for p in (row.get("given_name"), row.get("patronymic"), row.get("family_name")) if p),
            "given_name": row.get("given_name"),
            "family_name": row.get("family_name"),
            "alternate_names": row.get("alternate_names"),
            "sex": {"M": "male", "F": "female"}.get(row.get("sex") or "", None),
            "date_of_birth": row.get("date_of_birth"),
            "home_city": row.get("place_of_birth"),
        }
        for name, value in values.items():
            if value:
                ET.SubElement(person, f"{{{PFIF_NS}}}{name}").text = value
        count += 1
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)
    return count
