"""Stored blocking keys find exactly the pairs Splink's blocking rules make (issue 10, item 7).

The database path pulls a new list's candidates by key equality; if a key missed a pair that a rule blocks, a true
pair would silently never be compared. So every rule is checked against DuckDB evaluating the rule's own SQL.
"""

from __future__ import annotations

import random

import duckdb
import pandas as pd
import pytest

from unforgotten.linkage import features
from unforgotten.linkage.keys import KEYS_VERSION, key_rules, marker_key, probe_keys, stored_keys, tf_key
from unforgotten.linkage.model import BLOCKING_RULES

_FAMILY = ["Шевченко", "Shevchenko", "Петренко-Коваль", "Коваль", "Іван", "Бик", None]
_GIVEN = ["Іван", "Ivan", "Петро", "Шевченко", "Коваль", None]
_PATRONYMIC = ["Іванович", "Петрович", None]
_DOB = ["1990-03-15", "1990-03-16", "1985-01-01", "1990", None]
_PLACE = ["с. Вишневе", "Суми", None]
_UNIT = ["в/ч А0769", "А1234", None]
_SERVICE = ["AB123456", "123456", None]


def _rows(count: int, seed: int, prefix: str) -> list[dict[str, str | None]]:
    rng = random.Random(seed)
    return [
        {
            "record_id": f"{prefix}{i}",
            "family_name": rng.choice(_FAMILY),
            "given_name": rng.choice(_GIVEN),
            "patronymic": rng.choice(_PATRONYMIC),
            "date_of_birth": rng.choice(_DOB),
            "place_of_birth": rng.choice(_PLACE),
            "military_unit": rng.choice(_UNIT),
            "service_number": rng.choice(_SERVICE),
        }
        for i in range(count)
    ]


def _blocked(new: pd.DataFrame, old: pd.DataFrame) -> set[tuple[str, str]]:
    """(new, old) pairs that some rule blocks, in either orientation, as DuckDB evaluates the rules' SQL."""
    connection = duckdb.connect()
    connection.register("n", new)
    connection.register("o", old)
    pairs: set[tuple[str, str]] = set()
    for rule in BLOCKING_RULES:
        sql = rule.create_blocking_rule_dict("duckdb")["blocking_rule"]
        for l_, r_ in (("n", "o"), ("o", "n")):
            query = f"SELECT n.record_id, o.record_id FROM {l_} AS l, {r_} AS r, n, o "  # noqa: S608 - test SQL
            query += f"WHERE n.record_id = {'l' if l_ == 'n' else 'r'}.record_id "
            query += f"AND o.record_id = {'r' if l_ == 'n' else 'l'}.record_id AND ({sql})"
            pairs.update((str(a), str(b)) for a, b in connection.execute(query).fetchall())
    return pairs


def _by_keys(new: pd.DataFrame, old: pd.DataFrame) -> set[tuple[str, str]]:
    """(new, old) pairs where one of the old record's stored keys is a probe key of the new record."""
    stored: dict[int, set[str]] = {}
    for record_id, key in stored_keys(old):
        stored.setdefault(key, set()).add(record_id)
    pairs = set()
    for position in range(len(new)):
        one = new.iloc[[position]]
        for key in probe_keys(one):
            pairs.update((str(one["record_id"].iloc[0]), old_id) for old_id in stored.get(key, ()))
    return pairs


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_keys_find_exactly_the_pairs_the_rules_block(seed: int) -> None:
    new = features(_rows(60, seed, "n"))
    old = features(_rows(150, seed + 100, "o"))
    blocked = _blocked(new, old)
    assert blocked  # the sample exercises the rules
    found = _by_keys(new, old)
    assert found >= blocked, sorted(blocked - found)[:5]  # no pair a rule blocks is missed
    # Few extra (one side's first surname part equal to the other's last): Splink scores them only if a rule does.
    assert len(found - blocked) <= 0.05 * len(blocked), sorted(found - blocked)[:5]


