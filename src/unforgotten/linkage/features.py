"""Rows → the columns the model compares: cross-script name keys, date parts, normalised numbers.

Pure Python and pandas, no Splink: every key comes from :mod:`unforgotten.names`, computed once per distinct string.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from itertools import islice

import pandas as pd

from unforgotten.names import given_name_group, name_keys, patronymic_group, phonetic_key, surname_stem_key

__all__ = ["FEATURE_COLUMNS", "compact_features", "features"]

FEATURE_COLUMNS = (
    "unique_id",
    "record_id",
    "family_key",
    "family_stem",
    "family_first",
    "family_last",
    "family_head",
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
    "mother_key",
)
_INTEGERS = ("dob_year", "dob_month", "dob_day")
# Text held in Arrow buffers: a value costs its bytes and an offset, not a Python object of ~50 bytes plus a pointer
_ARROW_TEXT = pd.StringDtype("pyarrow")
_COMPACT_ROWS = 20_000
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
    elif given and patronymic and _shifted(family, given, patronymic):
        # "Роман | Ярославович | Шевик": a full name in given-patronymic-family order split into the three columns.
        family, given, patronymic = patronymic, family, given
    return family, given, patronymic


@lru_cache(maxsize=1 << 16)
def _shifted(family: str, given: str, patronymic: str) -> bool:
    """The given-name column holds a patronymic, the family-name column a given name, the patronymic column not."""
    return (
        patronymic_group(given) is not None
        and given_name_group(given) is None
        and patronymic_group(patronymic) is None
        and given_name_group(family) is not None
    )


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


# What a clerk adds around a place's name: a kind of settlement before it, a region or district after it.
_SETTLEMENT = re.compile(
    r"^\s*(?:с\.|м\.|г\.|смт\.?|пгт\.?|сел\.|село|місто|город|пос\.|селище|поселок|посёлок|"
    r"s\.|m\.|g\.|v\.|vil\.|village|city|town)\s*",
    re.IGNORECASE,
)
_REGION = re.compile(
    r"[\s,]+\S+\s+(?:обл\.?|область|області|области|р-н|р-ну|район|района|районі|oblast|obl\.?|region|district)"
    r"(?=$|[\s,]).*$",
    re.IGNORECASE,
)


@lru_cache(maxsize=1 << 16)
def _place(text: str) -> str | None:
    """The place's own name, keyed: "с. Вишнёвое Харьковской обл." and "Вишневе" give vixnevoe and vixneve."""
    if not text:
        return None
    name = _REGION.sub("", _SETTLEMENT.sub("", text)).strip(" ,.")
    return _none(phonetic_key(name or text))


_PLACEHOLDER_YEAR = 1900  # 1900-01-01 and earlier: a form's empty date, not a birthday


def _dob(text: str) -> tuple[str | None, int | None, int | None, int | None]:
    """The date, or its year alone when it is a placeholder 1 January; nothing for 1900-01-01 or impossible dates.

    Why: forms write 01.01.YYYY when only the year is known, and 1900-01-01 when nothing is. Compared as a full date,
    the placeholder disagrees with the true birthday and counts against a true pair; read as what it means, it does
    not (a true 1 January birthday then agrees on the year only, which costs little).
    """
    year, month, day = _date_parts(text)
    if year is None or year <= _PLACEHOLDER_YEAR:
        return None, None, None, None
    if month == 1 and day == 1:
        return f"{year:04d}", year, None, None
    return text, year, month, day


def _family_parts(key: str) -> tuple[str | None, str | None]:
    """First and last part of a keyed (double) surname; the key itself for a single one."""
    if not key:
        return None, None
    parts = key.split("-")
    return parts[0], parts[-1]


@lru_cache(maxsize=1 << 16)
def _mother(text: str) -> str | None:
    """Key of the mother's maiden surname (the first word of a full name), feminine endings folded."""
    words = text.replace(",", " ").split()
    return _none(surname_stem_key(words[0])) if words else None


