"""The handover at the crossing: each party records its own half of each manifest line; closing a stage freezes
a canonical act, which a sending-side officer, a receiving-side officer and the mediator then sign.

A line's outcome follows from its halves: *exchanged* when it was handed over, received and observed; *not
delivered* when the sending side says so (with a reason), the receiving side confirms it and the mediator observed;
*declined* when the mediator records that the person declined at the crossing. Halves that contradict each other
are a *discrepancy*, which keeps the stage open (invariant 4); so does a person who arrived but is not on the
manifest until the mediator resolves it (:mod:`unforgotten.exchanges.unexpected`), and the act lists every such
arrival under ``discrepancies``.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from unforgotten.audit.recorder import record
from unforgotten.auth.models import Role
from unforgotten.auth.service import Actor
from unforgotten.errors import ConflictError, InputError, PermissionDeniedError, Text
from unforgotten.exchanges import acts, unexpected
from unforgotten.exchanges import service as plans
from unforgotten.exchanges.models import Act, ActSignature, HandoverLine, LineOutcome, SigningKey, Stage, StageState
from unforgotten.lists.models import Entry
from unforgotten.persons.models import Match, MatchState, Person

__all__ = ["ACTIONS", "LineFacts", "close", "counts_by_outcome", "export", "get_lines", "line_facts", "record_line",
           "recordable", "sign"]  # fmt: skip

# action → (the half it fills, the value written)
ACTIONS: dict[str, tuple[str, str]] = {
    "handed_over": ("sent", "handed_over"), "not_delivered": ("sent", "not_delivered"),
    "received": ("received", "received"), "not_received": ("received", "not_received"),
    "observed": ("observed", "observed"), "declined": ("observed", "declined"),
}  # fmt: skip
_BY = {"sent": "sent_by", "received": "received_by", "observed": "observed_by"}


def get_lines(*, session: Session, actor: Actor, stage_id: int) -> tuple[Stage, Sequence[HandoverLine]]:
    """The manifest lines of a stage the actor is party to."""
    stage, _plan = plans.get_stage_visible_or_raise(session=session, actor=actor, stage_id=stage_id)
    lines = session.scalars(select(HandoverLine).where(HandoverLine.stage_id == stage.id).order_by(HandoverLine.id))
    return stage, lines.all()


def _outcome(line: HandoverLine) -> str | None:
    if line.observed == "declined":
        return LineOutcome.DECLINED
    if line.sent is None or line.received is None:
        return None
    if (line.sent == "handed_over") != (line.received == "received"):
        return LineOutcome.DISCREPANCY
    if line.observed is None:
        return None
    return LineOutcome.EXCHANGED if line.sent == "handed_over" else LineOutcome.NOT_DELIVERED


def _may_record(actor: Actor, half: str, line: HandoverLine) -> None:
    if actor.operator:
        return
    if half == "observed":
        if actor.role != Role.MEDIATOR:
            raise PermissionDeniedError(Text("{actor} may not record the mediator's observation", actor=actor.label))
        return
    party = line.from_party_id if half == "sent" else line.to_party_id
    if actor.role not in (Role.OFFICER, Role.PARTY_COORDINATOR) or actor.party_id != party:
        hint = (
            Text("an officer of the sending side records it")
            if half == "sent"
            else Text("an officer of the receiving side records it")
        )
        raise PermissionDeniedError(
            Text("{actor} may not record this line's {half} half", actor=actor.label, half=half),
            hint=hint,
        )


def recordable(actor: Actor, line: HandoverLine) -> tuple[str, ...]:
    """The actions the actor may still record on a line: its own half, while that half is empty."""
    out = []
    for action, (half, _value) in ACTIONS.items():
        if getattr(line, half) is not None:
            continue
        try:
            _may_record(actor, half, line)
        except PermissionDeniedError:
            continue
        out.append(action)
    return tuple(out)


@dataclass(frozen=True)
class LineFacts:
    """What an officer checks a person against at the crossing, with no photograph: name, birth, sex, rank."""

    name: str
    date_of_birth: str | None = None
    sex: str | None = None
    rank: str | None = None


def line_facts(*, session: Session, lines: Sequence[HandoverLine]) -> dict[int, LineFacts]:
    """Person id → the facts of each manifest line's person (the mediator's person and its entries there).

    The manifest names each person to both sides, as the act does; these are the facts to tell namesakes apart at
    the crossing, the first value of each among the person's entries in the mediator's space.
    """
    ids = sorted({line.person_id for line in lines})
    if not ids:
        return {}
    names = {
        int(i): str(n) for i, n in session.execute(select(Person.id, Person.display_name).where(Person.id.in_(ids)))
    }
    first: dict[int, dict[str, str]] = {pid: {} for pid in ids}
    rows = session.execute(
        select(Match.person_id, Entry.date_of_birth, Entry.sex, Entry.rank)
        .join(Entry, Entry.id == Match.entry_id)
        .where(Match.person_id.in_(ids), Match.state == MatchState.ACCEPTED)
        .order_by(Entry.id)
    )
    for pid, born, sex, rank in rows:
        for key, value in (("date_of_birth", born), ("sex", sex), ("rank", rank)):
            if value:
                first[int(pid)].setdefault(key, str(value))
    return {pid: LineFacts(name=str(names.get(pid, "")), **first[pid]) for pid in ids}


def record_line(
    *, session: Session, actor: Actor, line_id: int, action: str, reason: str | None = None
) -> HandoverLine:
    """Record one half of a manifest line; the same record twice is a no-op, a different one a conflict."""
    line, stage, _plan = plans.get_line_visible_or_raise(session=session, actor=actor, line_id=line_id)
    if action not in ACTIONS:
        raise InputError(Text("unknown handover action"), value=action, hint=", ".join(ACTIONS))
    half, value = ACTIONS[action]
    _may_record(actor, half, line)
    if stage.state != StageState.OPEN:
        raise ConflictError(
            Text(
                "stage {stage_id} is {state}: lines are recorded while it is open", stage_id=stage.id, state=stage.state
            )
        )
    if action == "not_delivered" and not (reason and reason.strip()):
        raise InputError(Text("not delivered needs a reason"), hint=Text("pass --reason"))
    column = getattr(HandoverLine, half)
    # One conditional UPDATE: of two officers recording the same half at once, exactly one writes it.
    values: dict[str, Any] = {half: value, _BY[half]: actor.name}
    if reason and action in ("not_delivered", "declined", "not_received"):
        values["reason"] = reason.strip()
    written = session.execute(
        update(HandoverLine).where(HandoverLine.id == line.id, column.is_(None)).values(**values)
    ).rowcount  # type: ignore[attr-defined]
    session.refresh(line)
    if not written and getattr(line, half) != value:
        raise ConflictError(
            Text(
                "line {line_id}: the {half} half is already recorded as {at} by {by}",
                line_id=line.id,
                half=half,
                at=getattr(line, half),
                by=getattr(line, _BY[half]),
            ),
            hint=Text("a recorded half is not overwritten"),
        )
    line.outcome = _outcome(line)
    session.flush()
    if written:  # the conditional UPDATE is Core, which the recorder's flush hook does not see: say who did what
        record(session, action="handover.recorded", subject_type="exchange_lines", subject_id=line.id,
               after={"half": half, "value": value, "by": actor.name, "outcome": line.outcome})  # fmt: skip
    return line


def _payload(session: Session, stage: Stage, plan: Any, lines: Sequence[HandoverLine], closer: str) -> dict[str, Any]:
    codes = plans.party_codes(session)
    ids = [line.person_id for line in lines]
    names = {
        int(i): str(n) for i, n in session.execute(select(Person.id, Person.display_name).where(Person.id.in_(ids)))
    }
    sides = [codes[plan.side_a_id], codes[plan.side_b_id]]
    totals = {side: dict.fromkeys((o.value for o in LineOutcome if o != LineOutcome.DISCREPANCY), 0) for side in sides}
    persons = []
    for line in lines:
        assert line.outcome is not None
        totals[codes[line.from_party_id]][line.outcome] += 1
        persons.append({
            "line": line.id, "person": f"{codes[plan.space_id]}:{line.person_id}",
            "name": names.get(line.person_id, ""),
            "from": codes[line.from_party_id], "to": codes[line.to_party_id], "outcome": line.outcome,
            "reason": line.reason, "handed_over": {"value": line.sent, "by": line.sent_by},
            "received": {"value": line.received, "by": line.received_by},
            "observed": {"value": line.observed, "by": line.observed_by},
        })  # fmt: skip
    return {
        "act": "handover", "format": 1,
        "plan": {"id": plan.id, "version": plan.version, "agreement_id": plan.agreement_id},
        "stage": {"id": stage.id, "code": stage.code, "date": stage.date.isoformat(), "place": stage.place},
        "parties": {"sides": sides, "mediator": codes[plan.space_id]},
        "persons": persons, "totals": totals, "closed_by": closer,
        # added after format 1 was fixed: a reader of format 1 that does not know the key loses nothing it knew
        "discrepancies": unexpected.payload(session, stage, codes[plan.space_id]),
    }  # fmt: skip


def close(*, session: Session, actor: Actor, stage_id: int) -> Act:
    """Close a stage (mediator): every line must be settled; freeze the act, move persons, audit the act's hash."""
    from unforgotten.persons import cases

    stage, plan = plans.get_stage_visible_or_raise(session=session, actor=actor, stage_id=stage_id)
    if not actor.operator and actor.role != Role.MEDIATOR:
        raise PermissionDeniedError(
            Text("{actor} may not close a stage", actor=actor.label), hint=Text("the mediator closes it")
        )
    if stage.state != StageState.OPEN:
        raise ConflictError(Text("stage {stage_id} is {state}, not open", stage_id=stage.id, state=stage.state))
    _, lines = get_lines(session=session, actor=actor, stage_id=stage.id)
    unsettled = [line.id for line in lines if line.outcome in (None, LineOutcome.DISCREPANCY)]
    if unsettled:
        listed = ", ".join(map(str, unsettled[:20]))
        raise ConflictError(
            Text(
                "stage {stage_id} has {count} open line(s): {listed}",
                stage_id=stage.id,
                count=len(unsettled),
                listed=listed,
            ),
            hint=Text("each needs its sending, receiving and mediator halves"),
        )
    arrivals = unexpected.open_for_stage(session, stage.id)
    if arrivals:
        named = "; ".join(f"#{a.id} {a.names!r} (recorded by {a.recorded_by})" for a in arrivals[:10])
        raise ConflictError(
            Text(
                "stage {stage_id} has {count} unresolved unexpected person(s): {named}",
                stage_id=stage.id,
                count=len(arrivals),
                named=named,
            ),
            hint=Text("resolve each: choose one of its candidates, or none with a note saying what was done"),
        )
    mediator = plans.mediator_actor(session, plan, actor.name)
    moves = {LineOutcome.EXCHANGED: "exchanged", LineOutcome.NOT_DELIVERED: "not_delivered"}
    for line in lines:
        target = moves.get(LineOutcome(line.outcome or LineOutcome.DISCREPANCY))
        if target is not None:  # declined at the crossing stays scheduled: the state machine has no such move yet
            cases.transition(session=session, actor=mediator, person_id=line.person_id, to_status=target,
                             reason=f"stage {stage.id} ({stage.code}), line {line.id}")  # fmt: skip
    payload = _payload(session, stage, plan, lines, actor.name)
    act = Act(stage_id=stage.id, payload=payload, sha256=acts.digest(payload))
    session.add(act)
    stage.state, stage.closed_by, stage.closed_at = StageState.CLOSED, actor.name, dt.datetime.now(dt.UTC)
    session.flush()
    record(session, action="act.created", subject_type="exchange_acts", subject_id=act.id,
           after={"stage_id": stage.id, "sha256": act.sha256, "totals": payload["totals"]})  # fmt: skip
    return act


