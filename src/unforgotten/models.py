"""Every table, imported in one place so that Alembic and ``Base.metadata`` see the whole schema."""

from __future__ import annotations

import unforgotten.exchanges.models  # noqa: F401  (the exchange tables)
from unforgotten.agreements.models import Acceptance, Agreement, Category
from unforgotten.audit.models import ChainHead, Event
from unforgotten.auth.models import Party, User, WebSession
from unforgotten.db import Base
from unforgotten.lists.models import Entry, List, ListShare
from unforgotten.negotiations.models import Negotiation
from unforgotten.persons.models import Match, MedicalFinding, Person, SpaceModel, StatusChange
from unforgotten.releases.models import Answer, Release

__all__ = [
    "Acceptance",
    "Agreement",
    "Answer",
    "Base",
    "Category",
    "ChainHead",
    "Entry",
    "Event",
    "List",
    "ListShare",
    "Match",
    "MedicalFinding",
    "Negotiation",
    "Party",
    "Person",
    "Release",
    "SpaceModel",
    "StatusChange",
    "User",
    "WebSession",
]
