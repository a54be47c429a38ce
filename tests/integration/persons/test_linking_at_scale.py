"""Linking into a large space pulls only the new list's candidates (issue 10, item 7) — and decides the same.

The keyed path (stored blocking keys, the space's surname frequencies) must give the very persons, matches and
probabilities that scoring the new list against every entry of the space gives with the same rules; the bulk
writes must leave the audit trail the ORM would (replay finds nothing to say).
"""

from __future__ import annotations

from concurrent.futures import Executor, Future
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from unforgotten.audit.replay import replay
from unforgotten.auth import service as auth
from unforgotten.auth.models import Party, PartyKind
from unforgotten.lists.models import Entry, List
from unforgotten.persons import flows, linking
from unforgotten.persons.models import EntryLinkKey, Match, SpaceModel

Place = tuple[str, int]  # (list name, row number): the same in both databases, where ids are not (PostgreSQL)


def _load(session: Session, tmp_path: Path) -> dict[tuple[Place, int], tuple[Place, str, float | None]]:
    from unforgotten.scenario import generate, write_scenario

    for code, kind in (("UA", PartyKind.SIDE), ("RU", PartyKind.SIDE), ("ICRC", PartyKind.MEDIATOR)):
        auth.create(session=session, code=code, name=code, kind=kind)
    operator = auth.operator("cli:test")
    files = write_scenario(generate(500, seed=4), tmp_path)
    for name, party, kind in (("ua_request", "UA", "request"), ("ru_custody", "RU", "custody"),
                              ("ua_custody", "UA", "custody")):  # fmt: skip
        flows.submit_list(session=session, actor=operator, path=Path(files[name]), party_code=party, kind=kind,
                          share_with=("ICRC",))  # fmt: skip
    # Entry -> (person, state, probability), with persons named by their first entry's place.
    place: dict[int, Place] = {
        entry_id: (name, row)
        for entry_id, name, row in session.execute(sa.select(Entry.id, List.name, Entry.row_number).join(List))
    }
    spaces = {i: c for i, c in session.execute(sa.select(Party.id, Party.code))}
    matches = session.execute(sa.select(Match).order_by(Match.id)).scalars().all()
    first_entry: dict[int, Place] = {}
    for match in matches:
        if match.state == "accepted":
            first_entry.setdefault(match.person_id, place[match.entry_id])
    return {
        (place[m.entry_id], spaces[m.space_id]): (first_entry[m.person_id], m.state, m.probability) for m in matches
    }


def _whole_space(
    session: Session, space_id: int, fresh: Any, existing: int, model: Any, lower: Any, background: Executor
) -> Future[Any]:
    """The reference: the new list against every linked entry of the space, same rules, frequencies counted."""
    from unforgotten.linkage import DEFAULT_REVIEW_FLOOR, link_into_persons

    everything = linking._linked_rows(session, space_id)
    floor = DEFAULT_REVIEW_FLOOR if lower is None else lower
    return background.submit(
        link_into_persons, [], everything, lower=floor, model=model, broad=False, new_features=fresh
    )


