"""Building a stage plan from an agreement: the mediator's persons who are eligible for an all-for-all category
and have confirmed consent, held by each side, solved by the planning engine, stored as a new plan version."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import yaml
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from unforgotten.agreements import service as agreements
from unforgotten.agreements.flows import assess
from unforgotten.agreements.models import Agreement, ExchangeFormat
from unforgotten.audit.recorder import record
from unforgotten.auth.models import Party, PartyKind, Role
from unforgotten.auth.service import Actor, require_role, working_space
from unforgotten.errors import ConflictError, InputError, Text
from unforgotten.exchanges.models import PersonFacts, Plan, PlanState, Stage
from unforgotten.lists.models import Entry, List, ListKind
from unforgotten.persons import service as persons
from unforgotten.persons.models import Match, MatchState, Person, current_persons

__all__ = ["create_plan", "custody_holders", "parse_stages", "set_facts"]

_STAGE_FIELDS = {"id", "date", "place", "capacity", "remainder"}
_NO_DATE = dt.date(1900, 1, 1)  # no earliest date recorded: can travel at any stage


def parse_stages(text: str, *, file: str, sides: tuple[str, str]) -> tuple[str, list[dict[str, Any]]]:
    """Read a stages YAML (``stages:`` list, optional ``parity:``); return (parity mode, stages as JSON values).

    Raises:
        InputError: naming the field and its value.
    """
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise InputError(Text("the stages file is not valid YAML"), file=file, hint=str(error)) from error
    if isinstance(data, list):
        data = {"stages": data}
    if not isinstance(data, dict) or not isinstance(data.get("stages"), list):
        raise InputError(Text("the stages file needs a list `stages:`"), file=file, column="stages")
    parity = data.get("parity", "equal_per_stage")
    if parity not in ("equal_per_stage", "none"):
        raise InputError(
            Text("unknown parity"), file=file, column="parity", value=parity, hint=Text("equal_per_stage or none")
        )
    stages: list[dict[str, Any]] = []
    for index, item in enumerate(data["stages"]):
        where = f"stages[{index}]"
        if not isinstance(item, dict) or not {"id", "date", "capacity"} <= set(item):
            raise InputError(Text("a stage needs id, date and capacity"), file=file, column=where, value=item)
        unknown = sorted(set(item) - _STAGE_FIELDS)
        if unknown:
            raise InputError(
                Text("unknown stage field"),
                file=file,
                column=f"{where}.{unknown[0]}",
                hint=Text("id, date, place, capacity, remainder"),
            )
        try:
            day = item["date"] if isinstance(item["date"], dt.date) else dt.date.fromisoformat(str(item["date"]))
        except ValueError as error:
            raise InputError(Text("not an ISO date"), file=file, column=f"{where}.date", value=item["date"]) from error
        capacity = item["capacity"]
        if not isinstance(capacity, dict) or set(capacity) != set(sides):
            raise InputError(Text("capacity must name exactly the sides {sides}", sides=', '.join(sides)), file=file,
                             column=f"{where}.capacity", value=capacity)  # fmt: skip
        for side, number in capacity.items():
            if not isinstance(number, int) or isinstance(number, bool) or number < 0:
                raise InputError(Text("a capacity is a whole number ≥ 0"), file=file, column=f"{where}.capacity.{side}",
                                 value=number)  # fmt: skip
        stages.append({"id": str(item["id"]), "date": day.isoformat(), "place": str(item.get("place") or ""),
                       "capacity": {str(k): int(v) for k, v in capacity.items()},
                       "remainder": bool(item.get("remainder", False))})  # fmt: skip
    if sum(s["remainder"] for s in stages) > 1:
        raise InputError(Text("at most one stage can be the remainder stage"), file=file, column="stages[].remainder")
    return parity, stages


def set_facts(
    *, session: Session, actor: Actor, person_id: int, earliest: dt.date | None, group: str | None
) -> PersonFacts:
    """Record when a mediator's person can first travel and their travel group (mediator only)."""
    person = persons.get_visible_or_raise(session=session, actor=actor, person_id=person_id, current=True)
    require_role(actor, frozenset({Role.MEDIATOR}), Text("record travel dates and groups"))
    if person.space_id != working_space(session=session, actor=actor):
        raise ConflictError(Text("travel facts are recorded on the mediator's persons only"))
    facts = session.get(PersonFacts, person.id) or PersonFacts(person_id=person.id, recorded_by=actor.name)
    facts.earliest, facts.travel_group, facts.recorded_by = earliest, group or None, actor.name
    session.add(facts)
    session.flush()
    return facts


def _priorities(agreement: Agreement) -> dict[str, int]:
    """Category → urgency 1–3 from the agreement file's ``priority:`` (1 when it does not say)."""
    try:
        data = yaml.safe_load(agreement.source or "") or {}
    except yaml.YAMLError:
        return {}
    out: dict[str, int] = {}
    for item in data.get("categories", []) if isinstance(data, dict) else []:
        if isinstance(item, dict) and isinstance(item.get("priority"), int) and 1 <= item["priority"] <= 3:
            out[str(item.get("name"))] = int(item["priority"])
    return out


def custody_holders(session: Session, space_id: int, person_ids: list[int]) -> dict[int, int]:
    """Person → the side whose custody list names them (lowest party id when several do)."""
    query = (
        select(Match.person_id, func.min(List.party_id))
        .join(Entry, Entry.id == Match.entry_id)
        .join(List, List.id == Entry.list_id)
        .where(Match.space_id == space_id, Match.state == MatchState.ACCEPTED, List.kind == ListKind.CUSTODY,
               Match.person_id.in_(person_ids))
        .group_by(Match.person_id)
    )  # fmt: skip
    return {int(p): int(party) for p, party in session.execute(query)}


