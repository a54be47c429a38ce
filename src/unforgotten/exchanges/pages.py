"""HTML pages for exchanges carried out: the plans a reader is party to, one plan with its stages, the persons left
out and why, its approvals and the approve form; the act of a closed stage with its signatures checked; the remains
batches of an N-for-N agreement with running totals against the quota.

Thin, as the agreements pages are: what a reader may see is what the exchanges services give that reader (a side
gets counts per stage, the mediator also the persons and reasons), and the forms post to routes that call the same
services as the API and the CLI (``service.approve``, ``remains.create_batch``), which check roles again. A done
action redirects back (303) with a fixed word; a refused one shows its reason on the page. A plan or stage the reader
is not party to is the same 404 page as one that does not exist.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from unforgotten.agreements import service as agreements
from unforgotten.agreements.models import ExchangeFormat
from unforgotten.auth.models import Role
from unforgotten.auth.service import Actor
from unforgotten.db import RowId
from unforgotten.deps import PageActor, PageSession, ReadSession
from unforgotten.errors import InputError, NotFoundError, Text, UnforgottenError
from unforgotten.exchanges import acts, handover, remains
from unforgotten.exchanges import service as plans
from unforgotten.web.charts import running_lines, stacked_bars
from unforgotten.web.forms import page_url, run_form
from unforgotten.web.templating import render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

# What a redirect back may announce: a fixed vocabulary, so a link cannot make the page say anything else.
_DONE = frozenset({"approved", "added", "identified"})
_APPROVERS = frozenset({Role.PARTY_COORDINATOR, Role.MEDIATOR})  # as service.approve
_BATCH_RECORDERS = frozenset({Role.MEDIATOR, Role.PARTY_COORDINATOR, Role.OFFICER})  # as remains.create_batch


def _status(extra: dict[str, object]) -> int:
    error = extra.get("error")
    return error.http_status if isinstance(error, UnforgottenError) else 200


def _titles(session: Session) -> dict[int, str]:
    return {a.id: a.title for a in agreements.get_all(session=session)}


def _remains_agreements(session: Session) -> list[tuple[int, str]]:
    """The agreements with an N-for-N category: those whose remains page has something to count."""
    return [(a.id, a.title) for a in agreements.get_all(session=session)
            if any(c.format == ExchangeFormat.N_FOR_N for c in a.categories)]  # fmt: skip


@router.get("/plans", response_class=HTMLResponse, name="plans_page")
def plans_page(request: Request, session: ReadSession, actor: PageActor) -> HTMLResponse:
    """Show the stage plans the reader is party to: agreement, version, state, approvals per party, stages."""
    titles = _titles(session)
    views = [
        plans.view(session=session, actor=actor, plan_id=p.id) for p in plans.get_all(session=session, actor=actor)
    ]
    context = {"actor": actor, "views": views, "titles": titles, "remains": _remains_agreements(session)}
    return render(request, "plans.html", context)


def _approvable_for(actor: Actor, view: dict[str, Any]) -> list[str]:
    """The parties the reader may approve this plan for now: its own (a coordinator of a side to it, or the plan's
    mediator), any still waiting (the local operator, who names it); nobody else sees the form."""
    if view["state"] != "draft":
        return []
    waiting = [p for p in (*view["sides"], view["mediator"]) if p and p not in view["approvals"]]
    if actor.operator:
        return waiting
    if actor.role in _APPROVERS and actor.party_code in waiting:
        return [str(actor.party_code)]
    return []


@dataclass(frozen=True)
class LeftOut:
    """A person the plan leaves out, as the mediator sees them: name, holding side, category and the reason."""

    person_id: int
    name: str
    held_by: str
    category: str
    reason: str


def _left_out(session: Session, actor: Actor, plan: Any, view: dict[str, Any]) -> list[LeftOut] | None:
    """The persons left out, with the solver's reason each — only when the service shows the reader persons."""
    from unforgotten.persons import service as persons

    unassigned: dict[str, str] | None = view.get("unassigned")
    if unassigned is None:
        return None
    facts = {str(p["id"]): p for p in plan.persons}
    names = persons.display_names(session=session, actor=actor, person_ids={int(pid) for pid in unassigned})
    out = []
    for pid, reason in sorted(unassigned.items(), key=lambda item: int(item[0])):
        fact = facts.get(pid, {})
        out.append(LeftOut(person_id=int(pid), name=names.get(int(pid), ""), held_by=str(fact.get("held_by", "")),
                           category=str(fact.get("category", "")), reason=reason))  # fmt: skip
    return out


