"""Lists as submitted by a party, and their entries — every row kept verbatim, none ever dropped."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import BigInteger, DateTime, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from unforgotten.columns import CANONICAL_COLUMNS, COLUMN_WIDTHS
from unforgotten.db import Base, JSONType

__all__ = ["Entry", "EntrySearchKey", "EntryStatus", "List", "ListKind", "ListShare"]


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class ListKind(StrEnum):
    CUSTODY = "custody"
    REQUEST = "request"
    TRACING = "tracing"
    REMAINS = "remains"
    RESPONSE = "response"  # answers to a handed-over tracing list, one row per child (tracing/)


class EntryStatus(StrEnum):
    ACCEPTED = "accepted"
    QUARANTINED = "quarantined"
    BLANK = "blank"


class List(Base):
    """One submission by a party: a version of a named list, with the file's provenance."""

    __tablename__ = "lists"
    __table_args__ = (UniqueConstraint("party_id", "name", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("parties.id"))
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(Integer, default=1)
    file_name: Mapped[str] = mapped_column(String(500))
    file_hash: Mapped[str] = mapped_column(String(64), index=True)
    file_format: Mapped[str] = mapped_column(String(16))
    submitted_by: Mapped[str] = mapped_column(String(200))
    submitted_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_utcnow)
    row_count: Mapped[int] = mapped_column(Integer, default=0)
    accepted_count: Mapped[int] = mapped_column(Integer, default=0)
    quarantined_count: Mapped[int] = mapped_column(Integer, default=0)
    blank_count: Mapped[int] = mapped_column(Integer, default=0)
    entries_digest: Mapped[str | None] = mapped_column(String(64))
    read_report: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    # Withdrawn by its party (a wrong file, or replaced by a corrected one): its entries leave every space's
    # persons and are never linked again; the list, its entries and their history stay, readable and provable.
    withdrawn_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    withdrawn_by: Mapped[str | None] = mapped_column(String(200))
    withdrawn_reason: Mapped[str | None] = mapped_column(Text)

    shares: Mapped[list[ListShare]] = relationship(back_populates="list", cascade="all, delete-orphan")


class StoredFile(Base):
    """The bytes of a file a list came from, compressed, once per content (:mod:`unforgotten.lists.originals`)."""

    __tablename__ = "stored_files"
    __audit__ = False  # content-addressed: its key is its hash, which the list's import event carries

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    compression: Mapped[str] = mapped_column(String(16))
    content: Mapped[bytes] = mapped_column(LargeBinary)


class ListShare(Base):
    """A list shared by its party with the mediator or the other side."""

    __tablename__ = "list_shares"
    __table_args__ = (UniqueConstraint("list_id", "party_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    list_id: Mapped[int] = mapped_column(ForeignKey("lists.id"))
    party_id: Mapped[int] = mapped_column(ForeignKey("parties.id"))
    shared_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_utcnow)
    shared_by: Mapped[str] = mapped_column(String(200), default="")

    list: Mapped[List] = relationship(back_populates="shares")


class Entry(Base):
    """One row of a list: the raw values exactly as received, the canonical fields, and the findings."""

    __tablename__ = "entries"
    __table_args__ = (
        UniqueConstraint("list_id", "sheet", "row_number"),
        Index("ix_entries_list_id_status", "list_id", "status"),
    )
    # Entries are written in bulk and never changed; the list's import event carries their digest instead.
    __audit__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    list_id: Mapped[int] = mapped_column(ForeignKey("lists.id"))
    sheet: Mapped[str] = mapped_column(String(200), default="")
    row_number: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    raw: Mapped[dict[str, Any]] = mapped_column(JSONType)
    findings: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)

    record_id: Mapped[str | None] = mapped_column(String(200))
    family_name: Mapped[str | None] = mapped_column(String(200))
    given_name: Mapped[str | None] = mapped_column(String(200))
    patronymic: Mapped[str | None] = mapped_column(String(200))
    full_name: Mapped[str | None] = mapped_column(String(500))
    alternate_names: Mapped[str | None] = mapped_column(Text)
    sex: Mapped[str | None] = mapped_column(String(16))
    date_of_birth: Mapped[str | None] = mapped_column(String(10))
    place_of_birth: Mapped[str | None] = mapped_column(String(300))
    citizenship: Mapped[str | None] = mapped_column(String(100))
    person_type: Mapped[str | None] = mapped_column(String(50))
    rank: Mapped[str | None] = mapped_column(String(100))
    service_number: Mapped[str | None] = mapped_column(String(100))
    military_unit: Mapped[str | None] = mapped_column(String(200))
    date_of_capture: Mapped[str | None] = mapped_column(String(10))
    place_of_capture: Mapped[str | None] = mapped_column(String(300))
    health_status: Mapped[str | None] = mapped_column(Text)
    medical_category: Mapped[str | None] = mapped_column(String(100))
    father_name: Mapped[str | None] = mapped_column(String(200))
    mother_maiden_name: Mapped[str | None] = mapped_column(String(200))
    next_of_kin: Mapped[str | None] = mapped_column(Text)
    remains_ref: Mapped[str | None] = mapped_column(String(200))
    notes: Mapped[str | None] = mapped_column(Text)
    # Across versions of a list: what identifies this entry (record id, else service number, else name and birth)
    # and a hash of its canonical fields. Stored so the version diff is a query, not two maps held in memory.
    diff_key: Mapped[str | None] = mapped_column(String(1000))
    fingerprint: Mapped[str | None] = mapped_column(String(40))


class EntrySearchKey(Base):
    """One search key of an accepted entry (:mod:`unforgotten.names.search`), as its 64-bit hash: what search looks
    up, by equality.

    Derived data, rebuilt from the entry's fields at any time. The table is its own (key, entry) index (no rowid on
    SQLite) and has no foreign key, as ``entry_link_keys``: linking writes a dozen rows per entry, and a per-row key
    check would triple that cost; accounting, not this table, notices a deleted entry. The second index, by
    (entry, key), is what checking one driven entry for another word reads: one probe that finds the entry's few
    keys, where the primary key needs one probe per key of the word (at 1M entries a common surname with
    *Oleksandr* went from 60-85 ms to 30-55 ms; docs/benchmarks.md, "Search").
    """

    __tablename__ = "entry_search_keys"
    __table_args__ = (
        Index("ix_entry_search_keys_entry_key", "entry_id", "key"),
        {"sqlite_with_rowid": False},
    )

    key: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    entry_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)


# The entry table must carry every canonical column; a drift here would silently lose data on import.
assert set(CANONICAL_COLUMNS) <= set(Entry.__table__.columns.keys()), "Entry lacks a canonical column"
# ... at the widths the importer checks, or an over-long value would fail the insert instead of its row.
assert {
    name: getattr(column.type, "length", None) for name, column in Entry.__table__.columns.items()
    if name in CANONICAL_COLUMNS and getattr(column.type, "length", None)
} == COLUMN_WIDTHS, "Entry's column widths differ from columns.COLUMN_WIDTHS"  # fmt: skip
