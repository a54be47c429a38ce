"""Linking and deduplicating small lists: cross-script pairs meet, hard negatives stay apart, explanations add up."""

from __future__ import annotations

import copy
import os
from pathlib import Path

import pytest
from tests.unit.linkage.conftest import Rows, person

from unforgotten.errors import InputError, LinkageError
from unforgotten.linkage import LinkageModel, LinkResult, dedupe_list, link_lists
from unforgotten.linkage.explain import Explainer, probability_from_weight

_SURNAMES = "Ткаченко Кравченко Олійник Шевчук Поліщук Лисенко Руденко Савченко Марченко Мороз".split()
_GIVEN = "Петро Василь Богдан Тарас Роман Степан Михайло Віктор Олег Іван".split()
# Twenty unrelated persons, so the lists look like lists (and the prior like a prior).
FILLER = [
    person(f"f{i}", _SURNAMES[i % 10], _GIVEN[(i * 3 + i // 10) % 10], "Іванович", f"{1960 + i}-0{1 + i % 9}-1{i % 10}")
    for i in range(20)
]


def _pairs(left: Rows, right: Rows, model: LinkageModel) -> set[tuple[str, str]]:
    return {(p.left_id, p.right_id) for p in link_lists(left + FILLER[:10], right + FILLER[10:], model=model).pairs}


def test_small_scenario_is_linked_almost_perfectly(small_pair: tuple[Rows, Rows, set[tuple[str, str]]],
                                                   small_link: LinkResult) -> None:  # fmt: skip
    predicted = {(p.left_id, p.right_id) for p in small_link.pairs}
    truth = small_pair[2]
    assert len(predicted & truth) / len(truth) >= 0.97
    assert len(predicted & truth) / len(predicted) >= 0.99


def test_explanations_add_up_to_the_score(small_link: LinkResult, small_pair: tuple[Rows, Rows, object]) -> None:
    settings = small_link.model.settings_for("link_and_dedupe", len(small_pair[0]), len(small_pair[1]))
    prior = Explainer(settings).prior_weight
    direct = [p for p in small_link.pairs if p.explanation is not None]
    assert direct
    for pair in direct:
        assert pair.explanation is not None
        total = prior + sum(field.weight for field in pair.explanation.values())
        assert probability_from_weight(total) == pytest.approx(pair.score, abs=1e-9)
        assert set(pair.explanation) >= {"family_name", "given_name", "patronymic", "dob"}


def test_cyrillic_meets_its_transliteration(model: LinkageModel) -> None:
    left = [person("a", "Шевченко", "Олександр", "Ігорович", "1990-03-15")]
    right = [person("b", "SHEVCHENKO", "Aleksandr", "Igorevich", "1990-03-15")]
    assert ("a", "b") in _pairs(left, right, model)


@pytest.mark.parametrize(
    ("dob_left", "dob_right"),
    [("1990-03-05", "1990-05-03"), ("1990-03-05", "1990"), ("1990-03-05", "1990-03"), ("1990-03-05", "1991-03-05")],
)
def test_clerks_date_errors_still_link(model: LinkageModel, dob_left: str, dob_right: str) -> None:
    left = [person("a", "Ковальчук", "Юрій", "Миколайович", dob_left)]
    right = [person("b", "Kovalchuk", "Yurii", "Nikolaevich", dob_right)]
    assert ("a", "b") in _pairs(left, right, model)


@pytest.mark.parametrize(
    ("given_right", "dob_right"),
    [("Дмитро", "1995-05-05"), ("Андрій", "1987-05-05")],
    ids=["twin: another recognised given name", "namesake: born eight years apart"],
)
def test_hard_negatives_are_vetoed_even_with_a_rare_surname(
    model: LinkageModel, given_right: str, dob_right: str
) -> None:
    left = [person("a", "Зозуляк-Приходько", "Андрій", "Петрович", "1995-05-05", military_unit="А1283")]
    right = [person("b", "Зозуляк-Приходько", given_right, "Петрович", dob_right, military_unit="А1283")]
    assert _pairs(left, right, model) == set()


def test_a_list_may_name_one_person_twice_and_a_namesake_loses(model: LinkageModel) -> None:
    left = [person("a", "Бондаренко", "Сергій", "Олегович", "1988-07-21")]
    right = [
        person("b1", "Бондаренко", "Сергей", "Олегович", "1988-07-21"),
        person("b2", "Bondarenko", "Serhii", "Olehovych", "1988-07-21"),
        person("b3", "Бондаренко", "Сергей", "", "1988-07-12"),
    ]
    pairs = _pairs(left, right, model)
    assert {("a", "b1"), ("a", "b2")} <= pairs


def test_model_file_round_trip_gives_the_same_pairs(tmp_path: Path, small_link: LinkResult,
                                                    small_pair: tuple[Rows, Rows, object]) -> None:  # fmt: skip
    path = tmp_path / "model.json"
    small_link.model.save(path)
    again = link_lists(small_pair[0], small_pair[1], model=LinkageModel.load(path))
    assert [(p.left_id, p.right_id, round(p.score, 9)) for p in again.pairs] == [
        (p.left_id, p.right_id, round(p.score, 9)) for p in small_link.pairs
    ]


def test_not_a_model_file_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text('{"hello": 1}', encoding="utf-8")
    with pytest.raises(InputError, match="not an Unforgotten linkage model"):
        LinkageModel.load(path)


def test_repeated_record_ids_are_refused(model: LinkageModel) -> None:
    rows = [person("a", "Шевченко", "Олександр"), person("a", "Коваль", "Петро")]
    with pytest.raises(InputError, match="appears twice"):
        link_lists(rows, rows[:1], model=model)


def test_a_failing_statement_reaches_the_caller_with_its_sql(model: LinkageModel) -> None:
    broken = copy.deepcopy(model.splink_settings)
    broken["comparisons"][1]["comparison_levels"][1]["sql_condition"] = "no_such_column_l = no_such_column_r"
    with pytest.raises(LinkageError) as caught:
        link_lists([person("a", "Шевченко", "Олександр")], [person("b", "Шевченко", "Олександр")],
                   model=LinkageModel(broken))  # fmt: skip
    assert caught.value.sql is not None and "no_such_column_l" in caught.value.sql


def test_dedupe_clusters_a_lists_own_duplicates(model: LinkageModel) -> None:
    rows = [
        person("r1", "Мельник", "Олег", "Іванович", "1979-11-02"),
        person("r2", "Melnyk", "Oleh", "Ivanovych", "1979-11-02"),
        person("r3", "Мельник", "Ігор", "Іванович", "1979-11-02"),
        *FILLER,
    ]
    result = dedupe_list(rows, model=model)
    assert result.clusters["r1"] == result.clusters["r2"] == "r1"
    assert result.clusters["r3"] == "r3"
    assert {(p.left_id, p.right_id) for p in result.pairs} == {("r1", "r2")}


def test_tiny_lists_use_the_shipped_model_instead_of_failing_to_train() -> None:
    left = [person("a", "Шевченко", "Олександр", "Ігорович", "1990-03-15")]
    right = [person("b", "SHEVCHENKO", "Aleksandr", "Igorevich", "1990-03-15"), person("c", "Мельник", "Олег")]
    result = link_lists(left, right)
    assert [(p.left_id, p.right_id) for p in result.pairs] == [("a", "b")]
    assert "synthetic" in str(result.model.trained_on.get("data"))


def test_a_run_out_of_duckdb_memory_links_again_without_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    """A list must link slowly and large rather than fail: a tiny limit runs out, the run is repeated unlimited."""
    import unforgotten.linkage.backend as backend_module
    from unforgotten.linkage import default_model, link_lists

    monkeypatch.setattr(backend_module, "DUCKDB_MEMORY_LIMIT", "1MB")
    lifted: list[bool] = []
    original = backend_module.Backend.lift_memory_limit

    def spy(self: backend_module.Backend) -> bool:
        lifted.append(original(self))
        return lifted[-1]

    monkeypatch.setattr(backend_module.Backend, "lift_memory_limit", spy)
    left = [{"record_id": f"a{i}", "family_name": f"Шевченко{i % 7}", "given_name": "Олександр",
             "date_of_birth": f"19{50 + i % 40}-03-15"} for i in range(200)]  # fmt: skip
    right = [{**row, "record_id": f"b{i}"} for i, row in enumerate(left)]
    result = link_lists(left, right, model=default_model())
    assert lifted == [True]
    assert len(result.pairs) >= 200


@pytest.mark.parametrize(
    ("cap", "resident", "expected"),
    [
        ("600MB", 300.0, "600MB"),  # a daily list: the whole cap
        ("600MB", 765.0, "235MB"),  # a large list's features already held: what is left of the budget
        ("600MB", 950.0, "200MB"),  # never under the floor
        ("1GB", 100.0, "900MB"),  # the budget, not the cap, bounds
        ("1MB", 100.0, "1MB"),  # a cap under the floor stays the cap
        ("1.5GiB", None, "1.5GiB"),  # resident memory unknown: the cap as set
        ("lots", 100.0, "lots"),  # not a size this reads: DuckDB judges it
    ],
)
def test_duckdb_is_given_what_the_budget_leaves(
    monkeypatch: pytest.MonkeyPatch, cap: str, resident: float | None, expected: str
) -> None:
    import unforgotten.linkage.backend as backend_module

    monkeypatch.setattr(backend_module, "DUCKDB_MEMORY_LIMIT", cap)
    monkeypatch.setattr(backend_module, "MEMORY_BUDGET_MB", 1000)
    monkeypatch.setattr(backend_module, "_resident_mb", lambda: resident)
    assert backend_module.duckdb_limit() == expected


@pytest.mark.parametrize("budget", ["lots", "-5", "0", ""])
def test_a_budget_that_is_not_a_positive_number_keeps_the_fixed_limit_and_says_so(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, budget: str
) -> None:
    import unforgotten.linkage.backend as backend_module

    monkeypatch.setattr(backend_module, "DUCKDB_MEMORY_LIMIT", "600MB")
    monkeypatch.setattr(backend_module, "MEMORY_BUDGET_MB", budget)
    monkeypatch.setattr(backend_module, "_resident_mb", lambda: 900.0)
    assert backend_module.duckdb_limit() == "600MB"
    assert "UNFORGOTTEN_MEMORY_BUDGET_MB" in caplog.text and repr(budget) in caplog.text


@pytest.mark.skipif(not os.path.exists("/proc/self/statm"), reason="no /proc: DuckDB keeps its fixed limit here")
def test_the_resident_memory_is_read() -> None:
    from unforgotten.linkage.backend import _resident_mb

    resident = _resident_mb()
    assert resident is not None and 10 < resident < 20_000
