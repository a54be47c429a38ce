"""Matching handed-over tracing requests against the other side's records, in the mediator's space (issue 14 item 3).

What is compared: the requests of every tracing list handed over to a side and shared with the mediator, against the
entries of that side's *custody* lists shared with the mediator (the children it holds) — only what both sides
shared with the mediator, nothing else. The children's model (:mod:`unforgotten.linkage.children`) scores them.

Where proposals go: the mediator's review queue, as *pending* matches of the mediator's space — "this request's
entry is that person", the person the other side's record belongs to there — with the per-field explanation. A
reviewer accepts or rejects them with the existing review services; nothing is accepted here. The matches live in
the mediator's space, so neither side sees them (``auth.service.readable_spaces``); the requesting side learns of a
match only from the answer the mediator releases. Proposals are marked ``decided_by = "tracing.match"`` until
decided, and each is kept in ``tracing_proposals`` (request, record, match): re-running proposes nothing twice, a
pair once proposed (pending, accepted or rejected) is left alone.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from unforgotten.audit.recorder import record
from unforgotten.auth import service as auth
from unforgotten.auth.models import Role
from unforgotten.auth.service import Actor
from unforgotten.errors import NotFoundError, PermissionDeniedError, Text
from unforgotten.lists import service as lists
from unforgotten.lists.models import Entry, EntryStatus, List, ListKind
from unforgotten.persons import review
from unforgotten.persons.linking import entry_row
from unforgotten.tracing.models import HandOver, Proposal, TracingRequest
from unforgotten.tracing.service import FINAL

__all__ = ["PROPOSED_BY", "MatchReport", "match"]

PROPOSED_BY = "tracing.match"


@dataclass
class MatchReport:
    """What one run did, per count (printed by the CLI, returned by the API)."""

    requests: int = 0
    records: int = 0
    candidates: int = 0
    proposals: int = 0  # best candidates at or above the threshold
    review_band: int = 0  # weaker candidates from the floor up
    new: int = 0  # pending matches created by this run
    already_proposed: int = 0  # proposed by an earlier run (any state): left alone
    already_linked: int = 0  # of the new ones, already one person in the mediator's space: queued to confirm
    not_linked: int = 0  # an entry without a person in the mediator's space: nothing to queue
    estimated: bool = False  # the model re-estimated on these lists (else the children's prior)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _require_mediator(actor: Actor) -> None:
    if not (actor.operator or actor.role == Role.MEDIATOR):
        raise PermissionDeniedError(
            Text("{actor} may not match tracing requests", actor=actor.label),
            hint=Text("the mediator matches, in its own space"),
        )


def _person_of(session: Session, entry_id: int, space_id: int) -> int | None:
    try:
        return review.current_match(session=session, entry_id=entry_id, space_id=space_id).person_id
    except NotFoundError:
        return None


def _explanation(candidate: Any) -> dict[str, Any]:
    return {name: {"level": f.level, "weight": round(f.weight, 4)} for name, f in candidate.explanation.items()}


def match(*, session: Session, actor: Actor, seed: int = 1) -> MatchReport:
    """Propose matches for the handed-over tracing requests among the other side's records (the mediator)."""
    from unforgotten.linkage.children import match_children

    _require_mediator(actor)
    mediator = auth.get_mediator(session=session)
    if mediator is None:
        raise NotFoundError(
            Text("there is no mediator party"), hint=Text("add one: unforgotten party add ICRC --mediator")
        )
    space = mediator.id
    in_space = lists.linkable_lists_in_space([space])
    report = MatchReport()
    targets = session.scalars(
        select(HandOver.to_party_id).where(HandOver.list_id.in_(in_space)).distinct().order_by(HandOver.to_party_id)
    ).all()
    for target in targets:
        handed = select(HandOver.list_id).where(HandOver.to_party_id == target, HandOver.list_id.in_(in_space))
        requests = session.execute(
            select(TracingRequest, Entry)
            .join(Entry, Entry.id == TracingRequest.entry_id)
            .where(TracingRequest.list_id.in_(handed), TracingRequest.status.not_in(FINAL))
            .order_by(TracingRequest.id)
        ).all()
        records = session.scalars(
            select(Entry)
            .join(List, List.id == Entry.list_id)
            .where(
                List.party_id == target,
                List.kind == ListKind.CUSTODY,
                List.id.in_(in_space),
                Entry.status == EntryStatus.ACCEPTED,
            )
            .order_by(Entry.id)
        ).all()
        report.requests += len(requests)
        report.records += len(records)
        if not requests or not records:
            continue
        request_rows = [entry_row(entry) | {"guardians": request.guardians} for request, entry in requests]
        by_entry = {request.entry_id: request for request, _ in requests}
        result = match_children(request_rows, [entry_row(entry) for entry in records], seed=seed)
        report.estimated = report.estimated or not result.settings.get("trained_on", {}).get("prior_kept", True)
        for candidate in result.candidates:
            report.candidates += 1
            if candidate.proposed:
                report.proposals += 1
            else:
                report.review_band += 1
            _store(session, report, space, candidate, by_entry[int(candidate.request_id)], int(candidate.record_id))
    session.flush()
    record(session, action="tracing.matched", subject_type="parties", subject_id=space, after=report.as_dict())
    return report


def _store(
    session: Session, report: MatchReport, space: int, candidate: Any, request: TracingRequest, record_id: int
) -> None:
    """Queue one candidate as a pending match of the request's entry to the record's person, unless proposed before.

    A pair the main linkage already made one person in the mediator's space is queued too (a pending match to the
    same person): the reviewer confirms it with the children's explanation, or rejects it and splits the entry
    off. Either way no tracing match stands without a reviewer's word.
    """
    seen = session.scalars(
        select(Proposal.id).where(Proposal.request_id == request.id, Proposal.record_entry_id == record_id)
    ).first()
    if seen is not None:
        report.already_proposed += 1
        return
    person = _person_of(session, record_id, space)
    own = _person_of(session, request.entry_id, space)
    if person is None or own is None:
        report.not_linked += 1  # an entry not linked in the mediator's space (shared without linking): no person
        return
    if person == own:
        report.already_linked += 1
    pending = review.propose(
        session=session,
        space_id=space,
        entry_id=request.entry_id,
        person_id=person,
        probability=candidate.probability,
        explanation=_explanation(candidate),
    )
    pending.decided_by = PROPOSED_BY
    kind = "proposal" if candidate.proposed else f"weaker candidate {candidate.rank}"
    same = "; already one person by the main linkage, to confirm" if person == own else ""
    pending.reason = f"tracing request {request.id}, children's model, {kind}: record entry {record_id}{same}"
    session.flush()
    session.add(
        Proposal(
            request_id=request.id,
            record_entry_id=record_id,
            match_id=pending.id,
            probability=candidate.probability,
            rank=candidate.rank,
            proposed=candidate.proposed,
        )
    )
    report.new += 1
