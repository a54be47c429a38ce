"""Persons — the real individuals as the system understands them — and the matches that link entries to them."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Select,
    String,
    Text,
    select,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from unforgotten.db import Base, JSONType

__all__ = [
    "EntryLinkKey",
    "LinkedList",
    "Match",
    "MatchMethod",
    "MatchState",
    "MedicalFinding",
    "Person",
    "SpaceModel",
    "StatusChange",
    "SurnameCount",
    "accepted_in_space",
    "current_persons",
]


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Person(Base):
    """A real individual; ``status`` is the single current case status, changed only through audited transitions."""

    __tablename__ = "persons"
    # Sealed in events with the person's own key, destroyed when the person is erased (audit.personal).
    __audit_personal__ = frozenset({"display_name"})
    __audit_subject__ = ("person", "id")

    id: Mapped[int] = mapped_column(primary_key=True)
    # The space (a side's or the mediator's party) this person lives in: linked only from entries visible there.
    space_id: Mapped[int] = mapped_column(ForeignKey("parties.id"), index=True)
    status: Mapped[str] = mapped_column(String(32), index=True)
    display_name: Mapped[str] = mapped_column(String(500), default="")
    # Set when a reviewer merged this person into another; it then has no entries and no longer counts.
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))
    # Set when every entry of the person left its space (the lists were unshared); it no longer counts.
    retired_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_utcnow)
    # Optimistic locking: every UPDATE checks the version it read, so of two simultaneous changes to one person
    # the second fails (409) instead of silently applying over the first.
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}


def current_persons() -> ColumnElement[bool]:
    """The condition for a person that still counts: neither merged into another nor retired."""
    return Person.merged_into_id.is_(None) & Person.retired_reason.is_(None)


class MatchMethod(StrEnum):
    AUTOMATIC = "automatic"
    REVIEWED = "reviewed"
    NEW_PERSON = "new_person"


class MatchState(StrEnum):
    ACCEPTED = "accepted"
    PENDING = "pending"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"  # the entry's list was unshared from this space


class Match(Base):
    """Links an entry to a person, with the probability, the explanation, and who decided.

    At most one accepted match per entry and space (a partial unique index): an entry seen by UA and by the
    mediator belongs to one person in each. Pending and rejected ones are kept as history.
    """

    __tablename__ = "matches"
    __audit_personal__ = frozenset({"explanation", "reason"})  # the compared names and dates; a reviewer's why
    __table_args__ = (
        Index(
            "uq_matches_entry_space_accepted",
            "entry_id",
            "space_id",
            unique=True,
            sqlite_where=text("state = 'accepted'"),
            postgresql_where=text("state = 'accepted'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("parties.id"), index=True)  # = the person's space
    probability: Mapped[float | None] = mapped_column(Float)
    explanation: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    method: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16))
    decided_by: Mapped[str] = mapped_column(String(200))
    decided_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_utcnow)
    reason: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(default=1, server_default="1")  # two reviewers, one decision

    __mapper_args__ = {"version_id_col": version}


def accepted_in_space(space_id: int) -> Select[int]:
    """The ids of the entries linked in a space (each has exactly one accepted match there)."""
    return select(Match.entry_id).where(Match.state == MatchState.ACCEPTED, Match.space_id == space_id)


class StatusChange(Base):
    """A case-status transition of a person: applied at once, or pending a second confirmation (e.g. deceased).

    The person's ``status`` column changes only together with an applied row here, so the history of a case is
    readable from this table as well as from the audit log.
    """

    __tablename__ = "status_changes"
    __audit_personal__ = frozenset({"evidence", "reason"})

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    from_status: Mapped[str] = mapped_column(String(32))
    to_status: Mapped[str] = mapped_column(String(32))
    state: Mapped[str] = mapped_column(String(16))  # applied | pending | rejected
    requested_by: Mapped[str] = mapped_column(String(200))
    requested_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_utcnow)
    evidence: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(Text)
    confirmed_by: Mapped[str | None] = mapped_column(String(200))
    confirmed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(default=1, server_default="1")  # two confirmers, one confirmation

    __mapper_args__ = {"version_id_col": version}


class MedicalFinding(Base):
    """A Mixed Medical Commission's decision about one person (GC III Art. 112, Annex II)."""

    __tablename__ = "medical_findings"
    __audit_personal__ = frozenset({"note"})

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    outcome: Mapped[str] = mapped_column(String(16))  # repatriate | reject | refer
    examined_on: Mapped[dt.date] = mapped_column(Date)
    recorded_by: Mapped[str] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text)


class SpaceModel(Base):
    """The linkage model re-estimated on one space's own entries, cached until the space has grown by a share.

    Linking into persons must not rest on parameters learned from the project's generator: each space re-learns
    from the entries it sees (and only those, so the other side's unshared data never shifts its persons), with
    the shipped model as the prior.
    """

    __tablename__ = "space_models"
    __audit__ = False  # a cache: derived from the space's entries, recomputed at will; its use is in each match

    space_id: Mapped[int] = mapped_column(ForeignKey("parties.id"), primary_key=True)
    rows: Mapped[int] = mapped_column()
    threshold: Mapped[float] = mapped_column(Float)
    settings: Mapped[dict[str, Any]] = mapped_column(JSONType)
    trained_on: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    estimated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_utcnow)
    # The version of the blocking keys (:data:`unforgotten.linkage.keys.KEYS_VERSION`) the space's entries were
    # keyed with; another version means they are keyed again before the space links anything.
    keys_version: Mapped[int] = mapped_column(default=0, server_default="0")


class LinkedList(Base):
    """A list every accepted entry of which has a person in a space: what linking need not read again.

    Without it, each new list would first look for waiting entries among all of the space's — at 1,000,000 entries
    on PostgreSQL, 5 of a daily list's 15 seconds. An entry waits only when its list is new to the space (imported,
    shared, or shared again after an unshare, which deletes the row), since entries never change status and an
    accepted match is only ever replaced by another. Derived bookkeeping, not audited: deleting rows is always
    safe (linking then reads those lists again), and ``unforgotten review link`` reads every list regardless.
    """

    __tablename__ = "linked_lists"
    __audit__ = False

    space_id: Mapped[int] = mapped_column(ForeignKey("parties.id"), primary_key=True)
    list_id: Mapped[int] = mapped_column(ForeignKey("lists.id"), primary_key=True)


class SurnameCount(Base):
    """How many entries linked in a space have a surname (by its TF key): a cache of
    :mod:`unforgotten.persons.frequencies`, cleared whenever entries leave the space, so not audited."""

    __tablename__ = "space_surname_counts"
    __table_args__ = {"sqlite_with_rowid": False}
    __audit__ = False

    space_id: Mapped[int] = mapped_column(ForeignKey("parties.id"), primary_key=True)
    key: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    count: Mapped[int] = mapped_column()


class EntryLinkKey(Base):
    """One blocking key of an entry (:mod:`unforgotten.linkage.keys`): how a new list finds its candidates.

    Derived data, rebuilt from the entry's fields at any time, so not audited. One index, (key, entry_id), and no
    foreign key: on SQLite a table without rowid whose primary key is that index — each key written costs one
    B-tree insert, not three (rowid table, index, foreign-key lookup), and there are a dozen per entry. A key of
    another :data:`~unforgotten.linkage.keys.KEYS_VERSION` never equals a probe of this one, so old keys need no
    deleting; a key of a deleted entry joins no match, so it finds nothing.
    """

    __tablename__ = "entry_link_keys"
    __table_args__ = {"sqlite_with_rowid": False}
    __audit__ = False

    key: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    entry_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
