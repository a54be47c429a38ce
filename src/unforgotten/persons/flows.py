"""Cross-domain work whose outcome is persons: submitting a list (import, share, link), sharing and withdrawing a
share, linking a space's entries into its persons, splitting an entry off.

Linking is per space: a side's persons are linked only from the entries visible in its space (its own lists and
what was shared with it), the mediator's from everything shared with the mediator. So another side's unshared
list can never shift, join or reveal a person here — uploading guessed names is no query into it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from unforgotten.auth import service as auth
from unforgotten.auth.service import Actor
from unforgotten.columns import CANONICAL_COLUMNS
from unforgotten.lists import service as lists
from unforgotten.lists.models import Entry, EntryStatus, List
from unforgotten.persons import review
from unforgotten.persons.models import Match, MatchState, Person, SpaceModel
from unforgotten.persons.states import initial_status

if TYPE_CHECKING:  # the engine is imported only when linking runs: `unforgotten --help` stays fast
    from unforgotten.linkage import LinkageModel

__all__ = [
    "Submission",
    "display_name",
    "link_all",
    "link_space",
    "share_list",
    "space_model",
    "split_entry",
    "submit_list",
    "unshare_list",
]


def display_name(entry: Entry) -> str:
    """How a person is shown: the names of the entry that created it, as written."""
    parts = [entry.family_name, entry.given_name, entry.patronymic]
    name = " ".join(p for p in parts if p)
    return name or entry.full_name or entry.record_id or f"entry {entry.id}"


@dataclass
class Submission:
    """What submitting a list did: the import, the parties it was shared with, and entries linked per space."""

    outcome: lists.ImportOutcome
    shared_with: list[str] = field(default_factory=list)
    linked: dict[str, int] = field(default_factory=dict)  # space (party code) -> entries linked there

    @property
    def linked_total(self) -> int:
        return sum(self.linked.values())


def submit_list(
    *,
    session: Session,
    actor: Actor,
    path: Path,
    party_code: str,
    kind: str,
    name: str | None = None,
    mapping_path: Path | None = None,
    share_with: Sequence[str] = (),
    link: bool = True,
    progress: Callable[[int], None] | None = None,
) -> Submission:
    """Submit a list for a party: import it, share it as asked, and link it into every space that now sees it.

    The one use case behind ``unforgotten import``, ``POST /api/v1/lists`` and the demo. Only the party's own
    coordinators (or the local operator) may submit for it.
    """
    if not path.is_file():  # the first thing a coordinator needs to hear about
        from unforgotten.errors import FileReadError

        raise FileReadError("file not found", file=str(path), hint="check the path")
    party = auth.get_by_code_or_raise(session=session, code=party_code)
    lists.require_may_submit(actor=actor, party=party)
    outcome = lists.import_file(
        session=session,
        path=path,
        party_code=party.code,
        kind=kind,
        name=name,
        mapping_path=mapping_path,
        submitted_by=actor.name,
        progress=progress,
    )
    submission = Submission(outcome=outcome)
    for code in share_with:
        lists.share(session=session, actor=actor, list_id=outcome.list_id, party_code=code)
        submission.shared_with.append(code.upper())
    if link:
        spaces = [party.code, *submission.shared_with]
        for code in spaces:
            space = auth.get_by_code_or_raise(session=session, code=code)
            submission.linked[space.code] = link_space(session=session, space_id=space.id, decided_by=actor.name)
    return submission


def share_list(*, session: Session, actor: Actor, list_id: int, party_code: str, link: bool = True) -> int:
    """Share a list with a party and link it into that party's space; return how many entries were linked."""
    shared = lists.share(session=session, actor=actor, list_id=list_id, party_code=party_code)
    return link_space(session=session, space_id=shared.party_id, decided_by=actor.name) if link else 0


def unshare_list(*, session: Session, actor: Actor, list_id: int, party_code: str) -> int:
    """Withdraw a share: the list's entries leave that space from now on; return how many matches were withdrawn."""
    space_id = lists.unshare(session=session, actor=actor, list_id=list_id, party_code=party_code)
    entry_ids = select(Entry.id).where(Entry.list_id == list_id)
    return review.retire_entries(
        session=session, space_id=space_id, entry_ids=entry_ids, reason=f"list {list_id} unshared by {actor.name}"
    )


def split_entry(*, session: Session, actor: Actor, entry_id: int, reason: str) -> Person:
    """Split an entry off its person (in the actor's space); the new person starts in its list kind's status."""
    space_id = review.split_space(session=session, actor=actor, entry_id=entry_id)
    entry = session.get(Entry, entry_id)
    assert entry is not None  # it is linked in the space, so it exists
    kind = lists.get_or_raise(session=session, list_id=entry.list_id).kind
    return review.split(
        session=session,
        actor=actor,
        entry_id=entry_id,
        space_id=space_id,
        status=initial_status(kind).value,
        display_name=display_name(entry),
        reason=reason,
    )


def _entry_row(entry: Entry) -> dict[str, str | None]:
    row: dict[str, str | None] = {c: getattr(entry, c) for c in CANONICAL_COLUMNS}
    row["record_id"] = str(entry.id)  # entry ids are unique across lists; the file's record ids are not
    return row


def link_all(*, session: Session, decided_by: str, lower: float | None = None) -> int:
    """Link, in every space, each visible accepted entry that has no person there yet; return how many."""
    from unforgotten.auth.models import Party

    total = 0
    for space_id in session.scalars(select(Party.id).order_by(Party.id)).all():
        total += link_space(session=session, space_id=space_id, decided_by=decided_by, lower=lower)
    return total


