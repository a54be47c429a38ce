"""A list's versions and the rows of their diff (issue 12, item 5), on SQLite and PostgreSQL: the rows of each kind
are exactly what ``version_diff`` counts, repeated keys included; a reader sees only the versions it may see, and
asking about another side's unshared version is the 404 of a missing list."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from unforgotten.auth import service as auth
from unforgotten.auth.models import PartyKind
from unforgotten.auth.service import Actor
from unforgotten.errors import InputError, NotFoundError
from unforgotten.lists import history
from unforgotten.lists import service as lists
from unforgotten.lists.versions import DIFF_KINDS, diff_rows, version_diff

COLUMNS = "record_id,family_name,given_name,patronymic,date_of_birth,rank"
V1 = (
    "UA-1,Коваленко,Олександр,Петрович,1990-03-12,солдат",
    "UA-2,Шевчук,Андрій,Іванович,1999-07-05,сержант",
    "UA-3,Мельник,Богдан,Степанович,2001-11-21,солдат",
    "UA-4,Бондар,Іван,Миколайович,1985-01-30,солдат",
    "UA-5,Ткаченко,Роман,Ігорович,1993-06-14,солдат",
)
V2 = (
    "UA-1,Коваленко,Олександр,Петрович,1990-03-12,солдат",  # unchanged
    "UA-2,Шевчук,Андрій,Іванович,1999-07-05,старший сержант",  # changed: rank
    "UA-4,Бондар,Іван,Миколайович,1985-01-03,солдат",  # changed: date of birth
    "UA-5,Ткаченко,Роман,Ігорович,1993-06-14,солдат",  # unchanged
    "UA-5,Ткаченко,Роман,Ігорович,1993-06-14,солдат",  # the same key twice, same values: still unchanged
    "UA-6,Гнатюк,Петро,Іванович,1985-02-03,солдат",  # added
    "UA-7,Кравець,Олег,Васильович,1997-09-09,солдат",  # added
)  # UA-3 removed
CANARY = "CnryUAversionQz"
V3 = (*V2[:3], f"UA-8,{CANARY},Олег,Васильович,1996-09-09,солдат")


@pytest.fixture
def actors(session: Session) -> dict[str, Actor]:
    for code, kind in (("UA", PartyKind.SIDE), ("RU", PartyKind.SIDE), ("ICRC", PartyKind.MEDIATOR)):
        auth.create(session=session, code=code, name=code, kind=kind)
    out = {}
    for name, role, party in (("ua", "party_coordinator", "UA"), ("ru", "party_coordinator", "RU"),
                              ("icrc", "mediator", "ICRC")):  # fmt: skip
        user, _ = auth.create_user(session=session, name=name, role=role, party_code=party)
        out[name] = auth.actor_for(session=session, user=user)
    return out


def _import(session: Session, tmp_path: Path, rows: tuple[str, ...], version: int, *, party: str = "UA",
            share: tuple[str, ...] = ("ICRC",)) -> int:  # fmt: skip
    path = tmp_path / f"{party}-v{version}.csv"
    path.write_text("\n".join([COLUMNS, *rows]) + "\n", encoding="utf-8")
    outcome = lists.import_file(session=session, path=path, party_code=party, kind="custody", submitted_by="test",
                                name="custody")  # fmt: skip
    for code in share:
        lists.share_with(session=session, list_id=outcome.list_id, party_code=code)
    return outcome.list_id


@pytest.fixture
def versions(session: Session, tmp_path: Path, actors: dict[str, Actor]) -> tuple[int, int, int]:
    """UA's three versions: the first two shared with the mediator, the third with nobody (it carries a canary)."""
    return (_import(session, tmp_path, V1, 1), _import(session, tmp_path, V2, 2),
            _import(session, tmp_path, V3, 3, share=()))  # fmt: skip


def test_the_rows_of_each_kind_are_what_version_diff_counts(session: Session, versions: tuple[int, ...]) -> None:
    v1, v2, _ = versions
    counts = version_diff(session, v1, v2)
    assert counts == {"added": 2, "removed": 1, "changed": 2, "unchanged": 2}
    every = diff_rows(session, v1, v2, limit=1000)
    assert len(every) == sum(counts[k] for k in DIFF_KINDS)
    for kind in DIFF_KINDS:
        rows = diff_rows(session, v1, v2, kind=kind, limit=1000)
        assert len(rows) == counts[kind] and {r.kind for r in rows} <= {kind}
    paged = [r for offset in range(0, 10, 2) for r in diff_rows(session, v1, v2, limit=2, offset=offset)]
    assert paged == every  # pages follow one another with nothing repeated or skipped
    removed = diff_rows(session, v1, v2, kind="removed")[0]
    assert removed.current_ids == () and len(removed.previous_ids) == 1
    with pytest.raises(ValueError):
        diff_rows(session, v1, v2, kind="unchanged")


