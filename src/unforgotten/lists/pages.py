"""HTML pages for lists: one list with its rows and every finding; the reconciliation of a request list against a
custody list, its CSV downloads, and the mediator's form that releases the answers.

The release form posts to a route that calls the same service as the API and the CLI; a done release redirects back
to the page (303) with a fixed message, a refused one shows its reason on the page, never a JSON body — as the person
page's actions do.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import asdict, dataclass
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from unforgotten.audit.service import record_access
from unforgotten.auth import service as auth
from unforgotten.auth.models import Party, PartyKind, Role
from unforgotten.auth.service import Actor, require_role
from unforgotten.db import RowId, domain_error
from unforgotten.deps import PageActor, PageSession, ReadSession, get_database
from unforgotten.errors import InputError, NotFoundError, PermissionDeniedError, Text, UnforgottenError
from unforgotten.lists import history, service
from unforgotten.lists.flows import ReconciliationResult, reconcile, reconciliation_space
from unforgotten.lists.models import List
from unforgotten.lists.reconciliation import (
    SORTS,
    STATUSES,
    NamedRow,
    Unrequested,
    name_rows,
    page_of,
    reconciliation_csv,
    select_rows,
    unrequested_csv,
)
from unforgotten.web.forms import page_url, run_form, same_origin
from unforgotten.web.templating import render

__all__ = ["page_number", "router"]

router = APIRouter(include_in_schema=False)


# What a redirect back to the reconciliation page may announce: a fixed vocabulary, so a link cannot make the page
# say anything else.
_DONE = frozenset({"released"})


@dataclass(frozen=True)
class _View:
    """The query a reconciliation page was asked with, checked: the filter, the order and the two page numbers."""

    status: str = ""
    sort: str = "list"
    page: int = 1
    unrequested_page: int = 1

    def query(self, **changed: object) -> str:
        """This view's query string with some values changed, leaving out the defaults (for paging links)."""
        values = {**asdict(self), **changed}
        defaults = asdict(_View())
        return urlencode({k: v for k, v in values.items() if v != defaults[k]})


def _lists(session: Session, actor: Actor, request_list_id: int, custody_list_id: int) -> tuple[List, List, int]:
    """Both lists (the same 404 as for a missing id when either is not visible) and the space to reconcile in."""
    request_list = service.get_visible_or_raise(session=session, actor=actor, list_id=request_list_id)
    custody_list = service.get_visible_or_raise(session=session, actor=actor, list_id=custody_list_id)
    space_id = reconciliation_space(session=session, actor=actor, request=request_list, custody=custody_list)
    return request_list, custody_list, space_id


def _not_found(request: Request, actor: Actor) -> HTMLResponse:
    """The same page for lists that are missing and lists outside the reader's spaces: a 404, never JSON."""
    return render(request, "reconciliation.html", {"actor": actor, "missing": True}, status_code=404)


def _named(
    session: Session, actor: Actor, request_list_id: int, custody_list_id: int
) -> tuple[List, List, ReconciliationResult, list[NamedRow], list[Unrequested]]:
    request_list, custody_list, space_id = _lists(session, actor, request_list_id, custody_list_id)
    result = reconcile(session=session, request=request_list, custody=custody_list, space_id=space_id)
    rows, unrequested = name_rows(session=session, actor=actor, result=result)
    return request_list, custody_list, result, rows, unrequested


def _page(
    request: Request, session: Session, actor: Actor, request_list_id: int, custody_list_id: int, view: _View,
    **extra: object,
) -> HTMLResponse:  # fmt: skip
    """Render the reconciliation page; an error in ``extra`` (a refused release) sets the status code."""
    request_list, custody_list, result, rows, unrequested = _named(session, actor, request_list_id, custody_list_id)
    chosen = select_rows(rows, status=view.status, sort=view.sort)
    error = extra.get("error")
    status = error.http_status if isinstance(error, UnforgottenError) else 200
    context = {
        "actor": actor,
        "request_list": request_list,
        "custody_list": custody_list,
        "result": result,
        "counts": result.counts(),
        "view": view,
        "statuses": STATUSES,
        "sorts": SORTS,
        "rows": page_of(chosen, view.page),
        "unrequested": page_of(unrequested, view.unrequested_page),
        "may_release": actor.operator or actor.is_mediator,
        **extra,
    }
    return render(request, "reconciliation.html", context, status_code=status)


def page_number(text: str) -> int:
    """A page number from a link, leniently: what is not a number is the first page, as a number past the last page
    is the last one (``page_of`` clamps) — an edited or truncated link still shows the reconciliation, never an
    error in JSON."""
    text = text.strip()
    if not (text.isascii() and text.isdigit()):  # "abc", "", "-1", "²"
        return 1
    return int(text) if len(text) <= 12 else 10**12  # runaway digits are past the last page too (int() limits them)


