"""HTML page for what changed between two versions of a list: the added, removed or changed rows, named and paged.

The list page links here from its "Versions" section. Thin: the use case (:func:`unforgotten.lists.history.diff`)
checks that the reader sees both versions (a 404 as for a missing list otherwise) and that they are versions of one
list; a bad ``against`` or ``kind`` is the app's 400 page. Reading the rows is recorded, as the page's other reads.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from unforgotten.audit.service import record_access
from unforgotten.db import RowId
from unforgotten.deps import PageActor, ReadSession, get_database
from unforgotten.lists import history
from unforgotten.lists.pages import page_number
from unforgotten.lists.reconciliation import PAGE_SIZE, Page
from unforgotten.web.templating import render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True)
class _View:
    """The query the page was asked with: the version compared against, the kind of change, the page number."""

    against: int
    kind: str = ""
    page: int = 1

    def query(self, **changed: object) -> str:
        """This view's query string with some values changed, the defaults left out (for the kind and page links)."""
        values = {**asdict(self), **changed}
        return urlencode({k: v for k, v in values.items() if v not in ("", 1) or k == "against"})


@router.get("/lists/{list_id}/diff", response_class=HTMLResponse, name="list_diff_page")
def list_diff_page(
    request: Request,
    list_id: RowId,
    session: ReadSession,
    actor: PageActor,
    against: RowId | None = None,
    kind: str = "",
    page: str = "1",
) -> HTMLResponse:
    """Show the rows added, removed or changed in a list since another version of it (the previous one by default)."""
    versions = history.versions_of(session=session, actor=actor, list_id=list_id)
    current = next(v for v in versions if v.id == list_id)
    if against is None:
        previous = history.previous_version(versions, current)
        if previous is None:
            return render(request, "list_diff.html", {"actor": actor, "lst": current, "only": True})
        against = previous.id
    number = page_number(page)
    found = history.diff(session=session, actor=actor, list_id=list_id, against_id=against, kind=kind or None,
                         limit=PAGE_SIZE, offset=(number - 1) * PAGE_SIZE)  # fmt: skip
    pages = max(1, -(-found.total // PAGE_SIZE))
    if number > pages:  # past the last page: the last one, as the other tables' pagers do
        number = pages
        found = history.diff(session=session, actor=actor, list_id=list_id, against_id=against, kind=kind or None,
                             limit=PAGE_SIZE, offset=(number - 1) * PAGE_SIZE)  # fmt: skip
    start = (number - 1) * PAGE_SIZE
    rows = Page(items=found.rows, number=number, pages=pages, total=found.total,
                first=start + 1 if found.rows else 0, last=start + len(found.rows))  # fmt: skip
    record_access(get_database(request), actor=f"web:{actor.name}", action="access.list_diff", subject_type="lists",
                  subject_id=list_id, details={"against": against, "kind": kind, "rows": len(found.rows)})  # fmt: skip
    context = {"actor": actor, "lst": found.current, "previous": found.previous, "diff": found, "rows": rows,
               "view": _View(against=against, kind=kind, page=number)}  # fmt: skip
    return render(request, "list_diff.html", context)