def _candidates(
    session: Session, agreement: Agreement, space_id: int
) -> tuple[dict[int, tuple[str, int]], Mapping[int, str]]:
    """(person → (category, urgency) for the eligible with consent confirmed, reasons for the others skipped)."""
    wanted = {c.name for c in agreement.categories if c.format == ExchangeFormat.ALL_FOR_ALL}
    priority = _priorities(agreement)
    consenting = set(session.scalars(select(Person.id).where(
        Person.space_id == space_id, Person.status == "consent_confirmed", current_persons())))  # fmt: skip
    chosen: dict[int, tuple[str, int]] = {}
    for row in assess(session=session, agreement=agreement, space_id=space_id).rows:
        if row.category in wanted and row.verdict == "eligible" and row.person_id in consenting:
            urgency = priority.get(row.category, 1)
            if row.person_id not in chosen or urgency > chosen[row.person_id][1]:
                chosen[row.person_id] = (row.category, urgency)
    return chosen, {}


def create_plan(
    *, session: Session, actor: Actor, agreement_id: int, stages_text: str, stages_file: str = "stages",
    time_limit: float = 60.0,
) -> Plan:  # fmt: skip
    """Build and solve a new version of the agreement's stage plan in the mediator's space (mediator only)."""
    agreement = agreements.get_or_raise(session=session, agreement_id=agreement_id)
    require_role(actor, frozenset({Role.MEDIATOR}), Text("create stage plans"))
    space_id = working_space(session=session, actor=actor)
    sides = session.scalars(select(Party).where(Party.kind == PartyKind.SIDE).order_by(Party.id)).all()
    if len(sides) != 2:
        raise ConflictError(Text("an exchange needs exactly two sides, there are {count}", count=len(sides)))
    codes = {p.id: p.code for p in sides}
    parity, stages = parse_stages(stages_text, file=stages_file, sides=(sides[0].code, sides[1].code))
    if session.scalar(select(func.count()).where(Plan.agreement_id == agreement.id,
                                                 Plan.state == PlanState.APPROVED)):  # fmt: skip
        raise ConflictError(
            Text("agreement {agreement_id} already has an approved plan", agreement_id=agreement.id),
            hint=Text("it is being carried out"),
        )
    chosen, _ = _candidates(session, agreement, space_id)
    holders = custody_holders(session, space_id, list(chosen))
    facts = {f.person_id: f for f in session.scalars(select(PersonFacts).where(PersonFacts.person_id.in_(chosen)))}
    skipped = {str(p): "no side's custody list names them in the mediator's space" for p in chosen
               if holders.get(p) not in codes}  # fmt: skip
    people = []
    for pid, (category, urgency) in sorted(chosen.items()):
        if str(pid) in skipped:
            continue
        fact = facts.get(pid)
        people.append({"id": str(pid), "held_by": codes[holders[pid]], "held_by_id": holders[pid],
                       "category": category, "urgency": urgency,
                       "earliest": (fact.earliest if fact and fact.earliest else _NO_DATE).isoformat(),
                       "group": fact.travel_group if fact else None})  # fmt: skip
    reason = None
    if not people:
        reason = (f"no person of agreement {agreement.id}'s all-for-all categories is eligible with consent "
                  f"confirmed and held by a side in the mediator's space")  # fmt: skip
        result: dict[str, Any] = {"assignments": {}, "objective": {"assigned": 0, "cost": 0, "stages_used": 0},
                                  "proven": {}, "unassigned": {}}  # fmt: skip
    else:
        from unforgotten.planning import parse_instance, solve

        remainder = next((s["id"] for s in stages if s["remainder"]), None)
        instance = parse_instance({
            "parties": [sides[0].code, sides[1].code], "parity": {"mode": parity}, "remainder_stage": remainder,
            "stages": [{"id": s["id"], "date": s["date"], "capacity": s["capacity"]} for s in stages],
            "persons": [{k: p[k] for k in ("id", "held_by", "category", "urgency", "earliest", "group")}
                        for p in people],
        }, file=stages_file)  # fmt: skip
        result = solve(instance, time_limit=time_limit).to_json()
    result["skipped"] = skipped
    version = int(session.scalar(select(func.max(Plan.version)).where(Plan.agreement_id == agreement.id)) or 0) + 1
    for older in session.scalars(select(Plan).where(Plan.agreement_id == agreement.id,
                                                    Plan.state == PlanState.DRAFT)):  # fmt: skip
        older.state = PlanState.SUPERSEDED
    plan = Plan(agreement_id=agreement.id, version=version, space_id=space_id, side_a_id=sides[0].id,
                side_b_id=sides[1].id, state=PlanState.DRAFT, stages_spec=stages, persons=people, result=result,
                reason=reason, created_by=actor.name)  # fmt: skip
    session.add(plan)
    session.flush()
    for s in stages:
        session.add(Stage(plan_id=plan.id, code=s["id"], date=dt.date.fromisoformat(s["date"]), place=s["place"]))
    session.flush()
    record(session, action="plan.created", subject_type="exchange_plans", subject_id=plan.id,
           after={"agreement_id": agreement.id, "version": version, "persons": len(people),
                  "assigned": len(result["assignments"]), "reason": reason})  # fmt: skip
    return plan
