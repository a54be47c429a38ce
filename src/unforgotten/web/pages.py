"""Cross-domain HTML pages: the overview."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from unforgotten.agreements import service as agreements
from unforgotten.auth import service as parties
from unforgotten.deps import ReadSession
from unforgotten.lists import service as lists
from unforgotten.persons import service as persons
from unforgotten.web.templating import render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

_PERSONS_SHOWN = 50


@router.get("/", response_class=HTMLResponse, name="overview")
def overview(request: Request, session: ReadSession) -> HTMLResponse:
    """Show parties, agreements, lists with their counts, and persons with their status."""
    return render(
        request,
        "overview.html",
        {
            "parties": parties.get_all(session=session),
            "agreements": agreements.get_all(session=session),
            "lists": lists.get_summaries(session=session),
            "person_statuses": persons.count_by_status(session=session),
            "persons": persons.get_all(session=session, limit=_PERSONS_SHOWN),
            "person_total": persons.count(session=session),
        },
    )
