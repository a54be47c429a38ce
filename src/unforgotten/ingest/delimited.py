"""Delimited text (CSV/TSV/TXT) in any common encoding, streamed one physical line at a time.

A quoted value may hold line breaks, so one record can span lines; but a quote that never closes would swallow
every line after it into one value, and the persons on those lines would be lost inside it. So a record that spans
lines is accepted only if it reads as a well-formed quoted value: the quote closes (before the end of the file and
within ``quoted_lines`` lines), is followed by a delimiter or the line's end, and no line it swallowed looks like a
row of its own (as many delimiters as the header). Otherwise only the line where the quote opened is quarantined
("unclosed quote starting at line N") and reading resumes at the next line, so no other row is lost.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Iterator
from itertools import chain, islice
from pathlib import Path
from typing import TextIO

from unforgotten.errors import FileReadError, Text
from unforgotten.ingest.encoding import detect_encoding
from unforgotten.ingest.header import HEADER_SCAN, check_header_width, find_header
from unforgotten.ingest.limits import DEFAULT_LIMITS, Limits
from unforgotten.ingest.mapping import ColumnMapping, map_headers, recognised
from unforgotten.ingest.model import Finding, ParsedRow, ReadResult, Severity
from unforgotten.ingest.rows import RowBuilder

__all__ = ["read_csv", "split_records"]

Progress = Callable[[int], None] | None
# The limits below keep every field far under this; it only has to exceed them (csv's default is 131,072).
csv.field_size_limit(10_000_000)


class _Runaway(Exception):
    """A quoted value ran past a limit: the record that opened it is broken."""


class _LongLine(Exception):
    """A physical line longer than the limit (already skipped)."""


_LONG = "\x00long line\x00"  # stands for a skipped over-long line among lines given back to be read again


class _Lines:
    """A text file's physical lines, numbered; the lines of the record being read are kept to be read again."""

    def __init__(self, handle: TextIO, limits: Limits) -> None:
        self._readline = handle.readline
        self._size = limits.line_chars + 2  # room for CR LF
        self._max_lines = limits.quoted_lines
        self._max_chars = limits.line_chars
        self._pending: list[str] = []  # lines given back, the next one last
        self._skip_lf = False
        self.number = 0  # physical lines read so far
        self.record: list[str] = []  # the current multi-line record's lines
        self._chars = 0
        self.ran_out = False  # the current record asked for a line past the end of the file
        self.inside: Callable[[str], bool] = lambda line: False  # whether a swallowed line looks like a row

    def _read(self) -> str:
        if self._pending:
            line = self._pending.pop()
            if line is _LONG:
                self.number += 1
                raise _LongLine
            self.number += 1
            return line
        line = self._readline(self._size)
        if self._skip_lf:
            self._skip_lf = False
            if line == "\n":
                line = self._readline(self._size)
        if len(line) == self._size and not line.endswith("\n"):
            while len(line) == self._size and not line.endswith("\n"):
                line = self._readline(self._size)  # the rest of the long line, dropped as it is read
            self._skip_lf = line.endswith("\r")
            self.number += 1
            raise _LongLine
        if line:
            self.number += 1
        return line

    def next_line(self) -> str:
        """The next line starting a record ("" at the end of the file); raises _LongLine for an over-long one."""
        return self._read()

    def begin(self, line: str) -> None:
        self.record = [line]
        self._chars = len(line)
        self.ran_out = False

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        """A continuation line, asked for by the csv parser only while a quoted value is open."""
        try:
            line = self._read()
        except _LongLine:
            self.record.append(_LONG)
            raise _Runaway from None
        if not line:
            self.ran_out = True
            raise StopIteration
        self.record.append(line)
        self._chars += len(line)
        if len(self.record) > self._max_lines or self._chars > self._max_chars or self.inside(line):
            raise _Runaway
        return line

    def give_back(self, lines: list[str], number: int) -> None:
        """Read ``lines`` again next, as lines ``number + 1`` on."""
        self._pending.extend(reversed(lines))
        self.number = number


Record = tuple[int, list[str], Finding | None]


