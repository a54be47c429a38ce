"""Which fields of a suggested entry differ from the suggested person's entries: literal, but blind to case and spacing;
a value on one side only is missing, never a difference; record ids and notes are never compared."""

from __future__ import annotations

import doctest

from unforgotten.persons import differences
from unforgotten.persons.differences import Verdict, compare

ENTRY = {"record_id": "RU-2", "family_name": "Шевчук", "given_name": "Андрей", "date_of_birth": "1999-05-07",
         "place_of_birth": "Чернигов", "rank": "сержант", "notes": "from the camp list"}  # fmt: skip
PERSON = [
    {"record_id": "UA-2", "family_name": "ШЕВЧУК ", "given_name": "Андрій", "date_of_birth": "1999-07-05",
     "place_of_birth": "Чернігів", "military_unit": "А1234", "rank": "сержант"},
    {"record_id": "ICRC-9", "family_name": "Шевчук", "given_name": "Андрей", "date_of_birth": "1999-05-07"},
]  # fmt: skip


def _rows() -> dict[str, differences.Row]:
    return {row.field: row for row in compare(ENTRY, PERSON)}


def test_values_written_differently_differ_on_both_sides() -> None:
    rows = _rows()
    for field, second in (("given_name", Verdict.SAME), ("date_of_birth", Verdict.SAME),
                          ("place_of_birth", Verdict.MISSING)):  # fmt: skip
        assert rows[field].differs, field
        assert rows[field].entry.verdict is Verdict.DIFFERS
        assert [c.verdict for c in rows[field].others] == [Verdict.DIFFERS, second], field


def test_case_and_spacing_are_the_same_value() -> None:
    row = _rows()["family_name"]
    assert not row.differs and row.entry.verdict is Verdict.SAME
    assert [c.value for c in row.others] == ["ШЕВЧУК ", "Шевчук"]  # shown as written


def test_a_value_on_one_side_only_is_missing_not_a_difference() -> None:
    unit = _rows()["military_unit"]
    assert unit.entry.verdict is Verdict.MISSING and not unit.differs
    assert [c.verdict for c in unit.others] == [Verdict.MISSING, Verdict.MISSING]
    rank = _rows()["rank"]  # the same where both have it, missing where one lacks it
    assert rank.entry.verdict is Verdict.SAME and [c.verdict for c in rank.others] == [Verdict.SAME, Verdict.MISSING]


def test_record_ids_and_notes_are_shown_but_never_compared() -> None:
    rows = _rows()
    for field in ("record_id", "notes"):
        assert not rows[field].differs
        assert rows[field].entry.verdict is Verdict.NOT_COMPARED
    assert [c.value for c in rows["record_id"].others] == ["UA-2", "ICRC-9"]


def test_rows_follow_the_canonical_order_and_skip_empty_fields() -> None:
    fields = [row.field for row in compare(ENTRY, PERSON)]
    assert fields == ["record_id", "family_name", "given_name", "date_of_birth", "place_of_birth", "rank",
                      "military_unit", "notes"]  # fmt: skip
    assert "patronymic" not in fields and "service_number" not in fields
    assert compare({}, []) == []


def test_the_examples_in_the_docstrings_hold() -> None:
    assert doctest.testmod(differences).failed == 0
