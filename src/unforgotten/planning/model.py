"""The planning instance and the plan: plain dataclasses, and the strict reader of the JSON instance.

An instance says who can be exchanged (persons, each held by one of two parties), when (stages, in date order, each
with a capacity per side), and under which rules (parity per stage, an optional remainder stage exempt from it,
pins and exclusions fixed by the mediator). Everything here is pure data: no solver, no database.

The reader is strict on purpose: a plan for real persons must not silently drop a field it did not understand, so an
unknown or malformed field is an :class:`~unforgotten.errors.InputError` naming the field (``persons[3].urgency``)
and the value.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal

from unforgotten.errors import FileReadError, InputError, Text

__all__ = [
    "PARITY_MODES",
    "Instance",
    "LevelResult",
    "ParityMode",
    "Person",
    "Plan",
    "Stage",
    "load_instance",
    "parse_instance",
]

ParityMode = Literal["equal_per_stage", "none"]
PARITY_MODES: tuple[ParityMode, ...] = ("equal_per_stage", "none")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_TOP_FIELDS = {"parties", "parity", "remainder_stage", "stages", "persons", "pins", "exclusions", "comment"}
_REQUIRED_TOP = ("parties", "parity", "stages", "persons")
_STAGE_FIELDS = {"id", "date", "capacity"}
_PERSON_FIELDS = {"id", "held_by", "category", "urgency", "earliest", "group"}


@dataclass(frozen=True, slots=True)
class Stage:
    """One exchange day: its id, date and, per side, the most persons that side can release there."""

    id: str
    date: date
    capacity: Mapping[str, int]


@dataclass(frozen=True, slots=True)
class Person:
    """One person who may be exchanged.

    ``held_by`` is the side that releases them; ``urgency`` runs 1–3 (3 = most urgent); ``earliest`` is the first
    date they can travel; persons sharing a ``group`` travel together in one stage or not at all.
    """

    id: str
    held_by: str
    urgency: int
    earliest: date
    category: str = ""
    group: str | None = None


@dataclass(frozen=True)
class Instance:
    """Everything the planner needs; ``pins`` maps a person id to a stage id, ``exclusions`` are person ids."""

    parties: tuple[str, str]
    stages: tuple[Stage, ...]
    persons: tuple[Person, ...]
    parity: ParityMode = "equal_per_stage"
    remainder_stage: str | None = None
    pins: Mapping[str, str] = field(default_factory=dict)
    exclusions: frozenset[str] = frozenset()

    def validate(self, *, file: str | None = None) -> None:
        """Check what ties the fields together (ids, order, references).

        The JSON reader calls this; so should anyone who builds an instance in code.

        Args:
            file: the file the instance came from, to name it in the error.

        Raises:
            InputError: naming the first field that does not fit, and its value.
        """
        try:
            self._check()
        except _Malformed as error:
            raise error.to_input_error(file) from None

    def _check(self) -> None:
        if len(self.parties) != 2 or self.parties[0] == self.parties[1]:
            raise _Malformed(Text("parties must be two distinct codes"), column="parties", value=list(self.parties))
        if self.parity not in PARITY_MODES:
            raise _Malformed(
                Text("unknown parity mode"),
                column="parity.mode",
                value=self.parity,
                hint=Text("use equal_per_stage or none"),
            )
        stage_ids: set[str] = set()
        for index, stage in enumerate(self.stages):
            where = f"stages[{index}]"
            if stage.id in stage_ids:
                raise _Malformed(Text("stage id is repeated"), column=f"{where}.id", value=stage.id)
            stage_ids.add(stage.id)
            if index and stage.date <= self.stages[index - 1].date:
                raise _Malformed(
                    Text("stage dates must increase strictly, in the order of the stages"),
                    column=f"{where}.date",
                    value=stage.date.isoformat(),
                    hint=Text("the stage before it is on {date}", date=self.stages[index - 1].date.isoformat()),
                )
            if set(stage.capacity) != set(self.parties):
                raise _Malformed(
                    Text("capacity must name exactly the parties {parties}", parties=", ".join(self.parties)),
                    column=f"{where}.capacity",
                    value=dict(stage.capacity),
                )
            for side, amount in stage.capacity.items():
                if amount < 0:
                    raise _Malformed(
                        Text("capacity must be 0 or more"), column=f"{where}.capacity.{side}", value=amount
                    )
        if self.remainder_stage is not None and self.remainder_stage not in stage_ids:
            raise _Malformed(
                Text("remainder_stage names no stage"), column="remainder_stage", value=self.remainder_stage
            )
        person_ids: dict[str, int] = {}
        group_sides: dict[str, str] = {}
        for index, person in enumerate(self.persons):
            where = f"persons[{index}]"
            if person.id in person_ids:
                raise _Malformed(Text("person id is repeated"), column=f"{where}.id", value=person.id)
            person_ids[person.id] = index
            if person.held_by not in self.parties:
                raise _Malformed(
                    Text("held_by must be one of the parties {parties}", parties=", ".join(self.parties)),
                    column=f"{where}.held_by",
                    value=person.held_by,
                )
            if not 1 <= person.urgency <= 3:
                raise _Malformed(Text("urgency must be 1, 2 or 3"), column=f"{where}.urgency", value=person.urgency)
            if person.group is not None:
                side = group_sides.setdefault(person.group, person.held_by)
                if side != person.held_by:
                    raise _Malformed(
                        Text(
                            "a group travels together, so all its members must be held by one side (others by {side})",
                            side=side,
                        ),
                        column=f"{where}.held_by",
                        value=person.held_by,
                        hint=Text("group {group!r}", group=person.group),
                    )
        for person_id, stage_id in self.pins.items():
            if person_id not in person_ids:
                raise _Malformed(Text("a pin names no person"), column=f"pins.{person_id}", value=person_id)
            if stage_id not in stage_ids:
                raise _Malformed(Text("a pin names no stage"), column=f"pins.{person_id}", value=stage_id)
        for person_id in sorted(self.exclusions):
            if person_id not in person_ids:
                raise _Malformed(Text("an exclusion names no person"), column="exclusions", value=person_id)


@dataclass(frozen=True, slots=True)
class LevelResult:
    """How one lexicographic level ended: solver status, value reached, best bound, relative gap, seconds.

    ``status`` is CP-SAT's: ``OPTIMAL`` (proven), ``FEASIBLE`` (stopped by the time limit with a plan; ``bound``
    and ``gap`` say how far from proven), or ``UNKNOWN`` (the time ran out before the level found anything: the
    value is the previous level's plan's, bound and gap are None).
    """

    name: str
    status: str
    value: int
    bound: float | None
    gap: float | None
    seconds: float

    @property
    def proven(self) -> bool:
        """True when the solver proved the value optimal (no gap)."""
        return self.status == "OPTIMAL"


@dataclass(frozen=True)
class Plan:
    """A stage plan: who travels when, the three objective values, how each level ended, and why others stay."""

    assignments: Mapping[str, str]
    assigned: int
    cost: int
    stages_used: int
    levels: tuple[LevelResult, ...]
    unassigned: Mapping[str, str]

    @property
    def proven(self) -> bool:
        """True when every level was proven optimal: the plan is the lexicographic optimum."""
        return all(level.proven for level in self.levels)

    def to_json(self) -> dict[str, Any]:
        """The plan as the JSON document ``unforgotten plan solve`` writes."""
        return {
            "assignments": dict(self.assignments),
            "objective": {"assigned": self.assigned, "cost": self.cost, "stages_used": self.stages_used},
            "proven": {
                level.name: {
                    "status": level.status,
                    "value": level.value,
                    "bound": level.bound,
                    "gap": level.gap,
                    "seconds": round(level.seconds, 3),
                }
                for level in self.levels
            },
            "unassigned": dict(self.unassigned),
        }


def load_instance(path: Path) -> Instance:
    """Read and validate an instance file.

    Args:
        path: a JSON file in the instance format (see ``docs/planning.md``).

    Returns:
        The validated instance.

    Raises:
        FileReadError: the file is missing or is not JSON.
        InputError: a field is unknown, missing or malformed; the message names it and its value.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise FileReadError(Text("cannot read the instance: {error}", error=error), file=str(path)) from error
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise FileReadError(
            Text(
                "the instance is not valid JSON: {reason} at line {lineno}, column {colno}",
                reason=error.msg,
                lineno=error.lineno,
                colno=error.colno,
            ),
            file=str(path),
        ) from error
    return parse_instance(data, file=str(path))


