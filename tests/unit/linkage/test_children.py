"""The children's model (issue 14 item 3): a renamed, Russified child is proposed with its reasons; siblings and
namesakes are not; a surname never vetoes; the estimate is deterministic."""

from __future__ import annotations

import random

import pytest

from unforgotten.linkage import children
from unforgotten.linkage.children import (
    CHILD_THRESHOLD,
    child_features,
    estimate_child_model,
    match_children,
)

REQUESTS = [
    {
        "record_id": "C-1",
        "family_name": "Коваленко",
        "given_name": "Олександр",
        "sex": "M",
        "date_of_birth": "2014-03-12",
        "place_of_birth": "Херсон",
        "mother_maiden_name": "Бондар Олена",
    },
    {
        "record_id": "C-2",
        "family_name": "Мельник",
        "given_name": "Богдан",
        "sex": "M",
        "date_of_birth": "2012-11-21",
        "place_of_birth": "Гола Пристань",
        "father_name": "Степан",
        "mother_maiden_name": "Ткачук Ганна",
    },
]
RECORDS = [
    # C-1 adopted: another surname, the Russian form of his name, the same town written the Russian way, his
    # mother's maiden name in its Russian form, and the birth year moved by one.
    {
        "record_id": "R-1",
        "family_name": "Смирнов",
        "given_name": "Александр",
        "sex": "M",
        "date_of_birth": "2015-03-12",
        "place_of_birth": "г. Херсон",
        "mother_maiden_name": "Бондарь Елена",
    },
    # A namesake of C-1 born years apart in the same town.
    {
        "record_id": "R-2",
        "family_name": "Коваленко",
        "given_name": "Александр",
        "sex": "M",
        "date_of_birth": "2009-06-01",
        "place_of_birth": "Херсон",
    },
    # C-2's sister: same surname, parents and town, another name, two years older.
    {
        "record_id": "R-3",
        "family_name": "Мельник",
        "given_name": "Анна",
        "sex": "F",
        "date_of_birth": "2010-05-02",
        "place_of_birth": "Гола Пристань",
        "father_name": "Степан",
        "mother_maiden_name": "Ткачук Анна",
    },
    {"record_id": "R-4", "family_name": "Петров", "given_name": "Иван", "sex": "M", "date_of_birth": "2016-01-09"},
]


def test_a_renamed_russified_child_is_proposed_with_the_fields_that_carry_it() -> None:
    result = match_children(REQUESTS, RECORDS)
    proposals = {c.request_id: c for c in result.proposals()}
    found = proposals["C-1"]
    assert found.record_id == "R-1" and found.probability >= CHILD_THRESHOLD and found.rank == 1
    why = {name: (f.level, f.weight) for name, f in found.explanation.items()}
    assert why["family_name"][0] == "differs (weak)" and -2.0 <= why["family_name"][1] < 0
    assert why["given_name"][0] == "same name group" and why["given_name"][1] > 0
    assert why["place_of_birth"][0] == "same" and why["place_of_birth"][1] > 0
    assert why["mother_maiden_name"][0] == "same" and why["mother_maiden_name"][1] > 0
    assert why["dob"][0] == "year off by one" and why["dob"][1] > 0


def test_siblings_and_namesakes_are_not_proposed() -> None:
    result = match_children(REQUESTS, RECORDS)
    proposed = {(c.request_id, c.record_id) for c in result.proposals()}
    assert ("C-1", "R-2") not in proposed  # namesake born five years apart
    assert ("C-2", "R-3") not in proposed  # sister: another known name, another sex
    sister = [c for c in result.candidates if (c.request_id, c.record_id) == ("C-2", "R-3")]
    assert not sister or sister[0].probability < CHILD_THRESHOLD


def test_the_surname_never_vetoes_even_after_estimation() -> None:
    rows = _generated(80)
    left = child_features(rows[0], id_prefix="L|")
    right = child_features(rows[1], id_prefix="R|")
    settings = estimate_child_model(left, right, seed=3)
    for name in children.CHILD_WEAK_FIELDS:
        comparison = next(c for c in settings["comparisons"] if c["output_column_name"] == name)
        for level in comparison["comparison_levels"]:
            if not level.get("is_null_level"):
                assert level["m_probability"] >= 0.25 * level["u_probability"] * (1 - 1e-9), (name, level)


def test_blocking_does_not_need_the_surname() -> None:
    rules = " ".join(str(rule.create_blocking_rule_dict("duckdb")) for rule in children.CHILD_BLOCKING_RULES)
    assert "family_key" in rules  # one rule uses it, and it is not the only way in
    no_surname = [
        r for r in children.CHILD_BLOCKING_RULES if "family" not in str(r.create_blocking_rule_dict("duckdb"))
    ]
    assert len(no_surname) >= 6


def _generated(n: int) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    from bench.tracing.generate import generate

    scenario = generate(n, 7)
    return scenario.requests, scenario.records


def test_the_estimate_is_deterministic_and_order_free(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(children, "CHILD_MIN_ESTIMATE", 50)
    requests, records = _generated(80)
    first = match_children(requests, records, seed=2)
    assert first.settings["trained_on"]["prior_kept"] is False
    random.Random(1).shuffle(requests)
    random.Random(2).shuffle(records)
    again = match_children(requests, records, seed=2)
    assert again.settings == first.settings
    assert [(c.request_id, c.record_id, round(c.probability, 9)) for c in again.candidates] == [
        (c.request_id, c.record_id, round(c.probability, 9)) for c in first.candidates
    ]


def test_small_lists_use_the_childrens_prior() -> None:
    result = match_children(REQUESTS, RECORDS)
    assert result.settings["trained_on"]["prior_kept"] is True


def test_a_missing_record_id_is_an_input_error() -> None:
    from unforgotten.errors import InputError

    with pytest.raises(InputError):
        match_children([{"record_id": "", "given_name": "Іван"}], RECORDS)
