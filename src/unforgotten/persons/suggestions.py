"""One pending suggestion as the review page shows it, and the two review decisions that are more than one step.

A suggestion is a pending match: "this entry, now part of person A, is person B". The page needs the entry as its
list wrote it, B's entries as the reader may see them, the fields that differ, and why the model suggests it. All of
it is read through :mod:`unforgotten.persons.dossier` — the person page's read, so the reader sees exactly what the
person page would show, scoped to its spaces — and :mod:`unforgotten.persons.review`.

Deciding is done by the same services as the API and the CLI. *Accept* and *reject* are one call each
(:func:`~unforgotten.persons.review.accept`, :func:`~unforgotten.persons.review.reject`). *Merge* and *split* on a
suggestion are two: "A and B are one individual" accepts the suggestion and merges A's other entries into B
(:func:`~unforgotten.persons.review.merge`); "this entry is neither" rejects it and splits the entry off A into a
new person (:func:`~unforgotten.persons.flows.split_entry`) — in one transaction, so the queue never keeps a
suggestion whose answer is already recorded.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from unforgotten.auth.service import REVIEWER_ROLES, Actor
from unforgotten.errors import ConflictError, NotFoundError, Text
from unforgotten.persons import dossier, review
from unforgotten.persons.differences import Row, compare
from unforgotten.persons.models import Match, MatchState, Person
from unforgotten.persons.waterfall import Waterfall, waterfall

__all__ = ["QUEUE_CAP", "Suggestion", "get", "merge", "pending", "split"]

QUEUE_CAP = 1000  # suggestions the page pages through at once; beyond it the count reads "1,000+"


@dataclass(frozen=True)
class Suggestion:
    """A pending suggestion, both sides of it, and what the reader may do with it."""

    match: Match
    entry: dossier.LinkedEntry  # the suggested entry, as its list wrote it
    current: dossier.Dossier  # the person the entry belongs to now
    suggested: dossier.Dossier  # the person the model suggests it is
    rows: list[Row]  # field by field: the entry beside each of the suggested person's entries
    waterfall: Waterfall | None
    may_decide: bool

    @property
    def others_of_current(self) -> int:
        """How many other entries the entry's current person has: merging or splitting means something only then."""
        return len(self.current.entries) - 1


def get(*, session: Session, actor: Actor, match: Match) -> Suggestion:
    """Return both sides of a visible pending match, read as the person page reads them."""
    current_match = review.current_match(session=session, entry_id=match.entry_id, space_id=match.space_id)
    current = dossier.get(session=session, actor=actor, person_id=current_match.person_id)
    suggested = dossier.get(session=session, actor=actor, person_id=match.person_id)
    entry = next((e for e in current.entries if e.entry.id == match.entry_id), None)
    if entry is None:  # current_match found it accepted in this space, so the dossier lists it
        raise NotFoundError(Text("entry {entry_id} is not linked to any person you may see", entry_id=match.entry_id))
    rows = compare(dict(entry.fields), [dict(e.fields) for e in suggested.entries])
    return Suggestion(
        match=match,
        entry=entry,
        current=current,
        suggested=suggested,
        rows=rows,
        waterfall=waterfall(match.explanation or {}, match.probability),
        may_decide=actor.operator or actor.role in REVIEWER_ROLES,
    )


def merge(*, session: Session, actor: Actor, match_id: int, reason: str) -> Person:
    """Accept the suggestion and merge the entry's current person, with its other entries, into the suggested one."""
    match = review.get_visible_match_or_raise(
        session=session, actor=actor, match_id=match_id, called=Text("suggestion")
    )
    old = review.current_match(session=session, entry_id=match.entry_id, space_id=match.space_id).person_id
    others = session.scalar(
        select(func.count()).where(Match.person_id == old, Match.space_id == match.space_id,
                                   Match.state == MatchState.ACCEPTED, Match.entry_id != match.entry_id)
    )  # fmt: skip
    review.accept(session=session, actor=actor, match_id=match_id, reason=reason)  # role and state checked here
    if not others:
        raise ConflictError(
            Text("person {old} has no other entry: there is nothing to merge", old=old),
            hint=Text("accept the suggestion instead"),
        )
    return review.merge(session=session, actor=actor, keep_id=match.person_id, merge_id=old, reason=reason)


def split(*, session: Session, actor: Actor, match_id: int, reason: str) -> Person:
    """Reject the suggestion and split the entry off its current person into a new person of its own."""
    from unforgotten.persons.flows import split_entry

    match = review.reject(session=session, actor=actor, match_id=match_id, reason=reason)
    return split_entry(session=session, actor=actor, entry_id=match.entry_id, reason=reason)


def pending(*, session: Session, actor: Actor) -> Sequence[Match]:
    """The reader's queue in :func:`unforgotten.persons.review.get_pending`'s order, up to :data:`QUEUE_CAP`."""
    return review.get_pending(session=session, actor=actor, limit=QUEUE_CAP)