@pytest.mark.slow
def test_the_keyed_path_decides_as_the_whole_space_does(
    session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import unforgotten.linkage.model as model

    monkeypatch.setattr(model, "SMALL_LISTS", 0)  # every space is "large": candidates come from the keys
    keyed = _load(session, tmp_path / "a")
    assert session.scalar(sa.select(sa.func.count()).select_from(EntryLinkKey)) > 0
    assert (
        list(replay(session=session)) == []
    )  # bulk-written persons and matches carry the events the ORM would have written
    session.rollback()  # the same database as it was before, to load again the other way
    monkeypatch.setattr(linking, "_link_keyed", _whole_space)
    whole = _load(session, tmp_path / "b")
    assert len(keyed) == len(whole)
    differing = {k: (keyed[k], whole.get(k)) for k in keyed if keyed[k][:2] != _decision(whole.get(k))}
    assert not differing, list(differing.items())[:5]  # the same persons, matches and suggestions
    # The same probabilities, up to the denominator of the surname frequencies (the keyed path counts the few
    # entries written without a surname too): within a hundredth of a bit of match weight.
    drift = [abs(_weight(keyed[k][2]) - _weight(whole[k][2])) for k in keyed if keyed[k][2] is not None]
    assert drift and max(drift) < 0.01, max(drift)


def _decision(value: tuple[Place, str, float | None] | None) -> Any:
    return None if value is None else value[:2]


def _weight(probability: float | None) -> float:
    import math

    assert probability is not None
    clipped = min(max(probability, 1e-15), 1 - 1e-15)
    return math.log2(clipped / (1 - clipped))


def test_a_space_keys_its_entries_again_when_the_keys_version_changes(
    session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import unforgotten.linkage.model as model

    for code in ("UA", "RU"):
        auth.create(session=session, code=code, name=code)
    operator = auth.operator("cli:test")
    first = tmp_path / "one.csv"
    first.write_text("ПІБ;Дата народження\nШевик Роман Ярославович;19.04.1990\n", encoding="utf-8")
    flows.submit_list(session=session, actor=operator, path=first, party_code="UA", kind="request")
    ua = auth.get_by_code_or_raise(session=session, code="UA").id
    state = session.get(SpaceModel, ua)
    assert state is not None and state.keys_version == 1
    state.keys_version = 0  # as a database keyed by an older version would have it
    session.execute(sa.delete(EntryLinkKey))
    monkeypatch.setattr(model, "SMALL_LISTS", 0)
    second = tmp_path / "two.csv"
    second.write_text("ПІБ;Дата народження\nSHEVYK Roman;19.04.1990\n", encoding="utf-8")
    flows.submit_list(session=session, actor=operator, path=second, party_code="UA", kind="request")
    assert state.keys_version == 1
    persons = session.scalars(sa.select(Match.person_id).where(Match.space_id == ua, Match.state == "accepted"))
    assert len(set(persons)) == 1  # found through the keys written again, so the second entry joined the first


def test_rows_read_by_position_are_the_entry_rows(session: Session, tmp_path: Path) -> None:
    """Linking reads selected entries by position (``_selected_row``); they must be what ``entry_row`` gives."""
    _load(session, tmp_path)
    rows = session.execute(sa.select(*linking._ENTRY_COLUMNS).order_by(Entry.id).limit(200)).all()
    assert rows
    for row in rows:
        assert linking._selected_row(row) == linking.entry_row(row)
        assert list(linking._selected_row(row)) == list(linking.entry_row(row))  # and in the same order


@pytest.mark.parametrize("step", ["estimate_from_features", "link_into_persons"])
def test_a_failure_in_the_helper_thread_reaches_the_caller_before_anything_is_written(
    session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, step: str
) -> None:
    """The model's estimate and the scoring run in a helper thread (``link_space``): their error must be the
    caller's, as it is raised, and no person or match be written before it."""
    import threading

    import unforgotten.linkage as linkage
    import unforgotten.linkage.model as model
    from unforgotten.errors import LinkageError, Text
    from unforgotten.persons.models import Person
    from unforgotten.scenario import generate, write_scenario

    monkeypatch.setattr(model, "SMALL_LISTS", 0)  # the keyed path, whose scoring runs in the helper thread
    monkeypatch.setattr(linkage, "MIN_ESTIMATE_ROWS", 10)  # an estimate is due for this small list
    threads: list[str] = []

    def broken(*args: object, **kwargs: object) -> Any:
        threads.append(threading.current_thread().name)
        raise LinkageError(Text("scoring candidate pairs failed: Out of Memory"))

    monkeypatch.setattr(linkage, step, broken)
    auth.create(session=session, code="UA", name="UA", kind=PartyKind.SIDE)
    files = write_scenario(generate(200, seed=5), tmp_path)
    with pytest.raises(LinkageError, match="Out of Memory"):
        flows.submit_list(
            session=session, actor=auth.operator("cli:test"), path=Path(files["ua_custody"]), party_code="UA",
            kind="custody",
        )  # fmt: skip
    assert threads and threads[0].startswith("linking"), threads
    assert session.scalar(sa.select(sa.func.count()).select_from(Person)) == 0
    assert session.scalar(sa.select(sa.func.count()).select_from(Match)) == 0
