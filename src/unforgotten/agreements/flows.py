"""Assessment: every current person against every category of an agreement, with the evidence for each verdict."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from unforgotten.agreements import service
from unforgotten.agreements.models import Agreement
from unforgotten.lists.models import Entry, EntryStatus, List
from unforgotten.persons.models import Match, MatchState, MedicalFinding, Person, current_persons
from unforgotten.rules import Facts, evaluate

__all__ = [
    "Assessment",
    "AssessmentReport",
    "PersonAssessment",
    "assess",
    "assess_person",
    "assess_person_in_force",
    "facts_by_person",
    "reconciliation_by_category",
]


@dataclass(frozen=True)
class Assessment:
    person_id: int
    category: str
    verdict: str
    reasons: tuple[str, ...]


@dataclass
class AssessmentReport:
    agreement_id: int
    rows: list[Assessment] = field(default_factory=list)

    def counts(self) -> dict[str, dict[str, int]]:
        out: dict[str, Counter[str]] = defaultdict(Counter)
        for row in self.rows:
            out[row.category][row.verdict] += 1
        return {category: dict(counter) for category, counter in out.items()}

    def as_dict(self) -> dict[str, Any]:
        return {"agreement_id": self.agreement_id, "counts": self.counts()}


def _most_complete(dates: list[str]) -> str | None:
    return max(dates, key=len) if dates else None


def facts_by_person(*, session: Session, space_id: int, person_ids: Collection[int] | None = None) -> dict[int, Facts]:
    """Gather each current person's facts of one space from its accepted entries there (and, in the mediator's
    space, the medical commission's findings); ``person_ids`` narrows it to those persons (the person page asks for
    one, and must not pay for the whole space)."""
    query = (
        select(Match.person_id, Entry.date_of_birth, Entry.person_type, Entry.health_status, Entry.sex, List.kind)
        .join(Entry, Entry.id == Match.entry_id)
        .join(List, List.id == Entry.list_id)
        .join(Person, Person.id == Match.person_id)
        .where(
            Match.state == MatchState.ACCEPTED,
            Match.space_id == space_id,
            Entry.status == EntryStatus.ACCEPTED,
            current_persons(),
        )
    )
    findings_query = (
        select(MedicalFinding.person_id, MedicalFinding.examined_on, MedicalFinding.outcome)
        .join(Person, Person.id == MedicalFinding.person_id)
        .where(Person.space_id == space_id)
    )
    if person_ids is not None:
        wanted = sorted(set(person_ids))
        query = query.where(Match.person_id.in_(wanted))
        findings_query = findings_query.where(MedicalFinding.person_id.in_(wanted))
    gathered: dict[int, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for person_id, dob, person_type, health, sex, kind in session.execute(query.execution_options(yield_per=10000)):
        bag = gathered[person_id]
        for key, value in (("dob", dob), ("type", person_type), ("health", health), ("sex", sex), ("kind", kind)):
            if value:
                bag[key].add(str(value))
    findings: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for person_id, day, outcome in session.execute(findings_query):
        findings[person_id].append((day.isoformat(), outcome))
    return {
        person_id: Facts(
            date_of_birth=_most_complete(sorted(bag["dob"])),
            person_types=frozenset(bag["type"]),
            list_kinds=frozenset(bag["kind"]),
            health_texts=tuple(sorted(bag["health"])),
            sexes=frozenset(bag["sex"]),
            commission=tuple(sorted(findings.get(person_id, []))),
        )
        for person_id, bag in gathered.items()
    }


def assess(*, session: Session, agreement: Agreement, space_id: int) -> AssessmentReport:
    """Evaluate every category rule for every current person of a space; partial facts give *undetermined*."""
    report = AssessmentReport(agreement_id=agreement.id)
    facts = facts_by_person(session=session, space_id=space_id)
    for category in agreement.categories:
        for person_id, person_facts in sorted(facts.items()):
            outcome = evaluate(category.rule, person_facts, reference_date=agreement.reference_date)
            report.rows.append(Assessment(person_id, category.name, outcome.verdict.value, tuple(outcome.reasons)))
    return report


def assess_person(*, session: Session, agreement: Agreement, person_id: int, space_id: int) -> list[Assessment]:
    """Evaluate every category rule for one person of a space, from that person's facts alone (the person page).

    The same rows :func:`assess` gives for this person; none for a person that is not current (merged, retired) or
    has no accepted entry in the space, as :func:`assess` leaves such persons out.
    """
    facts = facts_by_person(session=session, space_id=space_id, person_ids=(person_id,)).get(person_id)
    if facts is None:
        return []
    rows = []
    for category in agreement.categories:
        outcome = evaluate(category.rule, facts, reference_date=agreement.reference_date)
        rows.append(Assessment(person_id, category.name, outcome.verdict.value, tuple(outcome.reasons)))
    return rows


@dataclass(frozen=True)
class PersonAssessment:
    """One agreement's verdicts for one person, for the person page."""

    agreement: Agreement
    in_force: bool
    rows: list[Assessment]


def assess_person_in_force(*, session: Session, person_id: int, space_id: int) -> list[PersonAssessment]:
    """Assess one person against each agreement in force, or against every agreement while none is in force (so a
    coordinator sees the verdicts of an agreement waiting for the other side's acceptance)."""
    everything = service.get_all(session=session)
    forced = [a for a in everything if service.in_force(session=session, agreement=a)]
    chosen = forced or list(everything)
    return [
        PersonAssessment(
            agreement=agreement,
            in_force=bool(forced),
            rows=assess_person(session=session, agreement=agreement, person_id=person_id, space_id=space_id),
        )
        for agreement in chosen
    ]


def reconciliation_by_category(rows: Iterable[tuple[int, str]], report: AssessmentReport) -> dict[str, dict[str, int]]:
    """Count reconciliation outcomes among each category's eligible and undetermined persons.

    Args:
        rows: (person id, reconciliation status) for each request entry.
        report: the agreement's assessment.
    """
    verdicts: dict[tuple[int, str], str] = {(r.person_id, r.category): r.verdict for r in report.rows}
    categories = sorted({r.category for r in report.rows})
    out: dict[str, dict[str, int]] = {}
    pairs = list(rows)
    for category in categories:
        counter: Counter[str] = Counter()
        for person_id, status in pairs:
            verdict = verdicts.get((person_id, category))
            if verdict in ("eligible", "undetermined"):
                counter[f"{status} ({verdict})"] += 1
        out[category] = dict(sorted(counter.items()))
    return out
