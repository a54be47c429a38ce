"""A category rule in words: the parsed rule (see :mod:`unforgotten.rules.language`) as one readable sentence.

The agreement page shows each category's rule so that a coordinator can check it against the signed text without
reading YAML: ``{all: [{list_kind: [custody]}, {age: {min: 18, max: 25}}]}`` reads "on a custody list and age at
the reference date between 18 and 25". Every phrase goes through the ``gettext`` the caller passes (the page's
language), so the sentence is translated like the rest of the page; the default leaves it in English. Pure: no
database, no web.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from unforgotten.errors import RuleError, Text

__all__ = ["VALUE_WORDS", "describe"]

Gettext = Callable[[str], str]


def N_(message: str) -> str:  # noqa: N802 - the gettext convention: mark for extraction, translate when shown
    return message


def _english(message: str) -> str:
    return message


# The values rules name, in words: the rule stores machine words ("seriously_wounded"), the page shows phrases.
VALUE_WORDS: dict[str, str] = {
    # person types
    "military": N_("military"),
    "civilian": N_("civilian"),
    "child": N_("child"),
    # list kinds
    "custody": N_("custody"),
    "request": N_("request"),
    "tracing": N_("tracing"),
    "remains": N_("remains"),
    # mixed medical commission outcomes (GC III Annex II)
    "repatriate": N_("repatriate"),
    "reject": N_("reject"),
    "refer": N_("refer for later examination"),
    # health categories (terms.py)
    "seriously_wounded": N_("seriously wounded"),
    "seriously_ill": N_("seriously ill"),
    # sexes
    "M": N_("male"),
    "F": N_("female"),
}


def _value(value: object, gettext: Gettext) -> str:
    """A value in words; one the table does not know is shown as written, underscores as spaces, never hidden."""
    text = str(value)
    english = VALUE_WORDS.get(text)
    return gettext(english) if english is not None else text.replace("_", " ")


def _alternatives(values: Sequence[object], gettext: Gettext) -> str:
    """``a``, ``a or b``, ``a, b or c``."""
    words = [_value(v, gettext) for v in values]
    if len(words) == 1:
        return words[0]
    return gettext("%(some)s or %(last)s") % {"some": ", ".join(words[:-1]), "last": words[-1]}


def _grouped(rule: Mapping[str, Any], gettext: Gettext) -> str:
    """A part inside a larger sentence: a combination of several parts is bracketed, so "and" and "or" never blur."""
    ((key, value),) = rule.items()
    text = describe(rule, gettext)
    return f"({text})" if key in ("all", "any") and len(value) > 1 else text


def describe(rule: Mapping[str, Any], gettext: Gettext = _english) -> str:
    """The rule as one sentence, each phrase through ``gettext``.

    Args:
        rule: a rule that :func:`~unforgotten.rules.language.validate_rule` accepts.
        gettext: translates an English phrase (the page's catalogue); English when left out.

    Returns:
        The sentence, e.g. "on a custody list and (mixed medical commission: repatriate or health status is
        seriously wounded)".

    Raises:
        RuleError: the rule has a key the language does not know.

    Examples:
        >>> describe({"age": {"min": 18, "max": 25}})
        'age at the reference date between 18 and 25'
        >>> describe({"any": [{"remains": True}, {"not": {"person_type": ["civilian", "child"]}}]})
        'on a remains list or not (person type is civilian or child)'
    """
    ((key, value),) = rule.items()
    if key == "all":
        return f" {gettext('and')} ".join(_grouped(r, gettext) for r in value)
    if key == "any":
        return f" {gettext('or')} ".join(_grouped(r, gettext) for r in value)
    if key == "not":
        return gettext("not (%(rule)s)") % {"rule": describe(value, gettext)}
    if key == "person_type":
        return gettext("person type is %(types)s") % {"types": _alternatives(value, gettext)}
    if key == "list_kind":
        return gettext("on a %(kinds)s list") % {"kinds": _alternatives(value, gettext)}
    if key == "sex":
        return gettext("sex is %(sexes)s") % {"sexes": _alternatives(value, gettext)}
    if key == "remains":
        return gettext("on a remains list") if value else gettext("not on a remains list")
    if key == "medical_commission":
        return gettext("mixed medical commission: %(outcomes)s") % {"outcomes": _alternatives(value, gettext)}
    if key == "health_status":
        return gettext("health status is %(categories)s") % {"categories": _alternatives(value, gettext)}
    if key == "age":
        low, high = value.get("min"), value.get("max")
        if low is not None and high is not None:
            return gettext("age at the reference date between %(min)s and %(max)s") % {"min": low, "max": high}
        if low is not None:
            return gettext("age at the reference date %(min)s or over") % {"min": low}
        return gettext("age at the reference date %(max)s or under") % {"max": high}
    raise RuleError(Text("unknown rule key {key!r}", key=key), value=key)