def test_a_repeated_key_is_one_row_with_every_entry(session: Session, tmp_path: Path,
                                                    actors: dict[str, Actor]) -> None:  # fmt: skip
    v1 = _import(session, tmp_path, V1, 1)
    v2 = _import(session, tmp_path, (*V1[:4], V1[4].replace("1993", "1994"), V1[4]), 2)  # UA-5 twice, one changed
    counts = version_diff(session, v1, v2)
    rows = diff_rows(session, v1, v2, limit=1000)
    assert counts["changed"] == 1 and len(rows) == 1
    assert len(rows[0].previous_ids) == 1 and len(rows[0].current_ids) == 2


def test_the_diff_names_the_rows_and_the_fields_that_changed(
    session: Session, versions: tuple[int, ...], actors: dict[str, Actor]
) -> None:
    v1, v2, _ = versions
    found = history.diff(session=session, actor=actors["icrc"], list_id=v2, against_id=v1, kind="changed")
    assert found.total == found.counts["changed"] == len(found.rows) == 2
    first, second = found.rows
    assert first.previous[0].name == "Шевчук Андрій Іванович; 1999-07-05" and first.current[0].record_id == "UA-2"
    assert [(c.field, c.previous, c.current) for c in first.changes] == [("rank", "сержант", "старший сержант")]
    assert [c.field for c in second.changes] == ["date_of_birth"]
    added = history.diff(session=session, actor=actors["ua"], list_id=v2, against_id=v1, kind="added", limit=1)
    assert added.total == 2 and len(added.rows) == 1 and added.rows[0].previous == ()
    assert added.rows[0].current[0].name.startswith("Гнатюк")


def test_a_reader_sees_only_the_versions_it_may_see(
    session: Session, versions: tuple[int, ...], actors: dict[str, Actor]
) -> None:
    v1, v2, v3 = versions
    assert [v.id for v in history.versions_of(session=session, actor=actors["ua"], list_id=v1)] == [v1, v2, v3]
    assert [v.id for v in history.versions_of(session=session, actor=actors["icrc"], list_id=v2)] == [v1, v2]
    with pytest.raises(NotFoundError):
        history.versions_of(session=session, actor=actors["ru"], list_id=v1)
    with pytest.raises(NotFoundError) as hidden:
        history.diff(session=session, actor=actors["icrc"], list_id=v3, against_id=v2)
    with pytest.raises(NotFoundError) as hidden_against:
        history.diff(session=session, actor=actors["icrc"], list_id=v2, against_id=v3)
    with pytest.raises(NotFoundError) as missing:
        history.diff(session=session, actor=actors["icrc"], list_id=v2, against_id=v3 + 100)
    assert str(hidden_against.value).replace(str(v3), "N") == str(missing.value).replace(str(v3 + 100), "N")
    assert CANARY not in str(hidden.value) + str(hidden_against.value)
    # What the mediator is shown of v2 names nothing of v3, whose canary only UA sees.
    shown = history.diff(session=session, actor=actors["icrc"], list_id=v2, against_id=v1)
    assert CANARY not in repr(shown)
    ua = history.diff(session=session, actor=actors["ua"], list_id=v3, against_id=v2, kind="added")
    assert CANARY in ua.rows[0].current[0].name


def test_bad_against_or_kind_is_an_input_error(
    session: Session, tmp_path: Path, versions: tuple[int, ...], actors: dict[str, Actor]
) -> None:
    v1, v2, _ = versions
    other = _import(session, tmp_path, V1, 1, party="RU", share=("ICRC",))  # the same name, another party
    for against in (v2, other):
        with pytest.raises(InputError, match="not another version"):
            history.diff(session=session, actor=actors["icrc"], list_id=v2, against_id=against)
    with pytest.raises(InputError, match="unknown kind"):
        history.diff(session=session, actor=actors["ua"], list_id=v2, against_id=v1, kind="unchanged")
