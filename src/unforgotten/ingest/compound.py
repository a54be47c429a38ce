"""A structural check of XLS files (OLE compound files, MS-CFB and MS-XLS) before python-calamine reads them.

Two kinds of damage make calamine end the whole process — an abort or the kernel killing it for memory — rather
than raise an exception the reader could report; a list file sent by another party must never do that to the
server or the CLI:

* a sector allocation table whose chain points back into itself: calamine follows it forever, growing a buffer;
* a sheet's DIMENSIONS record claiming billions of rows: calamine reserves memory for that many cells at once.

The check walks the same tables with a bound on every step (linear in the file's size; nothing is decompressed)
and says what is wrong, so the reader can refuse the file with a FileReadError. Lesser damage is left to calamine,
which reports it as an exception.
"""

from __future__ import annotations

import struct
import sys
from array import array
from pathlib import Path
from typing import BinaryIO

__all__ = ["OLE_SIGNATURE", "compound_file_problem"]

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HEADER = 512
_MAX_REGULAR = 0xFFFFFFFA  # sector ids at or above this are markers (end of chain, free, FAT or DIFAT sector)
_DIFSECT = 0xFFFFFFFC
_MINI_SECTOR = 64
_MINI_CUTOFF = 4096  # streams shorter than this live in the mini stream
_DIRECTORY_ENTRY = 128
_DIMENSIONS = 0x0200
_FILEPASS = 0x002F
_MAX_CELLS = 65_536 * 256  # the largest XLS sheet (BIFF8)


