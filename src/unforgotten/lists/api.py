"""``/api/v1/lists`` — thin: parse, call the service, shape the answer. Visibility is the services' business."""

from __future__ import annotations

import tempfile
from pathlib import Path
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Query, Request, Response, UploadFile
from sqlalchemy import select

from unforgotten.auth.permissions import CoordinatorPermission
from unforgotten.db import RowCount, RowId
from unforgotten.deps import CurrentActor, DbSession, ReadSession
from unforgotten.errors import PermissionDeniedError, Text
from unforgotten.lists import history, service
from unforgotten.lists.models import List
from unforgotten.lists.schemas import (
    DiffKind,
    DiffPage,
    EntryRead,
    ImportRead,
    ListPage,
    ListRead,
    ShareCreate,
    WithdrawalCreate,
)

__all__ = ["router"]

router = APIRouter(prefix="/lists", tags=["lists"])


@router.get("", response_model=ListPage)
def list_lists(session: ReadSession, actor: CurrentActor) -> ListPage:
    """List the lists the caller may see: its side's own and those shared with it."""
    visible = service.visible_list_ids(session=session, actor=actor)
    query = select(List).order_by(List.id)
    if visible is not None:
        query = query.where(List.id.in_(visible))
    items = [ListRead.model_validate(lst) for lst in session.scalars(query)]
    return ListPage(items=items, total=len(items))


@router.get("/{list_id}", response_model=ListRead)
def get_list(list_id: RowId, session: ReadSession, actor: CurrentActor) -> ListRead:
    """Return one list the caller may see."""
    return ListRead.model_validate(service.get_visible_or_raise(session=session, actor=actor, list_id=list_id))


@router.get("/{list_id}/versions", response_model=ListPage)
def list_versions(list_id: RowId, session: ReadSession, actor: CurrentActor) -> ListPage:
    """List the versions of a list (its name, its party) that the caller may see, this one included, oldest first."""
    items = [ListRead.model_validate(v) for v in history.versions_of(session=session, actor=actor, list_id=list_id)]
    return ListPage(items=items, total=len(items))


@router.get("/{list_id}/diff", response_model=DiffPage)
def list_diff(
    list_id: RowId,
    request: Request,
    session: ReadSession,
    actor: CurrentActor,
    against: RowId | None = None,
    kind: DiffKind | None = None,
    limit: int = Query(100, ge=1, le=history.MAX_LIMIT),
    offset: RowCount = 0,
) -> DiffPage:
    """Return the rows added, removed or changed since another version (``against``; the previous visible one by
    default), with names; audited."""
    from unforgotten.audit.service import record_access
    from unforgotten.deps import get_database

    found = history.diff(session=session, actor=actor, list_id=list_id, against_id=against, kind=kind, limit=limit,
                         offset=offset)  # fmt: skip
    record_access(get_database(request), actor=f"api:{actor.name}", action="access.list_diff", subject_type="lists",
                  subject_id=list_id, details={"against": found.previous.id, "kind": kind or "",
                                               "rows": len(found.rows)})  # fmt: skip
    return DiffPage.model_validate(
        {"list_id": list_id, "against": found.previous.id, "kind": kind, "counts": found.counts, "total": found.total,
         "limit": limit, "offset": offset, "items": found.rows}, from_attributes=True,
    )  # fmt: skip


@router.get("/{list_id}/quarantine", response_model=list[EntryRead])
def get_quarantine(list_id: RowId, session: ReadSession, actor: CurrentActor) -> list[EntryRead]:
    """Return the quarantined rows of a list with their findings."""
    service.get_visible_or_raise(session=session, actor=actor, list_id=list_id)
    entries = service.get_entries(session=session, list_id=list_id, status="quarantined")
    return [EntryRead.model_validate(e) for e in entries]