def parse_instance(data: object, *, file: str | None = None) -> Instance:
    """Turn decoded JSON into a validated :class:`Instance`.

    Args:
        data: the decoded document, e.g. ``json.load(handle)``.
        file: where it came from, to name it in errors.

    Returns:
        The instance, validated with :meth:`Instance.validate`.

    Raises:
        InputError: naming the first unknown, missing or malformed field and its value.

    Examples:
        >>> parse_instance({"parties": ["UA", "RU"], "parity": {"mode": "none"}, "stages": [], "persons": []}).parity
        'none'
    """
    try:
        instance = _parse(data)
    except _Malformed as error:
        raise error.to_input_error(file) from None
    instance.validate(file=file)
    return instance


def _parse(data: object) -> Instance:
    top = _object(data, "instance", _TOP_FIELDS, _REQUIRED_TOP)
    parties_raw = top["parties"]
    if not isinstance(parties_raw, list) or len(parties_raw) != 2:
        raise _Malformed(Text("parties must be a list of two party codes"), column="parties", value=parties_raw)
    parties = (_text(parties_raw[0], "parties[0]"), _text(parties_raw[1], "parties[1]"))
    if parties[0] == parties[1]:
        raise _Malformed(Text("parties must be two distinct codes"), column="parties", value=parties_raw)
    parity = _object(top["parity"], "parity", {"mode"}, ("mode",))
    mode = parity["mode"]
    if mode not in PARITY_MODES:
        raise _Malformed(
            Text("unknown parity mode"), column="parity.mode", value=mode, hint=Text("use equal_per_stage or none")
        )
    remainder = top.get("remainder_stage")
    return Instance(
        parties=parties,
        parity=mode,
        remainder_stage=None if remainder is None else _text(remainder, "remainder_stage"),
        stages=tuple(_stage(item, f"stages[{i}]", parties) for i, item in enumerate(_list(top["stages"], "stages"))),
        persons=tuple(_person(item, f"persons[{i}]") for i, item in enumerate(_list(top["persons"], "persons"))),
        pins=_pins(top.get("pins", {})),
        exclusions=frozenset(
            _text(item, f"exclusions[{i}]") for i, item in enumerate(_list(top.get("exclusions", []), "exclusions"))
        ),
    )


