"""``/api/v1/agreements`` — load agreements (mediator), accept them (sides), read their assessment."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Body
from sqlalchemy.orm import Session

from unforgotten.agreements import service
from unforgotten.agreements.flows import assess
from unforgotten.agreements.models import Agreement
from unforgotten.auth.service import working_space
from unforgotten.db import RowId
from unforgotten.deps import CurrentActor, DbSession, ReadSession

__all__ = ["router"]

router = APIRouter(prefix="/agreements", tags=["agreements"])


def _summary(session: Session, agreement: Agreement) -> dict[str, Any]:
    from unforgotten.auth.models import Party

    accepted = [session.get(Party, a.party_id) for a in agreement.acceptances]
    return {
        "id": agreement.id,
        "title": agreement.title,
        "signed_on": agreement.signed_on.isoformat(),
        "reference_date": agreement.reference_date.isoformat(),
        "transmit": agreement.transmit,
        "accepted_by": sorted(p.code for p in accepted if p is not None),
        "in_force": service.in_force(session=session, agreement=agreement),
        "categories": [
            {"name": c.name, "format": c.format, "quota": c.quota, "rule": c.rule} for c in agreement.categories
        ],
    }


@router.get("")
def list_agreements(session: ReadSession, actor: CurrentActor) -> list[dict[str, Any]]:
    """Every agreement with its categories, rules, acceptances and whether it is in force."""
    return [_summary(session, a) for a in service.get_all(session=session)]


@router.post("", status_code=201)
def load_agreement(
    session: DbSession, actor: CurrentActor, yaml_text: str = Body(..., media_type="text/yaml")
) -> dict[str, Any]:
    """Load an agreement from its YAML text (mediator or admin; the format of examples/agreements/)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "agreement.yaml"
        path.write_text(yaml_text, encoding="utf-8")
        return _summary(session, service.load(session=session, actor=actor, path=path))


@router.post("/{agreement_id}/acceptances", status_code=201)
def accept_agreement(agreement_id: RowId, session: DbSession, actor: CurrentActor) -> dict[str, Any]:
    """Accept an agreement for the caller's side (a coordinator)."""
    service.accept(session=session, actor=actor, agreement_id=agreement_id)
    return _summary(session, service.get_or_raise(session=session, agreement_id=agreement_id))


@router.get("/{agreement_id}/assessment")
def assessment(agreement_id: RowId, session: ReadSession, actor: CurrentActor) -> dict[str, Any]:
    """Counts per category and verdict over the caller's space, with each person's verdict and reasons."""
    agreement = service.get_or_raise(session=session, agreement_id=agreement_id)
    report = assess(session=session, agreement=agreement, space_id=working_space(session=session, actor=actor))
    rows = [{"person_id": r.person_id, "category": r.category, "verdict": r.verdict, "reasons": list(r.reasons)}
            for r in report.rows]  # fmt: skip
    return {**report.as_dict(), "rows": rows}
