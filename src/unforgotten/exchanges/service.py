"""Use cases for stage plans, stages and handover lines: what an actor may see, and plan approvals.

Everything lives in the mediator's space. A side sees the plans it is party to (``side_a``/``side_b``), as counts
per stage and side — its own persons' ids are not the mediator's — and the manifest lines and acts of their
stages; the mediator sees its space's plans in full. Every lookup is one query scoped to the actor, so an id the
actor may not see is the same 404 as an id that does not exist, before any role or state check.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from unforgotten.audit.recorder import record
from unforgotten.auth.models import Party, Role
from unforgotten.auth.service import Actor, require_role
from unforgotten.errors import ConflictError, NotFoundError, PermissionDeniedError, Text
from unforgotten.exchanges.models import HandoverLine, Plan, PlanApproval, PlanState, Stage, StageState

__all__ = [
    "SIDE_ROLES",
    "approve",
    "approval_rows",
    "approvals",
    "diff",
    "get_all",
    "get_line_visible_or_raise",
    "get_stage_visible_or_raise",
    "get_visible_or_raise",
    "mediator_actor",
    "party_codes",
    "view",
]

# The roles that act for a side in an exchange (viewers read, officers record handovers, coordinators approve).
SIDE_ROLES = frozenset({Role.PARTY_COORDINATOR, Role.PARTY_VIEWER, Role.OFFICER})


def _scoped(actor: Actor) -> Select[Plan] | None:
    query = select(Plan)
    if actor.operator:
        return query
    if actor.role == Role.MEDIATOR and actor.party_id is not None:
        return query.where(Plan.space_id == actor.party_id)
    if actor.role in SIDE_ROLES and actor.party_id is not None:
        return query.where(or_(Plan.side_a_id == actor.party_id, Plan.side_b_id == actor.party_id))
    return None


def get_all(*, session: Session, actor: Actor) -> Sequence[Plan]:
    """The plans the actor is party to, newest first."""
    query = _scoped(actor)
    return [] if query is None else session.scalars(query.order_by(Plan.id.desc())).all()


def get_visible_or_raise(*, session: Session, actor: Actor, plan_id: int) -> Plan:
    """The plan if the actor is party to it, else the same 404 as for one that does not exist."""
    query = _scoped(actor)
    found = None if query is None else session.scalars(query.where(Plan.id == plan_id)).first()
    if found is None:
        raise NotFoundError(Text("no plan with id {plan_id}", plan_id=plan_id))
    return found


def get_stage_visible_or_raise(*, session: Session, actor: Actor, stage_id: int) -> tuple[Stage, Plan]:
    """A stage of a plan the actor is party to, with its plan; else 404."""
    query = _scoped(actor)
    row = None
    if query is not None:
        row = session.execute(
            query.add_columns(Stage).join(Stage, Stage.plan_id == Plan.id).where(Stage.id == stage_id)
        ).first()
    if row is None:
        raise NotFoundError(Text("no stage with id {stage_id}", stage_id=stage_id))
    return row[1], row[0]


def get_line_visible_or_raise(*, session: Session, actor: Actor, line_id: int) -> tuple[HandoverLine, Stage, Plan]:
    """A handover line of a stage the actor is party to, with its stage and plan; else 404."""
    query = _scoped(actor)
    row = None
    if query is not None:
        row = session.execute(
            query.add_columns(Stage, HandoverLine)
            .join(Stage, Stage.plan_id == Plan.id)
            .join(HandoverLine, HandoverLine.stage_id == Stage.id)
            .where(HandoverLine.id == line_id)
        ).first()
    if row is None:
        raise NotFoundError(Text("no handover line with id {line_id}", line_id=line_id))
    return row[2], row[1], row[0]


def party_codes(session: Session) -> dict[int, str]:
    """Party id → code, for display."""
    return {int(i): str(c) for i, c in session.execute(select(Party.id, Party.code))}


def mediator_actor(session: Session, plan: Plan, name: str) -> Actor:
    """The mediator of the plan's space, as the actor that moves its persons through the state machine."""
    return Actor(name=name, role=Role.MEDIATOR, party_id=plan.space_id,
                 party_code=party_codes(session).get(plan.space_id), party_kind="mediator")  # fmt: skip


