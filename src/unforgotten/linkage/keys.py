"""Blocking keys stored per entry, so a new list is linked by pulling only its candidates out of the database.

Why: a national registry holds millions of entries and receives lists daily; scoring a new list against every
entry of a space makes each import cost the database, not the list (issue 10: 213 s for a 200,000-row list).
Splink's blocking rules are equalities between columns of the two records of a pair, so each rule becomes a key:
a hash of the rule and the values it compares. Two entries are a candidate pair under a rule exactly when one's
*stored* key equals the other's *probe* key, so the database returns, by an indexed equality, every existing entry
Splink would have paired with a new one — and scoring the new list against just those gives the same pairs and
probabilities as scoring it against the whole space (term frequencies are supplied from the space, see
:func:`tf_key`).

The keys are derived from :data:`~unforgotten.linkage.model.BLOCKING_RULES` themselves (their SQL), so a rule added
there is a key here. :data:`KEYS_VERSION` must change whenever a key's value for the same entry could change (the
rules, the features, the name keys): stored keys are rebuilt for a space whose keys are of another version.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np
import numpy.typing as npt
import pandas as pd

__all__ = [
    "KEYS_VERSION",
    "KeyRule",
    "key_rules",
    "marker_key",
    "probe_keys",
    "stored_key_arrays",
    "stored_keys",
    "tf_key",
    "tf_keys",
]

# Bump when a stored key of an unchanged entry could come out differently (a test pins the keys of sample rows).
KEYS_VERSION = 1

_EQUALITY = re.compile(r'^\(?\s*l\."?(\w+)"?\s*=\s*r\."?(\w+)"?\s*\)?$')
_SEP = "\x1f"
# Parts of one surname (the whole key, and the first and last part of a double one): rules that differ only in
# which part they compare share one key per distinct part value, so a single surname stores one key, not three.
# A pair that agrees on a part under one rule shares that key; the few extra candidates a shared key brings (one
# side's first part equal to the other's last) are scored only if a rule blocks them.
_PARTS = ("family_key", "family_first", "family_last")
_SURNAME = "surname"
# family_head is family_key's first letters: a rule with family_key where another has family_head blocks a
# subset of that rule's pairs, and the other rule's key already finds them.
_COARSER = {"family_key": "family_head"}
MARKER = "marker"


@dataclass(frozen=True)
class KeyRule:
    """Blocking rules as key columns: a pair (l, r) is blocked iff l's ``left`` values equal r's ``right``.

    ``parts`` are the surname parts the rules sharing this key compare (``surname`` in ``left`` stands for them).
    """

    name: str
    left: tuple[str, ...]
    right: tuple[str, ...]
    parts: tuple[str, ...] = ()

    @property
    def symmetric(self) -> bool:
        return self.left == self.right


def _parse(sql: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    left, right = [], []
    for conjunct in re.split(r"\s+AND\s+", sql.strip(), flags=re.IGNORECASE):
        match = _EQUALITY.match(conjunct.strip())
        if match is None:  # a rule that is not a conjunction of column equalities has no key
            raise ValueError(f"blocking rule {sql!r} is not a conjunction of l.column = r.column")
        left.append(match.group(1))
        right.append(match.group(2))
    return tuple(left), tuple(right)


@cache
def key_rules() -> tuple[KeyRule, ...]:
    """The model's prediction blocking rules as keys: surname parts merged, rules implied by others left out."""
    from unforgotten.linkage.model import BLOCKING_RULES

    parsed = [_parse(rule.create_blocking_rule_dict("duckdb")["blocking_rule"]) for rule in BLOCKING_RULES]
    symmetric = {frozenset(left) for left, right in parsed if left == right}
    merged: dict[tuple[str, ...], set[str]] = {}
    out: list[KeyRule] = []
    for left, right in parsed:
        if left != right:
            out.append(KeyRule("|".join(left) + ">" + "|".join(right), left, right))
            continue
        coarser = frozenset(_COARSER.get(column, column) for column in left)
        if coarser != frozenset(left) and coarser in symmetric:
            continue
        shape = tuple(_SURNAME if column in _PARTS else column for column in left)
        merged.setdefault(shape, set()).update(column for column in left if column in _PARTS)
    for shape, parts in merged.items():
        ordered = tuple(part for part in _PARTS if part in parts)
        out.append(KeyRule("|".join(shape), shape, shape, ordered))
    return tuple(out)


def _hash(text: str) -> int:
    """A signed 64-bit key, stable across processes and versions (unlike Python's ``hash`` or pandas')."""
    return int.from_bytes(_digest(text), "big", signed=True)


def _digest(text: str) -> bytes:
    """The key's eight bytes (big-endian): many are read as numbers at once, without an ``int`` each."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest()


def _values(frame: pd.DataFrame, columns: Sequence[str]) -> tuple[pd.Series, npt.NDArray[np.bool_]]:
    """Per row, the columns' values joined, and whether all of them are there (a null never blocks)."""
    parts = []
    present = np.ones(len(frame), dtype=bool)
    for column in columns:
        values = frame[column]
        present &= values.notna().to_numpy()
        parts.append(values.astype("string").fillna(""))
    joined = parts[0].str.cat(parts[1:], sep=_SEP) if len(parts) > 1 else parts[0]
    return joined, present


