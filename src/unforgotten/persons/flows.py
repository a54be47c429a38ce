"""Cross-domain work whose outcome is persons: submitting a list (import, share, link), sharing and withdrawing a
share, linking a space's entries into its persons, splitting an entry off.

Linking is per space: a side's persons are linked only from the entries visible in its space (its own lists and
what was shared with it), the mediator's from everything shared with the mediator. So another side's unshared
list can never shift, join or reveal a person here — uploading guessed names is no query into it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from unforgotten.auth import service as auth
from unforgotten.auth.service import Actor
from unforgotten.errors import Text
from unforgotten.lists import service as lists
from unforgotten.lists.models import Entry
from unforgotten.persons import review
from unforgotten.persons.linking import display_name, link_all, link_space, space_model
from unforgotten.persons.models import Person
from unforgotten.persons.states import initial_status

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
    "withdraw_list",
]


@dataclass
class Submission:
    """What submitting a list did: the import, the parties it was shared with, and entries linked per space."""

    outcome: lists.ImportOutcome
    shared_with: list[str] = field(default_factory=list)
    linked: dict[str, int] = field(default_factory=dict)  # space (party code) -> entries linked there
    replaced: int | None = None  # the list this one replaced (now withdrawn)

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
    replaces: int | None = None,
    phase: Callable[[str], None] | None = None,
) -> Submission:
    """Submit a list for a party: import it, share it as asked, and link it into every space that now sees it.

    The one use case behind ``unforgotten import``, ``POST /api/v1/lists`` and the demo. Only the party's own
    coordinators (or the local operator) may submit for it. ``progress`` gets the rows read so far, ``phase`` the
    step begun (``reading``, ``linking``), for a caller that shows how far a long submission got.
    """
    if not path.is_file():  # the first thing a coordinator needs to hear about
        from unforgotten.errors import FileReadError

        raise FileReadError(Text("file not found"), file=str(path), hint=Text("check the path"))
    party = auth.get_by_code_or_raise(session=session, code=party_code)
    lists.require_may_submit(actor=actor, party=party)
    if replaces is not None:  # a corrected file: the replaced list's next version, whatever the file's name
        name = lists.replaced_name(session=session, actor=actor, list_id=replaces, party_code=party.code, kind=kind)
    if phase is not None:
        phase("reading")
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
    if replaces is not None and not outcome.unchanged:
        withdraw_list(session=session, actor=actor, list_id=replaces, reason=f"replaced by list {outcome.list_id}")
        submission.replaced = replaces
    for code in share_with:
        lists.share(session=session, actor=actor, list_id=outcome.list_id, party_code=code)
        submission.shared_with.append(code.upper())
    if link:
        if phase is not None:
            phase("linking")
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
    from unforgotten.persons.models import LinkedList

    space_id = lists.unshare(session=session, actor=actor, list_id=list_id, party_code=party_code)
    # shared again later, its entries wait to be linked there once more
    session.execute(delete(LinkedList).where(LinkedList.space_id == space_id, LinkedList.list_id == list_id))
    entry_ids = select(Entry.id).where(Entry.list_id == list_id)
    return review.retire_entries(
        session=session, space_id=space_id, entry_ids=entry_ids, reason=f"list {list_id} unshared by {actor.name}"
    )


def withdraw_list(*, session: Session, actor: Actor, list_id: int, reason: str) -> int:
    """Withdraw a list: it is marked (audited), and its entries leave the persons of every space that linked them
    (matches withdrawn, persons left with none retired; nothing deleted). Returns how many matches were withdrawn.
    """
    from unforgotten.persons.models import Match

    withdrawn = lists.withdraw(session=session, actor=actor, list_id=list_id, reason=reason)
    entry_ids = select(Entry.id).where(Entry.list_id == list_id)
    spaces = session.scalars(select(Match.space_id).where(Match.entry_id.in_(entry_ids)).distinct()).all()
    why = f"list {list_id} withdrawn by {actor.name}: {withdrawn.withdrawn_reason}"
    return sum(
        review.retire_entries(session=session, space_id=space, entry_ids=entry_ids, reason=why)
        for space in sorted(spaces)
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
