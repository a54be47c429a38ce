"""Readers: XLSX/XLS/ODS (every sheet) and JSON, streaming; delimited text is read in ``delimited``.

Every reader finds the header row (skipping title and blank rows above it, and saying how many), maps it, and
yields one ParsedRow per physical data row.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import partial
from itertools import islice
from pathlib import Path
from typing import Any, TextIO

from unforgotten.columns import CANONICAL_COLUMNS
from unforgotten.errors import FileReadError, Text, UnforgottenError
from unforgotten.ingest.archive import check_archive
from unforgotten.ingest.compound import OLE_SIGNATURE, compound_file_problem
from unforgotten.ingest.delimited import read_csv
from unforgotten.ingest.encoding import detect_encoding
from unforgotten.ingest.header import HEADER_SCAN, check_header_width, find_header
from unforgotten.ingest.limits import DEFAULT_LIMITS, Limits
from unforgotten.ingest.mapping import ColumnMapping, map_headers
from unforgotten.ingest.model import Finding, ParsedRow, ReadResult, RowStatus, Severity
from unforgotten.ingest.rows import RowBuilder

__all__ = ["read_csv", "read_json", "read_spreadsheet"]

Progress = Callable[[int], None] | None
_QUARANTINED = RowStatus.QUARANTINED


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# Above this much sheet XML (about 230,000 rows of 23 columns) an XLSX sheet is streamed through openpyxl's
# read-only mode: flat memory, but about four times slower (docs/benchmarks.md). Below it python-calamine reads the
# sheet whole, fast, in memory bounded by this size (about 450 MB at the limit). XLS (65,536 rows at most) and ODS
# are always read by calamine.
STREAM_XLSX_ABOVE = 256 * 1024 * 1024

SheetRows = Iterator[tuple[str, Iterator[Sequence[Any]]]]


def _largest_sheet_xml(path: Path) -> int:
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            sizes = [i.file_size for i in archive.infolist() if i.filename.startswith("xl/worksheets/")]
    except Exception:  # zipfile raises BadZipFile, NotImplementedError (a damaged version field), ValueError, ...
        return 0  # not a zip this can read: let the workbook reader say why
    return max(sizes, default=0)


def _open_workbook(path: Path, limits: Limits) -> SheetRows:
    """Open a workbook now (so a broken file fails here, clearly) and yield each sheet's rows lazily.

    A zip bomb is refused before either library unpacks anything.
    """
    check_archive(path, limits)
    if path.suffix.lower() in (".xlsx", ".xlsm") and _largest_sheet_xml(path) > STREAM_XLSX_ABOVE:
        return _openpyxl_sheets(path)
    from python_calamine import CalamineWorkbook

    with path.open("rb") as handle:
        compound = handle.read(8) == OLE_SIGNATURE
    problem = compound_file_problem(path) if compound else None
    if problem is not None:
        raise FileReadError(
            Text("the workbook is damaged and cannot be opened"),
            file=path.name,
            hint=Text("{problem}; open it in a spreadsheet program and save it again", problem=problem),
        )
    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except BaseException as error:
        if not _library_failure(error):
            raise
        raise FileReadError(Text("the workbook cannot be opened"), file=path.name, hint=str(error)) from error

    def sheets() -> SheetRows:
        for name in workbook.sheet_names:
            yield name, _sheet_rows(path, name, partial(_calamine_rows, workbook, name))

    return sheets()


def _calamine_rows(workbook: Any, name: str) -> Iterator[Sequence[Any]]:
    return iter(workbook.get_sheet_by_name(name).iter_rows())


def _openpyxl_sheets(path: Path) -> SheetRows:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for corrupt files
        raise FileReadError(Text("the workbook cannot be opened"), file=path.name, hint=str(error)) from error

    def sheets() -> SheetRows:
        try:
            for sheet in workbook.worksheets:
                yield sheet.title, _sheet_rows(path, sheet.title, partial(_openpyxl_rows, sheet))
        finally:
            workbook.close()  # read-only mode keeps the file open until closed

    return sheets()


def _openpyxl_rows(sheet: Any) -> Iterator[Sequence[Any]]:
    """A sheet's rows as calamine reads them, so the same sheet gives the same rows whichever reader its size picks.

    openpyxl yields every row element, and sheets often end in thousands of formatted but empty rows; calamine stops
    at the last cell with a value. Empty rows are only counted until a row with a value follows them, so a run of
    them costs no memory. openpyxl also leaves Excel's escapes of control characters in the text; they are decoded.
    """
    held, empty = 0, ()
    for values in sheet.iter_rows(values_only=True):
        if all(v is None or v == "" for v in values):
            held, empty = held + 1, values
            continue
        for _ in range(held):
            yield empty
        held = 0
        yield [_unescape(v) if isinstance(v, str) and "_x00" in v else v for v in values]


# Excel writes a control character in a cell as _x00HH_, and a literal "_x00HH_" as "_x005F_x00HH_" (one pass, left to
# right, undoes both); calamine decodes exactly this form.
_EXCEL_ESCAPE = re.compile(r"_x00([0-9A-Fa-f]{2})_")


def _unescape(text: str) -> str:
    return _EXCEL_ESCAPE.sub(lambda match: chr(int(match.group(1), 16)), text)


def _library_failure(error: BaseException) -> bool:
    """Whether an error is a workbook library failing on a damaged file (to be reported), not ours (to propagate).

    calamine reports damage with CalamineError, but a Rust panic inside it reaches Python as pyo3's PanicException,
    which derives from BaseException so that ordinary handlers miss it; openpyxl raises many kinds (zip, XML, key
    and value errors).
    """
    if isinstance(error, Exception):
        return not isinstance(error, UnforgottenError)
    return type(error).__name__ == "PanicException"


def _sheet_rows(path: Path, name: str, load: Callable[[], Iterator[Sequence[Any]]]) -> Iterator[Sequence[Any]]:
    """Yield one sheet's rows; a sheet found damaged only when it is read is a FileReadError too, not a traceback.

    Both libraries read a sheet's data only when asked for it, after the workbook opened cleanly.
    """
    try:
        yield from load()
    except BaseException as error:
        if not _library_failure(error):
            raise
        raise FileReadError(
            Text("sheet {name!r} of the workbook cannot be read", name=name),
            file=path.name,
            hint=Text("{error}; open it in a spreadsheet program and save it again", error=error),
        ) from error


def read_spreadsheet(
    path: Path,
    *,
    mapping: ColumnMapping | None,
    today: dt.date | None,
    progress: Progress,
    limits: Limits = DEFAULT_LIMITS,
) -> ReadResult:
    """Read every sheet of an XLSX/XLS/ODS workbook whose header can be recognised; report the others."""
    workbook = _open_workbook(path, limits)
    result = ReadResult(path=str(path), format=path.suffix.lower().lstrip("."), rows=iter(()))

    def rows() -> Iterator[ParsedRow]:
        count = 0
        for name, iterator in workbook:
            head: list[list[str]] = []
            for values in iterator:
                head.append([_cell(v) for v in values])
                if len(head) >= HEADER_SCAN:
                    break
            header_at = find_header(head, mapping)
            if header_at is None:
                if any(any(c.strip() for c in r) for r in head):
                    result.ignored_sheets[name] = "no recognisable header row"
                continue
            result.sheets.append(name)
            headers = [h.strip() for h in head[header_at]]
            check_header_width(headers, limits.columns, file=path.name, sheet=name)
            positions, unmapped = map_headers(headers, mapping)
            result.mapping[name] = {headers[i]: c for i, c in positions.items()}
            result.unmapped[name] = unmapped
            result.skipped_above_header[name] = header_at
            builder = RowBuilder(
                headers=headers, positions=positions, sheet=name, today=today, spreadsheet=True, limits=limits
            )
            number = header_at + 1
            for cells in head[header_at + 1 :]:
                number += 1
                count += 1
                yield builder.build(number, _trim(cells, len(headers)))
            for values in iterator:
                number += 1
                count += 1
                yield builder.build(number, _trim([_cell(v) for v in values], len(headers)))
                if progress is not None and count % 5000 == 0:
                    progress(count)
        if not result.sheets:
            raise FileReadError(
                Text("no sheet has a header row with recognisable column names"),
                file=path.name,
                hint=Text("add a header (e.g. Прізвище, Ім'я, Дата народження) or pass --mapping"),
            )
        if progress is not None:
            progress(count)

    result.rows = result.tally(rows())
    return result


def _trim(cells: list[str], width: int) -> list[str]:
    # Spreadsheets pad rows to the used range; empty trailing cells are not extra fields.
    while len(cells) > width and not cells[-1].strip():
        cells.pop()
    return cells


class _Utf8:
    """A file in any encoding as UTF-8 bytes, read as it streams (ijson parses bytes). Only ``read`` is offered:
    a parser that found ``readinto`` would take the undecoded bytes. Undecodable bytes become U+FFFD, which the row
    builder then reports per value, as for CSV."""

    def __init__(self, text: TextIO) -> None:
        self._text = text

    def read(self, size: int = -1) -> bytes:
        return self._text.read(size).encode("utf-8")


@contextmanager
def _utf8(path: Path, encoding: str) -> Iterator[_Utf8]:
    with path.open("r", encoding=encoding, errors="replace", newline="") as text:
        yield _Utf8(text)


def _json_items(path: Path, encoding: str) -> Iterator[Any]:
    """The list's items, one at a time: a top-level array, or the ``entries`` array of a top-level object."""
    import ijson

    with _utf8(path, encoding) as peek:
        first = peek.read(64).lstrip()[:1]
    if first not in (b"[", b"{"):
        raise FileReadError(Text("JSON must be an array of objects"), file=path.name)
    prefix = "item" if first == b"[" else "entries.item"
    with _utf8(path, encoding) as handle:
        try:
            yield from ijson.items(handle, prefix, use_float=True)
        except (ijson.JSONError, UnicodeDecodeError, ValueError) as error:
            raise FileReadError(Text("not valid JSON"), file=path.name, hint=str(error)) from error


