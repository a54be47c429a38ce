"""Values as clerks type them: dates in every common form, names with stray characters.

Dates are never guessed: an impossible date (31.02) is dropped with a warning, never rolled over to March; a
partial date (05.1999, 1999) stays partial; a date in the future is dropped with a warning.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable

__all__ = ["DateResult", "all_clean", "clean_text", "encoding_problem", "parse_date"]

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


def _continuations(encodings: tuple[str, ...]) -> str:
    return "".join(sorted({c for e in encodings for c in _CONTINUATION.decode(e, errors="ignore")}))


def _mark(lead: str, encodings: tuple[str, ...]) -> str:
    return f"[{lead}][{re.escape(_continuations(encodings))}]"


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


# The cell-by-cell checks, made once on a row's values joined by "|" (each a single character class or a
# substring test: an alternation of anchors, as in _NEEDS_CLEANING, took 9 µs a row where these take 3). _ODD is
# every character _NEEDS_CLEANING finds alone (control and invisible ones, \t \n \r, no-break space) and every
# white space but the plain space (what \s means in str patterns), and �; without them, white space to fold or strip
# can only be plain spaces: two together, or one at a value's start or end (beside a "|" or the joined text's
# ends). "|" is neither white space nor a control character nor a letter of a mojibake mark, so no finding can
# straddle two values (a match only says "look cell by cell"); and it composes with nothing (ccc 0, NFC_QC Yes, no
# composition starts with it), so the joined text is NFC exactly when every value is.
_ODD = re.compile("[\x00-\x1f\x7f\x85\xa0\u1680\u2000-\u200f\u2028\u2029\u202f\u205f\u3000\ufeff\ufffd]")
# Both marks' leads, each followed by any of their continuations: one class pair, not an alternation.
_MOJIBAKE_LEAD = re.compile(f"[РСÐÑ][{re.escape(_continuations(('cp1251', 'cp1252', 'latin-1')))}]")


def all_clean(values: Iterable[str]) -> bool:
    """Whether every value is as :func:`clean_text` leaves it and :func:`encoding_problem` finds nothing in it.

    Checked on the values joined, in C: a 200,000-row list's four million cells are nearly all clean, and cell by
    cell the two checks were a third of reading it. ``False`` says only that some value needs the cell-by-cell path
    (a mojibake lead followed by any mark's continuation is enough: Сі is common in Ukrainian).

    Examples:
        >>> all_clean(["Шевченко", "Олександр", ""]), all_clean(["Шевченко ", "Олександр"]), all_clean(["РЁРµРІ"])
        (True, False, False)
    """
    joined = "|".join(values)
    return not (
        _ODD.search(joined)
        or "  " in joined
        or "| " in joined
        or " |" in joined
        or joined.startswith(" ")
        or joined.endswith(" ")
        or _MOJIBAKE_LEAD.search(joined)
        or not unicodedata.is_normalized("NFC", joined)
    )