def link_space(*, session: Session, space_id: int, decided_by: str, lower: float | None = None) -> int:
    """Link every accepted entry visible in a space that has no person there yet: to an existing person of the
    space, to a new one, or for review.

    Lists are linked one at a time, oldest first, each into the persons the ones before made: a list's own
    duplicates are grouped more strictly than entries of different lists are linked (one clerk wrote both).
    Existing persons keep their ids (no retraining of what is already linked); entries in the review band are
    given their own person at once — every accepted entry always belongs to exactly one in each space that sees
    it — with a pending suggestion for a reviewer. Returns how many entries were linked.
    """
    visible = lists.lists_in_space([space_id])
    linked_here = select(Match.entry_id).where(Match.state == MatchState.ACCEPTED, Match.space_id == space_id)
    new = list(
        session.scalars(
            select(Entry)
            .where(Entry.status == EntryStatus.ACCEPTED, Entry.list_id.in_(visible), Entry.id.not_in(linked_here))
            .order_by(Entry.id)
        )
    )
    if not new:
        return 0
    existing_rows = []
    for entry, person_id in session.execute(
        select(Entry, Match.person_id).join(
            Match,
            (Match.entry_id == Entry.id) & (Match.state == MatchState.ACCEPTED) & (Match.space_id == space_id),
        )
    ):
        row = _entry_row(entry)
        row["person_id"] = str(person_id)
        existing_rows.append(row)
    kinds = {lst.id: lst.kind for lst in session.scalars(select(List).where(List.id.in_(visible)))}
    model = space_model(session=session, space_id=space_id, rows=[*existing_rows, *(_entry_row(e) for e in new)])
    by_list: dict[int, list[Entry]] = {}
    for entry in new:
        by_list.setdefault(entry.list_id, []).append(entry)
    for list_id in sorted(by_list):
        existing_rows += _link_list(session, space_id, by_list[list_id], existing_rows, kinds, decided_by, lower, model)
    session.flush()
    return len(new)


# Re-estimate a space's model when it has grown by this share since the last estimate: the cost of a new list
# then follows the new list, not the space, for all but one import in every few.
REESTIMATE_GROWTH = 0.25


def space_model(*, session: Session, space_id: int, rows: Sequence[dict[str, str | None]]) -> LinkageModel:
    """The space's own linkage model: re-estimated on its visible entries (the shipped model as the prior) when
    there are enough and the space grew by :data:`REESTIMATE_GROWTH` since the last estimate; cached otherwise.

    Deterministic (seeded, rows ordered by entry id), and fed only the space's rows, so another space's data never
    moves it. Below :data:`~unforgotten.linkage.MIN_ESTIMATE_ROWS` the shipped model is used as it is.
    """
    from unforgotten.linkage import MIN_ESTIMATE_ROWS, default_model, estimate_model

    cached = session.get(SpaceModel, space_id)
    if len(rows) < MIN_ESTIMATE_ROWS:
        return default_model() if cached is None else _as_model(cached)
    if cached is not None and len(rows) < cached.rows * (1 + REESTIMATE_GROWTH):
        return _as_model(cached)
    model: LinkageModel = estimate_model(rows, prior=default_model(), seed=1, min_rows=MIN_ESTIMATE_ROWS)
    if cached is None:
        cached = SpaceModel(space_id=space_id, rows=0, threshold=0.0, settings={})
        session.add(cached)
    cached.rows, cached.threshold = len(rows), model.threshold
    cached.settings, cached.trained_on = model.splink_settings, dict(model.trained_on)
    cached.estimated_at = dt.datetime.now(dt.UTC)
    session.flush()
    return model


def _as_model(cached: SpaceModel) -> LinkageModel:
    from unforgotten.linkage import LinkageModel

    return LinkageModel(splink_settings=cached.settings, threshold=cached.threshold, trained_on=cached.trained_on)


def _link_list(
    session: Session,
    space_id: int,
    new: list[Entry],
    existing_rows: list[dict[str, str | None]],
    kinds: dict[int, str],
    decided_by: str,
    lower: float | None,
    model: LinkageModel,
) -> list[dict[str, str | None]]:
    """Link one list's new entries into a space; return them as rows with their persons, for the lists after it."""
    from unforgotten.linkage import DEFAULT_REVIEW_FLOOR, link_into_persons

    floor = DEFAULT_REVIEW_FLOOR if lower is None else lower
    by_id = {str(e.id): e for e in new}
    assignments = link_into_persons([_entry_row(e) for e in new], existing_rows, lower=floor, model=model)
    cluster_person: dict[str, int] = {}
    linked_rows = []
    for assignment in assignments:
        entry = by_id[assignment.record_id]
        if assignment.person_id is not None:
            person_id = assignment.person_id
            review.attach(
                session=session, space_id=space_id, entry_id=entry.id, person_id=person_id,
                probability=assignment.probability, explanation=dict(assignment.explanation), decided_by=decided_by,
            )  # fmt: skip
        elif assignment.cluster in cluster_person:
            person_id = cluster_person[assignment.cluster]
            review.attach(
                session=session, space_id=space_id, entry_id=entry.id, person_id=person_id,
                probability=None, explanation={"cluster": assignment.cluster}, decided_by=decided_by,
            )  # fmt: skip
        else:
            person = review.new_person(
                session=session, space_id=space_id, entry_id=entry.id,
                status=initial_status(kinds[entry.list_id]).value, display_name=display_name(entry),
                decided_by=decided_by,
            )  # fmt: skip
            person_id = cluster_person[assignment.cluster] = person.id
        for suggested, probability, explanation in assignment.suggestions:
            review.propose(
                session=session, space_id=space_id, entry_id=entry.id, person_id=suggested,
                probability=probability, explanation=dict(explanation),
            )  # fmt: skip
        linked_rows.append({**_entry_row(entry), "person_id": str(person_id)})
    return linked_rows
