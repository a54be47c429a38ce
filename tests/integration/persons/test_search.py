"""Search (issue 12 item 3): cross-script and typo-tolerant, by record id and date of birth, best first — and
never beyond the caller's space: another side's unshared list is not found by any of its names, ids or dates."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from unforgotten.auth import service as auth
from unforgotten.auth.models import PartyKind
from unforgotten.auth.service import Actor
from unforgotten.lists.models import Entry, EntrySearchKey, EntryStatus
from unforgotten.lists.search import index_missing
from unforgotten.names.search import parse_query
from unforgotten.persons import service
from unforgotten.persons.flows import submit_list

HEADER = "record_id,family_name,given_name,patronymic,date_of_birth,service_number"
UA_ROWS = (
    "UA-1,Шевченко,Олександр,Ігорович,1990-03-12,АА-555",
    "UA-2,Шевчук,Олександр,Петрович,1991-05-01,",
    "UA-3,Коваленко,Богдан,Степанович,2001-11-21,",
)
RU_ROWS = ("RU-7,Шевченко,Александр,Игоревич,1985-01-02,ВС-777",)  # RU's own, shared with nobody


@pytest.fixture
def actors(session: Session, tmp_path: Path) -> dict[str, Actor]:
    for code, kind in (("UA", PartyKind.SIDE), ("RU", PartyKind.SIDE), ("ICRC", PartyKind.MEDIATOR)):
        auth.create(session=session, code=code, name=code, kind=kind)
    operator = auth.operator("cli:x")
    for side, rows in (("UA", UA_ROWS), ("RU", RU_ROWS)):
        path = tmp_path / f"{side}.csv"
        path.write_text("\n".join((HEADER, *rows)) + "\n", encoding="utf-8")
        submit_list(session=session, actor=operator, path=path, party_code=side, kind="request")
    found = {"operator": operator}
    for side in ("UA", "RU"):
        user, _ = auth.create_user(session=session, name=f"{side.lower()}_viewer", role="party_viewer", party_code=side)
        found[side] = auth.actor_for(session=session, user=user)
    session.flush()
    return found


def _names(session: Session, actor: Actor, query: str) -> list[str]:
    persons, total = service.search(session=session, actor=actor, query=query, limit=20)
    assert total == len(persons)
    return [p.display_name for p in persons]


def test_every_accepted_entry_is_indexed_on_import(session: Session, actors: dict[str, Actor]) -> None:
    accepted = session.scalar(select(func.count()).select_from(Entry).where(Entry.status == EntryStatus.ACCEPTED))
    indexed = session.scalar(select(func.count(func.distinct(EntrySearchKey.entry_id))))
    assert accepted == indexed == 4
    assert index_missing(session) == 0  # the backfill finds nothing left to do


def test_a_latin_query_finds_cyrillic_names_best_first(session: Session, actors: dict[str, Actor]) -> None:
    ua = _names(session, actors["UA"], "Shevchenko Oleksandr")
    assert ua[0].startswith("Шевченко Олександр")
    assert any(n.startswith("Шевчук Олександр") for n in ua[1:])  # the given name alone ranks lower
    assert not any("Коваленко" in n for n in ua)
    ru = _names(session, actors["RU"], "Shevchenko Oleksandr")
    assert len(ru) == 1 and ru[0].startswith("Шевченко Александр")  # Олександр and Александр: one name


def test_the_reverse_and_a_typo(session: Session, actors: dict[str, Actor]) -> None:
    assert _names(session, actors["UA"], "Шевченко Александр")[0].startswith("Шевченко Олександр")
    assert _names(session, actors["UA"], "Shevchneko")[0].startswith("Шевченко Олександр")
    assert _names(session, actors["UA"], "Kovalenko Bohdan")[0].startswith("Коваленко Богдан")


def test_by_record_id_service_number_and_date_of_birth(session: Session, actors: dict[str, Actor]) -> None:
    for query in ("UA-1", "ua1", "АА-555", "1990-03-12", "12.03.1990"):
        assert [n.split()[0] for n in _names(session, actors["UA"], query)] == ["Шевченко"], query
    assert _names(session, actors["UA"], "01.01.1900") == []


def test_another_sides_unshared_list_is_never_found(session: Session, actors: dict[str, Actor]) -> None:
    for query in ("RU-7", "ВС-777", "1985-01-02", "02.01.1985"):
        assert _names(session, actors["UA"], query) == [], query
        assert _names(session, actors["RU"], query) != [], query
        assert _names(session, actors["operator"], query) != [], query
    assert not any("Александр" in n for n in _names(session, actors["UA"], "Шевченко Александр Игоревич"))
    assert not any("Олександр" in n for n in _names(session, actors["RU"], "Шевченко Олександр Ігорович"))


def test_an_empty_query_finds_nothing(session: Session, actors: dict[str, Actor]) -> None:
    assert service.search(session=session, actor=actors["operator"], query="  ") == ([], 0)


def _reference(session: Session, actor: Actor, query: str) -> dict[str, int]:
    """Search by its definition, in Python over the whole index: display name -> best score of its entries."""
    from unforgotten.auth.service import readable_spaces
    from unforgotten.names.search import key_hash
    from unforgotten.persons.models import Match, MatchState, Person

    parsed = parse_query(query)
    keys: dict[int, set[int]] = {}
    for key, entry_id in session.execute(select(EntrySearchKey.key, EntrySearchKey.entry_id)):
        keys.setdefault(entry_id, set()).add(key)
    words = [{key_hash(k) for k in word} for word in parsed.words]
    every = set().union(*words)
    ident = key_hash(parsed.identifier) if parsed.identifier else None
    spaces = readable_spaces(actor)
    best: dict[str, int] = {}
    rows = session.execute(
        select(Match.entry_id, Person.display_name, Person.space_id)
        .join(Person, Person.id == Match.person_id)
        .where(Match.state == MatchState.ACCEPTED)
    )
    for entry_id, name, space in rows:
        has = keys.get(entry_id, set())
        score = len(has & every) if words and all(has & word for word in words) else 0
        score = max(score, 1 if ident in has else 0)
        if score and (spaces is None or space in spaces):
            best[name] = max(best.get(name, 0), score)
    return best


@pytest.mark.parametrize("probe", [False, True], ids=["rows-joined", "probed-per-entry"])
def test_both_ways_of_checking_a_word_answer_as_the_definition(
    session: Session, actors: dict[str, Actor], monkeypatch: pytest.MonkeyPatch, probe: bool
) -> None:
    """Whichever way a word is checked (its rows read and joined, or probed per driven entry), the answer is the
    set the definition gives, ranked by the definition's score (the planner's choice is not the answer's)."""
    monkeypatch.setattr(service, "_probe", lambda driver_rows, word_rows: probe)  # one way for every word
    queries = ("Shevchenko Oleksandr", "Олександр Шевченко", "Shevchneko Oleksnadr", "Shevchuk Oleksandr Petrovych",
               "Kovalenko Bohdan", "Oleksandr", "Шевченко Александр Игоревич", "UA 1", "Shevchenko Zzyzx")  # fmt: skip
    for actor in (actors["UA"], actors["RU"], actors["operator"]):
        for query in queries:
            expected = _reference(session, actor, query)
            persons, total = service.search(session=session, actor=actor, query=query, limit=20)
            assert {p.display_name: expected.get(p.display_name) for p in persons} == expected, query
            assert total == len(expected), query
            ranks = [expected[p.display_name] for p in persons]
            assert ranks == sorted(ranks, reverse=True), query


