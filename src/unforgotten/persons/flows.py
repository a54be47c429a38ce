"""Cross-domain work whose outcome is persons: linking a list's entries into persons, splitting an entry off."""

from __future__ import annotations

from sqlalchemy.orm import Session

from unforgotten.auth.service import Actor
from unforgotten.lists import service as lists
from unforgotten.lists.models import Entry
from unforgotten.persons import review
from unforgotten.persons.models import Person
from unforgotten.persons.states import initial_status

__all__ = ["display_name", "split_entry"]


def display_name(entry: Entry) -> str:
    """How a person is shown: the names of the entry that created it, as written."""
    parts = [entry.family_name, entry.given_name, entry.patronymic]
    name = " ".join(p for p in parts if p)
    return name or entry.full_name or entry.record_id or f"entry {entry.id}"


def split_entry(*, session: Session, actor: Actor, entry_id: int, reason: str) -> Person:
    """Split an entry off its person; the new person starts in its list kind's initial status."""
    entry = session.get(Entry, entry_id)
    if entry is None:
        from unforgotten.errors import NotFoundError

        raise NotFoundError(f"no entry with id {entry_id}")
    kind = lists.get_or_raise(session=session, list_id=entry.list_id).kind
    return review.split(
        session=session,
        actor=actor,
        entry_id=entry_id,
        status=initial_status(kind).value,
        display_name=display_name(entry),
        reason=reason,
    )
