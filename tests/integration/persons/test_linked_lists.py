"""A space records the lists it has linked through, so a daily list does not scan the space for waiting entries
(issue 10, item 7) — and nothing is left waiting: a list shared again links again, and ``review link`` reads every
list whatever the record says."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session

from unforgotten.auth import service as auth
from unforgotten.auth.models import PartyKind
from unforgotten.lists.models import Entry
from unforgotten.persons import flows
from unforgotten.persons.models import LinkedList, Match


def _csv(path: Path, prefix: str, names: list[tuple[str, str]]) -> Path:
    rows = [f"{prefix}-{i},{family},{given},1990-01-{i + 1:02d}" for i, (family, given) in enumerate(names)]
    path.write_text("record_id,family_name,given_name,date_of_birth\n" + "\n".join(rows) + "\n", "utf-8")
    return path


def _linked(session: Session, list_id: int, space_id: int) -> int:
    query = (
        sa.select(sa.func.count())
        .select_from(Match)
        .join(Entry, Entry.id == Match.entry_id)
        .where(Entry.list_id == list_id, Match.space_id == space_id, Match.state == "accepted")
    )
    return session.scalar(query) or 0


def _recorded(session: Session, space_id: int) -> set[int]:
    return set(session.scalars(sa.select(LinkedList.list_id).where(LinkedList.space_id == space_id)))


def test_a_new_list_reads_only_lists_not_linked_through_and_review_link_reads_all(
    session: Session, tmp_path: Path
) -> None:
    ua = auth.create(session=session, code="UA", name="UA")
    operator = auth.operator("cli:test")
    two = _csv(tmp_path / "a.csv", "A", [("Шевчук", "Андрій"), ("Коваль", "Олег")])
    first = flows.submit_list(session=session, actor=operator, party_code="UA", kind="custody", path=two)
    assert _recorded(session, ua.id) == {first.outcome.list_id}
    # An entry that waits although its list is recorded (what no code path does): the record is trusted...
    lost = session.scalars(
        sa.select(Match).join(Entry, Entry.id == Match.entry_id).where(Entry.list_id == first.outcome.list_id)
    ).first()
    assert lost is not None
    lost.state = "withdrawn"  # as an unshare leaves it, but the list still visible
    session.flush()
    second = flows.submit_list(session=session, actor=operator, party_code="UA", kind="custody",
                               path=_csv(tmp_path / "b.csv", "B", [("Бондар", "Ігор")]))  # fmt: skip
    assert second.linked_total == 1
    assert _linked(session, first.outcome.list_id, ua.id) == 1
    assert _recorded(session, ua.id) == {first.outcome.list_id, second.outcome.list_id}
    # ...and the repair the accounting proof names reads every list.
    assert flows.link_all(session=session, decided_by="test") == 1
    assert _linked(session, first.outcome.list_id, ua.id) == 2


def test_a_list_shared_again_links_again(session: Session, tmp_path: Path) -> None:
    auth.create(session=session, code="UA", name="UA")
    icrc = auth.create(session=session, code="ICRC", name="ICRC", kind=PartyKind.MEDIATOR)
    operator = auth.operator("cli:test")
    submitted = flows.submit_list(session=session, actor=operator, party_code="UA", kind="request",
                                  path=_csv(tmp_path / "a.csv", "A", [("Шевчук", "Андрій"), ("Коваль", "Олег")]),
                                  share_with=("ICRC",))  # fmt: skip
    assert _linked(session, submitted.outcome.list_id, icrc.id) == 2
    assert submitted.outcome.list_id in _recorded(session, icrc.id)
    list_id = submitted.outcome.list_id
    assert flows.unshare_list(session=session, actor=operator, list_id=list_id, party_code="ICRC") == 2
    assert _linked(session, submitted.outcome.list_id, icrc.id) == 0
    assert submitted.outcome.list_id not in _recorded(session, icrc.id)
    assert flows.share_list(session=session, actor=operator, list_id=submitted.outcome.list_id, party_code="ICRC") == 2
    assert _linked(session, submitted.outcome.list_id, icrc.id) == 2


def test_a_space_without_records_reads_every_list_once(session: Session, tmp_path: Path) -> None:
    """A database from before the record (the migration leaves it empty): the next link reads all and records all."""
    ua = auth.create(session=session, code="UA", name="UA")
    operator = auth.operator("cli:test")
    first = flows.submit_list(session=session, actor=operator, party_code="UA", kind="custody",
                              path=_csv(tmp_path / "a.csv", "A", [("Шевчук", "Андрій")]))  # fmt: skip
    session.execute(sa.delete(LinkedList))
    assert flows.link_space(session=session, space_id=ua.id, decided_by="test") == 0
    assert _recorded(session, ua.id) == {first.outcome.list_id}
