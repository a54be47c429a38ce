"""Telling UTF-8, UTF-16, Windows-1251, KOI8-U/R and MacCyrillic apart.

Any single-byte Cyrillic file decodes without error in every single-byte codec, into garbage in all but one; so a
candidate is scored by how plausible its text is as Ukrainian or Russian: the share of the most frequent letters,
and the case pattern (capitals start words; KOI8 read as cp1251 swaps case).
"""

from __future__ import annotations

import codecs

__all__ = ["decode_sample", "detect_encoding"]

_COMMON = set("оаеинтсрвлкмдпуяызьбгчйхжшюцщэфъёіїєґ")
_CANDIDATES = ("cp1251", "koi8_u", "koi8_r", "mac_cyrillic")


_PLAIN = set(" \t\r\n;,.:-'\"()/|_№#")


def _plausibility(text: str) -> float:
    if not text:
        return 0.0
    letters = [c for c in text if c.isalpha()]
    weird = sum(1 for c in text if not (c.isalnum() or c in _PLAIN)) / len(text)
    if not letters:
        return -weird
    cyrillic = [c for c in letters if "\u0400" <= c <= "\u04ff"]
    if not cyrillic:
        return -weird
    common = sum(1 for c in cyrillic if c.lower() in _COMMON) / len(cyrillic)
    lower = sum(1 for c in cyrillic if c.islower()) / len(cyrillic)
    # Real names are mostly lower case after a capital; a case-swapped decoding (KOI8 read as cp1251) is not.
    # Symbols inside words (box drawing, ≥, ¬) betray the wrong code page.
    return len(cyrillic) / len(letters) + common + 0.5 * lower - 10 * weird


def detect_encoding(sample: bytes) -> str:
    """Name the codec of ``sample`` (the first bytes of a file)."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith(codecs.BOM_UTF16_LE) or sample.startswith(codecs.BOM_UTF16_BE):
        return "utf-16"
    if len(sample) >= 4:
        # UTF-16 without a BOM: the high byte of each code unit is 0x00 (ASCII) or 0x04 (Cyrillic).
        high_odd = sum(1 for b in sample[1::2] if b in (0, 4)) / max(1, len(sample[1::2]))
        high_even = sum(1 for b in sample[0::2] if b in (0, 4)) / max(1, len(sample[0::2]))
        if high_odd > 0.9 and high_even < 0.5:
            return "utf-16-le"
        if high_even > 0.9 and high_odd < 0.5:
            return "utf-16-be"
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as error:
        if error.start > len(sample) - 4:  # the sample cut a multi-byte character in half
            try:
                sample[: error.start].decode("utf-8")
                return "utf-8"
            except UnicodeDecodeError:
                pass
    best, best_score = "cp1251", -1.0
    scored = sample[:32768]  # plenty of letters to tell code pages apart, and cheap
    for codec in _CANDIDATES:
        score = _plausibility(scored.decode(codec, errors="replace"))
        if score > best_score + 1e-9:
            best, best_score = codec, score
    return best


def decode_sample(sample: bytes) -> tuple[str, str]:
    """Decode ``sample`` with its detected codec; return (codec, text)."""
    codec = detect_encoding(sample)
    return codec, sample.decode(codec, errors="replace")