def _diff(session: Session, actor: Actor, view: dict[str, Any]) -> tuple[dict[str, Any] | None, dict[int, str]]:
    """The change from the previous version the reader can see, with the names of moved persons (mediator)."""
    from unforgotten.persons import service as persons

    if view["version"] <= 1:
        return None, {}
    try:
        changes = plans.diff(session=session, actor=actor, plan_id=view["id"])
    except NotFoundError:  # the earlier versions were not the reader's to see
        return None, {}
    moved = changes.get("moved") or {}
    names = persons.display_names(session=session, actor=actor, person_ids={int(pid) for pid in moved})
    return changes, names


def _plan_page(request: Request, session: Session, actor: Actor, plan_id: int, **extra: object) -> HTMLResponse:
    """Render one plan, or the same 404 page for an id that does not exist and one the reader is not party to."""
    try:
        view = plans.view(session=session, actor=actor, plan_id=plan_id)
    except NotFoundError:
        return render(request, "plan.html", {"actor": actor, "missing": plan_id}, status_code=404)
    plan = plans.get_visible_or_raise(session=session, actor=actor, plan_id=plan_id)
    stages = view["stages"]
    chart = stacked_bars([(f"{s['code']} · {s['date']}", s["counts"]) for s in stages], keys=view["sides"],
                         label_width=150, bar_height=18, gap=8)  # fmt: skip
    changes, moved_names = _diff(session, actor, view)
    context = {
        "actor": actor, "plan": view, "title": _titles(session).get(view["agreement_id"], ""), "chart": chart,
        "approvals": {a["party"]: a for a in plans.approval_rows(session=session, plan=plan)},
        "approve_for": _approvable_for(actor, view),
        "left_out": _left_out(session, actor, plan, view), "diff": changes, "moved_names": moved_names, **extra,
    }  # fmt: skip
    return render(request, "plan.html", context, status_code=_status(extra))


@router.get("/plans/{plan_id}", response_class=HTMLResponse, name="plan_page")
def plan_page(request: Request, plan_id: RowId, session: ReadSession, actor: PageActor, done: str = "") -> HTMLResponse:
    """Show one plan: stages with counts per side, who is left out and why, approvals, the change from before."""
    return _plan_page(request, session, actor, plan_id, done=done if done in _DONE else "")


@router.post("/plans/{plan_id}/approve", name="plan_approve")
def plan_approve(
    request: Request, plan_id: RowId, session: PageSession, actor: PageActor, party: str = Form("")
) -> Response:
    """Approve the plan for the reader's party (a side's coordinator, the mediator; the local operator names it)."""

    def work() -> str:
        plans.get_visible_or_raise(session=session, actor=actor, plan_id=plan_id)  # 404 before anything
        plans.approve(session=session, actor=actor, plan_id=plan_id,
                      party_code=(party.strip() or None) if actor.operator else None)  # fmt: skip
        return page_url(request, "plan_page", {"done": "approved"}, plan_id=plan_id)

    return run_form(
        request, session, work=work, failed=lambda error: _plan_page(request, session, actor, plan_id, error=error)
    )


@dataclass(frozen=True)
class SignatureCheck:
    """One signature of an act as the page shows it: who signed, with which key, and whether it verifies."""

    signer: str
    role: str
    party: str
    fingerprint: str
    verifies: bool


