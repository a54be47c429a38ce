"""How much the readers accept from one file, so that a hostile or broken file costs seconds and megabytes, not hours
and gigabytes. Beyond a limit a row is quarantined with the reason, or the file is refused as a whole
(:class:`~unforgotten.errors.FileReadError` naming the limit); messages never quote the row's values.

The defaults are module constants, so the engine needs no settings; a caller may pass its own :class:`Limits`.

| limit | default | beyond it |
| --- | ---: | --- |
| ``MAX_CELL_CHARS`` | 10,000 | the row is quarantined (``cell_too_long``); its raw value is cut at the limit |
| ``MAX_COLUMNS`` | 500 | a header this wide refuses the file; a longer row is quarantined (``too_many_fields``) |
| ``MAX_LINE_CHARS`` | 1,000,000 | a CSV line this long is quarantined unread (``line_too_long``) |
| ``MAX_QUOTED_LINES`` | 100 | a quoted CSV value spanning more lines is an unclosed quote (``unclosed_quote``) |
| ``MAX_ITEM_KEYS`` | 500 | a JSON item with more keys is quarantined (``too_many_keys``) |
| ``MAX_DISTINCT_KEYS`` | 5,000 | an item with a key beyond this many distinct names in the file is quarantined |
| ``MAX_UNPACKED_BYTES`` | 1 GiB | a workbook whose zip members unpack to more, in all, is refused |
| ``MAX_SHARED_STRINGS_BYTES`` | 64 MiB | a workbook whose shared strings unpack to more is refused |
| ``MAX_COMPRESSION_RATIO`` | 100 | a zip member over 1 MiB unpacked, more than 100× its packed size, refuses the file |
| ``columns.COLUMN_WIDTHS`` | 10–500 | a canonical value longer than its column is quarantined (``value_too_long``) |

Above the readers, the API refuses a request body before reading it: an upload over ``UNFORGOTTEN_MAX_UPLOAD_MB``
(200) or any other body over ``UNFORGOTTEN_MAX_BODY_KB`` (1,024) is a 413 naming the limit.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "DEFAULT_LIMITS",
    "MAX_CELL_CHARS",
    "MAX_COLUMNS",
    "MAX_COMPRESSION_RATIO",
    "MAX_DISTINCT_KEYS",
    "MAX_ITEM_KEYS",
    "MAX_LINE_CHARS",
    "MAX_QUOTED_LINES",
    "MAX_SHARED_STRINGS_BYTES",
    "MAX_UNPACKED_BYTES",
    "RATIO_CHECKED_ABOVE",
    "Limits",
]

# The longest canonical value a clerk types is a note or an address, well under a thousand characters; 10,000
# leaves room for pasted documents and still stops the 600-million-character "family name" of a crafted workbook.
MAX_CELL_CHARS = 10_000
# Real lists have 4–40 columns; the canonical set is 23.
MAX_COLUMNS = 500
# A row of MAX_COLUMNS cells at a typical length is far shorter; the cap bounds the memory one line can take
# (about 4 MB as a Python string) before any cell is looked at.
MAX_LINE_CHARS = 1_000_000
# A note with line breaks inside quotes spans a few lines; a quote that never closes would swallow the file.
MAX_QUOTED_LINES = 100
MAX_ITEM_KEYS = MAX_COLUMNS
MAX_DISTINCT_KEYS = 5_000
# Sheet XML runs at about 1 KB a row of 23 columns: 1 GiB unpacked is a million rows, beyond any real list.
MAX_UNPACKED_BYTES = 1 << 30
# Sheet XML of real lists compresses 5–20×; repeated empty styled cells reach about 60×. A member of a zip bomb
# is thousands of times smaller packed than unpacked.
MAX_COMPRESSION_RATIO = 100
# Small members compress as they like (an empty styles part reaches 300×); only a large one can be a bomb.
RATIO_CHECKED_ABOVE = 1 << 20
# Both workbook libraries hold every shared string in memory at once, and a cell's string is then copied into
# Python: a list of a million rows has under 20 MB of unique strings (names repeat); 64 MB keeps a crafted one
# under 500 MB of memory.
MAX_SHARED_STRINGS_BYTES = 64 << 20


@dataclass(frozen=True)
class Limits:
    """The limits one read applies; the defaults are the module constants above."""

    cell_chars: int = MAX_CELL_CHARS
    columns: int = MAX_COLUMNS
    line_chars: int = MAX_LINE_CHARS
    quoted_lines: int = MAX_QUOTED_LINES
    item_keys: int = MAX_ITEM_KEYS
    distinct_keys: int = MAX_DISTINCT_KEYS
    unpacked_bytes: int = MAX_UNPACKED_BYTES
    compression_ratio: int = MAX_COMPRESSION_RATIO
    ratio_checked_above: int = RATIO_CHECKED_ABOVE
    shared_strings_bytes: int = MAX_SHARED_STRINGS_BYTES


DEFAULT_LIMITS = Limits()