def test_rules_on_surname_parts_share_keys_and_implied_rules_have_none() -> None:
    rules = key_rules()
    assert len(rules) < len(BLOCKING_RULES)
    by_name = {rule.name: rule for rule in rules}
    assert by_name["surname|given_group|dob_year"].parts == ("family_key", "family_first", "family_last")
    assert "family_key|given_group|patronymic_group" not in by_name  # family_head's rule finds its pairs
    asymmetric = [rule for rule in rules if not rule.symmetric]
    assert [(rule.left, rule.right) for rule in asymmetric] == [
        (("family_key", "given_key"), ("given_key", "family_key"))
    ]


def test_a_swapped_name_finds_its_partner_but_not_every_namesake() -> None:
    old = features(
        [
            {"record_id": "swapped", "family_name": "Іван", "given_name": "Шевченко"},
            {"record_id": "namesake", "family_name": "Шевченко", "given_name": "Іван"},
        ]
    )
    new = features([{"record_id": "n", "family_name": "Шевченко", "given_name": "Іван"}])
    assert _by_keys(new, old) == _blocked(new, old)


def test_keys_are_stable_values_pinned_for_a_sample_entry() -> None:
    """If this fails, a stored key of an unchanged entry changed: bump KEYS_VERSION so spaces are keyed again."""
    frame = features(
        [{"record_id": "1", "family_name": "Шевченко", "given_name": "Олександр", "date_of_birth": "1990-03-15"}]
    )
    keys = sorted(key for _, key in stored_keys(frame))
    assert KEYS_VERSION == 1
    assert len(keys) == 9
    assert tf_key("xevxenko") in keys and marker_key() in keys
    assert keys[:2] == _PINNED


_PINNED = [-8282457562438729790, -5448198863455286831]


def test_probes_are_keys_only() -> None:
    frame = features(_rows(40, 9, "p"))
    assert all(abs(key) > 2**20 for key in probe_keys(frame))  # no row position slipped in among the keys


def _reference_keys(frame: pd.DataFrame) -> list[tuple[str, int]]:
    """The stored keys computed the plain way, row by row and value by value: what the vectorised path must give."""
    from unforgotten.linkage import keys as k

    found: set[tuple[str, int]] = set()
    for row in frame.to_dict("records"):
        record = str(row["record_id"])

        def value(column: str, row: dict[str, object] = row) -> str | None:
            cell = row[column]
            return None if cell is None or cell is pd.NA or cell != cell else str(cell)  # None, <NA> or NaN

        for rule in key_rules():
            sides = (("l", rule.left),) if rule.symmetric else (("l", rule.left), ("r", rule.right))
            for side, columns in sides:
                tag = f"v{KEYS_VERSION}{k._SEP}{rule.name}{k._SEP}{'' if rule.symmetric else side}{k._SEP}"
                for variant in [[p if c == k._SURNAME else c for c in columns] for p in rule.parts] or [list(columns)]:
                    values = [value(c) for c in variant]
                    present = [v for v in values if v is not None]
                    if len(present) == len(values):
                        found.add((record, k._hash(tag + k._SEP.join(present))))
        if value("family_key"):
            found.add((record, tf_key(str(value("family_key")))))
        found.add((record, marker_key()))
    return sorted(found, key=lambda pair: (pair[1], pair[0]))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_stored_keys_are_the_plain_per_row_keys_for_both_kinds_of_features(seed: int) -> None:
    from unforgotten.linkage import compact_features

    rows = _rows(300, seed, "r")
    plain = features(rows)
    expected = _reference_keys(plain)
    by_key = sorted(stored_keys(plain), key=lambda pair: (pair[1], pair[0]))
    assert by_key == expected
    assert sorted(stored_keys(compact_features(rows)), key=lambda pair: (pair[1], pair[0])) == expected
