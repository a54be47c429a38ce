"""What a reader returns: one ParsedRow per physical row — nothing dropped — with its findings."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

__all__ = ["Finding", "ParsedRow", "ReadResult", "RowStatus", "Severity"]


class Severity(StrEnum):
    ERROR = "error"  # the row is quarantined
    WARNING = "warning"  # the row is kept; a value may have been dropped
    INFO = "info"


class RowStatus(StrEnum):
    ACCEPTED = "accepted"
    QUARANTINED = "quarantined"
    BLANK = "blank"


@dataclass(frozen=True)
class Finding:
    """Something a coordinator should know about a row: what, in which column, which value, what to do."""

    severity: Severity
    code: str
    message: str
    column: str | None = None
    value: str | None = None

    def as_dict(self) -> dict[str, Any]:
        # Built by hand: dataclasses.asdict deep-copies, and imports call this for every finding of every row.
        return {
            "severity": self.severity.value,
            "code": self.code,
            "message": self.message,
            "column": self.column,
            "value": self.value,
        }


@dataclass
class ParsedRow:
    row_number: int  # as the clerk sees it: 1-based line or sheet row, header included
    sheet: str
    raw: dict[str, str]  # source header → source value, verbatim
    fields: dict[str, str | None]  # canonical column → normalised value
    findings: list[Finding] = field(default_factory=list)
    status: RowStatus = RowStatus.ACCEPTED


@dataclass
class ReadResult:
    """A file being read: provenance and settings first, rows streamed from ``rows``."""

    path: str
    format: str
    rows: Iterator[ParsedRow]
    encoding: str | None = None
    delimiter: str | None = None
    sheets: list[str] = field(default_factory=list)
    mapping: dict[str, dict[str, str]] = field(default_factory=dict)  # sheet → source header → canonical column
    unmapped: dict[str, list[str]] = field(default_factory=dict)  # sheet → headers kept only in the raw row
    skipped_above_header: dict[str, int] = field(default_factory=dict)  # sheet → title/blank rows skipped
    ignored_sheets: dict[str, str] = field(default_factory=dict)  # sheet → why it was not read

    def report(self) -> dict[str, Any]:
        """How the file was read, for the list's provenance."""
        return {
            "format": self.format,
            "encoding": self.encoding,
            "delimiter": self.delimiter,
            "sheets": self.sheets,
            "mapping": self.mapping,
            "unmapped": self.unmapped,
            "skipped_above_header": self.skipped_above_header,
            "ignored_sheets": self.ignored_sheets,
        }