def _act_or_raise(session: Session, actor: Actor, stage_id: int) -> tuple[Act, Stage]:
    stage, _plan = plans.get_stage_visible_or_raise(session=session, actor=actor, stage_id=stage_id)
    act = session.scalars(select(Act).where(Act.stage_id == stage.id)).first()
    if act is None:
        raise ConflictError(
            Text("stage {stage_id} is {state}: it has no act until it is closed", stage_id=stage.id, state=stage.state)
        )
    return act, stage


def sign(*, session: Session, actor: Actor, stage_id: int, private_key: Ed25519PrivateKey, key: SigningKey) -> (
    ActSignature
):  # fmt: skip
    """Sign a closed stage's act with the actor's key in force (a side's officer or the mediator); idempotent."""
    act, _stage = _act_or_raise(session, actor, stage_id)
    if actor.operator or actor.role not in (Role.OFFICER, Role.PARTY_COORDINATOR, Role.MEDIATOR):
        raise PermissionDeniedError(
            Text("{actor} may not sign acts", actor=actor.label), hint=Text("sign --as an officer or the mediator")
        )
    existing = session.scalars(select(ActSignature).where(ActSignature.act_id == act.id,
                                                          ActSignature.key_id == key.id)).first()  # fmt: skip
    if existing is not None:
        return existing
    if act.sha256 != acts.digest(act.payload):
        raise ConflictError(
            Text("act {act_id}'s stored payload no longer matches its hash", act_id=act.id),
            hint=Text("run unforgotten account"),
        )
    signature = ActSignature(act_id=act.id, key_id=key.id, signer=actor.name, role=actor.role.value,
                             party=actor.party_code or "", signature=acts.sign(private_key, act.sha256))  # fmt: skip
    session.add(signature)
    session.flush()
    record(session, action="act.signed", subject_type="exchange_acts", subject_id=act.id,
           after={"signer": actor.name, "fingerprint": key.fingerprint, "sha256": act.sha256})  # fmt: skip
    return signature


def export(*, session: Session, actor: Actor, stage_id: int) -> dict[str, Any]:
    """The act of a closed stage as a document: payload, its SHA-256, and every signature with its public key."""
    act, _stage = _act_or_raise(session, actor, stage_id)
    rows = session.execute(
        select(ActSignature, SigningKey.public_key).join(SigningKey, SigningKey.id == ActSignature.key_id)
        .where(ActSignature.act_id == act.id).order_by(ActSignature.id)
    ).all()  # fmt: skip
    signatures = [{"signer": s.signer, "role": s.role, "party": s.party, "public_key": public,
                   "signature": s.signature} for s, public in rows]  # fmt: skip
    return {"payload": act.payload, "sha256": act.sha256, "signatures": signatures}


def counts_by_outcome(lines: Sequence[HandoverLine]) -> Counter[str]:
    """How many lines have each outcome (open ones as ``open``)."""
    return Counter(line.outcome or "open" for line in lines)
