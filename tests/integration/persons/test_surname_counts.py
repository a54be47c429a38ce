"""The surname counts a space caches for its term frequencies (:mod:`unforgotten.persons.frequencies`) are always
the counts of its linked entries: after each list linked, in each space, and after entries leave a space."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from unforgotten.auth import service as auth
from unforgotten.auth.models import PartyKind
from unforgotten.persons import flows
from unforgotten.persons.models import EntryLinkKey, Match, SurnameCount


def _cached(session: Session, space_id: int) -> dict[int, int]:
    query = sa.select(SurnameCount.key, SurnameCount.count).where(SurnameCount.space_id == space_id)
    return {int(key): int(count) for key, count in session.execute(query)}


def _true(session: Session, space_id: int, keys: set[int]) -> dict[int, int]:
    """Counted from scratch: the entries linked in the space with each key."""
    query = (
        sa.select(EntryLinkKey.key, sa.func.count(sa.distinct(EntryLinkKey.entry_id)))
        .join(Match, Match.entry_id == EntryLinkKey.entry_id)
        .where(Match.space_id == space_id, Match.state == "accepted", EntryLinkKey.key.in_(sorted(keys)))
        .group_by(EntryLinkKey.key)
    )
    found = {int(key): int(count) for key, count in session.execute(query)}
    return {key: found.get(key, 0) for key in keys}


@pytest.mark.slow
def test_the_cached_counts_are_the_counts_of_the_linked_entries(
    session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import unforgotten.linkage.model as model
    from unforgotten.scenario import generate, write_scenario

    monkeypatch.setattr(model, "SMALL_LISTS", 0)  # every space is "large": scored with the cached frequencies
    ua = auth.create(session=session, code="UA", name="UA")
    icrc = auth.create(session=session, code="ICRC", name="ICRC", kind=PartyKind.MEDIATOR)
    operator = auth.operator("cli:test")
    files = write_scenario(generate(300, seed=8), tmp_path)
    submitted = []
    for name in ("ua_request", "ua_custody", "ua_tracing"):
        submitted.append(flows.submit_list(session=session, actor=operator, path=Path(files[name]), party_code="UA",
                                           kind=name.split("_")[1], share_with=("ICRC",)))  # fmt: skip
        for space in (ua.id, icrc.id):
            cached = _cached(session, space)
            if len(submitted) > 1:
                assert cached, "the second list is scored with counts cached by the first and itself"
            assert cached == _true(session, space, set(cached))
    flows.unshare_list(session=session, actor=operator, list_id=submitted[0].outcome.list_id, party_code="ICRC")
    assert _cached(session, icrc.id) == {}  # entries left the space: counted again on first use
    assert _cached(session, ua.id) == _true(session, ua.id, set(_cached(session, ua.id)))