def read_json(
    path: Path,
    *,
    mapping: ColumnMapping | None,
    today: dt.date | None,
    progress: Progress,
    limits: Limits = DEFAULT_LIMITS,
) -> ReadResult:
    """Read a JSON array of objects, streaming; unknown fields stay in the raw row.

    Two passes, each holding one item at a time: the first checks the document and gathers the field names (the
    columns to map are their union, up to ``limits.distinct_keys`` of them), the second builds the rows. Each row
    holds only its own item's fields, so a file whose items each bring new names costs time and storage in
    proportion to its size, not to items × names. An item with more than ``limits.item_keys`` fields, or with a
    name beyond the first ``limits.distinct_keys`` of the file, is quarantined.
    """
    with path.open("rb") as handle:
        encoding = detect_encoding(handle.read(4096))
    headers: dict[str, None] = {}
    count = 0
    for item in _json_items(path, encoding):
        count += 1
        if isinstance(item, dict) and len(item) <= limits.item_keys and len(headers) < limits.distinct_keys:
            headers.update(dict.fromkeys(item))
    if count == 0 and not _has_entries(path, encoding):
        raise FileReadError(
            Text("JSON must be an array of objects"), file=path.name, hint=Text("no list of entries found")
        )
    columns = list(headers)[: limits.distinct_keys]
    known = frozenset(columns)
    positions, unmapped = map_headers(columns, mapping)
    canonical = {columns[i]: c for i, c in positions.items()}
    result = ReadResult(path=str(path), format="json", rows=iter(()), encoding=encoding, sheets=[""])
    result.mapping[""] = canonical
    result.unmapped[""] = unmapped
    builder = RowBuilder(headers=columns, positions=positions, sheet="", today=today, spreadsheet=False, limits=limits)

    def rows() -> Iterator[ParsedRow]:
        number = 0
        for number, item in enumerate(_json_items(path, encoding), start=1):
            if not isinstance(item, dict):
                message = 'the item is a bare value, not an object with field names: write it as {"family_name": …}'
                value = _cell(item)[: limits.cell_chars]
                finding = Finding(Severity.ERROR, "not_an_object", message, None, value)
                yield ParsedRow(number, "", {"value": value}, dict.fromkeys(CANONICAL_COLUMNS), [finding], _QUARANTINED)
            elif len(item) > limits.item_keys or not known.issuperset(item):
                if len(item) > limits.item_keys:
                    message = f"the item has {len(item)} fields, the limit is {limits.item_keys}"
                else:
                    message = (
                        f"the item has a field name beyond the first {limits.distinct_keys} of the file, the limit"
                    )
                raw = {str(k): _cell(v)[: limits.cell_chars] for k, v in islice(item.items(), limits.item_keys)}
                finding = Finding(Severity.ERROR, "too_many_keys", message + " (the first fields are kept)")
                yield ParsedRow(number, "", raw, dict.fromkeys(CANONICAL_COLUMNS), [finding], _QUARANTINED)
            else:
                yield builder.build_keyed(number, {str(k): _cell(v) for k, v in item.items()}, canonical)
            if progress is not None and number % 5000 == 0:
                progress(number)
        if progress is not None:
            progress(number)

    result.rows = result.tally(rows())
    return result


def _has_entries(path: Path, encoding: str) -> bool:
    """An empty list is a list (``[]`` or ``{"entries": []}``); any other document with no items is not one."""
    import ijson

    with _utf8(path, encoding) as handle:
        try:
            return any(
                (prefix, event) in (("", "start_array"), ("entries", "start_array"))
                for prefix, event, _ in ijson.parse(handle)
            )
        except (ijson.JSONError, UnicodeDecodeError, ValueError):
            return False
