"""Rows → the columns the model compares: cross-script name keys, date parts, normalised numbers.

Pure Python and pandas, no Splink: every key comes from :mod:`unforgotten.names`, computed once per distinct string.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Mapping
from functools import lru_cache

import pandas as pd

from unforgotten.names import name_keys, phonetic_key

__all__ = ["FEATURE_COLUMNS", "features"]

FEATURE_COLUMNS = (
    "unique_id",
    "record_id",
    "family_key",
    "family_stem",
    "given_group",
    "given_key",
    "family_raw",
    "given_raw",
    "patronymic_group",
    "dob",
    "dob_year",
    "dob_month",
    "dob_day",
    "service_number",
    "place_key",
    "unit_key",
)
_DIGITS = re.compile(r"\D+")
_LETTERS = re.compile(r"[^\w]+|[\d_]+")
_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")


def _none(value: str | None) -> str | None:
    return value if value else None


def _text(row: Mapping[str, object], column: str) -> str:
    """The cell as stripped text; ``None``, NaN and other non-text become ``""``."""
    value = row.get(column)
    return value.strip() if isinstance(value, str) else ""


def _names(row: Mapping[str, object]) -> tuple[str, str, str]:
    family, given, patronymic = _text(row, "family_name"), _text(row, "given_name"), _text(row, "patronymic")
    full = _text(row, "full_name")
    if not (family or given) and full:
        from unforgotten.ingest import split_full_name

        parts = split_full_name(full)
        family, given, patronymic = (part or "" for part in parts)
    return family, given, patronymic


def _date_parts(text: str) -> tuple[int | None, int | None, int | None]:
    """Year, month and day of an ISO or partial date; all ``None`` for an impossible one (1940-34-07, 1990-02-31).

    Why drop rather than guess: a month of 34 is a clerk's error whose true value nobody knows; compared as written,
    its year or month would veto a true pair. The importer drops such a value too (issue 4: never rolled over).
    """
    match = _DATE.match(text)
    if not match:
        return None, None, None
    year = int(match.group(1))
    if year < 1:
        return None, None, None
    month = int(match.group(2)) if match.group(2) else None
    day = int(match.group(3)) if match.group(3) else None
    if month is not None and not 1 <= month <= 12:
        return None, None, None
    if day is not None and (month is None or not 1 <= day <= calendar.monthrange(year, month)[1]):
        return None, None, None
    return year, month, day


@lru_cache(maxsize=1 << 16)
def _place(text: str) -> str | None:
    return _none(phonetic_key(text)) if text else None


def features(rows: Iterable[Mapping[str, object]], *, id_prefix: str = "") -> pd.DataFrame:
    """One feature row per input row; ``unique_id`` is ``id_prefix + record_id``.

    Args:
        rows: mappings in the canonical columns (``record_id`` required).
        id_prefix: keeps ids of two lists apart when they are linked together.

    Returns:
        A DataFrame with :data:`FEATURE_COLUMNS`; missing values are ``None``.
    """
    out: dict[str, list[object]] = {c: [] for c in FEATURE_COLUMNS}
    for row in rows:
        family, given, patronymic = _names(row)
        keys = name_keys(family or None, given or None, patronymic or None)
        if keys.swapped:  # the lexicon put the names back in place: the raw columns follow, or swaps count twice
            family, given = given, family
        dob = _text(row, "date_of_birth")
        year, month, day = _date_parts(dob)
        service = _DIGITS.sub("", _text(row, "service_number"))
        record_id = _text(row, "record_id") or str(row.get("record_id") or "")
        out["unique_id"].append(f"{id_prefix}{record_id}")
        out["record_id"].append(record_id)
        out["family_key"].append(_none(keys.family_key))
        out["family_stem"].append(_none(keys.family_stem_key))
        out["given_group"].append(_none(keys.given_group))
        out["given_key"].append(_none(keys.given_key))
        out["family_raw"].append(_none(_LETTERS.sub("", family.lower())))
        out["given_raw"].append(_none(_LETTERS.sub("", given.lower())))
        out["patronymic_group"].append(keys.patronymic_group or _none(keys.patronymic_key))
        out["dob"].append(dob if year is not None else None)
        out["dob_year"].append(year)
        out["dob_month"].append(month)
        out["dob_day"].append(day)
        out["service_number"].append(service if len(service) >= 4 else None)
        out["place_key"].append(_place(_text(row, "place_of_birth")))
        out["unit_key"].append(_none(_DIGITS.sub("", _text(row, "military_unit"))))
    frame = pd.DataFrame(out)
    for column in ("dob_year", "dob_month", "dob_day"):
        frame[column] = frame[column].astype("Int64")
    return frame
