"""What a reader returns: one ParsedRow per physical row — nothing dropped — with its findings."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

__all__ = ["FIRST_FINDINGS_PER_CODE", "Finding", "ParsedRow", "ReadResult", "RowStatus", "Severity"]

FIRST_FINDINGS_PER_CODE = 5


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
    finding_counts: Counter[str] = field(default_factory=Counter)  # code → findings of all rows read so far
    first_findings: list[dict[str, Any]] = field(default_factory=list)  # the first few of each code, no values

    def tally(self, rows: Iterator[ParsedRow]) -> Iterator[ParsedRow]:
        """Pass ``rows`` through, counting their findings by code and keeping the first few of each code.

        Info findings (a record id derived from the row number) are counted but not listed: they would crowd out
        the ones a coordinator must act on. Values are left out; rows and columns say where to look.
        """
        counts = self.finding_counts
        first = self.first_findings
        for row in rows:
            for finding in row.findings:
                code = finding.code
                counts[code] += 1
                if counts[code] <= FIRST_FINDINGS_PER_CODE and finding.severity != Severity.INFO:
                    first.append(
                        {
                            "sheet": row.sheet,
                            "row": row.row_number,
                            "column": finding.column,
                            "severity": finding.severity.value,
                            "code": code,
                            "message": finding.message,
                        }
                    )
            yield row

    def report(self) -> dict[str, Any]:
        """How the file was read, for the list's provenance; complete once ``rows`` has been read to the end.

        ``finding_counts`` counts every finding by code; ``first_findings`` lists the first
        ``FIRST_FINDINGS_PER_CODE`` errors and warnings of each code (sheet, row, column, severity, code, message).
        """
        return {
            "format": self.format,
            "encoding": self.encoding,
            "delimiter": self.delimiter,
            "sheets": self.sheets,
            "mapping": self.mapping,
            "unmapped": self.unmapped,
            "skipped_above_header": self.skipped_above_header,
            "ignored_sheets": self.ignored_sheets,
            "finding_counts": dict(sorted(self.finding_counts.items())),
            "first_findings": list(self.first_findings),  # in reading order
        }