def approvals(*, session: Session, plan: Plan) -> dict[str, str]:
    """Party code → who approved the plan for it."""
    codes = party_codes(session)
    rows = session.execute(
        select(PlanApproval.party_id, PlanApproval.approved_by).where(PlanApproval.plan_id == plan.id)
    )
    return {codes.get(p, str(p)): str(by) for p, by in rows}


def approval_rows(*, session: Session, plan: Plan) -> list[dict[str, Any]]:
    """Each approval of the plan — party code, who, when — in the order given (the pages show the time too)."""
    codes = party_codes(session)
    rows = session.scalars(select(PlanApproval).where(PlanApproval.plan_id == plan.id).order_by(PlanApproval.id))
    return [{"party": codes.get(a.party_id, str(a.party_id)), "by": a.approved_by, "at": a.approved_at} for a in rows]


def _stages(session: Session, plan: Plan) -> Sequence[Stage]:
    return session.scalars(select(Stage).where(Stage.plan_id == plan.id).order_by(Stage.date, Stage.id)).all()


def _sees_persons(actor: Actor) -> bool:
    return actor.operator or actor.role == Role.MEDIATOR


def view(*, session: Session, actor: Actor, plan_id: int) -> dict[str, Any]:
    """The plan as the actor may see it: counts per stage and side; persons and reasons for the mediator only."""
    plan = get_visible_or_raise(session=session, actor=actor, plan_id=plan_id)
    codes = party_codes(session)
    held = {str(p["id"]): str(p["held_by"]) for p in plan.persons}
    assignments: dict[str, str] = plan.result.get("assignments", {})
    counts: Counter[tuple[str, str]] = Counter((stage, held[pid]) for pid, stage in assignments.items())
    unassigned: dict[str, str] = {**plan.result.get("unassigned", {}), **plan.result.get("skipped", {})}
    sides = [codes[plan.side_a_id], codes[plan.side_b_id]]
    capacity = {str(s["id"]): s.get("capacity", {}) for s in plan.stages_spec}
    out: dict[str, Any] = {
        "id": plan.id, "agreement_id": plan.agreement_id, "version": plan.version, "state": plan.state,
        "reason": plan.reason, "sides": sides, "mediator": codes.get(plan.space_id),
        "objective": plan.result.get("objective", {}), "proven": plan.result.get("proven", {}),
        "stages": [
            {"id": s.id, "code": s.code, "date": s.date.isoformat(), "place": s.place, "state": s.state,
             "counts": {side: counts[(s.code, side)] for side in sides},
             "capacity": {side: int(capacity.get(s.code, {}).get(side, 0)) for side in sides}}
            for s in _stages(session, plan)
        ],
        "left_out": {side: sum(1 for pid in unassigned if held.get(pid) == side) for side in sides},
        "approvals": approvals(session=session, plan=plan),
        "created_by": plan.created_by,
    }  # fmt: skip
    if _sees_persons(actor):
        out["assignments"] = assignments
        out["unassigned"] = unassigned
    return out


def diff(*, session: Session, actor: Actor, plan_id: int, against_id: int | None = None) -> dict[str, Any]:
    """What changed from another version (default: the previous one) — counts for everyone, persons for the
    mediator."""
    plan = get_visible_or_raise(session=session, actor=actor, plan_id=plan_id)
    if against_id is None:
        query = _scoped(actor)
        assert query is not None
        older = session.scalars(
            query.where(Plan.agreement_id == plan.agreement_id, Plan.version < plan.version).order_by(
                Plan.version.desc()
            )
        ).first()
        if older is None:
            raise NotFoundError(
                Text(
                    "plan {plan_id} is version {version}: there is no earlier version to compare",
                    plan_id=plan.id,
                    version=plan.version,
                )
            )
    else:
        older = get_visible_or_raise(session=session, actor=actor, plan_id=against_id)
    new, old = view(session=session, actor=actor, plan_id=plan.id), view(session=session, actor=actor, plan_id=older.id)
    old_counts = {s["code"]: s["counts"] for s in old["stages"]}
    stages = {
        s["code"]: {side: n - old_counts.get(s["code"], {}).get(side, 0) for side, n in s["counts"].items()}
        for s in new["stages"]
    }
    out: dict[str, Any] = {"plan": plan.id, "version": plan.version, "against": older.id,
                           "against_version": older.version, "stage_count_changes": stages}  # fmt: skip
    if _sees_persons(actor):
        before, after = old["assignments"], new["assignments"]
        out["moved"] = {pid: [before.get(pid), after.get(pid)] for pid in sorted(set(before) | set(after), key=int)
                        if before.get(pid) != after.get(pid)}  # fmt: skip
    return out


