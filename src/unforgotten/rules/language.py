"""The category rule language: small, declarative, safe (data, never ``eval``), three-valued with reasons.

A rule is a mapping with exactly one key::

    {all: [rule, ...]}   {any: [rule, ...]}   {not: rule}
    {person_type: [military, civilian, child]}      {list_kind: [custody, request, tracing, remains]}
    {age: {min: 18, max: 25}}                        (inclusive, at the agreement's reference date)
    {medical_commission: [repatriate]}               (GC III Art. 112 / Annex II: repatriate, reject, refer)
    {health_status: [seriously_wounded, seriously_ill]}   (terms in uk/ru/en, see terms.py)
    {remains: true}    {sex: [M, F]}

Evaluation is Kleene logic over eligible / not eligible / undetermined: a partial date of birth never gives a
confident wrong answer — it gives *undetermined* with the reason and what is needed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from unforgotten.errors import RuleError, Text
from unforgotten.rules.terms import HEALTH_TERMS, health_categories

__all__ = ["Facts", "Verdict", "Outcome", "evaluate", "validate_rule"]

_COMBINATORS = {"all", "any", "not"}
_PREDICATES = {"person_type", "list_kind", "age", "medical_commission", "health_status", "remains", "sex"}
_COMMISSION = {"repatriate", "reject", "refer"}


class Verdict(StrEnum):
    ELIGIBLE = "eligible"
    NOT_ELIGIBLE = "not_eligible"
    UNDETERMINED = "undetermined"


@dataclass(frozen=True)
class Facts:
    """What is known about a person, gathered from all their entries and findings."""

    date_of_birth: str | None = None  # ISO, possibly partial (YYYY-MM, YYYY)
    person_types: frozenset[str] = frozenset()
    list_kinds: frozenset[str] = frozenset()
    health_texts: tuple[str, ...] = ()
    commission: tuple[tuple[str, str], ...] = ()  # (date, outcome)
    sexes: frozenset[str] = frozenset()


@dataclass
class Outcome:
    verdict: Verdict
    reasons: list[str] = field(default_factory=list)


def validate_rule(rule: Any, path: str = "rule") -> None:
    """Raise RuleError naming the path of the first malformed part of ``rule``."""
    if not isinstance(rule, Mapping) or len(rule) != 1:
        raise RuleError(Text("{path}: a rule is a mapping with exactly one key", path=path), value=rule)
    ((key, value),) = rule.items()
    if key in ("all", "any"):
        if not isinstance(value, Sequence) or isinstance(value, str) or not value:
            raise RuleError(Text("{path}.{key}: needs a non-empty list of rules", path=path, key=key), value=value)
        for i, sub in enumerate(value):
            validate_rule(sub, f"{path}.{key}[{i}]")
    elif key == "not":
        validate_rule(value, f"{path}.not")
    elif key == "age":
        if not isinstance(value, Mapping) or not set(value) <= {"min", "max"} or not value:
            raise RuleError(Text("{path}.age: needs min and/or max", path=path), value=value)
        for bound, number in value.items():
            if not isinstance(number, int) or number < 0:
                raise RuleError(
                    Text("{path}.age.{bound}: must be a whole number of years", path=path, bound=bound), value=number
                )
    elif key == "remains":
        if not isinstance(value, bool):
            raise RuleError(Text("{path}.remains: must be true or false", path=path), value=value)
    elif key in _PREDICATES:
        if not isinstance(value, Sequence) or isinstance(value, str) or not value:
            raise RuleError(Text("{path}.{key}: needs a non-empty list", path=path, key=key), value=value)
        if key == "medical_commission" and not set(value) <= _COMMISSION:
            raise RuleError(
                Text("{path}.medical_commission: outcomes are {outcomes}", path=path, outcomes=sorted(_COMMISSION)),
                value=value,
            )
        if key == "health_status" and not set(value) <= set(HEALTH_TERMS):
            raise RuleError(
                Text("{path}.health_status: categories are {terms}", path=path, terms=sorted(HEALTH_TERMS)), value=value
            )
    else:
        raise RuleError(
            Text("{path}: unknown key {key!r}", path=path, key=key),
            value=key,
            hint=Text("use one of {known}", known=sorted(_COMBINATORS | _PREDICATES)),
        )


def _age_bounds(dob: str, on: dt.date) -> tuple[int, int] | None:
    """The youngest and oldest age a (possibly partial) date of birth allows on ``on``."""
    parts = [int(p) for p in dob.split("-")]
    if len(parts) == 3:
        earliest = latest = dt.date(*parts)
    elif len(parts) == 2:
        earliest = dt.date(parts[0], parts[1], 1)
        next_month = dt.date(parts[0] + (parts[1] == 12), parts[1] % 12 + 1, 1)
        latest = next_month - dt.timedelta(days=1)
    elif len(parts) == 1:
        earliest, latest = dt.date(parts[0], 1, 1), dt.date(parts[0], 12, 31)
    else:
        return None

    def age(born: dt.date) -> int:
        return on.year - born.year - ((on.month, on.day) < (born.month, born.day))

    return age(latest), age(earliest)


def _and(outcomes: list[Outcome]) -> Outcome:
    verdicts = {o.verdict for o in outcomes}
    reasons = [r for o in outcomes for r in o.reasons]
    if Verdict.NOT_ELIGIBLE in verdicts:
        return Outcome(
            Verdict.NOT_ELIGIBLE, [r for o in outcomes if o.verdict == Verdict.NOT_ELIGIBLE for r in o.reasons]
        )
    return Outcome(Verdict.UNDETERMINED if Verdict.UNDETERMINED in verdicts else Verdict.ELIGIBLE, reasons)


def _or(outcomes: list[Outcome]) -> Outcome:
    verdicts = {o.verdict for o in outcomes}
    if Verdict.ELIGIBLE in verdicts:
        return Outcome(Verdict.ELIGIBLE, [r for o in outcomes if o.verdict == Verdict.ELIGIBLE for r in o.reasons])
    reasons = [r for o in outcomes for r in o.reasons]
    return Outcome(Verdict.UNDETERMINED if Verdict.UNDETERMINED in verdicts else Verdict.NOT_ELIGIBLE, reasons)


def _membership(label: str, known: frozenset[str], wanted: Sequence[str]) -> Outcome:
    if not known:
        return Outcome(Verdict.UNDETERMINED, [f"{label} unknown"])
    hit = sorted(known & set(wanted))
    if hit:
        return Outcome(Verdict.ELIGIBLE, [f"{label}: {', '.join(hit)}"])
    return Outcome(Verdict.NOT_ELIGIBLE, [f"{label}: {', '.join(sorted(known))}, not {', '.join(wanted)}"])


def evaluate(rule: Mapping[str, Any], facts: Facts, *, reference_date: dt.date) -> Outcome:
    """Evaluate a validated rule for one person; every verdict carries the evidence that decided it.

    Examples:
        >>> rule = {"age": {"min": 18, "max": 25}}
        >>> evaluate(rule, Facts(date_of_birth="1999-06"), reference_date=dt.date(2025, 6, 9)).reasons
        ['born 1999-06 → 25 or 26 on 2025-06-09: full date of birth needed']
    """
    ((key, value),) = rule.items()
    if key == "all":
        return _and([evaluate(r, facts, reference_date=reference_date) for r in value])
    if key == "any":
        return _or([evaluate(r, facts, reference_date=reference_date) for r in value])
    if key == "not":
        inner = evaluate(value, facts, reference_date=reference_date)
        flipped = {Verdict.ELIGIBLE: Verdict.NOT_ELIGIBLE, Verdict.NOT_ELIGIBLE: Verdict.ELIGIBLE}
        return Outcome(flipped.get(inner.verdict, Verdict.UNDETERMINED), [f"not ({r})" for r in inner.reasons])
    if key == "person_type":
        return _membership("person type", facts.person_types, value)
    if key == "list_kind":
        return _membership("listed as", facts.list_kinds, value)
    if key == "sex":
        return _membership("sex", facts.sexes, value)
    if key == "remains":
        is_remains = "remains" in facts.list_kinds
        ok = is_remains == value
        return Outcome(
            Verdict.ELIGIBLE if ok else Verdict.NOT_ELIGIBLE,
            ["on a remains list" if is_remains else "not on a remains list"],
        )
    if key == "age":
        return _age(value, facts, reference_date)
    if key == "medical_commission":
        if not facts.commission:
            return Outcome(Verdict.UNDETERMINED, ["no mixed medical commission finding yet"])
        day, finding = sorted(facts.commission)[-1]
        verdict = Verdict.ELIGIBLE if finding in value else Verdict.NOT_ELIGIBLE
        return Outcome(verdict, [f"medical commission {day}: {finding}"])
    if key == "health_status":
        found = health_categories(facts.health_texts)
        if not facts.health_texts:
            return Outcome(Verdict.UNDETERMINED, ["no health status recorded"])
        hit = sorted(found & set(value))
        if hit:
            return Outcome(Verdict.ELIGIBLE, [f"health status: {', '.join(hit)} ({'; '.join(facts.health_texts)})"])
        return Outcome(Verdict.NOT_ELIGIBLE, [f"health status: {'; '.join(facts.health_texts)}"])
    raise RuleError(Text("unknown rule key {key!r}", key=key))


def _age(bounds: Mapping[str, int], facts: Facts, reference_date: dt.date) -> Outcome:
    dob = facts.date_of_birth
    if not dob:
        return Outcome(Verdict.UNDETERMINED, ["no date of birth: age unknown"])
    ages = _age_bounds(dob, reference_date)
    if ages is None:
        return Outcome(Verdict.UNDETERMINED, [f"date of birth {dob!r} unreadable"])
    low, high = ages
    minimum, maximum = bounds.get("min", 0), bounds.get("max", 200)
    described = f"{low}" if low == high else f"{low} or {high}" if high == low + 1 else f"{low} to {high}"
    if minimum <= low and high <= maximum:
        return Outcome(Verdict.ELIGIBLE, [f"born {dob} → {described} on {reference_date}"])
    if high < minimum or low > maximum:
        return Outcome(Verdict.NOT_ELIGIBLE, [f"born {dob} → {described} on {reference_date}"])
    return Outcome(Verdict.UNDETERMINED, [f"born {dob} → {described} on {reference_date}: full date of birth needed"])
