"""The canonical list columns — a stable interface (DESIGN.md): users' files and scripts depend on these names."""

from __future__ import annotations

from typing import Final

__all__ = ["CANONICAL_COLUMNS", "COLUMN_WIDTHS", "DATE_COLUMNS", "NAME_COLUMNS", "LIST_KINDS"]

CANONICAL_COLUMNS: Final[tuple[str, ...]] = (
    "record_id",
    "family_name",
    "given_name",
    "patronymic",
    "full_name",
    "alternate_names",
    "sex",
    "date_of_birth",
    "place_of_birth",
    "citizenship",
    "person_type",
    "rank",
    "service_number",
    "military_unit",
    "date_of_capture",
    "place_of_capture",
    "health_status",
    "medical_category",
    "father_name",
    "mother_maiden_name",
    "next_of_kin",
    "remains_ref",
    "notes",
)
DATE_COLUMNS: Final[frozenset[str]] = frozenset({"date_of_birth", "date_of_capture"})
NAME_COLUMNS: Final[tuple[str, ...]] = ("family_name", "given_name", "patronymic", "full_name")
LIST_KINDS: Final[tuple[str, ...]] = ("custody", "request", "tracing", "remains", "response")
# The most characters each canonical column holds in the database (the others are unbounded text). The importer
# quarantines a row with a longer value instead of letting PostgreSQL refuse the whole list at the insert
# (SQLite would have stored it: the same file must give the same result on both). `lists.models` checks that the
# entries table's columns are these widths.
COLUMN_WIDTHS: Final[dict[str, int]] = {
    "record_id": 200,
    "family_name": 200,
    "given_name": 200,
    "patronymic": 200,
    "full_name": 500,
    "sex": 16,
    "date_of_birth": 10,
    "place_of_birth": 300,
    "citizenship": 100,
    "person_type": 50,
    "rank": 100,
    "service_number": 100,
    "military_unit": 200,
    "date_of_capture": 10,
    "place_of_capture": 300,
    "medical_category": 100,
    "father_name": 200,
    "mother_maiden_name": 200,
    "remains_ref": 200,
}
