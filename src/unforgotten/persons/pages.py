"""HTML pages for persons: the review queue."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from unforgotten.deps import PageActor, ReadSession
from unforgotten.persons import review
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
