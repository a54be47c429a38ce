"""One person as the person page shows it: its entries as each list wrote them, each link's explanation, its status
history, and the actions the reader may take — all read within the spaces the reader may see.

Only a read: the actions are offered here and done by the same services as the API and the CLI
(:func:`unforgotten.persons.cases.transition`, :func:`~unforgotten.persons.cases.confirm`,
:func:`unforgotten.persons.flows.split_entry`), which check everything again. What is offered follows the same
rules, so a role that may not act sees no button rather than a button that always fails.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from unforgotten.auth.models import Party, PartyKind, Role
from unforgotten.auth.service import REVIEWER_ROLES, Actor
from unforgotten.columns import CANONICAL_COLUMNS
from unforgotten.lists.models import Entry, List
from unforgotten.persons import cases, states
from unforgotten.persons.models import Match, MatchState, Person, StatusChange
from unforgotten.persons.service import get_visible_or_raise
from unforgotten.persons.waterfall import Waterfall, waterfall

__all__ = ["Dossier", "LinkedEntry", "get"]


@dataclass(frozen=True)
class LinkedEntry:
    """An entry linked to the person, with its list, the list's party, and the accepted match that links it."""

    entry: Entry
    source: List  # the list it came from
    party: str
    match: Match
    waterfall: Waterfall | None

    @property
    def fields(self) -> list[tuple[str, str]]:
        """The entry's canonical columns that hold a value, in the canonical order (``record_id`` first)."""
        return [(c, str(v)) for c in CANONICAL_COLUMNS if (v := getattr(self.entry, c)) not in (None, "")]


@dataclass(frozen=True)
class Dossier:
    """What the person page shows of one person, and what the reader may do there."""

    person: Person
    space: str
    mediator_space: bool
    entries: list[LinkedEntry]
    history: Sequence[StatusChange]
    transitions: list[states.Transition]
    may_split: bool
    confirmable: frozenset[int]

    @property
    def current(self) -> bool:
        return self.person.merged_into_id is None and self.person.retired_reason is None


def _machine_role(actor: Actor) -> str:
    # As persons.cases does: the local operator acts as an admin in the state machine.
    return Role.ADMIN.value if actor.operator else actor.role.value


def get(*, session: Session, actor: Actor, person_id: int) -> Dossier:
    """Return the dossier of a person the actor may see (NotFoundError otherwise, as for a missing id)."""
    person = get_visible_or_raise(session=session, actor=actor, person_id=person_id)
    space = session.get(Party, person.space_id)
    mediator_space = space is not None and space.kind == PartyKind.MEDIATOR
    rows = session.execute(
        select(Match, Entry, List, Party.code)
        .join(Entry, Entry.id == Match.entry_id)
        .join(List, List.id == Entry.list_id)
        .join(Party, Party.id == List.party_id)
        .where(Match.person_id == person.id, Match.space_id == person.space_id, Match.state == MatchState.ACCEPTED)
        .order_by(Entry.id)
    ).all()
    entries = [
        LinkedEntry(entry=entry, source=lst, party=str(code), match=match,
                    waterfall=waterfall(match.explanation or {}, match.probability))
        for match, entry, lst, code in rows
    ]  # fmt: skip
    history = cases.history(session=session, actor=actor, person_id=person.id)
    current = person.merged_into_id is None and person.retired_reason is None
    role = _machine_role(actor)
    transitions = [
        t
        for t in states.allowed_transitions(person.status)
        if current
        and role in {r.value for r in t.roles}
        and (mediator_space or t.to_status not in cases.EXCHANGE_STATUSES)
    ]
    may_split = current and len(entries) > 1 and (actor.operator or actor.role in REVIEWER_ROLES)
    may_confirm = current and (actor.operator or actor.is_mediator)
    confirmable = frozenset(
        c.id for c in history if may_confirm and c.state == "pending" and c.requested_by != actor.name
    )
    return Dossier(
        person=person,
        space=space.code if space is not None else "",
        mediator_space=mediator_space,
        entries=entries,
        history=history,
        transitions=transitions,
        may_split=may_split,
        confirmable=confirmable,
    )
