"""The scenario generator: deterministic, canonical, truthful, with the difficulties it promises."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import pytest

from unforgotten.columns import CANONICAL_COLUMNS
from unforgotten.errors import InputError
from unforgotten.scenario import VARIATION_KINDS, generate, linkage_pair, write_scenario


@pytest.fixture(scope="module")
def scenario():  # type: ignore[no-untyped-def]
    return generate(5000, seed=3)


def test_deterministic_by_seed() -> None:
    a, b, c = generate(300, 11), generate(300, 11), generate(300, 12)
    assert a.lists["ru_custody"].columns == b.lists["ru_custody"].columns
    assert a.lists["ru_custody"].columns != c.lists["ru_custody"].columns


def test_lists_are_canonical_and_truth_covers_every_entry(scenario) -> None:  # type: ignore[no-untyped-def]
    entries = 0
    for generated in scenario.lists.values():
        assert list(generated.columns) == list(CANONICAL_COLUMNS)
        assert len({len(values) for values in generated.columns.values()}) == 1
        assert len(set(generated.columns["record_id"])) == len(generated)
        entries += len(generated)
    assert sum(1 for _ in scenario.truth()) == entries


def test_every_person_is_on_the_right_sides_lists(scenario) -> None:  # type: ignore[no-untyped-def]
    for list_id, generated in scenario.lists.items():
        own = list_id.endswith(("request", "tracing"))
        party = "UA" if list_id.startswith("ua") else "RU"
        expected = party if own else ("RU" if party == "UA" else "UA")
        assert set(generated.columns["citizenship"]) == {expected}, list_id


def test_children_are_minors_at_the_reference_date(scenario) -> None:  # type: ignore[no-untyped-def]
    tracing = scenario.lists["ua_tracing"]
    ref = scenario.config.reference_date
    for dob, variations in zip(tracing.columns["date_of_birth"], tracing.variations, strict=True):
        if len(dob) == 10 and "date_error" not in variations:
            assert (ref - dt.date.fromisoformat(dob)).days < 18 * 366


def test_variation_rates_are_near_the_config(scenario) -> None:  # type: ignore[no-untyped-def]
    custody = scenario.lists["ru_custody"]
    counts = Counter(kind for labels in custody.variations for kind in labels.split("|") if kind)
    n = len(custody)
    assert set(counts) <= set(VARIATION_KINDS) | {"duplicate", "ukrainian_forms"}
    config = scenario.config
    assert abs(counts["missing_patronymic"] / n - config.other.missing_patronymic) < 0.03
    assert abs(counts["transliteration"] / n - config.other.transliteration) < 0.03
    assert counts["russian_forms"] / n > 0.5
    assert abs(counts["place_variant"] / n - config.other.place_variant) < 0.05


def test_every_kind_of_error_is_a_rate_that_can_be_scaled() -> None:
    base = generate(3000, seed=4)
    config = base.config.scaled("keyboard_typo", 4.0)
    assert config.other.keyboard_typo == 4 * base.config.other.keyboard_typo
    assert config.other.typo == base.config.other.typo
    scaled = generate(3000, seed=4, config=config)

    def share(scenario, kind):  # type: ignore[no-untyped-def]
        custody = scenario.lists["ru_custody"]
        return sum(kind in v.split("|") for v in custody.variations) / len(custody)

    assert share(scaled, "keyboard_typo") > 3 * share(base, "keyboard_typo") > 0
    none = generate(3000, seed=4, config=base.config.scaled("missing_dob", 0.0))
    assert share(none, "missing_dob") == 0
    assert "" not in none.lists["ru_custody"].columns["date_of_birth"]


def test_new_kinds_look_as_promised(scenario) -> None:  # type: ignore[no-untyped-def]
    rows = [(row, v) for g in scenario.lists.values() for row, v in zip(g.rows(), g.variations, strict=True)]
    placeholders = {row["date_of_birth"][4:] for row, v in rows if "placeholder_dob" in v}
    assert placeholders <= {"-01-01"}
    assert any("-" in row["family_name"] for row, _ in rows)  # double surnames exist
    halves = [row["family_name"] for row, v in rows if "double_surname_part" in v and row["family_name"]]
    assert halves and not any("-" in name for name in halves)
    units = [row["military_unit"] for row, v in rows if "unit_variant" in v]
    assert units and not any(u.startswith("в/ч") for u in units)
    assert any(row["mother_maiden_name"] for row, _ in rows)


def test_hard_negatives_are_different_persons_that_look_alike(scenario) -> None:  # type: ignore[no-untyped-def]
    kinds = Counter(n.kind for n in scenario.hard_negatives)
    assert kinds["namesake"] > 0 and kinds["brother"] > 0 and kinds["twin"] > 0
    assert all(n.person_a != n.person_b for n in scenario.hard_negatives)


def test_linkage_pair_and_files(tmp_path: Path) -> None:
    left, right, pairs = linkage_pair(400, 5)
    assert pairs and all(a.startswith("UA-REQ") and b.startswith("RU-CUS") for a, b in pairs)
    paths = write_scenario(generate(300, 5), tmp_path)
    assert {"ua_request", "ru_custody", "truth", "agreement"} <= set(paths)
    header = paths["ru_custody"].read_text(encoding="utf-8").splitlines()[0]
    assert header.split(",") == list(CANONICAL_COLUMNS)


def test_size_is_bounded() -> None:
    with pytest.raises(InputError):
        generate(10, 1)
