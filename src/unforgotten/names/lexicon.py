"""The given-name equivalence lexicon: Ukrainian, Russian and Latin forms of one name form one group.

Олександр, Александр, Oleksandr, Aleksandr and Alexander are one name written by different sides; no phonetic key
can make them meet (о/а, х/кс, -ер), so the equivalence is data: ``data/given_names.tsv``, described in
``data/SOURCES.md``. The file is read lazily on first use (nothing happens at import) and cached.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Literal

from unforgotten.names.keys import phonetic_key
from unforgotten.names.transliteration import System, transliterate

__all__ = ["GivenName", "given_name_group", "lexicon", "nearest_given_name_group", "unique_index"]

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


def unique_index(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Map each key to its group, leaving out keys that more than one group claims (they decide nothing)."""
    seen: dict[str, set[str]] = {}
    for key, group in pairs:
        if key:
            seen.setdefault(key, set()).add(group)
    return {key: next(iter(groups)) for key, groups in seen.items() if len(groups) == 1}


def transliterations(group: GivenName) -> set[str]:
    """Every romanisation of the group's Cyrillic forms, each language under every system."""
    return {transliterate(form, system, language="uk") for form in group.uk for system in System} | {
        transliterate(form, system, language="ru") for form in group.ru for system in System
    }


@cache
def _indexes() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """Exact forms, keys of the written forms, keys of generated romanisations — in order of trust."""
    groups = lexicon()
    exact = unique_index((form.casefold(), g.group) for g in groups for form in g.forms)
    written = unique_index((phonetic_key(form), g.group) for g in groups for form in g.forms)
    generated = unique_index((phonetic_key(form), g.group) for g in groups for form in transliterations(g))
    return exact, written, generated


@lru_cache(maxsize=1 << 18)
def given_name_group(name: str) -> str | None:
    """Find the lexicon group of a given name written in any script and spelling.

    A written form of the lexicon matches first; then the phonetic key of a written form; then the key of any
    romanisation of the Cyrillic forms under every :class:`System`, so that spellings never seen (``Iouri``,
    ``Olexandr``) still resolve. A key two groups share decides nothing at its level.

    Args:
        name: A given name; of several words, the first that resolves is used.

    Returns:
        The group identifier, or ``None`` if the name is not in the lexicon.

    Examples:
        >>> {given_name_group(n) for n in ("Олександр", "Александр", "Aleksandr", "Alexander", "OLEKSANDR")}
        {'oleksandr'}
        >>> given_name_group("Alexei") == given_name_group("Олексій") != given_name_group("Олександр")
        True
    """
    exact, written, generated = _indexes()
    for word in name.split():
        found = exact.get(word.strip(",.;").casefold())
        if found is None:
            key = phonetic_key(word)
            found = written.get(key) or generated.get(key)
        if found is not None:
            return found
    return None


_MIN_TYPO_LETTERS = 4  # shorter names sit within one edit of too many others (Яна, Ян, Іна …)


def _deletions(key: str) -> set[str]:
    return {key[:i] + key[i + 1 :] for i in range(len(key))}


def _transpositions(key: str) -> set[str]:
    return {key[:i] + key[i + 1] + key[i] + key[i + 2 :] for i in range(len(key) - 1)}


@cache
def _typo_index() -> tuple[dict[str, frozenset[str]], dict[str, frozenset[str]]]:
    """Every written form and romanisation (as letters: a phonetic key would turn one typo into a different
    distance), and each with one letter deleted — each to every group claiming it.

    All claimants are kept (not only unique keys): a typo near two names (Богдаа: Богдан or Богдана) must be seen
    as ambiguous, not resolved to whichever name's key happened to be unique.
    """
    keyed = {(form.casefold(), g.group) for g in lexicon() for form in (*g.forms, *transliterations(g))}
    whole: dict[str, set[str]] = {}
    deleted: dict[str, set[str]] = {}
    for key, group in keyed:
        if len(key) < _MIN_TYPO_LETTERS - 1:
            continue
        whole.setdefault(key, set()).add(group)
        for i in range(len(key)):
            deleted.setdefault(key[:i] + key[i + 1 :], set()).add(group)
    return {k: frozenset(v) for k, v in whole.items()}, {k: frozenset(v) for k, v in deleted.items()}


@lru_cache(maxsize=1 << 16)
def nearest_given_name_group(name: str) -> str | None:
    """The one lexicon group within a single typo of ``name`` — a letter added, dropped, changed or two swapped.

    Only for names :func:`given_name_group` does not know, and only when exactly one group is that near: a twin
    written ``иМхаил`` is still a Михаил, so "two different known names" can still tell him from his brother Павел.
    Not used to decide which column holds the given name (a surname one letter from a given name stays a surname).

    Examples:
        >>> [nearest_given_name_group(n) for n in ("Олексанлр", "иМхаил", "Мкасим", "Oleksnadr")]
        ['oleksandr', 'mykhailo', 'maksym', 'oleksandr']
        >>> nearest_given_name_group("Іванко") is None  # too far from any one name
        True
    """
    whole, deleted = _typo_index()
    found: set[str] = set()
    for word in name.split():
        letters = word.strip(",.;").casefold()
        if len(letters) >= _MIN_TYPO_LETTERS:
            # One edit between the word and a lexicon form, by symmetric deletion: a letter dropped from the word
            # (word in deleted), added (a deletion of the word in whole), changed (a deletion in deleted), or two
            # neighbours swapped (a transposition in whole).
            found.update(deleted.get(letters, ()))
            for variant in _deletions(letters):
                found.update(whole.get(variant, ()))
                found.update(deleted.get(variant, ()))
            for variant in _transpositions(letters):
                found.update(whole.get(variant, ()))
        if found:
            break
    return found.pop() if len(found) == 1 else None
