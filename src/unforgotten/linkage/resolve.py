"""From scored pairs to persons: within-list groups, one-to-one competition between lists, clusters.

Why this is not plain thresholding: between two lists a person appears at most once per list — except when a list
names them twice. A namesake scoring above the threshold must lose to the better candidate, but a list's own two
entries of one person must both link. So each list's entries are first grouped (its own duplicates), and then
groups, not rows, compete one-to-one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable

__all__ = ["UnionFind", "compete", "groups", "second_entries"]


class UnionFind:
    """Disjoint sets over hashable items, with path halving; ``find`` of an unseen item is the item itself."""

    def __init__(self) -> None:
        self._parent: dict[Hashable, Hashable] = {}

    def find(self, item: Hashable) -> Hashable:
        parent = self._parent
        parent.setdefault(item, item)
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    def union(self, a: Hashable, b: Hashable) -> None:
        root_a, root_b = self.find(a), self.find(b)
        if root_a != root_b:
            # The smaller root wins, so a cluster's id does not depend on the order pairs arrive in.
            low, high = sorted((root_a, root_b), key=str)
            self._parent[high] = low


def groups(ids: Iterable[str], pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Connected components: each id → the smallest id of its component (stable across runs and orders)."""
    sets = UnionFind()
    for a, b in pairs:
        sets.union(a, b)
    return {i: str(sets.find(i)) for i in ids}


def compete(scored: Iterable[tuple[str, str, float]]) -> set[tuple[str, str]]:
    """One-to-one competition between left groups and right groups.

    Args:
        scored: (left group, right group, score) — several rows per group pair are allowed; the best counts.

    Returns:
        The accepted (left group, right group) pairs: greedily by descending score, each group at most once.
        Ties are broken by the group ids, so the result does not depend on input order.
    """
    best: dict[tuple[str, str], float] = defaultdict(float)
    for left, right, score in scored:
        if score > best[(left, right)]:
            best[(left, right)] = score
    used_left: set[str] = set()
    used_right: set[str] = set()
    accepted: set[tuple[str, str]] = set()
    for (left, right), _score in sorted(best.items(), key=lambda item: (-item[1], item[0])):
        if left in used_left or right in used_right:
            continue
        used_left.add(left)
        used_right.add(right)
        accepted.add((left, right))
    return accepted


def second_entries(
    accepted: Iterable[tuple[str, str]],
    scored: Iterable[tuple[str, str, float]],
    close: Iterable[tuple[str, str]],
) -> dict[str, str]:
    """Right groups that lost the competition to their own list's duplicate of the same person.

    A list may name a person twice with independent errors, so its two entries need not agree at the within-list
    threshold; they then compete for the other list's entry and one loses. It joins the winner instead when it
    scored at the threshold with the same left group and the two right groups match each other at the threshold.

    Args:
        accepted: (left group, right group) pairs from :func:`compete`.
        scored: (left group, right group, score) at or above the threshold.
        close: pairs of right groups that match each other at the threshold.

    Returns:
        Losing right group → the winning right group it joins. Deterministic: best score first, ties by ids.
    """
    winner = {left: right for left, right in accepted}
    taken = set(winner.values())
    near = {frozenset(pair) for pair in close}
    out: dict[str, str] = {}
    for left, right, _score in sorted(scored, key=lambda item: (-item[2], item[0], item[1])):
        if right in taken or left not in winner:
            continue
        if frozenset((right, winner[left])) in near:
            out[right] = winner[left]
            taken.add(right)
    return out
