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
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache

import pandas as pd

__all__ = ["KEYS_VERSION", "KeyRule", "key_rules", "probe_keys", "stored_keys", "tf_key", "tf_keys"]

# Bump when a stored key of an unchanged entry could come out differently (a test pins the keys of sample rows).
KEYS_VERSION = 1

_EQUALITY = re.compile(r'^\(?\s*l\."?(\w+)"?\s*=\s*r\."?(\w+)"?\s*\)?$')
_SEP = "\x1f"


@dataclass(frozen=True)
class KeyRule:
    """One blocking rule as key columns: a pair (l, r) is blocked iff l's ``left`` values equal r's ``right``."""

    index: int
    left: tuple[str, ...]
    right: tuple[str, ...]

    @property
    def symmetric(self) -> bool:
        return self.left == self.right


def _parse(index: int, sql: str) -> KeyRule:
    left, right = [], []
    for conjunct in re.split(r"\s+AND\s+", sql.strip(), flags=re.IGNORECASE):
        match = _EQUALITY.match(conjunct.strip())
        if match is None:  # a rule that is not a conjunction of column equalities has no key
            raise ValueError(f"blocking rule {sql!r} is not a conjunction of l.column = r.column")
        left.append(match.group(1))
        right.append(match.group(2))
    return KeyRule(index, tuple(left), tuple(right))


@cache
def key_rules() -> tuple[KeyRule, ...]:
    """The model's prediction blocking rules as key rules, in their order."""
    from unforgotten.linkage.model import BLOCKING_RULES

    return tuple(
        _parse(i, rule.create_blocking_rule_dict("duckdb")["blocking_rule"]) for i, rule in enumerate(BLOCKING_RULES)
    )


def _hash(text: str) -> int:
    """A signed 64-bit key, stable across processes and versions (unlike Python's ``hash`` or pandas')."""
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "big", signed=True)


def _values(frame: pd.DataFrame, columns: Sequence[str]) -> Iterator[tuple[int, str | None]]:
    """(row position, the columns' values joined) — ``None`` where any is missing (a null never blocks)."""
    parts = []
    present = pd.Series(True, index=frame.index)
    for column in columns:
        values = frame[column]
        present &= values.notna()
        parts.append(values.astype("string").fillna(""))
    joined = parts[0].str.cat(parts[1:], sep=_SEP) if len(parts) > 1 else parts[0]
    for position, (ok, text) in enumerate(zip(present.tolist(), joined.tolist(), strict=True)):
        yield position, (text if ok else None)


def _side_keys(frame: pd.DataFrame, rule: KeyRule, side: str) -> Iterator[tuple[int, int]]:
    columns = rule.left if side == "l" else rule.right
    tag = f"v{KEYS_VERSION}{_SEP}{rule.index}{_SEP}{'' if rule.symmetric else side}{_SEP}"
    for position, text in _values(frame, columns):
        if text is not None:
            yield position, _hash(tag + text)


def stored_keys(frame: pd.DataFrame) -> list[tuple[str, int]]:
    """(record id, key) for every key an entry is found by: one per rule it has values for, its surname's TF key.

    An asymmetric rule (l.family_key = r.given_key AND l.given_key = r.family_key) stores the entry's values as
    the left record *and* as the right record, tagged by side, so that a probe finds exactly the pairs the rule
    blocks and not every namesake.
    """
    record_ids = frame["record_id"].astype(str).tolist()
    out: list[tuple[str, int]] = []
    for rule in key_rules():
        sides = ("l",) if rule.symmetric else ("l", "r")
        for side in sides:
            out += [(record_ids[position], key) for position, key in _side_keys(frame, rule, side)]
    out += [(record_ids[i], key) for i, key in enumerate(tf_keys(frame["family_key"].tolist())) if key is not None]
    return out


def probe_keys(frame: pd.DataFrame) -> set[int]:
    """The keys whose stored entries some row of ``frame`` is blocked with (new rows against stored ones).

    For a symmetric rule the probe is the stored key itself; for an asymmetric one, a row as the left record
    probes the right-side keys of its partners (built from its own left values under the right tag) and vice versa.
    """
    out: set[int] = set()
    for rule in key_rules():
        if rule.symmetric:
            out.update(key for _, key in _side_keys(frame, rule, "l"))
            continue
        # Row as l pairs with stored r where l.left == r.right: probe the "r" tag with this row's left values.
        as_left = KeyRule(rule.index, rule.left, rule.left)
        as_right = KeyRule(rule.index, rule.right, rule.right)
        out.update(_tagged(frame, as_left, "r"))
        out.update(_tagged(frame, as_right, "l"))
    return out


def _tagged(frame: pd.DataFrame, rule: KeyRule, side: str) -> Iterator[int]:
    tag = f"v{KEYS_VERSION}{_SEP}{rule.index}{_SEP}{side}{_SEP}"
    for _, text in _values(frame, rule.left):
        if text is not None:
            yield _hash(tag + text)


def tf_key(family_key: str) -> int:
    """The key that counts a surname's entries in a space (its term frequency); never a blocking key."""
    return _hash(f"v{KEYS_VERSION}{_SEP}tf{_SEP}{family_key}")


def tf_keys(family_keys: Sequence[object]) -> list[int | None]:
    """:func:`tf_key` of each value; ``None`` for a missing one."""
    return [tf_key(value) if isinstance(value, str) and value else None for value in family_keys]
