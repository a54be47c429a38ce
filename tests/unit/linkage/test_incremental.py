"""A new list is linked into existing persons without retraining; existing person ids never move."""

from __future__ import annotations

from typing import Any

import pytest
from tests.unit.linkage.conftest import person
from tests.unit.linkage.test_engine import FILLER

from unforgotten.linkage import LinkageModel, link_incremental, link_into_persons

EXISTING = [
    {**person("e1", "Шевченко", "Олександр", "Ігорович", "1990-03-15"), "person_id": "7"},
    {**person("e2", "Shevchenko", "Oleksandr", "Ihorovych", "1990-03-15"), "person_id": "7"},
    {**person("e3", "Коваль", "Дмитро", "Петрович", "1995-05-05"), "person_id": "9"},
    *({**row, "person_id": str(100 + number)} for number, row in enumerate(FILLER)),
]


def test_new_entries_join_existing_persons_or_become_new_ones(model: LinkageModel) -> None:
    new = [
        person("n1", "ШЕВЧЕНКО", "Александр", "Игоревич", "1990-15-03"),  # Russian forms, day and month swapped
        person("n2", "Коваль", "Андрій", "Петрович", "1995-05-05"),  # Дмитро's twin: a new person
        person("n3", "Koval", "Andrii", "Petrovych", "1995-05-05"),  # the twin again, in Latin
    ]
    by_id = {a.record_id: a for a in link_incremental(new, EXISTING, model=model)}
    assert by_id["n1"].person_id == 7
    assert by_id["n1"].probability is not None and by_id["n1"].probability > 0.9
    given_name = by_id["n1"].explanation["given_name"]
    assert isinstance(given_name, dict) and given_name["level"] == "Exact match on given_group"
    assert by_id["n2"].person_id is None and by_id["n3"].person_id is None
    assert by_id["n2"].cluster == by_id["n3"].cluster == "n2"


def test_ids_are_stable_when_nothing_changed(model: LinkageModel) -> None:
    again = [
        {k: v for k, v in row.items() if k != "person_id"} | {"record_id": "x-" + row["record_id"]} for row in EXISTING
    ]
    assignments = link_incremental(again, EXISTING, model=model)
    expected = {"x-" + row["record_id"]: int(row["person_id"]) for row in EXISTING}
    assert {a.record_id: a.person_id for a in assignments} == expected


def test_no_existing_persons_and_no_new_rows(model: LinkageModel) -> None:
    assert link_incremental([], EXISTING, model=model) == []
    one_list = [person("n1", "Мельник", "Олег", "Петрович", "1990-01-01"),
                person("n2", "Melnyk", "Oleh", "Petrovych", "1990-01-01")]  # fmt: skip
    only_new = link_into_persons(one_list, [], model=model)
    assert [a.person_id for a in only_new] == [None, None]
    assert only_new[0].cluster == only_new[1].cluster


def test_a_lists_own_namesakes_are_not_grouped_on_a_name_alone(model: LinkageModel) -> None:
    """Within one list a name and nothing else is not enough (0.99 is): one clerk writes a person alike twice."""
    only_names = link_into_persons([person("n1", "Мельник", "Олег"), person("n2", "Melnyk", "Oleh")], [], model=model)
    assert only_names[0].cluster != only_names[1].cluster


def test_a_strong_candidate_that_lost_the_competition_is_suggested_for_review(model: LinkageModel) -> None:
    twice = [  # the same person already linked twice, as two persons a reviewer has not yet merged
        {**person("a", "Шевченко", "Олександр", "Ігорович", "1990-03-15"), "person_id": "7"},
        {**person("b", "Шевченко", "Олександр", "Ігорович", "1990-03-15"), "person_id": "8"},
        *({**row, "person_id": str(100 + number)} for number, row in enumerate(FILLER)),
    ]
    [assignment] = link_incremental([person("n", "Shevchenko", "Oleksandr", "Ihorovych", "1990-03-15")], twice,
                                    model=model, lower=0.1)  # fmt: skip
    assert assignment.person_id in {7, 8}
    assert [pid for pid, _, _ in assignment.suggestions] == [({7, 8} - {assignment.person_id}).pop()]


def test_only_a_large_spaces_candidates_are_scored_within_the_memory_budget(
    model: LinkageModel, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The budget bounds a large list linked with candidates pulled from a large space (``broad=False``). A small
    space is linked against all its entries with the broad rules; under the budget their blocks ran out of memory
    and were scored a second time, without a limit."""
    import unforgotten.linkage.incremental as incremental

    asked: list[bool] = []
    real = incremental.open_backend

    def recording(engine: str = "duckdb", **kwargs: Any) -> Any:
        asked.append(bool(kwargs.get("within_budget")))
        return real(engine, **kwargs)

    monkeypatch.setattr(incremental, "open_backend", recording)
    new = [person("n1", "Шевченко", "Олександр", "Ігорович", "1990-03-15")]
    for broad in (None, True, False):
        link_incremental(new, EXISTING, model=model, broad=broad)
    link_incremental(new, [], model=model, broad=False)  # a list alone: nothing held besides it
    assert asked == [False, False, True, False]