def _u32(data: bytes) -> array[int]:
    values = array("I", data[: len(data) // 4 * 4])
    if sys.byteorder == "big":  # the format is little-endian
        values.byteswap()
    return values


def _chain(table: array[int], start: int) -> list[int]:
    # Only called once the table is known to have no loop, so the chain ends.
    ids: list[int] = []
    while start < len(table):
        ids.append(start)
        start = table[start]
    return ids


class _Sectors:
    """Sectors of one open file; sector 0 starts right after the header, which takes one sector."""

    def __init__(self, handle: BinaryIO, size: int) -> None:
        self.handle, self.size = handle, size

    def read(self, sector_id: int) -> bytes:
        self.handle.seek((sector_id + 1) * self.size)
        return self.handle.read(self.size)

    def stream(self, fat: array[int], start: int, length: int) -> bytes:
        return b"".join(self.read(i) for i in _chain(fat, start))[:length]


def _loop_problem(table: array[int], name: str) -> str | None:
    # Follow each sector's successors once (0 = not yet seen, 1 = on the chain being followed, 2 = known to end), so
    # the whole table is walked in linear time. A pointer past the table's end is left to calamine, which reports it.
    state = bytearray(len(table))
    for start in range(len(table)):
        chain: list[int] = []
        current = start
        while current < len(table) and state[current] == 0:
            state[current] = 1
            chain.append(current)
            current = table[current]
        if current < len(table) and state[current] == 1:
            return f"the {name} loops at sector {current}"
        for sector_id in chain:
            state[sector_id] = 2
    return None


def _workbook_stream(sectors: _Sectors, header: bytes, fat: array[int]) -> bytes:
    """The BIFF stream of the workbook (named Workbook, or Book in Excel 5), or b"" when there is none."""
    directory = sectors.stream(fat, int.from_bytes(header[48:52], "little"), len(fat) * sectors.size)
    size_width = 4 if sectors.size == _HEADER else 8  # version 3 files keep only the low 32 bits of a stream's size
    entries: list[tuple[str, int, int]] = []  # name, first sector, length; the first entry is the root
    for offset in range(0, len(directory) - _DIRECTORY_ENTRY + 1, _DIRECTORY_ENTRY):
        entry = directory[offset : offset + _DIRECTORY_ENTRY]
        name = entry[:64].decode("utf-16-le", errors="replace").split("\x00")[0]
        start = int.from_bytes(entry[116:120], "little")
        entries.append((name, start, int.from_bytes(entry[120 : 120 + size_width], "little")))
    named = {name: (start, length) for name, start, length in reversed(entries[1:])}  # the first of a name wins
    found = named.get("Workbook") or named.get("Book")
    if found is None:
        return b""
    start, length = found
    if length >= _MINI_CUTOFF:
        return sectors.stream(fat, start, length)
    _, root_start, root_length = entries[0]
    mini_stream = sectors.stream(fat, root_start, root_length)
    mini_fat = _u32(sectors.stream(fat, int.from_bytes(header[60:64], "little"), len(fat) * sectors.size))
    if _loop_problem(mini_fat, "mini sector table") is not None:
        return b""  # calamine reads at most 4096 bytes of a mini chain, loop or not
    chain = _chain(mini_fat, start)
    return b"".join(mini_stream[i * _MINI_SECTOR : (i + 1) * _MINI_SECTOR] for i in chain)[:length]


def _dimensions_problem(stream: bytes) -> str | None:
    """A DIMENSIONS record claiming more cells than any XLS sheet can hold, read the way calamine reads it."""
    position = 0
    while position + 4 <= len(stream):
        kind, length = struct.unpack_from("<HH", stream, position)
        data = stream[position + 4 : position + 4 + length]
        if kind == _FILEPASS and data[:2] not in (b"", b"\x00\x00"):
            return None  # encrypted from here on: calamine stops too, saying the workbook is password protected
        if kind == _DIMENSIONS and len(data) in (10, 14):
            first_row, last_row, first_col, last_col = struct.unpack_from("<HHHH" if len(data) == 10 else "<IIHH", data)
            if first_col > 0xFF or last_col < first_col:
                first_col = 0
            if last_row >= 1 and last_col >= 1:
                # calamine computes these in unsigned 32-bit arithmetic: a first row after the last wraps around.
                rows, columns = (last_row - first_row) % 2**32, (last_col - first_col) % 2**32
                if rows * columns > _MAX_CELLS:
                    return f"a sheet claims {rows} rows × {columns} columns (DIMENSIONS record at byte {position})"
        position += 4 + length
    return None


def compound_file_problem(path: Path) -> str | None:
    """Say what is wrong with an XLS file that would crash its reader, or ``None`` when it can be read safely.

    Args:
        path: an XLS (or other OLE compound) file.

    Returns:
        ``None`` when every sector chain ends and every sheet's claimed size is possible, or a short description
        of the damage.

    Examples:
        >>> import tempfile
        >>> with tempfile.NamedTemporaryFile(suffix=".xls") as handle:
        ...     _ = handle.write(b"not a workbook")
        ...     handle.flush()
        ...     compound_file_problem(Path(handle.name))
        'not an OLE compound file (bad signature or shorter than its header)'
    """
    with path.open("rb") as handle:
        header = handle.read(_HEADER)
        if len(header) < _HEADER or not header.startswith(OLE_SIGNATURE):
            return "not an OLE compound file (bad signature or shorter than its header)"
        shift = int.from_bytes(header[30:32], "little")
        if shift not in (9, 12):
            return f"sector shift {shift} is neither 9 nor 12"
        sectors = _Sectors(handle, 1 << shift)
        in_file = max(0, path.stat().st_size // sectors.size - 1)

        # The DIFAT lists the FAT's sectors: 109 ids in the header, then a chain of DIFAT sectors whose last id
        # points to the next one.
        difat = list(_u32(header[76:_HEADER]))
        seen: set[int] = set()
        sector_id = int.from_bytes(header[68:72], "little")
        while sector_id < _MAX_REGULAR:
            if sector_id in seen or sector_id >= in_file:
                return f"the DIFAT chain loops or leaves the file at sector {sector_id}"
            seen.add(sector_id)
            entries = list(_u32(sectors.read(sector_id)))
            sector_id = entries.pop()
            difat.extend(entries)
        fat = array("I")
        for fat_sector in difat:
            if fat_sector < _DIFSECT:
                fat.extend(_u32(sectors.read(fat_sector)))

        problem = _loop_problem(fat, "sector allocation table")
        if problem is not None:
            return problem
        return _dimensions_problem(_workbook_stream(sectors, header, fat))
