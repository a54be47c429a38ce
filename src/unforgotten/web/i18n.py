"""Translation: every user-facing string goes through gettext, from day one.

Catalogues live in ``web/locales/<lang>/LC_MESSAGES/unforgotten.mo``; a language without a catalogue falls back to
the English source strings, so adding uk and ru later needs no code change.
"""

from __future__ import annotations

import gettext
from functools import lru_cache
from pathlib import Path

__all__ = ["SUPPORTED_LANGUAGES", "pick_language", "translations"]

SUPPORTED_LANGUAGES = ("en", "uk", "ru")
_LOCALES = Path(__file__).resolve().parent / "locales"


@lru_cache(maxsize=8)
def translations(language: str) -> gettext.NullTranslations:
    """The catalogue for ``language`` (English source strings when none exists)."""
    return gettext.translation("unforgotten", localedir=_LOCALES, languages=[language], fallback=True)


def pick_language(accept_language: str | None, requested: str | None = None) -> str:
    """Choose the page language: an explicit ``?lang=`` first, then the browser's preference, then English."""
    if requested in SUPPORTED_LANGUAGES:
        return requested
    for part in (accept_language or "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in SUPPORTED_LANGUAGES:
            return code
    return "en"
