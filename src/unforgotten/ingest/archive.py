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

from unforgotten.errors import FileReadError, Text
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
                Text(
                    "the workbook's shared strings unpack to {size_mb:,} MB, the limit is {limit_mb:,} MB",
                    size_mb=size // _MB,
                    limit_mb=limits.shared_strings_bytes // _MB,
                ),
                file=path.name,
                hint=Text(
                    "a list this large is more safely sent as CSV; a file this size may also be crafted to exhaust "
                    "memory"
                ),
            )
        if size > limits.ratio_checked_above and size > limits.compression_ratio * max(member.compress_size, 1):
            ratio = size // max(member.compress_size, 1)
            raise FileReadError(
                Text(
                    "a part of the workbook unpacks to {ratio:,} times its packed size ({size_mb:,} MB), the limit "
                    "is {compression_ratio} times",
                    ratio=ratio,
                    size_mb=size // _MB,
                    compression_ratio=limits.compression_ratio,
                ),
                file=path.name,
                hint=Text(
                    "real lists never compress this well; the file looks crafted to exhaust memory (a zip bomb) — "
                    "save the list again from a spreadsheet program, or send it as CSV"
                ),
            )
    if total > limits.unpacked_bytes:
        raise FileReadError(
            Text(
                "the workbook unpacks to {total_mb:,} MB, the limit is {limit_mb:,} MB",
                total_mb=total // _MB,
                limit_mb=limits.unpacked_bytes // _MB,
            ),
            file=path.name,
            hint=Text("split the list into several files, or send it as CSV"),
        )
