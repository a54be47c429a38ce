"""``/api/v1/exchanges`` — plans, handover lines, acts and remains; thin: parse, call the service, shape."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter

from unforgotten.db import RowId
from unforgotten.deps import CurrentActor, DbSession, ReadSession
from unforgotten.exchanges import flows, handover, remains, unexpected
from unforgotten.exchanges import service as plans
from unforgotten.exchanges.schemas import (
    BatchCreate,
    LineRead,
    LineRecord,
    PlanCreate,
    RemainsIdentify,
    UnexpectedCreate,
    UnexpectedResolve,
)

__all__ = ["router"]

router = APIRouter(prefix="/exchanges", tags=["exchanges"])


@router.get("/plans")
def list_plans(session: ReadSession, actor: CurrentActor) -> list[dict[str, Any]]:
    """The plans the caller is party to, newest first."""
    return [plans.view(session=session, actor=actor, plan_id=p.id) for p in plans.get_all(session=session, actor=actor)]


@router.post("/plans", status_code=201)
def create_plan(body: PlanCreate, session: DbSession, actor: CurrentActor) -> dict[str, Any]:
    """Build and solve a new plan version (mediator)."""
    text = json.dumps({"parity": body.parity, "stages": body.stages})  # JSON is YAML
    plan = flows.create_plan(session=session, actor=actor, agreement_id=body.agreement_id, stages_text=text,
                             stages_file="request body")  # fmt: skip
    return plans.view(session=session, actor=actor, plan_id=plan.id)


@router.get("/plans/{plan_id}")
def get_plan(plan_id: RowId, session: ReadSession, actor: CurrentActor) -> dict[str, Any]:
    """One plan: counts per stage and side; persons and reasons for the mediator."""
    return plans.view(session=session, actor=actor, plan_id=plan_id)


@router.get("/plans/{plan_id}/diff")
def diff_plan(plan_id: RowId, session: ReadSession, actor: CurrentActor) -> dict[str, Any]:
    """What changed from the previous version."""
    return plans.diff(session=session, actor=actor, plan_id=plan_id)


@router.post("/plans/{plan_id}/approvals")
def approve_plan(plan_id: RowId, session: DbSession, actor: CurrentActor) -> dict[str, Any]:
    """Approve for the caller's party; the last approval schedules the plan's persons."""
    plans.approve(session=session, actor=actor, plan_id=plan_id)
    return plans.view(session=session, actor=actor, plan_id=plan_id)


@router.get("/stages/{stage_id}/lines", response_model=list[LineRead])
def stage_lines(stage_id: RowId, session: ReadSession, actor: CurrentActor) -> list[LineRead]:
    """The manifest lines of a stage, each with its three halves."""
    _stage, lines = handover.get_lines(session=session, actor=actor, stage_id=stage_id)
    return [LineRead.model_validate(line) for line in lines]


@router.post("/lines/{line_id}", response_model=LineRead)
def record_line(line_id: RowId, body: LineRecord, session: DbSession, actor: CurrentActor) -> LineRead:
    """Record the caller's half of a line (idempotent)."""
    line = handover.record_line(session=session, actor=actor, line_id=line_id, action=body.action,
                                reason=body.reason)  # fmt: skip
    return LineRead.model_validate(line)


@router.get("/stages/{stage_id}/unexpected")
def list_unexpected(stage_id: RowId, session: ReadSession, actor: CurrentActor) -> list[dict[str, Any]]:
    """Persons who arrived at the stage but are not on its manifest (candidates for the mediator only)."""
    arrivals = unexpected.get_all(session=session, actor=actor, stage_id=stage_id)
    return [unexpected.view(session=session, actor=actor, arrival=a) for a in arrivals]


@router.post("/stages/{stage_id}/unexpected", status_code=201)
def record_unexpected(stage_id: RowId, body: UnexpectedCreate, session: DbSession, actor: CurrentActor) -> (
    dict[str, Any]
):  # fmt: skip
    """Record a person who arrived but is not on the manifest; the mediator's space is searched for candidates."""
    arrival = unexpected.record(session=session, actor=actor, stage_id=stage_id, names=body.names,
                                date_of_birth=body.date_of_birth, from_side=body.from_side, note=body.note)  # fmt: skip
    return unexpected.view(session=session, actor=actor, arrival=arrival)


@router.post("/unexpected/{unexpected_id}/resolve")
def resolve_unexpected(unexpected_id: RowId, body: UnexpectedResolve, session: DbSession, actor: CurrentActor) -> (
    dict[str, Any]
):  # fmt: skip
    """Resolve an unexpected arrival (mediator): one of its candidates, or none with a note."""
    arrival = unexpected.resolve(session=session, actor=actor, unexpected_id=unexpected_id, person_id=body.person_id,
                                 note=body.note)  # fmt: skip
    return unexpected.view(session=session, actor=actor, arrival=arrival)


@router.post("/stages/{stage_id}/close")
def close_stage(stage_id: RowId, session: DbSession, actor: CurrentActor) -> dict[str, Any]:
    """Close a stage (mediator): freeze its act."""
    act = handover.close(session=session, actor=actor, stage_id=stage_id)
    return {"stage_id": stage_id, "sha256": act.sha256, "totals": act.payload["totals"]}


@router.get("/stages/{stage_id}/act")
def get_act(stage_id: RowId, session: ReadSession, actor: CurrentActor) -> dict[str, Any]:
    """The act of a closed stage: payload, sha256, signatures (409 while open)."""
    return handover.export(session=session, actor=actor, stage_id=stage_id)


@router.get("/remains/{agreement_id}")
def remains_totals(agreement_id: RowId, session: ReadSession, actor: CurrentActor) -> dict[str, Any]:
    """Running totals of remains per side against the quota, and the imbalance."""
    return remains.totals(session=session, actor=actor, agreement_id=agreement_id)


@router.post("/remains", status_code=201)
def create_batch(body: BatchCreate, session: DbSession, actor: CurrentActor) -> dict[str, Any]:
    """Record a batch of remains handed over by one side."""
    batch = remains.create_batch(session=session, actor=actor, agreement_id=body.agreement_id, party_code=body.party,
                                 date=body.date, refs=body.refs)  # fmt: skip
    return {"id": batch.id, "count": batch.count}


@router.post("/remains/{agreement_id}/identifications", status_code=201)
def identify_remains(
    agreement_id: RowId, body: RemainsIdentify, session: DbSession, actor: CurrentActor
) -> dict[str, Any]:
    """Link a body of one of the agreement's batches to the person it was identified as (mediator)."""
    link = remains.identify(session=session, actor=actor, agreement_id=agreement_id, ref=body.ref,
                            person_id=body.person_id, reason=body.reason)  # fmt: skip
    return {"id": link.id, "batch_id": link.batch_id, "ref": link.ref, "person_id": link.person_id,
            "identified_by": link.identified_by}  # fmt: skip
