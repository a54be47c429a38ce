"""Every table, imported in one place so that Alembic and ``Base.metadata`` see the whole schema."""

from __future__ import annotations

import unforgotten.exchanges.models  # noqa: F401  (the exchange tables)
from unforgotten.agreements.models import Acceptance, Agreement, Category
from unforgotten.audit.models import ChainHead, DataKey, Event
from unforgotten.auth.models import Party, User, WebSession
from unforgotten.db import Base
from unforgotten.jobs.models import Job
from unforgotten.lists.models import Entry, List, ListShare
from unforgotten.negotiations.models import ActionItem, CalendarFeed, Document, Meeting, Negotiation, Round
from unforgotten.persons.models import Match, MedicalFinding, Person, SpaceModel, StatusChange
from unforgotten.releases.models import Answer, Release
from unforgotten.tracing.models import HandOver, ResponseRow, Reunification, TracingRequest, TracingResponse

__all__ = [
    "Acceptance",
    "ActionItem",
    "Agreement",
    "Answer",
    "Base",
    "CalendarFeed",
    "Category",
    "ChainHead",
    "DataKey",
    "Document",
    "Entry",
    "Event",
    "HandOver",
    "Job",
    "List",
    "ListShare",
    "Match",
    "MedicalFinding",
    "Meeting",
    "Negotiation",
    "Party",
    "Person",
    "Release",
    "ResponseRow",
    "Reunification",
    "Round",
    "SpaceModel",
    "StatusChange",
    "TracingRequest",
    "TracingResponse",
    "User",
    "WebSession",
]