def _keys(
    frame: pd.DataFrame, rule: KeyRule, columns: Sequence[str], side: str
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """(row positions, keys) of the rule's keys from ``columns`` (one per surname part for a merged rule; the same
    key may come twice for one row, when its parts are equal).

    Each distinct value is hashed once, in one Python loop over the distinct values, and the keys spread to the
    rows in numpy: values repeat heavily (a surname with a birth year, a date of birth), and hashing was most of
    the cost of keying a list (2.9 million values for 200,000 rows, in a Python loop per row before).
    """
    tag = f"v{KEYS_VERSION}{_SEP}{rule.name}{_SEP}{'' if rule.symmetric else side}{_SEP}"
    variants = [[part if c == _SURNAME else c for c in columns] for part in rule.parts] or [list(columns)]
    positions: list[npt.NDArray[np.int64]] = []
    texts: list[pd.Series] = []
    for variant in variants:
        joined, present = _values(frame, variant)
        positions.append(np.flatnonzero(present).astype(np.int64))
        texts.append(joined[present])
    if not any(len(text) for text in texts):
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    codes, uniques = pd.factorize(pd.concat(texts, ignore_index=True))
    digests = b"".join(_digest(tag + text) for text in uniques.tolist())
    return np.concatenate(positions), np.frombuffer(digests, dtype=">i8").astype(np.int64)[codes]


def stored_keys(frame: pd.DataFrame) -> list[tuple[str, int]]:
    """(record id, key) for every key an entry is found by, its surname's TF key, and the marker that says it is
    keyed with this :data:`KEYS_VERSION` — without repeats, ordered by key (the order the index is written in).

    An asymmetric rule (l.family_key = r.given_key AND l.given_key = r.family_key) stores the entry's values as
    the left record *and* as the right record, tagged by side, so that a probe finds exactly the pairs the rule
    blocks and not every namesake.
    """
    positions, keys = stored_key_arrays(frame)
    record_ids = frame["record_id"].astype(str).to_numpy()
    return list(zip(record_ids[positions].tolist(), keys.tolist(), strict=True))


def stored_key_arrays(frame: pd.DataFrame) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """:func:`stored_keys` as two arrays, (row positions in ``frame``, keys), in the same order: a 200,000-row
    list has 2.75 million keys, 44 MB as arrays and some 400 MB as tuples of a string and an int."""
    positions: list[npt.NDArray[np.int64]] = []
    keys: list[npt.NDArray[np.int64]] = []
    for rule in key_rules():
        sides = (("l", rule.left),) if rule.symmetric else (("l", rule.left), ("r", rule.right))
        for side, columns in sides:
            rule_positions, rule_keys = _keys(frame, rule, columns, side)
            positions.append(rule_positions)
            keys.append(rule_keys)
    tf = tf_keys(frame["family_key"].tolist())
    with_tf = [position for position, key in enumerate(tf) if key is not None]
    positions.append(np.asarray(with_tf, dtype=np.int64))
    keys.append(np.asarray([tf[position] for position in with_tf], dtype=np.int64))
    positions.append(np.arange(len(frame), dtype=np.int64))
    keys.append(np.full(len(frame), marker_key(), dtype=np.int64))
    # One int64 per (key, position) pair's order, sorted and deduplicated in numpy rather than a DataFrame.
    key_array, position_array = np.concatenate(keys), np.concatenate(positions)
    del keys, positions
    order = np.lexsort((position_array, key_array))
    key_array, position_array = key_array[order], position_array[order]
    if len(order):
        fresh = np.ones(len(order), dtype=bool)
        fresh[1:] = (key_array[1:] != key_array[:-1]) | (position_array[1:] != position_array[:-1])
        key_array, position_array = key_array[fresh], position_array[fresh]
    return position_array, key_array


def probe_keys(frame: pd.DataFrame) -> npt.NDArray[np.int64]:
    """The keys whose stored entries some row of ``frame`` is blocked with (new rows against stored ones), sorted
    and each once — an array, since a 200,000-row list probes a million keys (a set of them took 146 MB).

    For a symmetric rule the probe is the stored key itself; for an asymmetric one, a row as the left record
    probes the right-side keys of its partners (built from its own left values under the right tag) and vice versa.
    """
    found: list[npt.NDArray[np.int64]] = []
    for rule in key_rules():
        # Row as l pairs with stored r where l.left == r.right: probe the "r" tag with this row's left values.
        sides = ((rule.left, "l"),) if rule.symmetric else ((rule.left, "r"), (rule.right, "l"))
        for columns, side in sides:
            found.append(np.unique(_keys(frame, rule, columns, side)[1]))
    return np.unique(np.concatenate(found)) if found else np.empty(0, dtype=np.int64)


def marker_key() -> int:
    """The key every entry keyed with this version stores: "which of these entries are keyed" is one lookup."""
    return _hash(f"v{KEYS_VERSION}{_SEP}{MARKER}")


def tf_key(family_key: str) -> int:
    """The key that counts a surname's entries in a space (its term frequency); never a blocking key."""
    return _hash(f"v{KEYS_VERSION}{_SEP}tf{_SEP}{family_key}")


def tf_keys(family_keys: Sequence[object]) -> list[int | None]:
    """:func:`tf_key` of each value; ``None`` for a missing one."""
    return [tf_key(value) if isinstance(value, str) and value else None for value in family_keys]
