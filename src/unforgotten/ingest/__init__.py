"""Reading real-world list files with nothing lost: every physical row becomes one ParsedRow.

Pure engine (no database): :func:`read_file` picks the reader by content and extension; the list service stores
what it streams.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from unforgotten.errors import FileReadError, Text
from unforgotten.ingest.delimited import read_csv
from unforgotten.ingest.limits import DEFAULT_LIMITS, Limits
from unforgotten.ingest.mapping import ColumnMapping, load_mapping, map_headers, normalise_header
from unforgotten.ingest.model import Finding, ParsedRow, ReadResult, RowStatus, Severity
from unforgotten.ingest.pfif import read_pfif, write_pfif
from unforgotten.ingest.readers import read_json, read_spreadsheet
from unforgotten.ingest.rows import split_full_name
from unforgotten.ingest.safe import looks_like_formula, neutralise_cell
from unforgotten.ingest.samples import SampleSpec, write_messy_corpus
from unforgotten.ingest.values import parse_date

__all__ = [
    "DEFAULT_LIMITS",
    "ColumnMapping",
    "Finding",
    "Limits",
    "ParsedRow",
    "ReadResult",
    "RowStatus",
    "SampleSpec",
    "Severity",
    "load_mapping",
    "looks_like_formula",
    "map_headers",
    "neutralise_cell",
    "normalise_header",
    "parse_date",
    "read_file",
    "split_full_name",
    "write_messy_corpus",
    "write_pfif",
]

_SPREADSHEETS = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}
_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0"


def read_file(
    path: Path,
    *,
    mapping: ColumnMapping | None = None,
    progress: Callable[[int], None] | None = None,
    today: dt.date | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> ReadResult:
    """Open a list file of any supported format; its rows stream from ``result.rows``.

    Args:
        path: CSV/TSV/TXT, XLSX/XLS/ODS, JSON, or PFIF 1.4 XML.
        mapping: source header → canonical column, overriding the automatic mapping.
        progress: called with the number of rows read so far.
        today: dates after this are "in the future" (default: today).
        limits: cell length, columns, JSON keys, workbook unpacked size (default: the ``limits`` module's constants).

    Returns:
        A :class:`ReadResult`; iterate ``rows`` once.

    Raises:
        FileReadError: the file is missing, empty, of no format that can be read, or beyond a limit that applies to
            the whole file (a zip bomb, a header too wide).
    """
    path = Path(path)
    if not path.is_file():
        raise FileReadError(Text("file not found"), file=str(path), hint=Text("check the path"))
    with path.open("rb") as handle:
        magic = handle.read(8)
    if not magic:
        raise FileReadError(Text("the file is empty"), file=path.name)
    suffix = path.suffix.lower()
    if suffix in _SPREADSHEETS or magic.startswith(_ZIP) or magic.startswith(_OLE):
        return read_spreadsheet(path, mapping=mapping, today=today, progress=progress, limits=limits)
    if suffix == ".json" or magic.lstrip()[:1] in (b"[", b"{"):
        return read_json(path, mapping=mapping, today=today, progress=progress, limits=limits)
    if suffix == ".xml" or magic.lstrip().startswith(b"<"):
        return read_pfif(path, today=today, progress=progress)
    return read_csv(path, mapping=mapping, today=today, progress=progress, limits=limits)
