"""Groups and the one-to-one competition: invariants that must hold for any input order."""

from __future__ import annotations

import random

from hypothesis import given
from hypothesis import strategies as st

from unforgotten.linkage.resolve import compete, groups

_ids = st.sampled_from([f"l{i}" for i in range(6)])
_others = st.sampled_from([f"r{i}" for i in range(6)])
_scored = st.lists(st.tuples(_ids, _others, st.floats(0.01, 1.0)), max_size=30)


@given(_scored)
def test_each_group_wins_at_most_once_and_order_does_not_matter(scored: list[tuple[str, str, float]]) -> None:
    accepted = compete(scored)
    lefts = [a for a, _ in accepted]
    rights = [b for _, b in accepted]
    assert len(lefts) == len(set(lefts)) and len(rights) == len(set(rights))
    shuffled = scored[:]
    random.Random(1).shuffle(shuffled)
    assert compete(shuffled) == accepted
    assert accepted <= {(a, b) for a, b, _ in scored}


def test_the_better_candidate_wins_and_the_loser_may_take_another() -> None:
    accepted = compete([("a", "x", 0.99), ("b", "x", 0.7), ("b", "y", 0.6)])
    assert accepted == {("a", "x"), ("b", "y")}


@given(st.lists(st.tuples(_ids, _ids), max_size=20))
def test_groups_are_connected_components_named_by_their_smallest_id(pairs: list[tuple[str, str]]) -> None:
    ids = [f"l{i}" for i in range(6)]
    grouping = groups(ids, pairs)
    for a, b in pairs:
        assert grouping[a] == grouping[b]
    for member, name in grouping.items():
        assert name <= member
        assert grouping[name] == name
    assert groups(ids, list(reversed(pairs))) == grouping
