"""Refusing a zip bomb before a workbook library unpacks it.

An XLSX or ODS file is a zip archive. Both workbook libraries unpack a sheet, and all of its shared strings, into
memory: a 585 KB workbook whose one shared string unpacks to 600 MB once took 50 s and 2.4 GB to become one
"family name". The zip directory states each member's packed and unpacked size, so the check reads no data.
The sizes it states could lie; a member that unpacks to more than it says fails its CRC check in both libraries,
which then report the file as damaged.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from unforgotten.errors import FileReadError
from unforgotten.ingest.limits import DEFAULT_LIMITS, Limits

__all__ = ["check_archive"]

_SHARED_STRINGS = ("xl/sharedstrings.xml", "xl/sharedstrings.bin")
_MB = 1 << 20


def check_archive(path: Path, limits: Limits = DEFAULT_LIMITS) -> None:
    """Refuse a workbook whose zip members would unpack beyond the limits; a file that is no zip passes untouched.

    Args:
        path: the workbook.
        limits: ``unpacked_bytes`` (all members), ``shared_strings_bytes``, and ``compression_ratio`` (for each
            member larger than ``ratio_checked_above`` unpacked).

    Raises:
        FileReadError: naming the limit that the file goes beyond.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except Exception:  # BadZipFile, NotImplementedError, ValueError, ...: not a zip this can read
        return  # let the workbook reader say why (or read an XLS, which is no zip)
    total = 0
    for member in members:
        size = member.file_size
        total += size
        if member.filename.lower() in _SHARED_STRINGS and size > limits.shared_strings_bytes:
            raise FileReadError(
                f"the workbook's shared strings unpack to {size // _MB:,} MB, the limit is "
                f"{limits.shared_strings_bytes // _MB:,} MB",
                file=path.name,
                hint="a list this large is more safely sent as CSV; a file this size may also be crafted to exhaust "
                "memory",
            )
        if size > limits.ratio_checked_above and size > limits.compression_ratio * max(member.compress_size, 1):
            ratio = size // max(member.compress_size, 1)
            raise FileReadError(
                f"a part of the workbook unpacks to {ratio:,} times its packed size ({size // _MB:,} MB), the limit "
                f"is {limits.compression_ratio} times",
                file=path.name,
                hint="real lists never compress this well; the file looks crafted to exhaust memory (a zip bomb) — "
                "save the list again from a spreadsheet program, or send it as CSV",
            )
    if total > limits.unpacked_bytes:
        raise FileReadError(
            f"the workbook unpacks to {total // _MB:,} MB, the limit is {limits.unpacked_bytes // _MB:,} MB",
            file=path.name,
            hint="split the list into several files, or send it as CSV",
        )