def _signature_checks(document: dict[str, Any]) -> list[SignatureCheck]:
    """Each signature verified alone over the payload's recomputed hash (``acts.verify_act`` with that one
    signature: its own ``verified`` list says whether it holds, whatever the others are)."""
    out = []
    for signature in document.get("signatures", []):
        alone = acts.verify_act({"payload": document["payload"], "sha256": document["sha256"],
                                 "signatures": [signature]})  # fmt: skip
        try:
            key_print = acts.fingerprint(str(signature.get("public_key", "")))
        except ValueError:
            key_print = ""
        out.append(SignatureCheck(signer=str(signature.get("signer", "")), role=str(signature.get("role", "")),
                                  party=str(signature.get("party", "")), fingerprint=key_print,
                                  verifies=bool(alone.verified)))  # fmt: skip
    return out


def _act_page(request: Request, session: Session, actor: Actor, stage_id: int, **extra: object) -> HTMLResponse:
    try:
        document = handover.export(session=session, actor=actor, stage_id=stage_id)
    except NotFoundError:
        return render(request, "act.html", {"actor": actor, "missing": stage_id}, status_code=404)
    except UnforgottenError as error:  # the stage is still open: no act yet
        stage, plan = plans.get_stage_visible_or_raise(session=session, actor=actor, stage_id=stage_id)
        context = {"actor": actor, "stage": stage, "plan_id": plan.id, "error": error}
        return render(request, "act.html", context, status_code=error.http_status)
    verification = acts.verify_act(document)
    context = {"actor": actor, "act": document, "payload": document["payload"], "verification": verification,
               "signatures": _signature_checks(document), "stage_id": stage_id, **extra}  # fmt: skip
    return render(request, "act.html", context, status_code=_status(extra))


@router.get("/stages/{stage_id}/act", response_class=HTMLResponse, name="act_page")
def act_page(request: Request, stage_id: RowId, session: ReadSession, actor: PageActor) -> HTMLResponse:
    """Show the act of a closed stage: what it records, its hash, and each signature checked."""
    return _act_page(request, session, actor, stage_id)


@router.get("/stages/{stage_id}/act.json", name="act_download")
def act_download(request: Request, stage_id: RowId, session: ReadSession, actor: PageActor) -> Response:
    """Download the act as ``act export`` writes it, for ``act verify`` (the API's bearer route is for scripts)."""
    try:
        document = handover.export(session=session, actor=actor, stage_id=stage_id)
    except UnforgottenError:
        return _act_page(request, session, actor, stage_id)
    body = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    headers = {"Content-Disposition": f'attachment; filename="act-stage-{stage_id}.json"'}
    return Response(body, media_type="application/json", headers=headers)


def _batch_sides(actor: Actor, sides: list[str]) -> list[str]:
    """The sides the reader may record a remains batch for: any (the mediator, the local operator), its own (a
    side's coordinator or officer); nobody else sees the form — the service refuses them anyway."""
    if actor.operator or actor.role == Role.MEDIATOR:
        return sides
    if actor.role in _BATCH_RECORDERS and actor.party_code in sides:
        return [str(actor.party_code)]
    return []


def _remains_page(request: Request, session: Session, actor: Actor, agreement_id: int, **extra: object) -> HTMLResponse:
    """Render the remains of one agreement, or the 404 page; a reader the service refuses sees why."""
    try:
        agreement = agreements.get_or_raise(session=session, agreement_id=agreement_id)
    except NotFoundError:
        return render(request, "remains.html", {"actor": actor, "missing": agreement_id}, status_code=404)
    try:
        totals = remains.totals(session=session, actor=actor, agreement_id=agreement_id)
    except UnforgottenError as error:
        context = {"actor": actor, "agreement": agreement, "refused": error}
        return render(request, "remains.html", context, status_code=error.http_status)
    series = {side: [(dt.date.fromisoformat(b["date"]), int(b["count"])) for b in data["batches"]]
              for side, data in totals["sides"].items()}  # fmt: skip
    counted = any(c.format == ExchangeFormat.N_FOR_N for c in agreement.categories)
    context = {
        "actor": actor, "agreement": agreement, "totals": totals,
        "chart": running_lines(series, target=totals["quota"]),
        "record_for": _batch_sides(actor, list(totals["sides"])) if counted else [], "counted": counted,
        "identifies": actor.operator or actor.role == Role.MEDIATOR,
        "today": dt.date.today().isoformat(), **extra,
    }  # fmt: skip
    return render(request, "remains.html", context, status_code=_status(extra))


