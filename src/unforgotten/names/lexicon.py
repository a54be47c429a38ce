"""The given-name equivalence lexicon: Ukrainian, Russian and Latin forms of one name form one group.

Олександр, Александр, Oleksandr, Aleksandr and Alexander are one name written by different sides; no phonetic key
can make them meet (о/а, х/кс, -ер), so the equivalence is data: ``data/given_names.tsv``, described in
``data/SOURCES.md``. The file is read lazily on first use (nothing happens at import) and cached.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Literal

__all__ = ["GivenName", "lexicon"]

_DATA_FILE = "given_names.tsv"
_COLUMNS = ("group", "sex", "uk", "ru", "latin", "weight")


@dataclass(frozen=True, slots=True)
class GivenName:
    """One group of equivalent given-name forms.

    Attributes:
        group: Stable identifier of the group (the UA 2010 romanisation of the first Ukrainian form).
        sex: ``"M"`` or ``"F"``.
        uk: Ukrainian Cyrillic forms, the standard form first.
        ru: Russian Cyrillic forms, the standard form first.
        latin: Latin spellings seen in documents (official systems and common informal ones), no diminutives.
        weight: Rough relative commonness among adults in both countries (for the synthetic generator).
    """

    group: str
    sex: Literal["M", "F"]
    uk: tuple[str, ...]
    ru: tuple[str, ...]
    latin: tuple[str, ...]
    weight: float

    @property
    def forms(self) -> tuple[str, ...]:
        """Every written form of the name: Ukrainian, Russian and Latin."""
        return self.uk + self.ru + self.latin


def _split(field: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in field.split(",") if part.strip())


@cache
def lexicon() -> Sequence[GivenName]:
    """Return every given-name group of the lexicon, in file order (the most common names first).

    Returns:
        An immutable sequence of :class:`GivenName`.

    Examples:
        >>> next(g for g in lexicon() if g.group == "oleksandr").ru
        ('Александр',)
    """
    text = resources.files("unforgotten.names").joinpath("data", _DATA_FILE).read_text(encoding="utf-8")
    groups: list[GivenName] = []
    header_seen = False
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if not header_seen:
            if tuple(cells) != _COLUMNS:  # a malformed package is a bug, not user input
                raise RuntimeError(f"{_DATA_FILE}: expected columns {_COLUMNS}, got {tuple(cells)}")
            header_seen = True
            continue
        group, sex, uk, ru, latin, weight = cells
        if sex not in ("M", "F"):
            raise RuntimeError(f"{_DATA_FILE}: group {group!r} has sex {sex!r}, expected M or F")
        groups.append(
            GivenName(group, "M" if sex == "M" else "F", _split(uk), _split(ru), _split(latin), float(weight))
        )
    return tuple(groups)
