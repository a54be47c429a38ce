"""Health-status terms in Ukrainian, Russian and English, as lists write them, mapped to rule categories.

Sources: the wording of GC III Art. 110 (seriously wounded, seriously ill) and the forms such lists use in the
two languages; matching folds case, apostrophes and spacing, and a term matches as a word prefix so inflected
forms ("тяжкопоранений", "тяжело ранена") still count. Written by the project; no external list copied.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["HEALTH_TERMS", "health_categories"]

HEALTH_TERMS: dict[str, tuple[str, ...]] = {
    "seriously_wounded": (
        "тяжке поранення", "тяжко поранен", "тяжкопоранен", "важке поранення", "важко поранен", "важкопоранен",
        "тяжелое ранение", "тяжело ранен", "тяжелораненый", "seriously wounded", "severely wounded",
        "serious wound",
    ),
    "seriously_ill": (
        "важкохвор", "тяжкохвор", "важко хвор", "тяжко хвор", "тяжке захворювання", "важке захворювання",
        "тяжело болен", "тяжело больн", "тяжелобольн", "тяжелое заболевание", "seriously ill", "severely ill",
        "serious illness",
    ),
}  # fmt: skip
_FOLD = re.compile(r"[\s'’ʼ`\-]+")


def _fold(text: str) -> str:
    return _FOLD.sub(" ", text.lower().replace("ё", "е")).strip()


_PATTERNS = {
    category: re.compile("|".join(r"(?:^|\b)" + re.escape(_fold(t)) for t in terms))
    for category, terms in HEALTH_TERMS.items()
}


def health_categories(texts: Iterable[str]) -> set[str]:
    """The categories the recorded health texts name, e.g. {"seriously_wounded"} for "тяжело ранен"."""
    found = set()
    for text in texts:
        folded = _fold(text)
        for category, pattern in _PATTERNS.items():
            if pattern.search(folded):
                found.add(category)
    return found
