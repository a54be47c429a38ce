"""HTML pages for lists: the reconciliation of a request list against a custody list."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

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
