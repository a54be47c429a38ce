"""Response files: a list of kind ``response`` (one row per child: ``record_id``, ``outcome``, ``place``,
``institution``, ``with_whom``, ``name_now_used``, ``evidence``, ``responded_on``, ``notes``), read by the existing
importer and applied to the requests handed over to the responding side by record id. Every accepted row ends
applied or refused with its reason (``tracing_response_rows``); the importer's quarantine keeps the unreadable
ones. Nothing is dropped."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from unforgotten.auth import service as auth
from unforgotten.auth.models import Role
from unforgotten.auth.service import Actor
from unforgotten.errors import ConflictError, InputError, PermissionDeniedError, Text
from unforgotten.lists import service as lists
from unforgotten.lists.models import Entry, EntryStatus, ListKind
from unforgotten.tracing import service
from unforgotten.tracing.models import HandOver, ResponseRow, TracingRequest

__all__ = ["ResponseReport", "apply_responses", "submit_responses"]

_TEXT = ("place", "institution", "with_whom", "name_now_used", "evidence", "notes")


@dataclass
class ResponseReport:
    list_id: int
    rows: int = 0
    quarantined: int = 0
    applied: int = 0
    refused: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "list_id": self.list_id,
            "rows": self.rows,
            "quarantined": self.quarantined,
            "applied": self.applied,
            "refused": self.refused,
        }


def _require_responder(actor: Actor, party_id: int) -> None:
    if actor.operator:
        return
    if actor.party_id != party_id or actor.role != Role.TRACING_OFFICER:
        raise PermissionDeniedError(
            Text("{actor} may not apply this side's responses", actor=actor.label),
            hint=Text("its tracing officers may"),
        )


def apply_responses(*, session: Session, actor: Actor, list_id: int, today: dt.date | None = None) -> ResponseReport:
    """Apply each accepted row of a response list not applied yet to the request with its record id."""
    found = lists.get_visible_or_raise(session=session, actor=actor, list_id=list_id)
    _require_responder(actor, found.party_id)
    if found.kind != ListKind.RESPONSE:
        raise InputError(
            Text("list {list_id} is a {kind} list", list_id=list_id, kind=found.kind),
            hint=Text("import the file with --kind response"),
        )
    report = ResponseReport(list_id=list_id, rows=found.row_count, quarantined=found.quarantined_count)
    done = select(ResponseRow.id).where(ResponseRow.entry_id == Entry.id).exists()  # NOT EXISTS, not NOT IN
    entries = session.scalars(
        select(Entry)
        .where(Entry.list_id == list_id, Entry.status == EntryStatus.ACCEPTED, ~done)
        .order_by(Entry.row_number)
    ).all()
    handed = select(HandOver.list_id).where(HandOver.to_party_id == found.party_id)
    for entry in entries:
        record_id = (entry.record_id or "").strip()
        raw = {str(k).strip().lower(): ("" if v is None else str(v).strip()) for k, v in entry.raw.items()}
        row = ResponseRow(list_id=list_id, entry_id=entry.id, row_number=entry.row_number, record_id=record_id)
        request = session.scalars(
            select(TracingRequest)
            .where(TracingRequest.record_id == record_id, TracingRequest.list_id.in_(handed))
            .order_by(TracingRequest.id)
        ).first()
        if request is None:
            row.refused = f"record id {record_id!r} is on no tracing list handed over to this side"
        else:
            try:
                on = dt.date.fromisoformat(raw.get("responded_on") or (today or dt.date.today()).isoformat())
                response = service.respond(
                    session=session,
                    actor=actor,
                    request_id=request.id,
                    outcome=raw.get("outcome", ""),
                    responded_on=on,
                    entry_id=entry.id,
                    **{k: raw.get(k, "") for k in _TEXT},
                )
                row.response_id = response.id
            except ValueError:
                row.refused = f"responded_on {raw.get('responded_on')!r} is not a date (write YYYY-MM-DD)"
            except (InputError, ConflictError, PermissionDeniedError) as error:
                row.refused = str(error)
        if row.refused:
            report.refused.append({"row": entry.row_number, "record_id": record_id, "reason": row.refused})
        else:
            report.applied += 1
        session.add(row)
    session.flush()
    return report


def submit_responses(
    *, session: Session, actor: Actor, path: Path, party_code: str, today: dt.date | None = None
) -> ResponseReport:
    """Import a response file for the actor's side with the existing importer, share it with the mediator, link it
    into both spaces, and apply it."""
    from unforgotten.persons.flows import link_space

    party = auth.get_by_code_or_raise(session=session, code=party_code)
    _require_responder(actor, party.id)
    outcome = lists.import_file(
        session=session, path=path, party_code=party.code, kind=ListKind.RESPONSE.value, submitted_by=actor.name
    )
    spaces = [party.id]
    mediator = auth.get_mediator(session=session)
    if mediator is not None:
        lists.share_with(session=session, list_id=outcome.list_id, party_code=mediator.code, shared_by=actor.name)
        spaces.append(mediator.id)
    for space in spaces:
        link_space(session=session, space_id=space, decided_by=actor.name)
    return apply_responses(session=session, actor=actor, list_id=outcome.list_id, today=today)
