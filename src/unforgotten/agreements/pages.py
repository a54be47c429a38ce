"""HTML pages for agreements: every agreement with its sides' acceptances; one agreement with each category's rule in
words and the assessment of the reader's space; the mediator's upload form and a side's acceptance form.

The forms post to routes that call the same services as the API and the CLI (``agreements.service.load`` and
``accept``, which check roles again); a done action redirects back (303) with a fixed message, a refused one shows
its reason on the page, never a JSON body — as the person page's and the reconciliation page's actions do.

Cost. The assessment evaluates every category rule for every person of the reader's space (``flows.assess``). Above
the dashboard's :data:`~unforgotten.web.dashboard.ASSESS_LIMIT` persons the page does not, and says so; the numbers
stay a command away (``unforgotten assess ID``).
"""

from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlencode

import yaml
from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from unforgotten.agreements import service
from unforgotten.agreements.flows import Assessment, assess
from unforgotten.agreements.models import Agreement
from unforgotten.auth.models import Party, PartyKind, Role
from unforgotten.auth.service import Actor, require_role, working_space
from unforgotten.db import RowId, domain_error
from unforgotten.deps import PageActor, PageSession, ReadSession
from unforgotten.errors import InputError, NotFoundError, PermissionDeniedError, Text, UnforgottenError
from unforgotten.lists.reconciliation import Page, page_of
from unforgotten.persons.models import Person, current_persons
from unforgotten.rules.words import describe
from unforgotten.web.dashboard import ASSESS_LIMIT
from unforgotten.web.forms import same_origin
from unforgotten.web.i18n import translations
from unforgotten.web.templating import render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

# What a redirect back may announce: a fixed vocabulary, so a link cannot make the page say anything else.
_DONE = frozenset({"loaded", "accepted"})
VERDICTS = ("eligible", "not_eligible", "undetermined")
_LOADERS = frozenset({Role.MEDIATOR, Role.ADMIN})  # as agreements.service.load
_MAX_FILE = 1_000_001  # one byte over the service's limit, so the service says the file is too large


@dataclass(frozen=True)
class SideAcceptance:
    """One side and whether (by whom, when) it accepted the agreement."""

    code: str
    accepted_by: str | None
    accepted_at: dt.datetime | None


@dataclass(frozen=True)
class _View:
    """The filter and page an agreement page was asked with, checked."""

    category: str = ""
    verdict: str = ""
    page: int = 1

    def query(self, **changed: object) -> str:
        """This view's query string with some values changed, leaving out the defaults (for paging links)."""
        values = {**asdict(self), **changed}
        defaults = asdict(_View())
        return urlencode({k: v for k, v in values.items() if v != defaults[k]})


def _sides(session: Session, agreement: Agreement) -> list[SideAcceptance]:
    """Every side, with its acceptance of ``agreement`` if it gave one."""
    accepted = {a.party_id: a for a in agreement.acceptances}
    sides = session.execute(select(Party.id, Party.code).where(Party.kind == PartyKind.SIDE).order_by(Party.code))
    out = []
    for party_id, code in sides:
        acceptance = accepted.get(party_id)
        out.append(SideAcceptance(code=str(code), accepted_by=acceptance.accepted_by if acceptance else None,
                                  accepted_at=acceptance.accepted_at if acceptance else None))  # fmt: skip
    return out


def _may_load(actor: Actor) -> bool:
    return actor.operator or actor.role in _LOADERS


def _acceptable_by(actor: Actor, sides: list[SideAcceptance]) -> list[str]:
    """The sides the reader may accept for, of those that have not yet: its own (a coordinator), any (the local
    operator, who names it); nobody else sees the form — the service refuses them anyway."""
    waiting = [s.code for s in sides if s.accepted_by is None]
    if actor.operator:
        return waiting
    if actor.role == Role.PARTY_COORDINATOR and actor.party_code in waiting:
        return [str(actor.party_code)]
    return []


