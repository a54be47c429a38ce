"""Persons who arrive at a stage's crossing but are not on its manifest — each a discrepancy of the stage.

The mediator or a side's officer records what was said (names in any script, a date of birth if known, the side
they came from, a note). The mediator's space — every list shared with it — is searched for who it may be, and
each candidate comes with the linkage model's probability and per-field explanation
(:func:`unforgotten.persons.candidates.for_record`); they are kept with the record, so the choice made from them
stays explainable. The mediator then resolves it: one of the candidates, or none (saying what was done). An open
one keeps the stage from closing (:func:`unforgotten.exchanges.handover.close`), and every one is in the act.

Who sees what: the candidates are the mediator's persons, drawn from both sides' lists shared with it only, so a
side's officer sees that the arrival was recorded and whether it is resolved — not the candidates, nor whom the
mediator chose (what a side learns of the other's data comes as a release).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from unforgotten.auth.models import Role
from unforgotten.auth.service import Actor
from unforgotten.errors import ConflictError, InputError, NotFoundError, PermissionDeniedError, Text
from unforgotten.exchanges import service as plans
from unforgotten.exchanges.models import Plan, Stage, StageState, Unexpected, UnexpectedState

__all__ = ["get_all", "get_visible_or_raise", "open_for_stage", "payload", "record", "resolve", "sees_candidates",
           "view"]  # fmt: skip

_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_RECORDERS = frozenset({Role.MEDIATOR, Role.OFFICER, Role.PARTY_COORDINATOR})
MAX_NAMES = 300


def sees_candidates(actor: Actor) -> bool:
    """Only the mediator (and the local operator) sees its space's persons offered as candidates."""
    return actor.operator or actor.role == Role.MEDIATOR


def _may_record(actor: Actor, plan: Plan) -> None:
    if actor.operator or actor.role == Role.MEDIATOR:
        return
    if actor.role not in _RECORDERS or actor.party_id not in (plan.side_a_id, plan.side_b_id):
        raise PermissionDeniedError(Text("{actor} may not record an unexpected person", actor=actor.label),
                                    hint=Text("the mediator or an officer of either side records it"))  # fmt: skip


def _checked_date(value: str | None) -> str | None:
    text = (value or "").strip()
    if not text:
        return None
    if not _DATE.match(text):
        raise InputError(Text("a date of birth is YYYY-MM-DD, YYYY-MM or YYYY"), column="date_of_birth", value=text)
    try:
        dt.date.fromisoformat(text if len(text) == 10 else (text + "-01-01")[:10])
    except ValueError as error:
        raise InputError(Text("not a calendar date"), column="date_of_birth", value=text) from error
    return text


def _side_id(session: Session, plan: Plan, code: str | None) -> int | None:
    text = (code or "").strip().upper()
    if not text:
        return None
    codes = plans.party_codes(session)
    sides = {codes[plan.side_a_id]: plan.side_a_id, codes[plan.side_b_id]: plan.side_b_id}
    if text not in sides:
        raise InputError(
            Text("they came from one of the stage's sides"),
            column="from",
            value=text,
            hint=Text("one of {sides}, or leave it out if not known", sides=", ".join(sorted(sides))),
        )
    return sides[text]


def _open_stage(stage: Stage) -> None:
    if stage.state != StageState.OPEN:
        raise ConflictError(
            Text(
                "stage {stage_id} is {state}: arrivals are recorded while it is open",
                stage_id=stage.id,
                state=stage.state,
            )
        )


def record(
    *,
    session: Session,
    actor: Actor,
    stage_id: int,
    names: str,
    date_of_birth: str | None = None,
    from_side: str | None = None,
    note: str | None = None,
) -> Unexpected:
    """Record a person who arrived but is not on the stage's manifest, with the candidates of the mediator's space."""
    from unforgotten.persons.candidates import for_record

    stage, plan = plans.get_stage_visible_or_raise(session=session, actor=actor, stage_id=stage_id)
    _may_record(actor, plan)
    _open_stage(stage)
    said = " ".join((names or "").split())
    if not said:
        raise InputError(Text("write the names the person gave"), column="names", hint=Text("in any script, as said"))
    if len(said) > MAX_NAMES:
        raise InputError(Text("names are at most {most} characters", most=MAX_NAMES), column="names")
    born = _checked_date(date_of_birth)
    from_id = _side_id(session, plan, from_side)
    mediator = plans.mediator_actor(session, plan, actor.name)
    found = for_record(session=session, actor=mediator, names=said, date_of_birth=born)
    arrival = Unexpected(stage_id=stage.id, names=said, date_of_birth=born, from_party_id=from_id,
                         note=(note or "").strip() or None, candidates=[c.as_dict() for c in found],
                         state=UnexpectedState.OPEN, recorded_by=actor.name)  # fmt: skip
    session.add(arrival)
    session.flush()
    return arrival