@router.get(
    "/reconciliation/{request_list_id}/{custody_list_id}", response_class=HTMLResponse, name="reconciliation_page"
)
def reconciliation_page(
    request: Request,
    request_list_id: RowId,
    custody_list_id: RowId,
    session: ReadSession,
    actor: PageActor,
    status: str = "",
    sort: str = "list",
    page: str = "1",
    unrequested_page: str = "1",
    done: str = "",
) -> HTMLResponse:
    """Show which requests the other side acknowledges, with the names the reader may see; filter, sort, page."""
    view = _View(status=status, sort=sort, page=page_number(page), unrequested_page=page_number(unrequested_page))
    try:
        try:
            select_rows([], status=status, sort=sort)  # an unknown filter or order: say so on the page, show all
        except InputError as error:
            return _page(request, session, actor, request_list_id, custody_list_id, _View(), error=error)
        return _page(request, session, actor, request_list_id, custody_list_id, view,
                     done=done if done in _DONE else "")  # fmt: skip
    except NotFoundError:
        return _not_found(request, actor)


def _csv_response(content: bytes, file_name: str) -> Response:
    return Response(content, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{file_name}"'})  # fmt: skip


@router.get("/reconciliation/{request_list_id}/{custody_list_id}/requests.csv", name="reconciliation_csv")
def reconciliation_csv_page(
    request: Request,
    request_list_id: RowId,
    custody_list_id: RowId,
    session: ReadSession,
    actor: PageActor,
    status: str = "",
    sort: str = "list",
) -> Response:
    """Download the reconciliation (all rows, or one outcome's) as the CSV `unforgotten reconcile -o` writes."""
    try:
        _, _, _, rows, _ = _named(session, actor, request_list_id, custody_list_id)
    except NotFoundError:
        return _not_found(request, actor)
    chosen = select_rows(rows, status=status, sort=sort)
    record_access(get_database(request), actor=f"web:{actor.name}", action="access.reconciliation_exported",
                  subject_type="lists", subject_id=request_list_id,
                  details={"custody_list": custody_list_id, "rows": len(chosen), "status": status})  # fmt: skip
    suffix = f"-{status}" if status else ""
    return _csv_response(reconciliation_csv(chosen), f"reconciliation-{request_list_id}-{custody_list_id}{suffix}.csv")


@router.get(
    "/reconciliation/{request_list_id}/{custody_list_id}/unrequested.csv", name="reconciliation_unrequested_csv"
)
def reconciliation_unrequested_csv(
    request: Request, request_list_id: RowId, custody_list_id: RowId, session: ReadSession, actor: PageActor
) -> Response:
    """Download the custody entries nobody requested, as CSV."""
    try:
        _, _, _, _, unrequested = _named(session, actor, request_list_id, custody_list_id)
    except NotFoundError:
        return _not_found(request, actor)
    record_access(get_database(request), actor=f"web:{actor.name}", action="access.reconciliation_exported",
                  subject_type="lists", subject_id=request_list_id,
                  details={"custody_list": custody_list_id, "rows": len(unrequested),
                           "part": "unrequested"})  # fmt: skip
    return _csv_response(unrequested_csv(unrequested), f"unrequested-{request_list_id}-{custody_list_id}.csv")


@router.post("/reconciliation/{request_list_id}/{custody_list_id}/release", name="reconciliation_release")
def reconciliation_release(
    request: Request,
    request_list_id: RowId,
    custody_list_id: RowId,
    session: PageSession,
    actor: PageActor,
    reason: str = Form(""),
) -> Response:
    """Release this request list's answers to the side that asked, with a reason (the mediator, from this page)."""
    from unforgotten.releases import service as releases

    try:
        same_origin(request)
        _lists(session, actor, request_list_id, custody_list_id)  # 404 before anything else
        # The service also lets the holding side release; from this page only the mediator does, as the brief of
        # the page is the intermediary's (GC III Art. 122-123).
        require_role(actor, frozenset({Role.MEDIATOR}), Text("release answers from the reconciliation page"))
        text = reason.strip()
        if not text:
            raise InputError(Text("a reason is required"), hint=Text("say why, for the record"))
        with session.begin_nested():
            session.info["reason"] = text[:2000]  # the audit records of this release carry it
            releases.create(session=session, actor=actor, request_list_id=request_list_id,
                            custody_list_id=custody_list_id)  # fmt: skip
    except NotFoundError:
        return _not_found(request, actor)
    except UnforgottenError as error:
        return _page(request, session, actor, request_list_id, custody_list_id, _View(), error=error)
    except StaleDataError as error:
        return _page(request, session, actor, request_list_id, custody_list_id, _View(), error=domain_error(error))
    path = request.app.url_path_for("reconciliation_page", request_list_id=str(request_list_id),
                                    custody_list_id=str(custody_list_id))  # fmt: skip
    return RedirectResponse(f"{path}?{urlencode({'done': 'released'})}", status_code=303)


_SHOWN = 500  # findings on the page; the rest are a command away (`unforgotten findings ID`)

# What a redirect back to the list page may announce (a fixed vocabulary, as above).
_LIST_DONE = frozenset({"shared", "unshared", "withdrawn"})


@dataclass(frozen=True)
class _Share:
    """One party the list is shared with, as the page shows it."""

    party: str
    mediator: bool
    shared_at: dt.datetime
    shared_by: str


def _may_act(actor: Actor, owner: Party) -> bool:
    """Whether the reader gets the forms: the services' own rule (``require_may_submit``) asked, not copied; the
    services ask it again when a form is posted."""
    try:
        service.require_may_submit(actor=actor, party=owner)
    except PermissionDeniedError:
        return False
    return True


def _list_page(request: Request, session: Session, actor: Actor, list_id: int, **extra: object) -> HTMLResponse:
    """Render the list page; a list the reader may not see raises the NotFoundError of a missing id (the app's 404
    page). An error in ``extra`` (a refused form) sets the status code."""
    found = service.get_visible_or_raise(session=session, actor=actor, list_id=list_id)
    parties = {p.id: p for p in auth.get_all(session=session)}
    owner = parties[found.party_id]
    shares = [
        _Share(party=parties[s.party_id].code, mediator=parties[s.party_id].kind == PartyKind.MEDIATOR,
               shared_at=s.shared_at, shared_by=s.shared_by)
        for s in sorted(found.shares, key=lambda s: s.id)
    ]  # fmt: skip
    shared_ids = {s.party_id for s in found.shares}
    may_act = _may_act(actor, owner)
    counts = sorted((found.read_report or {}).get("finding_counts", {}).items())
    findings = service.get_findings(session=session, list_id=list_id, limit=_SHOWN)
    total = sum(n for _, n in counts)
    versions = history.versions_of(session=session, actor=actor, list_id=list_id)
    previous, since = history.since_previous(session=session, versions=versions, current=found)
    error = extra.get("error")
    context = {
        "actor": actor, "lst": found, "party": owner.code, "counts": counts, "findings": findings,
        "shown": len(findings), "total_findings": max(total, len(findings)), "shares": shares, "may_act": may_act,
        "shareable": [(p.code, p.kind == PartyKind.MEDIATOR) for p in parties.values()
                      if p.id != owner.id and p.id not in shared_ids] if may_act else [],
        "versions": versions, "previous": previous, "since": since,
        **extra,
    }  # fmt: skip
    status = error.http_status if isinstance(error, UnforgottenError) else 200
    return render(request, "list.html", context, status_code=status)


@router.get("/lists/{list_id}", response_class=HTMLResponse, name="list_page")
def list_page(request: Request, list_id: int, session: ReadSession, actor: PageActor, done: str = "") -> HTMLResponse:
    """Show a list: where it came from, how its rows were read, every finding (warnings too), and its shares."""
    return _list_page(request, session, actor, list_id, done=done if done in _LIST_DONE else "")


def _list_action(
    request: Request, session: Session, actor: Actor, list_id: int, done: str, act: Callable[[], object]
) -> Response:
    """Run one of the list page's forms (:func:`run_form`): a list the reader may not see is the same 404 as a
    missing one (its page raises it again), a refusal is shown on the page, a 303 back when done."""

    def work() -> str:
        service.get_visible_or_raise(session=session, actor=actor, list_id=list_id)  # not visible: 404, before roles
        act()
        return page_url(request, "list_page", {"done": done}, list_id=list_id)

    return run_form(
        request, session, work=work, failed=lambda error: _list_page(request, session, actor, list_id, error=error)
    )


def _party(code: str) -> str:
    """The party a form names; none chosen is said on the page, not looked up as the party ''."""
    if not code.strip():
        raise InputError(Text("choose a party"), column="party")
    return code.strip()


@router.post("/lists/{list_id}/share", name="list_share")
def list_share(
    request: Request, list_id: RowId, session: PageSession, actor: PageActor, party: str = Form("")
) -> Response:
    """Share the list with a party and link it into that party's space (its own side's coordinator)."""
    from unforgotten.persons import flows  # lazily, as the API: lists sit below persons

    return _list_action(request, session, actor, list_id, "shared",
                        lambda: flows.share_list(session=session, actor=actor, list_id=list_id,
                                                 party_code=_party(party)))  # fmt: skip


@router.post("/lists/{list_id}/unshare", name="list_unshare")
def list_unshare(
    request: Request, list_id: RowId, session: PageSession, actor: PageActor, party: str = Form("")
) -> Response:
    """Withdraw a share: the list's entries leave that party's space from now on."""
    from unforgotten.persons import flows  # lazily, as the API: lists sit below persons

    return _list_action(request, session, actor, list_id, "unshared",
                        lambda: flows.unshare_list(session=session, actor=actor, list_id=list_id,
                                                   party_code=_party(party)))  # fmt: skip


@router.post("/lists/{list_id}/withdraw", name="list_withdraw")
def list_withdraw(
    request: Request, list_id: RowId, session: PageSession, actor: PageActor, reason: str = Form("")
) -> Response:
    """Withdraw the list, with a reason: its entries leave every person; nothing is deleted."""
    from unforgotten.persons import flows  # lazily, as the API: lists sit below persons

    return _list_action(request, session, actor, list_id, "withdrawn",
                        lambda: flows.withdraw_list(session=session, actor=actor, list_id=list_id,
                                                    reason=reason[:2000]))  # fmt: skip


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
