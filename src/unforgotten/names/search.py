"""Search keys: the strings a search index stores for an entry and looks up for a query.

Why keys and not string similarity: a query in Latin must find an entry in Cyrillic (and the reverse) with one
indexed lookup, so both sides are reduced to the same short strings and the database only compares equality.
Every key carries a one-letter kind so that kinds never collide:

======  ============================================================  ==========================================
kind    key                                                           what it finds
======  ============================================================  ==========================================
``n:``  :func:`~unforgotten.names.phonetic_key` of one name word       every script and romanisation of the word
``s:``  the surname stem key (feminine endings folded)                Іванов for Ivanova
``g:``  the given-name lexicon group (exact, then nearest by typo)    Александр for Oleksandr, Oleksnadr
``c:``  the consonants of the phonetic key (3 or more)                vowel typos and swaps (Shevchneko)
``i:``  an identifier, lower-case letters and digits only             record id, service number (``UA-17``)
``b:``  a date of birth, ``YYYY-MM-DD`` (or a bare year)              ``1990-03-12`` and ``12.03.1990``
======  ============================================================  ==========================================

A query also looks up its consonant skeletons (of 5 or more) with one consonant deleted (an extra letter
typed), which the index does not store. An entry answers a query if it has a key of every word of it (or the
whole query as one identifier); ranking counts how many of the query's keys it has, so a word that matches by its
phonetic key (and therefore also by skeleton and stem) outranks one that matches by skeleton only.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache

from unforgotten.names.keys import phonetic_key
from unforgotten.names.lexicon import given_name_group, nearest_given_name_group
from unforgotten.names.surnames import surname_stem_key

__all__ = [
    "MAX_QUERY_WORDS",
    "SearchQuery",
    "entry_search_hashes",
    "entry_search_keys",
    "key_hash",
    "key_hashes",
    "parse_query",
    "query_search_keys",
]

MAX_QUERY_WORDS = 8
"""Words of a query beyond this are ignored (a search box is not a document)."""

# BGN/PCGN writes the Ukrainian apostrophe as a double quote (Дем'янишин: Dem"yanyshyn), and people type ` or ´ for
# it: between two letters any of them is the apostrophe, not a word's end (which split the surname in two, and the
# query found no one). Around a word, a double quote is still a quote.
_INNER_APOSTROPHE = re.compile(r"(?<=[^\W\d_])[\"`´](?=[^\W\d_])")
_WORDS = re.compile(r"[^\w'’ʼ.\-]+")
_NAME_WORDS = re.compile(r"[^\w'’ʼ]+")
_NOT_ID = re.compile(r"[\W_]+")
_VOWELS = re.compile(r"[aeiou\-]")
_ISO_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_DOTTED_DATE = re.compile(r"^(\d{1,2})[./](\d{1,2})[./](\d{4})$")
_MIN_SKELETON = 3
# A query's skeleton loses one consonant only from 5 up: the 3-consonant skeletons of shorter ones (Tonkyuk →
# tnk, nkk) meet thousands of surnames, and a driving word that broad took 0.9 s on 1M entries.
_MIN_DELETABLE = 5
# The name columns an entry's keys come from, each with whether its words get a given-name group.
_NAME_FIELDS = (("family_name", False), ("given_name", True), ("patronymic", False), ("full_name", True),
                ("alternate_names", True))  # fmt: skip


@lru_cache(maxsize=1 << 16)
def _word_keys(word: str, given: bool) -> frozenset[str]:
    """Keys of one name word; with ``given``, also its given-name group."""
    key = phonetic_key(word)
    if not key or not any(ch.isalpha() for ch in word):
        return frozenset()
    keys = {"n:" + key}
    stem = surname_stem_key(word)
    if stem:
        keys.add("s:" + stem)
    skeleton = _VOWELS.sub("", key)
    if len(skeleton) >= _MIN_SKELETON:
        keys.add("c:" + skeleton)
    if given:
        group = given_name_group(word) or nearest_given_name_group(word)
        if group:
            keys.add("g:" + group)
    return frozenset(keys)


def _identifier(text: str) -> str:
    folded = text.casefold()
    # Most ids are letters and digits between dashes or spaces (UA-CUS-0000001): dropped by str methods, the rest
    # checked to be word characters (isalnum is what \w means, less "_"), it is what the regex leaves, 3× sooner.
    plain = folded.replace("-", "").replace(" ", "")
    return plain if plain.isalnum() else _NOT_ID.sub("", folded)


def _date(text: str) -> str | None:
    """``YYYY-MM-DD`` (or ``YYYY``, ``YYYY-MM``) from an ISO or ``dd.mm.yyyy`` date; ``None`` if it is neither."""
    text = text.strip()
    if _ISO_DATE.match(text):
        return text
    dotted = _DOTTED_DATE.match(text)
    if dotted:
        day, month, year = dotted.groups()
        return f"{year}-{int(month):02d}-{int(day):02d}"
    return None


def entry_search_keys(fields: Mapping[str, str | None]) -> set[str]:
    """Compute the search keys of one entry from its canonical fields.

    Args:
        fields: Canonical columns (``family_name``, ``given_name``, ``patronymic``, ``full_name``,
            ``alternate_names``, ``record_id``, ``service_number``, ``date_of_birth``); missing ones count as empty.

    Returns:
        The set of keys to index.

    Examples:
        >>> keys = entry_search_keys({"family_name": "Шевченко", "given_name": "Олександр", "record_id": "UA-7"})
        >>> sorted(k for k in keys if k[0] in "ngi")
        ['g:oleksandr', 'i:ua7', 'n:olexandr', 'n:xevxenko']
    """
    keys: set[str] = set(_other_keys(fields))
    for word, given in _name_words(fields):
        keys |= _word_keys(word, given)
    return keys


def _name_words(fields: Mapping[str, str | None]) -> Iterator[tuple[str, bool]]:
    for column, given in _NAME_FIELDS:
        for word in _NAME_WORDS.split(fields.get(column) or ""):
            if word:
                yield word, given


def _other_keys(fields: Mapping[str, str | None]) -> Iterator[str]:
    """The identifier and date-of-birth keys of an entry (unique or nearly so: not worth a cache slot)."""
    for column in ("record_id", "service_number"):
        identifier = _identifier(fields.get(column) or "")
        if identifier:
            yield "i:" + identifier[:190]
    born = _date(fields.get("date_of_birth") or "")
    if born:
        yield "b:" + born


@lru_cache(maxsize=1 << 18)
def key_hash(key: str) -> int:
    """The signed 64-bit number a key is stored as (BLAKE2b): what the index holds and a query looks up.

    Why numbers: an import writes a dozen keys per entry, millions for a large list, into one (key, entry) index;
    eight-byte keys in a table that is its own index write three times faster than strings in a table with a
    second index, and a collision (one in 2⁶⁴ per pair) can only add a candidate that ranking then shows.
    Cached: the keys of names and dates repeat across entries (that is why the word keys are cached too).

    Examples:
        >>> key_hash("n:xevxenko") == key_hash("n:xevxenko") and -(2**63) <= key_hash("n:xevxenko") < 2**63
        True
    """
    return _hash(key)


def _hash(key: str) -> int:
    return int.from_bytes(hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest(), "big", signed=True)


def key_hashes(keys: Iterable[str]) -> list[int]:
    """The stored numbers of ``keys``, sorted (an ``IN`` list the database reads in index order)."""
    return sorted({key_hash(key) for key in keys})


@lru_cache(maxsize=1 << 16)
def _word_hashes(word: str, given: bool) -> frozenset[int]:
    return frozenset(map(_hash, _word_keys(word, given)))


def entry_search_hashes(fields: Mapping[str, str | None]) -> set[int]:
    """The stored numbers of :func:`entry_search_keys` (the same keys, hashed value by value: an import's hot loop).

    Examples:
        >>> fields = {"family_name": "Шевченко", "given_name": "Олександр", "record_id": "UA-7"}
        >>> entry_search_hashes(fields) == {key_hash(key) for key in entry_search_keys(fields)}
        True
    """
    hashes: set[int] = set()
    for column in ("record_id", "service_number"):  # as _other_keys, without its generator (unique: no cache)
        identifier = _identifier(fields.get(column) or "")
        if identifier:
            hashes.add(_hash("i:" + identifier[:190]))
    born = fields.get("date_of_birth")
    if born:
        born_hash = _born_hash(born)
        if born_hash is not None:
            hashes.add(born_hash)
    for column, given in _NAME_FIELDS:
        value = fields.get(column)
        if value:
            hashes |= _value_hashes(value, given) if len(value) <= _CACHED_VALUE else _split_hashes(value, given)
    return hashes


# Whole values are cached, not only their words: names repeat (200,000 rows hold 17,000 family names, 6,000 given
# names, 5,000 patronymics), so most cells cost one lookup instead of a split and a lookup per word (a third less
# CPU per entry once the words are known). A long value (a full name, alternate names) is seldom repeated and would
# only push names out of the cache: its words are cached as before.
_CACHED_VALUE = 40


@lru_cache(maxsize=1 << 17)
def _value_hashes(value: str, given: bool) -> frozenset[int]:
    return frozenset(_split_hashes(value, given))


def _split_hashes(value: str, given: bool) -> set[int]:
    hashes: set[int] = set()
    for word in _NAME_WORDS.split(value):
        if word:
            hashes |= _word_hashes(word, given)
    return hashes


@lru_cache(maxsize=1 << 15)
def _born_hash(text: str) -> int | None:
    """The hash of a date-of-birth key (some 15,000 dates of birth are all of a century's prisoners)."""
    born = _date(text)
    return _hash("b:" + born) if born else None


@dataclass(frozen=True, slots=True)
class SearchQuery:
    """The keys of a query, word by word.

    Attributes:
        words: One key set per word; an entry answers the query if it has a key of every word.
        identifier: The whole query as one identifier key (ids written with spaces), or ``None``; an entry with
            this key answers the query too.
    """

    words: tuple[frozenset[str], ...]
    identifier: str | None

    @property
    def keys(self) -> set[str]:
        """Every key of the query (what an answer's rank counts)."""
        keys = set().union(*self.words)
        return keys | {self.identifier} if self.identifier else keys


def parse_query(query: str) -> SearchQuery:
    """Compute the keys to look up for a search query typed in any script, word by word.

    Each word counts as a name word (with its given-name group and its consonant skeletons with one consonant
    deleted), or, if it has a digit, as an identifier and, if it reads as one, a date of birth.

    Args:
        query: What the user typed, e.g. ``"Shevchenko Oleksandr"``, ``"UA-17"``, ``"12.03.1990"``.

    Returns:
        A :class:`SearchQuery`; with no words if the query has nothing to look up.

    Examples:
        >>> [sorted(k for k in word if k[0] in "ng") for word in parse_query("Shevchenko Oleksandr").words]
        [['n:xevxenko'], ['g:oleksandr', 'n:olexandr']]
        >>> dated = parse_query("12.03.1990")
        >>> [sorted(word) for word in dated.words], dated.identifier
        ([['b:1990-03-12', 'i:12031990']], 'i:12031990')
    """
    groups: list[frozenset[str]] = []
    words = [w.strip(".-") for w in _WORDS.split(_INNER_APOSTROPHE.sub("'", query))]
    for word in [w for w in words if w][:MAX_QUERY_WORDS]:
        keys: set[str] = set()
        born = _date(word)
        if born:
            keys.add("b:" + born)
        if any(ch.isdigit() for ch in word):
            identifier = _identifier(word)
            if identifier:
                keys.add("i:" + identifier)
        else:
            for part in _NAME_WORDS.split(word):
                word_keys = _word_keys(part, True) if part else frozenset()
                keys |= word_keys
                for key in word_keys:
                    if key.startswith("c:") and len(key) - 2 >= _MIN_DELETABLE:
                        keys |= {"c:" + key[2:][:i] + key[2:][i + 1 :] for i in range(len(key) - 2)}
        if keys and keys not in groups:
            groups.append(frozenset(keys))
    whole = _identifier(query)
    numbered = bool(groups) and any(ch.isdigit() for ch in whole)
    return SearchQuery(words=tuple(groups), identifier="i:" + whole[:190] if numbered else None)


def query_search_keys(query: str) -> set[str]:
    """Every key of :func:`parse_query` for ``query``, as one set.

    Examples:
        >>> sorted(k for k in query_search_keys("Shevchenko Oleksandr") if k[0] in "ng")
        ['g:oleksandr', 'n:olexandr', 'n:xevxenko']
        >>> sorted(query_search_keys("12.03.1990"))
        ['b:1990-03-12', 'i:12031990']
    """
    return parse_query(query).keys
