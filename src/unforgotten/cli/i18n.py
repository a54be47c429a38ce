"""The command line's language: the same catalogues as the pages, chosen the way command-line programs choose.

A coordinator in Kyiv whose terminal says ``LANG=uk_UA.UTF-8`` reads Ukrainian without asking for it; a script that
must parse the output in English says ``--lang en`` (or ``UNFORGOTTEN_LANG=en``), which wins over the locale. The
order is gettext's own (``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES``, ``LANG``) after the two explicit choices, and
anything that is not one of the supported languages — ``C``, ``POSIX``, ``de_DE`` — means English.

Everything the command line says is translated here: its messages, labels, and the error line — its title (``Not
found``, ``Conflict`` …) and the service's own words, a :class:`~unforgotten.errors.Text` whose template is
translated and whose values (a file, a row, an id) are shown as they are. In English the error line is
``str(error)``, unchanged for scripts.
"""

from __future__ import annotations

import os

from unforgotten.errors import UnforgottenError, say
from unforgotten.web.i18n import LABELS, SUPPORTED_LANGUAGES, translations

__all__ = [
    "_", "choose_language", "language", "ngettext", "number", "refusal", "said", "set_language", "term", "tr", "word",
]  # fmt: skip

_state: dict[str, str | None] = {"language": None}
ENVIRONMENT = ("UNFORGOTTEN_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


def choose_language(requested: str | None, environ: dict[str, str] | os._Environ[str]) -> str:
    """``--lang`` first, then ``UNFORGOTTEN_LANG``, then the POSIX locale variables in gettext's order."""
    if requested:
        return requested
    for variable in ENVIRONMENT:
        value = environ.get(variable, "")
        if not value:
            continue
        # LANGUAGE may list several ("uk:ru:en"); the first supported one wins, as gettext would take it.
        for part in value.split(":"):
            code = part.split(".")[0].split("_")[0].split("-")[0].lower()
            if code in SUPPORTED_LANGUAGES:
                return code
        # A set variable that names no supported language (C.UTF-8, de_DE) decides: English, not a lower variable.
        return "en"
    return "en"


def set_language(requested: str | None) -> None:
    _state["language"] = choose_language(requested, os.environ)


def language() -> str:
    chosen = _state["language"]
    if chosen is None:
        chosen = choose_language(None, os.environ)
        _state["language"] = chosen
    return chosen


def _(message: str) -> str:
    """Translate a message of the command line into the chosen language (English when no catalogue has it)."""
    return translations(language()).gettext(message)


def tr(message: str, **values: object) -> str:
    """Translate, then fill the named placeholders: translators see ``{list}`` and may move it within the sentence."""
    return _(message).format(**values)


def said(text: str) -> str:
    """A message a service wrote (a :class:`~unforgotten.errors.Text`) in the chosen language; any other as it is."""
    return say(text, translations(language()).gettext)


def refusal(error: UnforgottenError) -> str:
    """An error's words in the chosen language: ``str(error)`` in English, "message — hint" translated otherwise."""
    if language() == "en":
        return str(error)
    message, hint = error.say(translations(language()).gettext)
    return message if hint is None else f"{message} — {hint}"


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(language()).ngettext(singular, plural, n)


def number(value: int | float) -> str:
    """A count as the reader writes it: ``12,345`` in English, ``12 345`` in Ukrainian and Russian."""
    from babel.numbers import format_decimal

    return str(format_decimal(value, locale=language()))


def word(value: object) -> str:
    """A stored machine word (``not_acknowledged``) as the reader says it; an unknown one with spaces, never hidden."""
    text = str(value)
    english = LABELS.get(text)
    return text.replace("_", " ") if english is None else _(english)


def term(value: object) -> str:
    """A stored word a reader may type back (``handed_over``, ``no_information``): as it is in English, where
    scripts parse it and commands take it, translated in another language."""
    return str(value) if language() == "en" else word(value)