def features(rows: Iterable[Mapping[str, object]], *, id_prefix: str = "") -> pd.DataFrame:
    """One feature row per input row; ``unique_id`` is ``id_prefix + record_id``.

    Args:
        rows: mappings in the canonical columns (``record_id`` required).
        id_prefix: keeps ids of two lists apart when they are linked together.

    Returns:
        A DataFrame with :data:`FEATURE_COLUMNS`; missing values are ``None``.
    """
    out: dict[str, list[object]] = {c: [] for c in FEATURE_COLUMNS}
    # Equal values share one string object: keys made per row (a surname's parts, raw names, dates, units) repeat
    # across rows, and one object each cut the two tables of 200 000 × 200 000 by about 150 MB (issue 10).
    seen: dict[str, str] = {}

    def shared(value: str | None) -> str | None:
        return None if value is None else seen.setdefault(value, value)

    for row in rows:
        family, given, patronymic = _names(row)
        keys = name_keys(family or None, given or None, patronymic or None)
        if keys.swapped:  # the lexicon put the names back in place: the raw columns follow, or swaps count twice
            family, given = given, family
        dob, year, month, day = _dob(_text(row, "date_of_birth"))
        first, last = _family_parts(keys.family_key)
        service = _DIGITS.sub("", _text(row, "service_number"))
        record_id = _text(row, "record_id") or str(row.get("record_id") or "")
        out["unique_id"].append(f"{id_prefix}{record_id}")
        out["record_id"].append(record_id)
        out["family_key"].append(_none(keys.family_key))
        out["family_stem"].append(_none(keys.family_stem_key))
        out["family_first"].append(shared(first))
        out["family_last"].append(shared(last))
        out["family_head"].append(shared(keys.family_key[:3] or None))
        out["given_group"].append(_none(keys.given_group))
        out["given_key"].append(_none(keys.given_key))
        out["family_raw"].append(shared(_none(_LETTERS.sub("", family.lower()))))
        out["given_raw"].append(shared(_none(_LETTERS.sub("", given.lower()))))
        out["patronymic_group"].append(keys.patronymic_group or _none(keys.patronymic_key))
        out["dob"].append(shared(dob))
        out["dob_year"].append(year)
        out["dob_month"].append(month)
        out["dob_day"].append(day)
        out["service_number"].append(service if len(service) >= 4 else None)
        out["place_key"].append(_place(_text(row, "place_of_birth")))
        out["unit_key"].append(shared(_none(_DIGITS.sub("", _text(row, "military_unit")))))
        out["mother_key"].append(_mother(_text(row, "mother_maiden_name")))
    frame = pd.DataFrame(out)
    for column in _INTEGERS:
        frame[column] = frame[column].astype("Int64")
    return frame


def compact_features(rows: Iterable[Mapping[str, object]], *, id_prefix: str = "") -> pd.DataFrame:
    """:func:`features`, the text columns held as Arrow strings (missing values ``<NA>``), made a slice of rows at a
    time.

    Why: the candidates a large list pulls out of a registry of a million entries are hundreds of thousands of
    rows, and their features as Python strings took 400 MiB of a 1.3 GB peak (docs/benchmarks.md). Made a slice
    at a time, only one slice's Python strings exist at once, and the memory they free is reused by the next.
    For the callers that only count, look up and score them: the values compare equal, ``None`` becomes ``<NA>``.
    """
    rows = iter(rows)
    parts = []
    while part := list(islice(rows, _COMPACT_ROWS)):
        parts.append(_compact(features(part, id_prefix=id_prefix)))
        del part
    return pd.concat(parts, ignore_index=True) if parts else _compact(features([]))


def _compact(frame: pd.DataFrame) -> pd.DataFrame:
    text = [c for c in frame.columns if c not in _INTEGERS]
    return frame.astype(dict.fromkeys(text, _ARROW_TEXT))
