"""The instance reader: the issue's example reads; every malformed field is named, with its value."""

from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from unforgotten.errors import FileReadError, InputError
from unforgotten.planning import Instance, Person, Stage, load_instance, parse_instance

EXAMPLE: dict[str, Any] = {
    "comment": "ignored",
    "parties": ["UA", "RU"],
    "parity": {"mode": "equal_per_stage"},
    "remainder_stage": None,
    "stages": [
        {"id": "S1", "date": "2025-06-09", "capacity": {"UA": 400, "RU": 400}},
        {"id": "S2", "date": "2025-06-16", "capacity": {"UA": 300, "RU": 0}},
    ],
    "persons": [
        {"id": "P1", "held_by": "UA", "category": "seriously_wounded", "urgency": 3, "earliest": "2025-06-10",
         "group": None},
        {"id": "P2", "held_by": "RU", "category": "aged_18_25", "urgency": 1, "earliest": "2025-06-01", "group": "G"},
    ],
}  # fmt: skip


def test_the_issue_example_reads() -> None:
    instance = parse_instance(EXAMPLE)
    assert instance.parties == ("UA", "RU")
    assert instance.stages[1] == Stage("S2", date(2025, 6, 16), {"UA": 300, "RU": 0})
    assert instance.persons[0] == Person("P1", "UA", 3, date(2025, 6, 10), "seriously_wounded", None)
    assert instance.pins == {} and instance.exclusions == frozenset()


def _with(path: str, value: object) -> dict[str, Any]:
    """EXAMPLE with one field set (``persons.0.urgency``) or removed (value ``...``)."""
    data = copy.deepcopy(EXAMPLE)
    *parents, last = path.split(".")
    target: Any = data
    for part in parents:
        target = target[int(part)] if part.isdigit() else target[part]
    if value is ...:
        del target[last]
    else:
        target[int(last) if last.isdigit() else last] = value
    return data


@pytest.mark.parametrize(
    ("path", "value", "field", "words"),
    [
        ("colour", "red", "colour", "unknown field"),
        ("persons.0.nickname", "x", "persons[0].nickname", "unknown field"),
        ("stages.0.place", "x", "stages[0].place", "unknown field"),
        ("persons", ..., "persons", "missing field"),
        ("persons.1.earliest", ..., "persons[1].earliest", "missing field"),
        ("parties", ["UA"], "parties", "two party codes"),
        ("parties", ["UA", "UA"], "parties", "two distinct"),
        ("parity.mode", "roughly", "parity.mode", "unknown parity mode"),
        ("parity.extra", 1, "parity.extra", "unknown field"),
        ("remainder_stage", "S9", "remainder_stage", "names no stage"),
        ("stages.1.date", "2025-06-09", "stages[1].date", "increase strictly"),
        ("stages.1.date", "16.06.2025", "stages[1].date", "YYYY-MM-DD"),
        ("stages.1.date", "2025-02-30", "stages[1].date", "calendar date"),
        ("stages.1.id", "S1", "stages[1].id", "repeated"),
        ("stages.0.capacity.UA", -1, "stages[0].capacity.UA", "0 or more"),
        ("stages.0.capacity.UA", "400", "stages[0].capacity.UA", "whole number"),
        ("stages.0.capacity.UA", True, "stages[0].capacity.UA", "whole number"),
        ("stages.0.capacity.PL", 5, "stages[0].capacity.PL", "not one of"),
        ("stages.0.capacity", {"UA": 1}, "stages[0].capacity.RU", "missing field"),
        ("persons.0.urgency", 4, "persons[0].urgency", "1, 2 or 3"),
        ("persons.0.urgency", 2.5, "persons[0].urgency", "whole number"),
        ("persons.0.held_by", "PL", "persons[0].held_by", "one of the parties"),
        ("persons.1.id", "P1", "persons[1].id", "repeated"),
        ("persons.1.id", "", "persons[1].id", "non-empty"),
        ("persons.0.group", "G", "persons[1].held_by", "held by one side"),
        ("persons.0.category", 7, "persons[0].category", "text or null"),
        ("persons.0", "P1", "persons[0]", "expected an object"),
        ("pins", {"P1": "S7"}, "pins.P1", "names no stage"),
        ("pins", {"P7": "S1"}, "pins.P7", "names no person"),
        ("pins", ["P1"], "pins", "person id to stage id"),
        ("exclusions", ["P7"], "exclusions", "names no person"),
        ("exclusions", "P1", "exclusions", "expected a list"),
    ],
)
def test_a_malformed_field_is_named_with_its_value(path: str, value: object, field: str, words: str) -> None:
    with pytest.raises(InputError) as raised:
        parse_instance(_with(path, value))
    assert raised.value.column == field
    assert words in str(raised.value)
    assert f"column {field!r}" in str(raised.value)


def test_a_file_error_names_the_file(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"parties": [', encoding="utf-8")
    with pytest.raises(FileReadError, match="not valid JSON") as raised:
        load_instance(broken)
    assert raised.value.file == str(broken)
    with pytest.raises(FileReadError, match="cannot read"):
        load_instance(tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(_with("persons.0.urgency", 0)), encoding="utf-8")
    with pytest.raises(InputError) as input_error:
        load_instance(bad)
    assert input_error.value.file == str(bad) and input_error.value.value == 0
    assert str(bad) in str(input_error.value) and "persons[0].urgency" in str(input_error.value)


def test_an_instance_built_in_code_is_validated_too() -> None:
    stage = Stage("S1", date(2025, 6, 9), {"UA": 1, "RU": 1})
    with pytest.raises(InputError, match="remainder_stage"):
        Instance(("UA", "RU"), (stage,), (), remainder_stage="S2").validate()
