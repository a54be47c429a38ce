"""Each surname's count among a space's linked entries — the term frequencies a new list is scored with — kept per
space so that a daily list does not count a quarter of the space again.

Counting on demand semi-joined the stored TF keys of every entry that shares a surname with the new list or its
candidates with the space's matches: at 1,000,000 entries a 1,000-row list's surnames (a Zipf head) reached 262,000
key rows, 0.9–1.4 s of PostgreSQL each time. The counts are a cache (:class:`SurnameCount`): a surname is counted
once, on its first use, and each list linked afterwards adds its own entries. Whatever takes entries out of a space
(an unshare, a withdrawal) or changes the keys clears the space's counts, to be counted again on demand; a move
or split of an entry between persons leaves the set of linked entries, and so the counts, as they are.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from unforgotten.db import copy_rows, in_chunks
from unforgotten.persons.models import EntryLinkKey, Match, SurnameCount, accepted_in_space

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["add_linked", "forget", "space_frequencies"]


def _surnames(frame: pd.DataFrame) -> Counter[str]:
    """The surnames that have a TF key (:func:`~unforgotten.linkage.keys.tf_keys`: non-empty text), counted."""
    return Counter(value for value in frame["family_key"].tolist() if isinstance(value, str) and value)


def space_frequencies(
    session: Session, space_id: int, fresh: pd.DataFrame, known: pd.DataFrame, existing: int
) -> pd.DataFrame:
    """Each surname's share among the space's entries and the new ones — what Splink would count on all of them.

    The denominator counts every linked entry of the space (those without a surname too, which Splink leaves out):
    a bulk count instead of a scan of every key, and a difference of the few entries written with no surname.
    """
    import pandas as pd

    from unforgotten.linkage.keys import tf_key

    new_counts = Counter(str(value) for value in fresh["family_key"].dropna())
    values = set(new_counts)
    values.update(str(v) for v in known["family_key"].dropna())
    by_key = {tf_key(value): value for value in values}
    counts = _in_space(session, space_id, sorted(by_key))
    in_space: Counter[str] = Counter()
    for key, count in counts.items():
        in_space[by_key[key]] += count
    total = existing + sum(new_counts.values())
    ordered = sorted(values)
    return pd.DataFrame(
        {"family_key": ordered, "tf_family_key": [(in_space[v] + new_counts[v]) / total for v in ordered]}
    )


def _cached(session: Session, space_id: int, keys: Sequence[int]) -> dict[int, int]:
    """The space's cached counts of those of ``keys`` it has."""
    found: dict[int, int] = {}
    for chunk in in_chunks(keys):
        query = select(SurnameCount.key, SurnameCount.count).where(
            SurnameCount.space_id == space_id, SurnameCount.key.in_(chunk)
        )
        found.update({int(key): int(count) for key, count in session.execute(query)})
    return found


def _in_space(session: Session, space_id: int, keys: Sequence[int]) -> dict[int, int]:
    """How many entries linked in the space have each TF key: cached counts, the others counted and cached."""
    found = _cached(session, space_id, keys)
    missing = [key for key in keys if key not in found]
    counted = dict.fromkeys(missing, 0)
    linked = accepted_in_space(space_id).where(Match.entry_id == EntryLinkKey.entry_id).exists()
    for chunk in in_chunks(missing):
        query = select(EntryLinkKey.key, func.count()).where(EntryLinkKey.key.in_(chunk), linked)
        counted.update({int(key): int(count) for key, count in session.execute(query.group_by(EntryLinkKey.key))})
    copy_rows(session, "space_surname_counts", ("space_id", "key", "count"),
              ((space_id, key, count) for key, count in counted.items()))  # fmt: skip
    return found | counted


def add_linked(session: Session, space_id: int, fresh: pd.DataFrame) -> None:
    """Count a list's entries just linked in the space into the surnames already cached (the others are counted
    with them on first use)."""
    from unforgotten.linkage.keys import tf_key

    added = {tf_key(value): count for value, count in _surnames(fresh).items()}
    cached = _cached(session, space_id, sorted(added))
    changes = [{"space_id": space_id, "key": key, "count": count + added[key]} for key, count in cached.items()]
    for chunk in in_chunks(changes):
        session.execute(update(SurnameCount), chunk)


def forget(session: Session, space_id: int) -> None:
    """Clear the space's counts: entries left it, or its keys changed."""
    session.execute(delete(SurnameCount).where(SurnameCount.space_id == space_id))