def split_records(
    handle: TextIO, delimiter: str, *, width: int | None, limits: Limits, skip: int = 0
) -> Iterator[Record]:
    """Yield ``(line number, cells, problem)`` for each record of a delimited text, resuming after a broken one.

    Args:
        handle: the text, opened with ``newline=""``.
        delimiter: the field separator.
        width: the header's number of columns, once known: a swallowed line with that many fields (less one)
            shows that a quote was left open.
        limits: line length and the lines one quoted value may span.
        skip: physical lines to pass over first (those down to the header).

    A broken record yields its first line split naively, with an error finding.
    """
    lines = _Lines(handle, limits)
    while lines.number < skip:
        try:
            if not lines.next_line():
                return
        except _LongLine:
            pass
    if width is not None and width >= 3:
        needed = max(2, width - 1)

        def inside(line: str) -> bool:  # the part of the line within the open quote has a row's delimiters
            return line.split('"', 1)[0].count(delimiter) >= needed

        lines.inside = inside
    while True:
        try:
            line = lines.next_line()
        except _LongLine:
            message = f"line {lines.number} is longer than {limits.line_chars} characters, the limit; it was not read"
            yield lines.number, [], Finding(Severity.ERROR, "line_too_long", message)
            continue
        if not line:
            return
        start = lines.number
        if '"' not in line:
            yield start, (line.rstrip("\r\n").split(delimiter) if line.strip("\r\n") else []), None
            continue
        lines.begin(line)
        try:
            cells = next(csv.reader(chain((line,), lines), delimiter=delimiter), [])
            broken = lines.ran_out or (lines.number > start and not _strict(lines.record, delimiter))
        except (_Runaway, csv.Error):
            broken = True
        if not broken:
            yield start, cells, None
            continue
        lines.give_back(lines.record[1:], start)
        message = (
            f"unclosed quote starting at line {start}: the quoted value never ends and would swallow the rows after "
            "it, so only this line is set aside — close or remove the quote and import again"
        )
        yield start, line.rstrip("\r\n").split(delimiter), Finding(Severity.ERROR, "unclosed_quote", message)


def _strict(record: list[str], delimiter: str) -> bool:
    """Whether a multi-line record is well-formed CSV: each closing quote followed by a delimiter or the line end."""
    try:
        next(csv.reader(iter(record), delimiter=delimiter, strict=True))
    except csv.Error:
        return False
    return True


def _sniff_delimiter(text: str, mapping: ColumnMapping | None) -> str:
    """The delimiter under which a header row is best recognised; ties go to the most regular split."""
    lines = [line for line in text.splitlines()[:HEADER_SCAN] if line.strip()]
    best, best_key = ",", (-1, -1.0)
    for delimiter in (";", ",", "\t", "|"):
        counts = [line.count(delimiter) for line in lines]
        if not counts or max(counts) == 0:
            continue
        rows = list(csv.reader(lines, delimiter=delimiter))
        header = max((recognised([str(c) for c in row], mapping) for row in rows), default=0)
        common = max(set(counts), key=counts.count)
        regularity = counts.count(common) / len(counts) * (1 + min(common, 30) / 30)
        if (header, regularity) > best_key:
            best, best_key = delimiter, (header, regularity)
    return best


def read_csv(
    path: Path,
    *,
    mapping: ColumnMapping | None,
    today: dt.date | None,
    progress: Progress,
    limits: Limits = DEFAULT_LIMITS,
) -> ReadResult:
    """Read a delimited text file, detecting its encoding and delimiter."""
    with path.open("rb") as handle:
        sample = handle.read(256 * 1024)
    encoding = detect_encoding(sample)
    head = sample.decode(encoding, errors="replace")
    delimiter = "\t" if path.suffix.lower() == ".tsv" else _sniff_delimiter(head, mapping)
    result = ReadResult(
        path=str(path), format="csv", rows=iter(()), encoding=encoding, delimiter=delimiter, sheets=[""]
    )

    def open_text() -> TextIO:
        return path.open("r", encoding=encoding, errors="replace", newline="")

    def rows() -> Iterator[ParsedRow]:
        # First the header, from the first records read without knowing the width; then the data, read again from
        # the line after the header with the header's width known.
        with open_text() as text:
            # One record more than is searched: where it starts is where the data starts.
            head = list(islice(split_records(text, delimiter, width=None, limits=limits), HEADER_SCAN + 1))
        header_at = find_header([cells for _, cells, _ in head[:HEADER_SCAN]], mapping)
        if header_at is None:
            raise FileReadError(
                Text("no header row with recognisable column names in the first rows"),
                file=path.name,
                hint=Text("add a header (e.g. Прізвище, Ім'я, Дата народження) or pass --mapping"),
            )
        headers = [h.strip() for h in head[header_at][1]]
        check_header_width(headers, limits.columns, file=path.name)
        positions, unmapped = map_headers(headers, mapping)
        result.mapping[""] = {headers[i]: c for i, c in positions.items()}
        result.unmapped[""] = unmapped
        result.skipped_above_header[""] = header_at
        builder = RowBuilder(
            headers=headers, positions=positions, sheet="", today=today, spreadsheet=False, limits=limits
        )
        count = 0
        if header_at + 1 < len(head):
            with open_text() as text:
                skip = head[header_at + 1][0] - 1
                for number, cells, problem in split_records(
                    text, delimiter, width=len(headers), limits=limits, skip=skip
                ):
                    count += 1
                    yield (
                        builder.build(number, cells) if problem is None else builder.quarantine(number, cells, problem)
                    )
                    if progress is not None and count % 5000 == 0:
                        progress(count)
        if progress is not None:
            progress(count)

    result.rows = result.tally(rows())
    return result