def approve(*, session: Session, actor: Actor, plan_id: int, party_code: str | None = None) -> Plan:
    """Approve a plan for the actor's party (a side's coordinator, or the mediator); idempotent.

    When each side and the mediator have approved, the plan's persons move to ``scheduled`` (as the mediator,
    through the state machine), its stages open and their manifest lines are written — all in this transaction.
    """
    plan = get_visible_or_raise(session=session, actor=actor, plan_id=plan_id)
    if actor.operator:
        codes = {c: i for i, c in party_codes(session).items()}
        if not party_code or party_code.upper() not in codes:
            raise PermissionDeniedError(
                Text("the local operator must name the party that approves"), hint=Text("act --as")
            )
        party_id = codes[party_code.upper()]
    else:
        require_role(actor, frozenset({Role.PARTY_COORDINATOR, Role.MEDIATOR}), Text("approve stage plans"))
        assert actor.party_id is not None
        party_id = actor.party_id
    if party_id not in (plan.side_a_id, plan.side_b_id, plan.space_id):
        raise PermissionDeniedError(
            Text("{actor} is not a party to plan {plan_id}", actor=actor.label, plan_id=plan.id)
        )
    if plan.state != PlanState.DRAFT:
        if plan.state == PlanState.APPROVED and session.scalar(
            select(func.count()).where(PlanApproval.plan_id == plan.id, PlanApproval.party_id == party_id)
        ):
            return plan
        raise ConflictError(
            Text("plan {plan_id} is {state}, not a draft", plan_id=plan.id, state=plan.state),
            hint=Text("approve the newest version"),
        )
    existing = session.scalars(
        select(PlanApproval).where(PlanApproval.plan_id == plan.id, PlanApproval.party_id == party_id)
    ).first()
    if existing is None:
        session.add(PlanApproval(plan_id=plan.id, party_id=party_id, approved_by=actor.name))
        session.flush()
    approved = set(session.scalars(select(PlanApproval.party_id).where(PlanApproval.plan_id == plan.id)))
    if {plan.side_a_id, plan.side_b_id, plan.space_id} <= approved:
        _carry_out(session, plan)
    return plan


def _carry_out(session: Session, plan: Plan) -> None:
    from unforgotten.persons import cases

    if session.scalar(
        select(func.count()).where(Plan.agreement_id == plan.agreement_id, Plan.state == PlanState.APPROVED)
    ):
        raise ConflictError(
            Text("agreement {agreement_id} already has an approved plan", agreement_id=plan.agreement_id)
        )
    mediator_name = session.scalar(
        select(PlanApproval.approved_by).where(PlanApproval.plan_id == plan.id, PlanApproval.party_id == plan.space_id)
    )
    mediator = mediator_actor(session, plan, str(mediator_name))
    held = {str(p["id"]): int(p["held_by_id"]) for p in plan.persons}
    stages = {s.code: s for s in _stages(session, plan)}
    other = {plan.side_a_id: plan.side_b_id, plan.side_b_id: plan.side_a_id}
    for person, code in plan.result.get("assignments", {}).items():
        stage = stages[code]
        cases.transition(session=session, actor=mediator, person_id=int(person), to_status="scheduled",
                         reason=f"plan {plan.id} (version {plan.version}), stage {code} on {stage.date}")  # fmt: skip
        session.add(HandoverLine(stage_id=stage.id, person_id=int(person), from_party_id=held[person],
                                 to_party_id=other[held[person]]))  # fmt: skip
    for stage in stages.values():
        stage.state = StageState.OPEN
    plan.state = PlanState.APPROVED
    session.flush()
    record(session, action="plan.approved", subject_type="exchange_plans", subject_id=plan.id,
           after={"version": plan.version, "scheduled": len(plan.result.get("assignments", {})),
                  "at": dt.datetime.now(dt.UTC).isoformat()})  # fmt: skip
