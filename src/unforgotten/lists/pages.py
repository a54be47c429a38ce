"""HTML pages for lists: one list with its rows and every finding; the reconciliation of a request list against a
custody list."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from unforgotten.deps import PageActor, ReadSession
from unforgotten.lists import service
from unforgotten.lists.flows import reconcile, reconciliation_space
from unforgotten.web.templating import render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


@router.get(
    "/reconciliation/{request_list_id}/{custody_list_id}", response_class=HTMLResponse, name="reconciliation_page"
)
def reconciliation_page(
    request: Request, request_list_id: int, custody_list_id: int, session: ReadSession, actor: PageActor
) -> HTMLResponse:
    """Show which requests the other side acknowledges, with counts that add up to the list sizes."""
    request_list = service.get_visible_or_raise(session=session, actor=actor, list_id=request_list_id)
    custody_list = service.get_visible_or_raise(session=session, actor=actor, list_id=custody_list_id)
    space_id = reconciliation_space(session=session, actor=actor, request=request_list, custody=custody_list)
    result = reconcile(session=session, request=request_list, custody=custody_list, space_id=space_id)
    return render(
        request,
        "reconciliation.html",
        {
            "actor": actor,
            "request_list": request_list,
            "custody_list": custody_list,
            "result": result,
            "counts": result.counts(),
        },
    )


_SHOWN = 500  # findings on the page; the rest are a command away (`unforgotten findings ID`)


@router.get("/lists/{list_id}", response_class=HTMLResponse, name="list_page")
def list_page(request: Request, list_id: int, session: ReadSession, actor: PageActor) -> HTMLResponse:
    """Show a list: where it came from, how its rows were read, and every finding (warnings too)."""
    from unforgotten.auth.models import Party

    found = service.get_visible_or_raise(session=session, actor=actor, list_id=list_id)
    party = session.get(Party, found.party_id)
    counts = sorted((found.read_report or {}).get("finding_counts", {}).items())
    findings = service.get_findings(session=session, list_id=list_id, limit=_SHOWN)
    total = sum(n for _, n in counts)
    return render(
        request,
        "list.html",
        {"actor": actor, "lst": found, "party": party.code if party else "", "counts": counts,
         "findings": findings, "shown": len(findings), "total_findings": max(total, len(findings))},
    )  # fmt: skip


@router.get("/lists/{list_id}/original", name="list_original_page")
def list_original(request: Request, list_id: int, session: ReadSession, actor: PageActor) -> Response:
    """The file the list came from, for a signed-in user who may see the list (audited, hash-checked)."""
    from urllib.parse import quote

    from unforgotten.audit.service import record_access
    from unforgotten.deps import get_database
    from unforgotten.lists.originals import read_original

    file_name, content = read_original(session=session, actor=actor, list_id=list_id)
    record_access(get_database(request), actor=f"web:{actor.name}", action="access.list_original",
                  subject_type="lists", subject_id=list_id, details={"bytes": len(content)})  # fmt: skip
    ascii_name = file_name.encode("ascii", "replace").decode().replace('"', "_")
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(file_name)}"
    return Response(content, media_type="application/octet-stream", headers={"Content-Disposition": disposition})
