"""From a source row to a ParsedRow: map columns, split full names, clean and check values, decide the status.

Errors quarantine the row (no name at all, more fields than the header, a value over the length limit); warnings
keep it (a date that was impossible, in the future or unreadable is dropped, not guessed; control characters
removed; a value a spreadsheet would run as a formula; duplicate record ids). A row with every cell empty is blank:
reported, never silently dropped. A row that is quarantined for its shape (too many fields, an over-long value, a
broken quote) keeps its raw cells but no canonical fields: its values may sit in the wrong columns.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from operator import itemgetter

from unforgotten.columns import CANONICAL_COLUMNS, COLUMN_WIDTHS, DATE_COLUMNS
from unforgotten.ingest.limits import DEFAULT_LIMITS, Limits
from unforgotten.ingest.model import Finding, ParsedRow, RowStatus, Severity
from unforgotten.ingest.safe import FORMULA_PREFIXES, looks_like_formula
from unforgotten.ingest.values import (
    DateResult,
    all_clean,
    clean_text,
    encoding_problem,
    has_control_characters,
    parse_date,
)

__all__ = ["RowBuilder", "split_full_name"]

_NAME_COLUMNS = ("family_name", "given_name", "patronymic", "full_name")
_PATRONYMIC = re.compile(
    r"(ович|евич|євич|йович|ьович|івна|ївна|овна|евна|ьевна|ична|инична|ич|ovych|ovich|evich|ievich|yovych|ivna|ovna|"
    r"evna|yivna|ichna)$",
    re.IGNORECASE,
)
_SEX = {
    "ч": "M",
    "м": "M",
    "чол": "M",
    "муж": "M",
    "m": "M",
    "male": "M",
    "ж": "F",
    "жін": "F",
    "жен": "F",
    "f": "F",
    "female": "F",
    "w": "F",
}


def split_full_name(full_name: str) -> tuple[str, str, str]:
    """Split "ШЕВЧЕНКО Олександр Іванович" or "Олександр Іванович Шевченко" into (family, given, patronymic)."""
    tokens = full_name.replace(",", " ").split()
    if not tokens:
        return "", "", ""
    if len(tokens) >= 3:
        if _PATRONYMIC.search(tokens[-1]) and not _PATRONYMIC.search(tokens[1]):
            return tokens[0], tokens[1], " ".join(tokens[2:])
        if _PATRONYMIC.search(tokens[1]):
            return " ".join(tokens[2:]), tokens[0], tokens[1]
        return tokens[0], tokens[1], " ".join(tokens[2:])
    if len(tokens) == 2:
        first, second = tokens
        if second.isupper() and not first.isupper():
            return second, first, ""
        if not first.isupper():
            from unforgotten.names import looks_like_given_name

            if looks_like_given_name(first) and not looks_like_given_name(second):
                return second, first, ""
        return first, second, ""
    return tokens[0], "", ""


_QUARANTINED = RowStatus.QUARANTINED
_CONVERTED = DATE_COLUMNS | {"sex"}  # the columns whose value is read, not only cleaned
# The widths, narrowest first: a row whose longest value is shorter than a column's width fits that column and
# every wider one, so most rows check two or three columns, not twenty.
_BY_WIDTH = sorted((width, column) for column, width in COLUMN_WIDTHS.items())
# Distinct date texts remembered per sheet (dates of birth repeat: 21,000 of them in 200,000 rows); then forgotten.
_DATES_KEPT = 50_000
_SEPARATOR = "\x1f"
_FORMULA_START = re.compile("\x1f[" + re.escape("".join(FORMULA_PREFIXES)) + "]")  # a literal first: 1 µs a row


def _cut(value: str, limit: int) -> str:
    return f"{value[:limit]}… [cut: {len(value)} characters]"


class RowBuilder:
    """Builds ParsedRows for one sheet, one row at a time and remembering none of them (memory stays flat).

    Duplicate record ids are found by the list service in the database after the rows are stored.
    """

    def __init__(
        self,
        *,
        headers: Sequence[str],
        positions: dict[int, str],
        sheet: str,
        today: dt.date | None,
        spreadsheet: bool,
        limits: Limits = DEFAULT_LIMITS,
    ) -> None:
        self.headers = list(headers)
        self.positions = positions
        self.sheet = sheet
        self.today = today or dt.date.today()  # once, not per date (it was a tenth of a CSV import's time)
        self.spreadsheet = spreadsheet
        self.limits = limits
        self._width, self._cell_chars = len(self.headers), limits.cell_chars
        self._keys: list[str] = []  # raw-row keys of the header's columns: its names, "column N" for blank ones
        self._keys = list(self._raw_slow([""] * len(self.headers)))
        # The mapped cells of a row as long as the last mapped position, taken in C (a tuple even for one column).
        self._columns = tuple(positions.values())
        self._reach = max(positions, default=-1) + 1
        take = itemgetter(*positions) if positions else None
        self._take: Callable[[Sequence[str]], tuple[str, ...]] = (
            (lambda cells: ()) if take is None else (lambda cells: (take(cells),)) if len(positions) == 1 else take
        )
        self._dates: dict[str, DateResult] = {}

    def _name(self, index: int) -> str:
        return self.headers[index] if index < len(self.headers) and self.headers[index] else f"column {index + 1}"

    def _raw(self, cells: Sequence[str]) -> dict[str, str]:
        keys = self._keys
        if len(cells) <= len(keys):
            return dict(zip(keys, cells, strict=False))  # the common case, in C; a short row has fewer keys
        return self._raw_slow(cells)

    def _raw_slow(self, cells: Sequence[str]) -> dict[str, str]:
        raw: dict[str, str] = {}
        for index, value in enumerate(cells):
            header = self._name(index)
            if header in raw:
                header = f"{header} ({index + 1})"
            raw[header] = value
        return raw

    def quarantine(self, row_number: int, cells: Sequence[str], finding: Finding) -> ParsedRow:
        """A row that cannot be read as a row (its shape is broken): its raw cells kept, no canonical fields.

        Raw cells are kept within the limits: at most ``columns`` of them, each cut at ``cell_chars``.
        """
        limit = self.limits.cell_chars
        kept = [c if len(c) <= limit else _cut(c, limit) for c in cells[: self.limits.columns]]
        return ParsedRow(
            row_number, self.sheet, self._raw(kept), dict.fromkeys(CANONICAL_COLUMNS), [finding], _QUARANTINED
        )

    def _shape_problem(self, cells: Sequence[str]) -> Finding | None:
        """Why a row's cells cannot be put in columns: more fields than the header, or a value over the limit."""
        width = len(self.headers)
        if len(cells) > width and any(str(c).strip() for c in cells[width:]):
            kept = f" (the first {self.limits.columns} kept)" if len(cells) > self.limits.columns else ""
            return Finding(
                Severity.ERROR,
                "too_many_fields",
                f"{len(cells)} fields for {width} columns{kept}: a value probably contains an unquoted separator, "
                "so the values would land in the wrong columns — fix the row and import again",
            )
        if cells and max(map(len, cells)) > self.limits.cell_chars:
            index = next(i for i, c in enumerate(cells) if len(c) > self.limits.cell_chars)
            column = self.positions.get(index) or self._name(index)
            return Finding(
                Severity.ERROR,
                "cell_too_long",
                f"value in column {self._name(index)!r} is {len(cells[index])} characters, the limit is "
                f"{self.limits.cell_chars}: check the file (the value is kept cut at the limit)",
                column,
            )
        return None

    def _formulas(self, row: ParsedRow, labelled: Iterable[tuple[str, str]]) -> None:
        for column, value in labelled:
            if looks_like_formula(value):
                row.findings.append(
                    Finding(
                        Severity.WARNING,
                        "formula_like",
                        "the value begins like a spreadsheet formula (=, +, -, @, tab or carriage return); it is kept "
                        "as it is, and exports write it as text",
                        column,
                        value,
                    )
                )

    def build(self, row_number: int, cells: Sequence[str]) -> ParsedRow:
        """The row of the header's columns whose cells are ``cells``, numbered ``row_number`` as the clerk sees it."""
        if len(cells) > self._width or (cells and max(map(len, cells)) > self._cell_chars):
            problem = self._shape_problem(cells)
            if problem is not None:
                return self.quarantine(row_number, cells, problem)
        positions = self.positions
        if len(cells) >= self._reach:
            mapped = list(zip(self._columns, self._take(cells), strict=True))
        else:  # a short row: the columns it reaches
            mapped = [(column, cells[position]) for position, column in positions.items() if position < len(cells)]

        def labelled() -> Iterator[tuple[str, str]]:
            return ((positions.get(i) or self._name(i), c) for i, c in enumerate(cells))

        return self._finish(row_number, self._raw(cells), cells, mapped, labelled)

    def build_keyed(self, row_number: int, raw: dict[str, str], columns: Mapping[str, str]) -> ParsedRow:
        """A row of named values (a JSON item), holding only its own keys; ``columns`` maps keys to canonical columns.

        The caller checks the number of keys; a value over the length limit quarantines the row here.
        """
        values = list(raw.values())
        limit = self.limits.cell_chars
        if values and max(map(len, values)) > limit:
            key = next(k for k, v in raw.items() if len(v) > limit)
            finding = Finding(
                Severity.ERROR,
                "cell_too_long",
                f"value in column {key!r} is {len(raw[key])} characters, the limit is {limit}: check the file (the "
                "value is kept cut at the limit)",
                columns.get(key) or key,
            )
            kept = {k: v if len(v) <= limit else _cut(v, limit) for k, v in raw.items()}
            return ParsedRow(row_number, self.sheet, kept, dict.fromkeys(CANONICAL_COLUMNS), [finding], _QUARANTINED)
        mapped = [(columns[key], value) for key, value in raw.items() if key in columns]

        def labelled() -> Iterator[tuple[str, str]]:
            return ((columns.get(k) or k, v) for k, v in raw.items())

        return self._finish(row_number, raw, values, mapped, labelled)

    def _finish(
        self,
        row_number: int,
        raw: dict[str, str],
        cells: Sequence[str],
        mapped: list[tuple[str, str]],
        labelled: Callable[[], Iterable[tuple[str, str]]],
    ) -> ParsedRow:
        row = ParsedRow(row_number=row_number, sheet=self.sheet, raw=raw, fields=dict.fromkeys(CANONICAL_COLUMNS))
        if not any(str(c).strip() for c in cells):
            row.status = RowStatus.BLANK
            return row
        findings = row.findings
        if _FORMULA_START.search(_SEPARATOR + _SEPARATOR.join(cells)) is not None:  # one search in C, not one per cell
            self._formulas(row, labelled())
        fields = row.fields
        if all_clean([source for _, source in mapped]):  # the common case: every value stays as it is
            for column, value in mapped:
                if value:
                    if column in _CONVERTED:
                        self._convert(row, column, value)
                    else:
                        fields[column] = value
        else:
            self._clean(row, mapped)
        self._names(row)
        self._record_id(row)
        self._widths(row)
        if not any(row.fields.get(c) for c in _NAME_COLUMNS):
            findings.append(
                Finding(
                    Severity.ERROR, "no_name", "the row has no name at all (no family name, given name or full name)"
                )
            )
        if any(f.severity == Severity.ERROR for f in findings):
            row.status = RowStatus.QUARANTINED
        return row

    def _clean(self, row: ParsedRow, mapped: list[tuple[str, str]]) -> None:
        """Store the mapped values cleaned, with a finding for each one that was changed or looks mis-decoded."""
        findings = row.findings
        for column, source in mapped:
            value = clean_text(source)
            if value is not source and has_control_characters(source):
                findings.append(
                    Finding(Severity.WARNING, "control_characters", "control characters removed", column, source)
                )
            if not value:
                continue
            garbled = encoding_problem(value)
            if garbled is not None:
                findings.append(
                    Finding(
                        Severity.WARNING,
                        "suspicious_encoding",
                        f"{garbled} — check the source file's encoding and import it again",
                        column,
                        value,
                    )
                )
            if column in _CONVERTED:
                self._convert(row, column, value)
            else:
                row.fields[column] = value

    def _convert(self, row: ParsedRow, column: str, value: str) -> None:
        """Store a clean, non-empty date or sex: the date read (a finding if it was dropped), the sex as M or F."""
        if column not in DATE_COLUMNS:
            row.fields[column] = _SEX.get(value.lower().rstrip("."), value)
            return
        parsed = self._dates.get(value)
        if parsed is None:
            if len(self._dates) >= _DATES_KEPT:
                self._dates.clear()
            parsed = self._dates[value] = parse_date(value, today=self.today, excel_serial=self.spreadsheet)
        if parsed.problem:
            row.findings.append(
                Finding(
                    Severity.WARNING,
                    "date_dropped",
                    f"{parsed.problem}: the value was dropped, not guessed",
                    column,
                    value,
                )
            )
        row.fields[column] = parsed.value

    def _widths(self, row: ParsedRow) -> None:
        """Quarantine a row with a value longer than its column holds (the raw value keeps all of it; the field is
        cut to the width, so the quarantined row can be stored on any database)."""
        fields = row.fields
        longest = max(map(len, filter(None, fields.values())), default=0)
        for width, column in _BY_WIDTH:
            if width >= longest:
                return  # every value fits this column and the wider ones
            value = fields.get(column)
            if isinstance(value, str) and len(value) > width:
                break
        else:
            return
        for column, width in COLUMN_WIDTHS.items():
            value = row.fields.get(column)
            if isinstance(value, str) and len(value) > width:
                row.findings.append(
                    Finding(
                        Severity.ERROR,
                        "value_too_long",
                        f"{len(value):,} characters; this column holds at most {width:,} — shorten the value "
                        "in the file (is a whole record in one cell?) and import it again",
                        column,
                        value[:60] + "…",
                    )
                )
                row.fields[column] = value[:width]

    def _names(self, row: ParsedRow) -> None:
        fields = row.fields
        full = fields.get("full_name")
        if full and not (fields.get("family_name") or fields.get("given_name")):
            family, given, patronymic = split_full_name(full)
            fields["family_name"], fields["given_name"] = family or None, given or None
            fields["patronymic"] = fields.get("patronymic") or patronymic or None

    def _record_id(self, row: ParsedRow) -> None:
        record_id = row.fields.get("record_id")
        if not record_id:
            record_id = f"row-{self.sheet + '-' if self.sheet else ''}{row.row_number}"
            row.fields["record_id"] = record_id
            row.findings.append(
                Finding(Severity.INFO, "record_id_from_row", f"no record id: {record_id} derived from the row number")
            )
