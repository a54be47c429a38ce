"""Translation: every user-facing string goes through gettext, from day one.

Catalogues live in ``web/locales/<lang>/LC_MESSAGES/unforgotten.mo`` (``make i18n`` rebuilds them from the sources);
a language without a catalogue falls back to the English source strings. The terms follow ``docs/glossary.md``.

Stored values (a list's kind, a person's status, a reconciliation outcome) are machine words such as
``not_acknowledged``; :data:`LABELS` gives each its English label, marked with :func:`N_` so that extraction finds
it, and pages show ``gettext(LABELS[value])``. Problem titles of the API are listed the same way in
:data:`PROBLEM_TITLES` because they are class attributes in ``errors.py``, which extraction cannot see.

A refusal's own words (an error's message and hint) are :class:`~unforgotten.errors.Text` templates that
``pybabel extract -k Text`` finds; :func:`refusal` and :func:`problem_text` say them in the reader's language.
"""

from __future__ import annotations

import gettext
from functools import lru_cache
from pathlib import Path

from unforgotten.errors import UnforgottenError, say

__all__ = [
    "LABELS",
    "LANGUAGE_COOKIE",
    "PROBLEM_TITLES",
    "SUPPORTED_LANGUAGES",
    "N_",
    "label",
    "pick_language",
    "problem_text",
    "problem_title",
    "refusal",
    "translations",
]

SUPPORTED_LANGUAGES = ("en", "uk", "ru")
LANGUAGE_COOKIE = "lang"
_LOCALES = Path(__file__).resolve().parent / "locales"


def N_(message: str) -> str:  # noqa: N802 - the gettext convention for "mark for extraction, translate later"
    """Mark ``message`` for extraction without translating it here (it is translated where it is shown)."""
    return message


LABELS: dict[str, str] = {
    # party kinds
    "side": N_("side"),
    "mediator": N_("mediator"),
    # list kinds
    "custody": N_("custody"),
    "request": N_("request"),
    "tracing": N_("tracing"),
    "remains": N_("remains"),
    "response": N_("response"),
    # entry statuses
    "accepted": N_("accepted"),
    "quarantined": N_("quarantined"),
    "blank": N_("blank"),
    # finding severities
    "error": N_("error"),
    "warning": N_("warning"),
    "info": N_("info"),
    # reconciliation outcomes
    "conflicting": N_("conflicting"),
    "pending_review": N_("pending review"),
    "not_requested": N_("not requested"),
    # exchange formats
    "all_for_all": N_("all for all"),
    "n_for_n": N_("n for n"),
    "one_for_one": N_("one for one"),
    # case statuses
    "requested": N_("requested"),
    "acknowledged": N_("acknowledged"),
    "not_acknowledged": N_("not acknowledged"),
    "held": N_("held"),
    "identity_confirmed": N_("identity confirmed"),
    "eligible": N_("eligible"),
    "not_eligible": N_("not eligible"),
    "consent_confirmed": N_("consent confirmed"),
    "declined": N_("declined"),
    "scheduled": N_("scheduled"),
    "exchanged": N_("exchanged"),
    "not_delivered": N_("not delivered"),
    "deceased": N_("deceased"),
    "remains_held": N_("remains held"),
    "remains_transferred": N_("remains transferred"),
    "sought": N_("sought"),
    "located": N_("located"),
    "reunited": N_("reunited"),
    # a tracing answer's outcome, and a death not yet confirmed by the mediator
    "returned": N_("returned"),
    "in_care": N_("in care"),
    "no_information": N_("no information"),
    "not_found": N_("not found"),
    "deceased_unconfirmed": N_("deceased, not yet confirmed"),
    # a negotiation's state
    "open": N_("open"),
    # how an entry came to its person; the state of a link or of a status change
    "automatic": N_("automatic"),
    "reviewed": N_("reviewed"),
    "new_person": N_("new person"),
    "pending": N_("pending"),
    "rejected": N_("rejected"),
    "withdrawn": N_("withdrawn"),
    "applied": N_("applied"),
    # exchanges: a plan's state, a stage's state, a handover line's halves and outcome
    "draft": N_("draft"),
    "approved": N_("approved"),
    "superseded": N_("superseded"),
    "planned": N_("planned"),
    "closed": N_("closed"),
    "handed_over": N_("handed over"),
    "received": N_("received"),
    "not_received": N_("not received"),
    "observed": N_("observed"),
    "discrepancy": N_("discrepancy"),
    "party_coordinator": N_("party coordinator"),
    "party_viewer": N_("party viewer"),
    "officer": N_("officer"),
    "tracing_officer": N_("tracing officer"),
    "auditor": N_("auditor"),
    "admin": N_("administrator"),
}

PROBLEM_TITLES: tuple[str, ...] = (
    # errors.py, one per class of the hierarchy
    N_("Unforgotten error"),
    N_("Invalid input"),
    N_("File cannot be read"),
    N_("Columns cannot be mapped"),
    N_("Invalid rule"),
    N_("Not found"),
    N_("Permission denied"),
    N_("Authentication required"),
    N_("Too many attempts"),
    N_("Second factor not enrolled"),
    N_("Conflict"),
    N_("Transition not allowed"),
    N_("Integrity check failed"),
    N_("Audit chain broken"),
    N_("Linkage failed"),
    N_("Configuration error"),
    N_("Temporarily unavailable"),
    # the framework's own errors (HTTP reason phrases), answered as problem+json too
    N_("Bad Request"),
    N_("Unauthorized"),
    N_("Forbidden"),
    N_("Not Found"),
    N_("Method Not Allowed"),
    N_("Content Too Large"),
    N_("Request Entity Too Large"),
    N_("Unsupported Media Type"),
    N_("Internal Server Error"),
)


@lru_cache(maxsize=8)
def translations(language: str) -> gettext.NullTranslations:
    """The catalogue for ``language`` (English source strings when none exists)."""
    return gettext.translation("unforgotten", localedir=_LOCALES, languages=[language], fallback=True)


def label(value: object, language: str) -> str:
    """The translated label of a stored machine word; an unknown word is shown as it is, never hidden."""
    text = str(value)
    english = LABELS.get(text)
    return text if english is None else translations(language).gettext(english)


def pick_language(accept_language: str | None, requested: str | None = None, remembered: str | None = None) -> str:
    """Choose the page language: ``?lang=`` first, then the remembered choice (cookie), the browser's, English."""
    for choice in (requested, remembered):
        if choice in SUPPORTED_LANGUAGES:
            return choice
    for part in (accept_language or "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in SUPPORTED_LANGUAGES:
            return code
    return "en"


def problem_title(title: str, accept_language: str | None) -> str:
    """An API problem's title in the language of ``Accept-Language`` (the API has no cookie or ``?lang=``)."""
    return translations(pick_language(accept_language)).gettext(title)


def problem_text(error: UnforgottenError, accept_language: str | None) -> tuple[str, str | None]:
    """An API problem's detail and hint in the language of ``Accept-Language``: English (today's words, which
    scripts read) when the header asks for no supported language."""
    return error.say(translations(pick_language(accept_language)).gettext)


def refusal(error: object, language: str) -> str:
    """The words of a refusal in ``language``: an error as "message — hint", a message alone as it is said."""
    gettext = translations(language).gettext
    if isinstance(error, UnforgottenError):
        message, hint = error.say(gettext)
        return message if not hint else f"{message} — {hint}"
    return say(error, gettext) if isinstance(error, str) else str(error)