def _rule_words(rule: dict[str, object], language: str) -> str:
    return describe(rule, translations(language).gettext)


def _rule_source(rule: dict[str, object]) -> str:
    """The rule as the agreement file writes it (YAML), for checking the words against."""
    return yaml.safe_dump(rule, allow_unicode=True, sort_keys=False, default_flow_style=None).strip()


def _list_page(request: Request, session: Session, actor: Actor, **extra: object) -> HTMLResponse:
    everything = service.get_all(session=session)
    rows = [(a, _sides(session, a), service.in_force(session=session, agreement=a)) for a in everything]
    error = extra.get("error")
    status = error.http_status if isinstance(error, UnforgottenError) else 200
    context = {"actor": actor, "rows": rows, "may_load": _may_load(actor), **extra}
    return render(request, "agreements.html", context, status_code=status)


@router.get("/agreements", response_class=HTMLResponse, name="agreements_page")
def agreements_page(request: Request, session: ReadSession, actor: PageActor, done: str = "") -> HTMLResponse:
    """Show every agreement, which sides accepted it and whether it is in force; the mediator may load one."""
    return _list_page(request, session, actor, done=done if done in _DONE else "")


@dataclass(frozen=True)
class NamedAssessment:
    """One person's verdict in one category, with the person's name."""

    row: Assessment
    name: str


@dataclass(frozen=True)
class _Assessed:
    """The assessment of the reader's space, as the page shows it."""

    space: str
    counts: dict[str, dict[str, int]]
    rows: Page[NamedAssessment]


def _assessment(session: Session, actor: Actor, agreement: Agreement, view: _View) -> tuple[_Assessed | None, str, int]:
    """The assessment of the reader's space, or why there is none ("no_space", "too_large") and the persons."""
    from unforgotten.persons import service as persons

    try:
        space_id = working_space(session=session, actor=actor)
    except (PermissionDeniedError, NotFoundError):
        return None, "no_space", 0
    size = int(session.scalar(select(func.count()).where(Person.space_id == space_id, current_persons())) or 0)
    if size > ASSESS_LIMIT:
        return None, "too_large", size
    report = assess(session=session, agreement=agreement, space_id=space_id)
    counts = {c.name: dict.fromkeys(VERDICTS, 0) for c in agreement.categories}
    for category, by_verdict in report.counts().items():
        counts[category].update(by_verdict)
    chosen: list[Assessment] = [
        r
        for r in report.rows
        if (not view.category or r.category == view.category) and (not view.verdict or r.verdict == view.verdict)
    ]
    page = page_of(chosen, view.page)
    # only the page's persons are named: the persons assessed are the reader's space's, so theirs to see
    names = persons.display_names(session=session, actor=actor, person_ids={r.person_id for r in page.items})
    named = [NamedAssessment(r, names.get(r.person_id, "")) for r in page.items]
    shown = Page(items=named, number=page.number, pages=page.pages, total=page.total, first=page.first,
                 last=page.last)  # fmt: skip
    code = session.scalar(select(Party.code).where(Party.id == space_id)) or ""
    return _Assessed(space=str(code), counts=counts, rows=shown), "", size