@router.post("", response_model=ImportRead, status_code=201, dependencies=[Depends(CoordinatorPermission())])
def import_list(
    session: DbSession,
    actor: CurrentActor,
    file: UploadFile,
    kind: str = Form(...),
    name: str | None = Form(None),
    replaces: RowId | None = Form(None),
) -> ImportRead:
    """Import a list file for the caller's party (every row accounted for; re-import is a no-op); link it into
    the caller's space."""
    from unforgotten.persons.flows import submit_list

    if actor.party_code is None:
        raise PermissionDeniedError(Text("{actor} has no party to submit a list for", actor=actor.label))
    suffix = Path(file.filename or "upload").suffix
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{Path(file.filename or 'upload').stem}{suffix}"
        with path.open("wb") as handle:
            while chunk := file.file.read(1 << 20):
                handle.write(chunk)
        submission = submit_list(
            session=session,
            actor=actor,
            path=path,
            party_code=actor.party_code,
            kind=kind,
            name=name or Path(file.filename or "upload").stem,
            replaces=replaces,
        )
    outcome = submission.outcome
    return ImportRead(**{k: v for k, v in outcome.as_dict().items() if k in ImportRead.model_fields})


@router.post("/{list_id}/shares", status_code=201)
def share_list(list_id: RowId, body: ShareCreate, session: DbSession, actor: CurrentActor) -> dict[str, object]:
    """Share a list of the caller's party with the mediator or the other side (linked into its space at once)."""
    from unforgotten.persons.flows import share_list as share_and_link

    linked = share_and_link(session=session, actor=actor, list_id=list_id, party_code=body.party)
    return {"list_id": list_id, "party": body.party.upper(), "linked": linked}


@router.delete("/{list_id}/shares/{party}", status_code=200)
def unshare_list(list_id: RowId, party: str, session: DbSession, actor: CurrentActor) -> dict[str, object]:
    """Withdraw a share for the future; the list's entries leave that party's space."""
    from unforgotten.persons.flows import unshare_list as withdraw

    withdrawn = withdraw(session=session, actor=actor, list_id=list_id, party_code=party)
    return {"list_id": list_id, "party": party.upper(), "withdrawn": withdrawn}


@router.get("/{list_id}/original", response_class=Response)
def original_file(list_id: RowId, request: Request, session: ReadSession, actor: CurrentActor) -> Response:
    """The file the list came from, byte for byte (checked against the hash recorded at import); audited."""
    from unforgotten.audit.service import record_access
    from unforgotten.deps import get_database
    from unforgotten.lists.originals import read_original

    file_name, content = read_original(session=session, actor=actor, list_id=list_id)
    record_access(get_database(request), actor=f"api:{actor.name}", action="access.list_original",
                  subject_type="lists", subject_id=list_id, details={"bytes": len(content)})  # fmt: skip
    ascii_name = file_name.encode("ascii", "replace").decode().replace('"', "_")
    headers = {"Content-Disposition": f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(file_name)}"}
    return Response(content, media_type="application/octet-stream", headers=headers)


@router.post("/{list_id}/withdrawal", status_code=200)
def withdraw_list(list_id: RowId, body: WithdrawalCreate, session: DbSession, actor: CurrentActor) -> dict[str, object]:
    """Withdraw a list of the caller's party (audited): its entries leave the persons; nothing is deleted."""
    from unforgotten.persons.flows import withdraw_list as withdraw

    withdrawn = withdraw(session=session, actor=actor, list_id=list_id, reason=body.reason)
    return {"list_id": list_id, "withdrawn": True, "links_withdrawn": withdrawn}


@router.get("/{request_list_id}/reconciliation/{custody_list_id}")
def reconciliation(
    request_list_id: RowId, custody_list_id: RowId, session: ReadSession, actor: CurrentActor
) -> dict[str, object]:
    """Reconcile a request list against a custody list in the caller's space, which must see both."""
    from unforgotten.lists.flows import reconcile, reconciliation_space

    request = service.get_visible_or_raise(session=session, actor=actor, list_id=request_list_id)
    custody = service.get_visible_or_raise(session=session, actor=actor, list_id=custody_list_id)
    space_id = reconciliation_space(session=session, actor=actor, request=request, custody=custody)
    return reconcile(session=session, request=request, custody=custody, space_id=space_id).as_dict()
