"""HTML pages for persons: the review queue and search."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from unforgotten.deps import PageActor, ReadSession
from unforgotten.persons import review, service
from unforgotten.web.templating import render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


@router.get("/review", response_class=HTMLResponse, name="review_queue")
def review_queue(request: Request, session: ReadSession, actor: PageActor) -> HTMLResponse:
    """Show pending suggestions in the viewer's space, with why the model suggests them."""
    return render(
        request,
        "review.html",
        {"actor": actor, "matches": review.get_pending(session=session, actor=actor, limit=200)},
    )


@router.get("/search", response_class=HTMLResponse, name="search_page")
def search_page(request: Request, session: ReadSession, actor: PageActor, q: str = "") -> HTMLResponse:
    """Show the persons of the viewer's space that the query finds, best first."""
    query = q.strip()[:200]
    found, total = service.search(session=session, actor=actor, query=query, limit=50) if query else ([], 0)
    return render(request, "search.html", {"actor": actor, "query": query, "persons": found, "total": total})
