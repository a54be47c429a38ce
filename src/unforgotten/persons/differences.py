"""Which fields of a suggested entry differ from the entries of the person it is suggested for — pure, no database.

The review page sets the suggested entry beside each of the suggested person's entries, one row per field, and
marks the values that differ so a reviewer's eye goes to them first. "Differ" is deliberately literal: two values
written differently (another script, a swapped day and month, another spelling) differ, because that is exactly
what a reviewer has to judge; only case and surrounding or repeated spaces are ignored, which no list means
anything by. A value present on one side only is *missing*, not a difference: an absent unit is no evidence
against. The list's own record id and free notes are shown but never compared: they are never the same across lists
and say nothing about identity.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from unforgotten.columns import CANONICAL_COLUMNS

__all__ = ["NOT_COMPARED", "Cell", "Row", "Verdict", "compare", "same_value"]

NOT_COMPARED = frozenset({"record_id", "notes"})


class Verdict(StrEnum):
    """How one value compares with the suggested entry's value of the same field."""

    SAME = "same"
    DIFFERS = "differs"
    MISSING = "missing"  # one side has no value
    NOT_COMPARED = "not_compared"


@dataclass(frozen=True)
class Cell:
    """One entry's value of a field ("" when it has none), and how it compares with the suggested entry's."""

    value: str
    verdict: Verdict


@dataclass(frozen=True)
class Row:
    """One field across the suggested entry (``entry``) and each of the person's entries (``others``)."""

    field: str
    entry: Cell
    others: tuple[Cell, ...]

    @property
    def differs(self) -> bool:
        return any(c.verdict is Verdict.DIFFERS for c in self.others)


def _normal(value: str) -> str:
    return " ".join(value.split()).casefold()


def same_value(a: str, b: str) -> bool:
    """Whether two written values are the same, ignoring case and spacing only.

    Examples:
        >>> same_value("Коваленко ", "КОВАЛЕНКО")
        True
        >>> same_value("1999-07-05", "1999-05-07")
        False
    """
    return _normal(a) == _normal(b)


def _verdict(field: str, mine: str, theirs: str) -> Verdict:
    if field in NOT_COMPARED:
        return Verdict.NOT_COMPARED
    if not mine.strip() or not theirs.strip():
        return Verdict.MISSING
    return Verdict.SAME if same_value(mine, theirs) else Verdict.DIFFERS


def compare(entry: Mapping[str, str], others: Sequence[Mapping[str, str]]) -> list[Row]:
    """Compare the suggested entry's fields with each other entry's, field by field in the canonical order.

    Args:
        entry: the suggested entry's values by canonical column (columns without a value may be absent).
        others: the suggested person's entries, the same way.

    Returns:
        One row per canonical column that holds a value in at least one entry. The suggested entry's own cell is
        marked ``differs`` when any other entry's value differs from it, so it is marked on both sides.

    Examples:
        >>> [r.field for r in compare({"family_name": "Шевчук"}, [{"family_name": "Шевчук", "rank": "сержант"}])]
        ['family_name', 'rank']
        >>> compare({"date_of_birth": "1999-07-05"}, [{"date_of_birth": "1999-05-07"}])[0].differs
        True
    """
    rows = []
    for field in CANONICAL_COLUMNS:
        mine = entry.get(field) or ""
        theirs = [other.get(field) or "" for other in others]
        if not mine.strip() and not any(v.strip() for v in theirs):
            continue
        cells = tuple(Cell(value, _verdict(field, mine, value)) for value in theirs)
        if field in NOT_COMPARED:
            own = Verdict.NOT_COMPARED
        elif not mine.strip():
            own = Verdict.MISSING
        elif any(c.verdict is Verdict.DIFFERS for c in cells):
            own = Verdict.DIFFERS
        else:
            own = Verdict.SAME if any(c.verdict is Verdict.SAME for c in cells) else Verdict.MISSING
        rows.append(Row(field=field, entry=Cell(mine, own), others=cells))
    return rows