def _agreement_page(
    request: Request, session: Session, actor: Actor, agreement_id: int, view: _View, **extra: object
) -> HTMLResponse:
    """Render one agreement, or the same 404 page for an id that does not exist."""
    try:
        agreement = service.get_or_raise(session=session, agreement_id=agreement_id)
    except NotFoundError:
        return render(request, "agreement.html", {"actor": actor, "missing": agreement_id}, status_code=404)
    names = [c.name for c in agreement.categories]
    if view.category not in ("", *names) or view.verdict not in ("", *VERDICTS):
        extra.setdefault(
            "error",
            InputError(
                Text("no such category or verdict"),
                value=f"{view.category} {view.verdict}",
                hint=Text("choose them from the lists"),
            ),
        )
        view = _View()
    sides = _sides(session, agreement)
    assessed, why_not, persons = _assessment(session, actor, agreement, view)
    error = extra.get("error")
    status = error.http_status if isinstance(error, UnforgottenError) else 200
    context = {
        "actor": actor, "agreement": agreement, "sides": sides,
        "in_force": service.in_force(session=session, agreement=agreement),
        "accept_for": _acceptable_by(actor, sides), "rule_words": _rule_words, "rule_source": _rule_source,
        "assessed": assessed, "why_not": why_not, "persons": persons, "limit": ASSESS_LIMIT,
        "view": view, "verdicts": VERDICTS, **extra,
    }  # fmt: skip
    return render(request, "agreement.html", context, status_code=status)


@router.get("/agreements/{agreement_id}", response_class=HTMLResponse, name="agreement_page")
def agreement_page(
    request: Request,
    agreement_id: RowId,
    session: ReadSession,
    actor: PageActor,
    category: str = "",
    verdict: str = "",
    page: int = 1,
    done: str = "",
) -> HTMLResponse:
    """Show one agreement: its categories and their rules in words, who accepted it, and the reader's assessment."""
    view = _View(category=category, verdict=verdict, page=page)
    return _agreement_page(request, session, actor, agreement_id, view, done=done if done in _DONE else "")


@router.post("/agreements", name="agreement_load")
def agreement_load(
    request: Request, session: PageSession, actor: PageActor, file: UploadFile | None = File(None)
) -> Response:
    """Load an agreement from its YAML file (the mediator or an admin), as `unforgotten agreement load` does."""
    try:
        same_origin(request)
        require_role(actor, _LOADERS, Text("load agreements"))  # before reading anything a side sent
        content = file.file.read(_MAX_FILE) if file is not None else b""
        if not content.strip():
            raise InputError(Text("choose the agreement's YAML file"), hint=Text("the format of examples/agreements/"))
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise InputError(
                Text("the agreement file is not UTF-8 text"), hint=Text("save it as UTF-8 YAML")
            ) from error
        with tempfile.TemporaryDirectory() as tmp, session.begin_nested():
            path = Path(tmp) / "agreement.yaml"
            path.write_text(text, encoding="utf-8")
            agreement = service.load(session=session, actor=actor, path=path)
    except UnforgottenError as error:
        return _list_page(request, session, actor, error=error)
    except StaleDataError as error:
        return _list_page(request, session, actor, error=domain_error(error))
    path_to = request.app.url_path_for("agreement_page", agreement_id=str(agreement.id))
    return RedirectResponse(f"{path_to}?{urlencode({'done': 'loaded'})}", status_code=303)


@router.post("/agreements/{agreement_id}/accept", name="agreement_accept")
def agreement_accept(
    request: Request, agreement_id: RowId, session: PageSession, actor: PageActor, party: str = Form("")
) -> Response:
    """Accept the agreement for the reader's side (a coordinator; the local operator names the side)."""
    try:
        same_origin(request)
        service.get_or_raise(session=session, agreement_id=agreement_id)
    except NotFoundError:
        return _agreement_page(request, session, actor, agreement_id, _View())
    except UnforgottenError as error:
        return _agreement_page(request, session, actor, agreement_id, _View(), error=error)
    try:
        with session.begin_nested():
            service.accept(session=session, actor=actor, agreement_id=agreement_id,
                           party_code=party.strip() or None if actor.operator else None)  # fmt: skip
    except UnforgottenError as error:
        return _agreement_page(request, session, actor, agreement_id, _View(), error=error)
    except StaleDataError as error:
        return _agreement_page(request, session, actor, agreement_id, _View(), error=domain_error(error))
    path = request.app.url_path_for("agreement_page", agreement_id=str(agreement_id))
    return RedirectResponse(f"{path}?{urlencode({'done': 'accepted'})}", status_code=303)