class _Malformed(Exception):
    """A field that does not fit, raised deep in the reader and turned into one InputError naming the file."""

    def __init__(self, message: str, *, column: str, value: object = None, hint: str | None = None) -> None:
        super().__init__(message)
        self.message, self.column, self.value, self.hint = message, column, value, hint

    def to_input_error(self, file: str | None) -> InputError:
        return InputError(self.message, file=file, column=self.column, value=self.value, hint=self.hint)


def _object(value: object, where: str, known: set[str], required: tuple[str, ...]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _Malformed(Text("expected an object"), column=where, value=value)
    for key in value:
        if key not in known:
            raise _Malformed(
                Text("unknown field"), column=f"{where}.{key}" if where != "instance" else key, value=value[key],
                hint=Text("known fields: {known}", known=', '.join(sorted(known))),
            )  # fmt: skip
    for key in required:
        if key not in value:
            raise _Malformed(Text("missing field"), column=f"{where}.{key}" if where != "instance" else key)
    return value


def _list(value: object, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise _Malformed(Text("expected a list"), column=where, value=value)
    return value


def _text(value: object, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _Malformed(Text("expected a non-empty text"), column=where, value=value)
    return value


def _integer(value: object, where: str) -> int:
    # bool is an int in Python; `true` as a capacity or urgency is a mistake, not 1.
    if isinstance(value, bool) or not isinstance(value, int):
        raise _Malformed(Text("expected a whole number"), column=where, value=value)
    return value


def _date(value: object, where: str) -> date:
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        raise _Malformed(Text("expected a date as YYYY-MM-DD"), column=where, value=value)
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise _Malformed(Text("not a calendar date ({error})", error=error), column=where, value=value) from error


def _stage(value: object, where: str, parties: tuple[str, str]) -> Stage:
    raw = _object(value, where, _STAGE_FIELDS, tuple(sorted(_STAGE_FIELDS)))
    capacity_raw = raw["capacity"]
    if not isinstance(capacity_raw, dict):
        raise _Malformed(
            Text("expected an object of party code to number"), column=f"{where}.capacity", value=capacity_raw
        )
    for side in capacity_raw:
        if side not in parties:
            raise _Malformed(
                Text("capacity names a party that is not one of {parties}", parties=", ".join(parties)),
                column=f"{where}.capacity.{side}",
                value=capacity_raw[side],
            )
    for side in parties:
        if side not in capacity_raw:
            raise _Malformed(Text("missing field"), column=f"{where}.capacity.{side}")
    return Stage(
        id=_text(raw["id"], f"{where}.id"),
        date=_date(raw["date"], f"{where}.date"),
        capacity={side: _integer(capacity_raw[side], f"{where}.capacity.{side}") for side in parties},
    )


def _person(value: object, where: str) -> Person:
    raw = _object(value, where, _PERSON_FIELDS, ("id", "held_by", "urgency", "earliest"))
    category = raw.get("category")
    if category is not None and not isinstance(category, str):
        raise _Malformed(Text("expected a text or null"), column=f"{where}.category", value=category)
    group = raw.get("group")
    return Person(
        id=_text(raw["id"], f"{where}.id"),
        held_by=_text(raw["held_by"], f"{where}.held_by"),
        category=category or "",
        urgency=_integer(raw["urgency"], f"{where}.urgency"),
        earliest=_date(raw["earliest"], f"{where}.earliest"),
        group=None if group is None else _text(group, f"{where}.group"),
    )


def _pins(value: object) -> dict[str, str]:
    if not isinstance(value, dict):
        raise _Malformed(Text("expected an object of person id to stage id"), column="pins", value=value)
    return {str(person): _text(stage, f"pins.{person}") for person, stage in value.items()}
