"""Who a record that is on no list may be: the persons of the actor's space, each with the linkage model's
probability and per-field explanation.

Why (issue 13): someone arrives at a crossing who is not on the manifest, and gives a name — in whatever script the
officer writes it. The search index finds the persons whose entries share the name's keys across scripts
("Shevchenko" meets "Шевченко"); the space's own linkage model then scores the record against their entries, as it
would score a new list's row, so each candidate comes with the same explanation a match has. Only the actor's space
is searched and scored, so a list not shared with it can never offer a candidate.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from unforgotten.auth.service import Actor, working_space
from unforgotten.lists.models import Entry
from unforgotten.persons.linking import entry_row
from unforgotten.persons.models import Match, MatchState, Person, SpaceModel
from unforgotten.persons.service import search

if TYPE_CHECKING:
    from unforgotten.linkage import LinkageModel

__all__ = ["Candidate", "for_record"]

ARRIVAL = "arrival"  # the record id of the one record scored
# Scores from here up come back (with their explanation); lower ones are noise the reader does not need.
FLOOR = 0.001
_POOL = 20  # persons per search: the whole name, then each word alone


@dataclass(frozen=True)
class Candidate:
    """A person of the space the record may be.

    ``probability`` is ``None`` when the search found the person by the whole name but the model compared no pair
    (no blocking key shared beyond the name's): shown, so a reader can still look, but never ranked above a scored
    one. ``explanation`` is per field ``{"level": ..., "weight": bits}``, as :attr:`Match.explanation`.
    """

    person_id: int
    name: str
    status: str
    probability: float | None
    explanation: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"person_id": self.person_id, "name": self.name, "status": self.status,
                "probability": self.probability, "explanation": self.explanation}  # fmt: skip


def _model(session: Session, space_id: int) -> LinkageModel:
    """The space's estimated model as it is cached, else the shipped one — never an estimate here: a question
    asked at a crossing must not wait for training."""
    from unforgotten.linkage import LinkageModel, default_model

    cached = session.get(SpaceModel, space_id)
    if cached is None or cached.rows == 0 or not cached.settings:
        return default_model()
    return LinkageModel(splink_settings=cached.settings, threshold=cached.threshold, trained_on=cached.trained_on)


def _rows(session: Session, space_id: int, person_ids: list[int]) -> list[dict[str, Any]]:
    """The entries linked to these persons in the space, in the canonical columns, each with its person."""
    found = session.execute(
        select(Entry, Match.person_id)
        .join(Match, Match.entry_id == Entry.id)
        .where(Match.state == MatchState.ACCEPTED, Match.space_id == space_id, Match.person_id.in_(person_ids))
        .order_by(Entry.id)
    ).all()
    return [{**entry_row(entry), "person_id": str(person)} for entry, person in found]


def _pool(session: Session, actor: Actor, names: str) -> tuple[dict[int, Person], set[int]]:
    """Persons found by the whole name, and by each word alone (a misheard word keeps the others findable)."""
    whole, _total = search(session=session, actor=actor, query=names, limit=_POOL)
    pool = {person.id: person for person in whole}
    words = [word for word in names.split() if len(word) >= 3]
    if len(words) > 1:
        for word in words:
            hits, _total = search(session=session, actor=actor, query=word, limit=_POOL)
            for person in hits:
                pool.setdefault(person.id, person)
    return pool, {person.id for person in whole}


def for_record(
    *, session: Session, actor: Actor, names: str, date_of_birth: str | None = None, limit: int = 10
) -> list[Candidate]:
    """The persons of the actor's space a record (names as said, a date of birth if known) may be, best first."""
    from unforgotten.linkage import link_incremental

    space_id = working_space(session=session, actor=actor)
    pool, by_whole_name = _pool(session, actor, names)
    if not pool:
        return []
    rows = _rows(session, space_id, sorted(pool))
    linked = session.scalar(
        select(func.count()).where(Match.state == MatchState.ACCEPTED, Match.space_id == space_id)
    ) or len(rows)  # fmt: skip
    record = {"record_id": ARRIVAL, "full_name": names, "date_of_birth": date_of_birth}
    scored: dict[int, tuple[float, dict[str, Any]]] = {}
    if rows:
        # The prior follows the space's size, not the handful of candidates' (as when a large space links a list).
        assignments = link_incremental([record], rows, model=_model(session, space_id), lower=FLOOR, broad=True,
                                       space_size=max(int(linked), len(rows)))  # fmt: skip
        for assignment in assignments:
            found = [(assignment.person_id, assignment.probability, assignment.explanation)]
            found += [(person, p, why) for person, p, why in assignment.suggestions]
            for person, probability, explanation in found:
                if person is None or probability is None:
                    continue
                if probability > scored.get(int(person), (-1.0, {}))[0]:
                    scored[int(person)] = (float(probability), dict(explanation))
    out = [
        Candidate(person_id=pid, name=person.display_name, status=person.status,
                  probability=scored[pid][0] if pid in scored else None,
                  explanation=scored[pid][1] if pid in scored else {})
        for pid, person in pool.items()
        if pid in scored or pid in by_whole_name
    ]  # fmt: skip
    out.sort(key=lambda c: (c.probability is None, -(c.probability or 0.0), c.name, c.person_id))
    return out[:limit]
