"""The canonical list columns — a stable interface (DESIGN.md): users' files and scripts depend on these names."""

from __future__ import annotations

from typing import Final

__all__ = ["CANONICAL_COLUMNS", "DATE_COLUMNS", "NAME_COLUMNS", "LIST_KINDS"]

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
