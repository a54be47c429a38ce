"""Column mapping: the headers real lists use, in Ukrainian, Russian and English, to the canonical columns.

Headers are compared after folding case, apostrophes, dots, spaces and punctuation, so "Ім’я", "ІМ'Я" and
"им я" meet. A mapping file (YAML or JSON: source header → canonical column) overrides the automatic choice.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path

import yaml

from unforgotten.columns import CANONICAL_COLUMNS
from unforgotten.errors import FileReadError, MappingError, Text

__all__ = ["ColumnMapping", "load_mapping", "map_headers", "normalise_header"]

ColumnMapping = dict[str, str]

_SYNONYMS: dict[str, tuple[str, ...]] = {
    "record_id": ("record id", "id", "№", "№ з/п", "№ п/п", "номер", "п/п", "з/п", "person_record_id", "ідентифікатор",
                  "идентификатор", "no", "nr"),
    "full_name": ("піб", "п.і.б.", "прізвище ім'я по батькові", "прізвище, ім'я, по батькові", "фио", "ф.и.о.",
                  "фамилия имя отчество", "фамилия, имя, отчество", "full name", "name", "full_name"),
    "family_name": ("прізвище", "фамилия", "surname", "last name", "family name", "lastname", "family_name"),
    "given_name": ("ім'я", "имя", "first name", "given name", "firstname", "forename", "given_name"),
    "patronymic": ("по батькові", "по-батькові", "отчество", "patronymic", "middle name", "father's name patronymic"),
    "alternate_names": ("інші імена", "другие имена", "alternate names", "aliases", "alternate_names"),
    "sex": ("стать", "пол", "sex", "gender"),
    "date_of_birth": ("дата народження", "д.н.", "дата нар.", "дата рождения", "д.р.", "dob", "date of birth",
                      "birth date", "birthdate", "date_of_birth", "рік народження", "год рождения"),
    "place_of_birth": ("місце народження", "место рождения", "place of birth", "birthplace", "place_of_birth",
                       "home city", "home_city"),
    "citizenship": ("громадянство", "гражданство", "citizenship", "nationality"),
    "person_type": ("категорія", "категория", "person type", "person_type", "type"),
    "rank": ("військове звання", "звання", "воинское звание", "звание", "rank"),
    "service_number": ("особистий номер", "личный номер", "жетон", "service no", "service number", "serial number",
                       "service_number", "номер жетона"),
    "military_unit": ("військова частина", "в/ч", "войсковая часть", "military unit", "unit", "military_unit"),
    "date_of_capture": ("дата полону", "дата потрапляння в полон", "дата пленения", "date of capture",
                        "captured", "date_of_capture"),
    "place_of_capture": ("місце полону", "место пленения", "place of capture", "place_of_capture"),
    "health_status": ("стан здоров'я", "состояние здоровья", "health", "health status", "health_status"),
    "medical_category": ("медична категорія", "медицинская категория", "medical category", "medical_category"),
    "father_name": ("ім'я батька", "имя отца", "father's name", "father name", "father_name"),
    "mother_maiden_name": ("дівоче прізвище матері", "девичья фамилия матери", "mother's maiden name",
                           "mother_maiden_name", "ім'я матері", "піб матері", "прізвище матері", "мати",
                           "имя матери", "фио матери", "фамилия матери", "мать", "mother's name", "mother name",
                           "mother"),
    "next_of_kin": ("контактна особа", "родичі", "контактное лицо", "родственники", "next of kin", "next_of_kin"),
    "remains_ref": ("номер тіла", "номер тела", "remains ref", "body number", "remains_ref"),
    "notes": ("примітки", "примечания", "примітка", "примечание", "notes", "note", "comments"),
}  # fmt: skip
_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "`": "'", "‘": "'", "´": "'"})
_PUNCT = re.compile(r"[\s._,:;()\-'\"/№#]+")


def normalise_header(header: str) -> str:
    """Fold a header for comparison: case, apostrophes, punctuation and spacing."""
    text = header.translate(_APOSTROPHES).lower().replace("ё", "е").strip()
    return _PUNCT.sub("", text)


_INDEX: dict[str, str] = {}
for _column, _names in _SYNONYMS.items():
    for _name in (*_names, _column):
        _INDEX.setdefault(normalise_header(_name), _column)
# "в/ч" folds to "вч"; "№" folds to "" — keep both findable.
_INDEX["вч"] = "military_unit"


def map_headers(headers: Sequence[str], override: ColumnMapping | None = None) -> tuple[dict[int, str], list[str]]:
    """Map header positions to canonical columns; return (position → column, headers left unmapped).

    A canonical column is taken by the first header that maps to it; later ones stay in the raw row only.
    """
    override_index = {normalise_header(k): v for k, v in (override or {}).items()}
    positions: dict[int, str] = {}
    taken: set[str] = set()
    unmapped: list[str] = []
    for position, header in enumerate(headers):
        key = normalise_header(header)
        column = override_index.get(key) or (_INDEX.get(key) if key else None)
        if column is None or column in taken:
            if header.strip():
                unmapped.append(header)
            continue
        positions[position] = column
        taken.add(column)
    return positions, unmapped


def recognised(headers: Sequence[str], override: ColumnMapping | None = None) -> int:
    """How many headers of a candidate header row map to canonical columns."""
    return len(map_headers(headers, override)[0])


def load_mapping(path: Path) -> ColumnMapping:
    """Read a mapping file (YAML or JSON object: source header → canonical column) and check its columns."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as error:
        raise FileReadError(Text("mapping file cannot be read"), file=str(path), hint=str(error)) from error
    try:
        data = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as error:
        raise MappingError(Text("mapping file is not valid YAML/JSON"), file=str(path), hint=str(error)) from error
    if not isinstance(data, dict):
        raise MappingError(Text("mapping file must be an object of source header: canonical column"), file=str(path))
    mapping: ColumnMapping = {}
    for source, column in data.items():
        if column not in CANONICAL_COLUMNS:
            raise MappingError(
                Text("unknown canonical column in mapping"), file=str(path), column=str(source), value=column,
                hint=Text("use one of: {columns}", columns=', '.join(CANONICAL_COLUMNS)),
            )  # fmt: skip
        mapping[str(source)] = str(column)
    return mapping
