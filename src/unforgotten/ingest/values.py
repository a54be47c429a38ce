"""Values as clerks type them: dates in every common form, names with stray characters.

Dates are never guessed: an impossible date (31.02) is dropped with a warning, never rolled over to March; a
partial date (05.1999, 1999) stays partial; a date in the future is dropped with a warning.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

__all__ = ["DateResult", "clean_text", "encoding_problem", "parse_date"]

_MONTHS = {
    **dict.fromkeys(("січня", "січень", "января", "январь", "jan", "january"), 1),
    **dict.fromkeys(("лютого", "лютий", "февраля", "февраль", "feb", "february"), 2),
    **dict.fromkeys(("березня", "березень", "марта", "март", "mar", "march"), 3),
    **dict.fromkeys(("квітня", "квітень", "апреля", "апрель", "apr", "april"), 4),
    **dict.fromkeys(("травня", "травень", "мая", "май", "may"), 5),
    **dict.fromkeys(("червня", "червень", "июня", "июнь", "jun", "june"), 6),
    **dict.fromkeys(("липня", "липень", "июля", "июль", "jul", "july"), 7),
    **dict.fromkeys(("серпня", "серпень", "августа", "август", "aug", "august"), 8),
    **dict.fromkeys(("вересня", "вересень", "сентября", "сентябрь", "sep", "sept", "september"), 9),
    **dict.fromkeys(("жовтня", "жовтень", "октября", "октябрь", "oct", "october"), 10),
    **dict.fromkeys(("листопада", "листопад", "ноября", "ноябрь", "nov", "november"), 11),
    **dict.fromkeys(("грудня", "грудень", "декабря", "декабрь", "dec", "december"), 12),
}
_SUFFIX = re.compile(r"\s*(р\.?|г\.?|року|года|рік|год)\s*$", re.IGNORECASE)
_ISO = re.compile(r"^(\d{4})-(\d{1,2})(?:-(\d{1,2}))?(?:[T ].*)?$")
_DMY = re.compile(r"^(\d{1,2})[./\-](\d{1,2})[./\-](\d{2}|\d{4})$")
_MY = re.compile(r"^(\d{1,2})[./\-](\d{4})$")
_Y = re.compile(r"^(\d{4})$")
_WORDS = re.compile(r"^(\d{1,2})\s+([^\W\d_]+)\.?\s+(\d{4})$", re.UNICODE)
_SERIAL = re.compile(r"^\d{4,5}(?:\.0+)?$")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200b-\u200f\u2028\u2029\ufeff]")
_SPACES = re.compile(r"\s+")
_EXCEL_EPOCH = dt.date(1899, 12, 30)


class DateResult:
    """A parsed date: ``value`` (ISO, maybe partial) or ``None``, and ``problem`` when the text was not usable."""

    __slots__ = ("problem", "value")

    def __init__(self, value: str | None, problem: str | None = None) -> None:
        self.value, self.problem = value, problem


def _full(year: int, month: int, day: int, today: dt.date) -> DateResult:
    try:
        value = dt.date(year, month, day)
    except ValueError:
        return DateResult(None, f"impossible date {day:02d}.{month:02d}.{year:04d}")
    if value > today:
        return DateResult(None, f"date {value.isoformat()} is in the future")
    if year < 1900:
        return DateResult(None, f"date {value.isoformat()} is before 1900")
    return DateResult(value.isoformat())


def _partial(year: int, month: int | None, today: dt.date) -> DateResult:
    if month is not None and not 1 <= month <= 12:
        return DateResult(None, f"impossible month {month} in {month:02d}.{year:04d}")
    if year < 1900 or year > today.year or (month is not None and (year, month) > (today.year, today.month)):
        return DateResult(None, f"year {year} is outside 1900–{today.year}")
    return DateResult(f"{year:04d}" if month is None else f"{year:04d}-{month:02d}")


def parse_date(text: str | None, *, today: dt.date | None = None, excel_serial: bool = False) -> DateResult:
    """Read a date as clerks write it; day first (dd.mm.yyyy), never month first.

    Args:
        text: the cell text (``None`` or blank gives no value and no problem).
        today: the date after which dates are "in the future" (default: today).
        excel_serial: accept a bare number as an Excel serial date (only for spreadsheet cells).

    Returns:
        A :class:`DateResult`.

    Examples:
        >>> parse_date("12.03.1999 р.").value, parse_date("05.1999").value, parse_date("31.02.1999").problem
        ('1999-03-12', '1999-05', 'impossible date 31.02.1999')
    """
    today = today or dt.date.today()
    if text is None:
        return DateResult(None)
    value = _SUFFIX.sub("", clean_text(str(text))).strip()
    if not value:
        return DateResult(None)
    if m := _ISO.match(value):
        year, month = int(m.group(1)), int(m.group(2))
        return _full(year, month, int(m.group(3)), today) if m.group(3) else _partial(year, month, today)
    if m := _DMY.match(value):
        day, month, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if len(m.group(3)) == 2:
            year += 2000 if year <= today.year % 100 else 1900
        return _full(year, month, day, today)
    if m := _MY.match(value):
        return _partial(int(m.group(2)), int(m.group(1)), today)
    if m := _Y.match(value):
        return _partial(int(m.group(1)), None, today)
    if m := _WORDS.match(value.lower()):
        month_number = _MONTHS.get(m.group(2))
        if month_number is not None:
            return _full(int(m.group(3)), month_number, int(m.group(1)), today)
    if excel_serial and _SERIAL.match(value):
        serial = int(float(value))
        if 1 <= serial < 2_958_466:
            day_value = _EXCEL_EPOCH + dt.timedelta(days=serial)
            return _full(day_value.year, day_value.month, day_value.day, today)
    return DateResult(None, f"not a date: {value!r}")


_NEEDS_CLEANING = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200b-\u200f\u2028\u2029\ufeff\u00a0]|\s\s|^\s|\s$|[\t\n\r]")


def clean_text(text: str) -> str:
    """Normalise a cell: Unicode NFC, control characters removed, white space folded (letters kept: ё stays ё)."""
    if _NEEDS_CLEANING.search(text) is None and unicodedata.is_normalized("NFC", text):
        return text  # the common case, checked in C
    text = unicodedata.normalize("NFC", text)
    text = _CONTROL.sub("", text.replace("\u00a0", " "))
    return _SPACES.sub(" ", text).strip()


def has_control_characters(text: str) -> bool:
    return bool(_CONTROL.search(text))


# UTF-8 Cyrillic is a lead byte D0/D1 and a continuation byte 80–BF. Read as Windows-1251 that is Р or С followed
# by one of the characters cp1251 puts at 80–BF (ЁЄІЇ, quotes, dashes …: РЁРµРІ…); read as Latin-1/Windows-1252,
# Ð or Ñ followed by one of theirs (Ð¨ÐµÐ²…). Correct Cyrillic text almost never holds these pairs (its lower-case
# letters sit at E0–FF), so only cells that do are tried, and the check costs one regex search per value.
_CONTINUATION = bytes(range(0x80, 0xC0))


def _mark(lead: str, encodings: tuple[str, ...]) -> str:
    continuation = "".join(sorted({c for e in encodings for c in _CONTINUATION.decode(e, errors="ignore")}))
    return f"[{lead}][{re.escape(continuation)}]"


_MOJIBAKE_MARK = re.compile(f"{_mark('РС', ('cp1251',))}|{_mark('ÐÑ', ('cp1252', 'latin-1'))}")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")


def encoding_problem(text: str) -> str | None:
    """Why a cell's letters look mis-decoded, or ``None``: checked per value, since one file can mix encodings.

    Two symptoms: bytes that were not valid in the file's encoding (replaced by �), and text that is UTF-8 read in
    another encoding (``РЁРµРІС‡РµРЅРєРѕ`` for ``Шевченко``) — it re-encodes to valid UTF-8 Cyrillic.
    """
    if "\ufffd" in text:
        return "some bytes were not valid in the file's encoding and were replaced by �"
    if _MOJIBAKE_MARK.search(text) is None:
        return None
    for wrong in ("cp1251", "cp1252", "latin-1"):
        try:
            fixed = text.encode(wrong).decode("utf-8")
        except UnicodeError:
            continue
        if len(_CYRILLIC.findall(fixed)) >= 2:
            return f"looks like UTF-8 read as {wrong}: probably {fixed!r}"
    return None