def test_the_rarest_word_drives_and_absent_keys_are_dropped(session: Session, actors: dict[str, Actor]) -> None:
    """The word with the fewest index rows drives, whatever its kind: two given names here (as when a surname
    reads as a given name too, Kharytov ~ Khariton), where the order by kind put the longer, commoner one first."""
    ranked = service._rarest_first(session, parse_query("Oleksandr Bohdan").words)
    assert "g:bohdan" in ranked[0][0] and "g:oleksandr" in ranked[1][0]  # 1 entry against 3
    assert ranked[0][1] < ranked[1][1]
    words = parse_query("Shevchenko Oleksandr").words
    kept = {k for word, _ in service._rarest_first(session, words) for k in word}
    absent = {k for word in words for k in word} - kept
    assert absent and all(k.startswith("c:") for k in absent)  # skeletons with a consonant deleted: no one has them
    assert {"n:xevxenko", "n:olexandr", "g:oleksandr"} <= kept
    assert service.search(session=session, actor=actors["operator"], query="Shevchenko Zzyzx") == ([], 0)


def test_a_broad_word_is_probed_only_while_the_driving_word_is_not_broad() -> None:
    cap = service._RARITY_CAP
    assert service._probe(3_600, cap) is True  # a surname with Oleksandr: one probe per surname entry
    assert service._probe(cap, cap) is False  # both broad: read the other word's rows once
    assert service._probe(3_600, 5_000) is False  # a narrow word's rows are few: read them


def test_a_planner_setting_is_changed_inside_and_put_back_after(session: Session) -> None:
    """Search's narrow queries plan with a cheaper random page; the setting must not leak to the session's other
    statements, even when the statement inside fails (PostgreSQL; nothing to change on SQLite)."""
    from sqlalchemy import text

    from unforgotten.db import planner_setting

    if session.connection().dialect.name != "postgresql":
        with planner_setting(session, "random_page_cost", "1.1"):
            assert session.scalar(text("SELECT 1")) == 1
        return
    before = session.scalar(text("SHOW random_page_cost"))
    with planner_setting(session, "random_page_cost", "1.1"):
        assert session.scalar(text("SHOW random_page_cost")) == "1.1"
    assert session.scalar(text("SHOW random_page_cost")) == before
    with pytest.raises(ZeroDivisionError), planner_setting(session, "random_page_cost", "1.1"):
        1 / 0  # noqa: B018 - a failure inside the block
    assert session.scalar(text("SHOW random_page_cost")) == before
    with pytest.raises(ValueError):
        planner_setting(session, "random_page_cost; DROP TABLE x", "1").__enter__()
