"""From a source row to a ParsedRow: map columns, split full names, clean and check values, decide the status.

Errors quarantine the row (no name at all, more fields than the header); warnings keep it (a date that was
impossible, in the future or unreadable is dropped, not guessed; control characters removed; duplicate record
ids). A row with every cell empty is blank: reported, never silently dropped.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from unforgotten.columns import CANONICAL_COLUMNS, DATE_COLUMNS
from unforgotten.ingest.model import Finding, ParsedRow, RowStatus, Severity
from unforgotten.ingest.values import clean_text, encoding_problem, has_control_characters, parse_date

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


class RowBuilder:
    """Builds ParsedRows for one sheet, one row at a time and remembering none of them (memory stays flat).

    Duplicate record ids are found by the list service in the database after the rows are stored.
    """

    def __init__(
        self, *, headers: Sequence[str], positions: dict[int, str], sheet: str, today: dt.date | None, spreadsheet: bool
    ) -> None:
        self.headers = list(headers)
        self.positions = positions
        self.sheet = sheet
        self.today = today
        self.spreadsheet = spreadsheet

    def _raw(self, cells: Sequence[str]) -> dict[str, str]:
        raw: dict[str, str] = {}
        for index, value in enumerate(cells):
            header = self.headers[index] if index < len(self.headers) and self.headers[index] else f"column {index + 1}"
            if header in raw:
                header = f"{header} ({index + 1})"
            raw[header] = value
        return raw

    def build(self, row_number: int, cells: Sequence[str]) -> ParsedRow:
        raw = self._raw(cells)
        row = ParsedRow(row_number=row_number, sheet=self.sheet, raw=raw, fields=dict.fromkeys(CANONICAL_COLUMNS))
        if not any(str(c).strip() for c in cells):
            row.status = RowStatus.BLANK
            return row
        findings = row.findings
        if len(cells) > len(self.headers) and any(str(c).strip() for c in cells[len(self.headers) :]):
            findings.append(
                Finding(
                    Severity.ERROR,
                    "too_many_fields",
                    f"the row has {len(cells)} fields but the header has {len(self.headers)}; "
                    "a value probably contains an unquoted separator — fix the row and import again",
                )
            )
        for position, column in self.positions.items():
            if position >= len(cells):
                continue
            source = cells[position]
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
            if column in DATE_COLUMNS:
                parsed = parse_date(value, today=self.today, excel_serial=self.spreadsheet)
                if parsed.problem:
                    findings.append(
                        Finding(
                            Severity.WARNING,
                            "date_dropped",
                            f"{parsed.problem}: the value was dropped, not guessed",
                            column,
                            value,
                        )
                    )
                row.fields[column] = parsed.value
            elif column == "sex":
                row.fields[column] = _SEX.get(value.lower().rstrip("."), value)
            else:
                row.fields[column] = value
        self._names(row)
        self._record_id(row)
        if not any(row.fields.get(c) for c in _NAME_COLUMNS):
            findings.append(
                Finding(
                    Severity.ERROR, "no_name", "the row has no name at all (no family name, given name or full name)"
                )
            )
        if any(f.severity == Severity.ERROR for f in findings):
            row.status = RowStatus.QUARANTINED
        return row

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