def get_visible_or_raise(*, session: Session, actor: Actor, unexpected_id: int) -> tuple[Unexpected, Stage, Plan]:
    """An unexpected arrival at a stage the actor is party to, with its stage and plan; else 404."""
    arrival = session.get(Unexpected, unexpected_id)
    if arrival is None:
        raise NotFoundError(Text("no unexpected arrival with id {unexpected_id}", unexpected_id=unexpected_id))
    try:
        stage, plan = plans.get_stage_visible_or_raise(session=session, actor=actor, stage_id=arrival.stage_id)
    except NotFoundError:
        raise NotFoundError(
            Text("no unexpected arrival with id {unexpected_id}", unexpected_id=unexpected_id)
        ) from None
    return arrival, stage, plan


def resolve(
    *, session: Session, actor: Actor, unexpected_id: int, person_id: int | None, note: str | None = None
) -> Unexpected:
    """Say who an unexpected arrival is — one of its candidates — or that it is none of them (with a note)."""
    arrival, stage, _plan = get_visible_or_raise(session=session, actor=actor, unexpected_id=unexpected_id)
    if not sees_candidates(actor):
        raise PermissionDeniedError(Text("{actor} may not resolve an unexpected arrival", actor=actor.label),
                                    hint=Text("the mediator resolves it"))  # fmt: skip
    _open_stage(stage)
    text = (note or "").strip() or None
    if person_id is None and text is None:
        raise InputError(Text("say what was done when the person is none of the candidates"), column="note",
                         hint=Text("e.g. referred to tracing; returned to the sending side"))  # fmt: skip
    offered = {int(c["person_id"]) for c in arrival.candidates}
    if person_id is not None and person_id not in offered:
        choices = ", ".join(map(str, sorted(offered))) or "none"
        raise InputError(
            Text(
                "person {person_id} is not a candidate of unexpected arrival {arrival_id}",
                person_id=person_id,
                arrival_id=arrival.id,
            ),
            column="person_id",
            hint=Text("choose one of: {choices}", choices=choices),
        )
    if arrival.state == UnexpectedState.RESOLVED:
        if arrival.person_id == person_id and arrival.resolution == text:
            return arrival
        raise ConflictError(
            Text(
                "unexpected arrival {arrival_id} is already resolved by {resolved_by}",
                arrival_id=arrival.id,
                resolved_by=arrival.resolved_by,
            ),
            hint=Text("a resolution is not overwritten"),
        )
    arrival.person_id, arrival.resolution = person_id, text
    arrival.state, arrival.resolved_by, arrival.resolved_at = (
        UnexpectedState.RESOLVED,
        actor.name,
        dt.datetime.now(dt.UTC),
    )
    session.flush()
    return arrival


def get_all(*, session: Session, actor: Actor, stage_id: int) -> Sequence[Unexpected]:
    """The unexpected arrivals of a stage the actor is party to, in the order they were recorded."""
    stage, _plan = plans.get_stage_visible_or_raise(session=session, actor=actor, stage_id=stage_id)
    return session.scalars(select(Unexpected).where(Unexpected.stage_id == stage.id).order_by(Unexpected.id)).all()


def open_for_stage(session: Session, stage_id: int) -> Sequence[Unexpected]:
    """The stage's arrivals the mediator has not resolved yet (for the stage's close, which checks access)."""
    return session.scalars(
        select(Unexpected)
        .where(Unexpected.stage_id == stage_id, Unexpected.state == UnexpectedState.OPEN)
        .order_by(Unexpected.id)
    ).all()


def view(*, session: Session, actor: Actor, arrival: Unexpected) -> dict[str, Any]:
    """An arrival as the actor may see it: the candidates and the chosen person for the mediator only."""
    codes = plans.party_codes(session)
    out: dict[str, Any] = {
        "id": arrival.id, "stage_id": arrival.stage_id, "names": arrival.names,
        "date_of_birth": arrival.date_of_birth,
        "from": codes.get(arrival.from_party_id) if arrival.from_party_id is not None else None,
        "note": arrival.note, "state": arrival.state, "recorded_by": arrival.recorded_by,
        "recorded_at": arrival.recorded_at.isoformat(), "resolved_by": arrival.resolved_by,
    }  # fmt: skip
    if sees_candidates(actor):
        out["candidates"] = arrival.candidates
        out["person_id"] = arrival.person_id
        out["resolution"] = arrival.resolution
    return out


def payload(session: Session, stage: Stage, mediator_code: str) -> list[dict[str, Any]]:
    """The stage's arrivals as the act records them (a discrepancy each), in the order they were recorded."""
    codes = plans.party_codes(session)
    arrivals = session.scalars(select(Unexpected).where(Unexpected.stage_id == stage.id).order_by(Unexpected.id))
    out = []
    for arrival in arrivals:
        chosen = next((c["name"] for c in arrival.candidates if c["person_id"] == arrival.person_id), None)
        out.append({
            "kind": "unexpected_person", "id": arrival.id, "names": arrival.names,
            "date_of_birth": arrival.date_of_birth,
            "from": codes.get(arrival.from_party_id) if arrival.from_party_id is not None else None,
            "note": arrival.note, "recorded_by": arrival.recorded_by, "state": arrival.state,
            "person": f"{mediator_code}:{arrival.person_id}" if arrival.person_id is not None else None,
            "person_name": chosen,
            "resolution": arrival.resolution, "resolved_by": arrival.resolved_by,
        })  # fmt: skip
    return out
