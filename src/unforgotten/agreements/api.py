"""``/api/v1/agreements`` — load agreements (YAML as text) and read their assessment."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Body, Depends

from unforgotten.agreements import service
from unforgotten.agreements.flows import assess
from unforgotten.auth.permissions import CoordinatorPermission
from unforgotten.deps import CurrentActor, DbSession, ReadSession
from unforgotten.lists import service as lists
from unforgotten.persons import service as persons

__all__ = ["router"]

router = APIRouter(prefix="/agreements", tags=["agreements"])


def _summary(agreement: Any) -> dict[str, Any]:
    return {
        "id": agreement.id,
        "title": agreement.title,
        "signed_on": agreement.signed_on.isoformat(),
        "reference_date": agreement.reference_date.isoformat(),
        "categories": [
            {"name": c.name, "format": c.format, "quota": c.quota, "rule": c.rule} for c in agreement.categories
        ],
    }


@router.get("")
def list_agreements(session: ReadSession, actor: CurrentActor) -> list[dict[str, Any]]:
    """Every agreement with its categories and rules."""
    return [_summary(a) for a in service.get_all(session=session)]


@router.post("", status_code=201, dependencies=[Depends(CoordinatorPermission())])
def load_agreement(session: DbSession, yaml_text: str = Body(..., media_type="text/yaml")) -> dict[str, Any]:
    """Load an agreement from its YAML text (the format of examples/agreements/)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "agreement.yaml"
        path.write_text(yaml_text, encoding="utf-8")
        return _summary(service.load_file(session=session, path=path))


@router.get("/{agreement_id}/assessment")
def assessment(agreement_id: int, session: ReadSession, actor: CurrentActor) -> dict[str, Any]:
    """Counts per category and verdict, with each visible person's verdict and reasons."""
    agreement = service.get_or_raise(session=session, agreement_id=agreement_id)
    report = assess(session=session, agreement=agreement)
    visible = persons.get_ids(session=session, entry_ids=lists.visible_entry_ids(session=session, actor=actor))
    report.rows = [r for r in report.rows if visible is None or r.person_id in visible]
    rows = [{"person_id": r.person_id, "category": r.category, "verdict": r.verdict, "reasons": list(r.reasons)}
            for r in report.rows]  # fmt: skip
    return {**report.as_dict(), "rows": rows}