@router.get("/remains/{agreement_id}", response_class=HTMLResponse, name="remains_page")
def remains_page(
    request: Request, agreement_id: RowId, session: ReadSession, actor: PageActor, done: str = ""
) -> HTMLResponse:
    """Show the remains batches per side, running totals against the quota, the imbalance and their chart."""
    return _remains_page(request, session, actor, agreement_id, done=done if done in _DONE else "")


def _references(text: str) -> list[str]:
    """The references typed in the form: one a line, or separated by commas or semicolons."""
    return [part.strip() for part in re.split(r"[,;\n]", text) if part.strip()]


def _remains_form(request: Request, session: Session, actor: Actor, agreement_id: int, done: str,
                  act: Callable[[], object], **typed: dict[str, str]) -> Response:  # fmt: skip
    """Run one remains form: the agreement's 404 before anything, then ``act``; a refusal shows the page with what
    the reader typed (``form`` or ``id_form``, the form it belongs to)."""

    def work() -> str:
        agreements.get_or_raise(session=session, agreement_id=agreement_id)
        act()
        return page_url(request, "remains_page", {"done": done}, agreement_id=agreement_id)

    def failed(error: UnforgottenError) -> Response:
        return _remains_page(request, session, actor, agreement_id, error=error, **typed)

    return run_form(request, session, work=work, failed=failed)


@router.post("/remains/{agreement_id}", name="remains_add")
def remains_add(
    request: Request,
    agreement_id: RowId,
    session: PageSession,
    actor: PageActor,
    party: str = Form(""),
    date: str = Form(""),
    refs: str = Form(""),
) -> Response:
    """Record a batch of remains handed over by one side (its coordinator or officer, or the mediator)."""

    def act() -> object:
        try:
            day = dt.date.fromisoformat(date.strip())
        except ValueError as error:
            raise InputError(Text("the batch's date is not a date"), value=date, hint=Text("YYYY-MM-DD")) from error
        side = party.strip() or str(actor.party_code or "")
        if not side:
            raise InputError(Text("choose the side that handed the remains over"), hint=Text("a side's code, e.g. UA"))
        return remains.create_batch(session=session, actor=actor, agreement_id=agreement_id, party_code=side,
                                    date=day, refs=_references(refs))  # fmt: skip

    form = {"party": party, "date": date, "refs": refs}
    return _remains_form(request, session, actor, agreement_id, "added", act, form=form)


@router.post("/remains/{agreement_id}/identify", name="remains_identify")
def remains_identify(
    request: Request,
    agreement_id: RowId,
    session: PageSession,
    actor: PageActor,
    ref: str = Form(""),
    person_id: str = Form(""),
    reason: str = Form(""),
) -> Response:
    """Link a body of a batch, by its reference, to the person it was identified as (the mediator)."""

    def act() -> object:
        if not person_id.strip().isdigit():
            raise InputError(Text("the person is given by its id"), column="person", value=person_id,
                             hint=Text("the number in the person's address, /persons/ID"))  # fmt: skip
        return remains.identify(session=session, actor=actor, agreement_id=agreement_id, ref=ref,
                                person_id=int(person_id.strip()), reason=reason)  # fmt: skip

    form = {"ref": ref, "person_id": person_id, "reason": reason}
    return _remains_form(request, session, actor, agreement_id, "identified", act, id_form=form)
