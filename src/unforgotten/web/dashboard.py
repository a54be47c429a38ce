"""The overview's dashboard: per agreement category, where its persons stand; remains against the quota; what
waits for the viewer; acknowledgements by day — all within the one space the viewer works in.

Every number is read through the visibility the domain services already apply, never around it: the persons are
those of the viewer's working space (``auth.service.working_space``: a side's own, the mediator's, or the
mediator's for the local operator), the answers those of the releases ``releases.service.get_all`` shows the
viewer, the lists those ``lists.service.get_summaries`` shows, the pending changes those of
``persons.cases.pending_confirmations``. Admins and auditors work in no space and get an empty dashboard.

Cost. The per-category counts evaluate every category rule for every person of the space
(:func:`unforgotten.agreements.flows.assess`), linear in the space's persons and entries. Above
:data:`ASSESS_LIMIT` persons a page view would spend seconds on it, so the dashboard then shows the space's counts
by status only and says so (``Dashboard.assessed`` is false); the per-category numbers stay a command away
(``unforgotten assess``).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from unforgotten.agreements import service as agreements
from unforgotten.agreements.flows import assess
from unforgotten.agreements.models import ExchangeFormat
from unforgotten.auth.models import Party
from unforgotten.auth.service import Actor, readable_spaces, working_space
from unforgotten.errors import NotFoundError, PermissionDeniedError
from unforgotten.exchanges import remains
from unforgotten.lists.service import ListSummary, get_summaries
from unforgotten.persons import cases
from unforgotten.persons.models import Match, MatchState, Person, StatusChange, current_persons
from unforgotten.releases import service as releases
from unforgotten.releases.models import Answer, AnswerStatus, Release

__all__ = ["ASSESS_LIMIT", "STAGES", "Action", "CategoryState", "Dashboard", "QuotaState", "build"]

# Above this many persons in a space, a page view does not assess every category (see the module docstring).
ASSESS_LIMIT = 20_000
# The columns of a category's row, in the order of the exchange: each person counts in exactly one of them.
# "conflicting" is a requested person whose current released answer is conflicting (a conflicting answer moves no
# status, so without it the person would hide among the requested); "other" holds every status not named here
# (not eligible, declined, deceased, …), so the columns add up to the category's persons.
STAGES = ("requested", "conflicting", "not_acknowledged", "acknowledged", "held", "identity_confirmed", "eligible",
          "consent_confirmed", "scheduled", "exchanged", "remains_held", "remains_transferred", "other")  # fmt: skip
_NAMED = frozenset(STAGES) - {"conflicting", "other"}
# The rule verdicts that put a person in a category: eligible, or not decidable yet from the facts at hand.
_IN_CATEGORY = frozenset({"eligible", "undetermined"})


@dataclass(frozen=True)
class CategoryState:
    """One category of one agreement: its persons (rule says eligible or cannot tell yet) by stage."""

    agreement_id: int
    agreement: str
    category: str
    format: str
    quota: int | None
    persons: int
    undetermined: int
    stages: dict[str, int]


@dataclass(frozen=True)
class QuotaState:
    """An N-for-N category's quota and each side's handed-over remains so far (``remains.totals``)."""

    agreement_id: int
    agreement: str
    category: str
    quota: int
    sides: dict[str, tuple[int, int]]  # code -> (handed over, remaining)


@dataclass(frozen=True)
class Action:
    """Something waiting for the viewer: ``key`` names it (the template words it), ``links`` lead to it."""

    key: str
    count: int
    links: tuple[tuple[str, str], ...]  # (href, label)
    more: bool = False  # more places than links shown (the links are capped at _LINKS)


@dataclass
class Dashboard:
    space: str | None
    persons: int = 0
    assessed: bool = True
    categories: list[CategoryState] = field(default_factory=list)
    quotas: list[QuotaState] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    acknowledged_by_day: dict[dt.date, int] = field(default_factory=dict)
    # Only when the space is too large to assess: its persons by stage, "conflicting" folded into "requested".
    space_stages: dict[str, int] = field(default_factory=dict)


def _space(session: Session, actor: Actor) -> int | None:
    try:
        return working_space(session=session, actor=actor)
    except (NotFoundError, PermissionDeniedError):
        return None


def _stage(status: str, conflicting: bool) -> str:
    if status == "requested" and conflicting:
        return "conflicting"
    return status if status in _NAMED else "other"


def _conflicting(session: Session, actor: Actor, space_id: int) -> set[int]:
    """Persons of the space whose request entry has a conflicting answer in a current release the actor sees."""
    current = [r.id for r in releases.get_all(session=session, actor=actor) if r.superseded_by_id is None]
    if not current:
        return set()
    query = (
        select(Match.person_id)
        .join(Answer, Answer.request_entry_id == Match.entry_id)
        .where(
            Answer.release_id.in_(current),
            Answer.status == AnswerStatus.CONFLICTING,
            Match.space_id == space_id,
            Match.state == MatchState.ACCEPTED,
        )
    )
    return {int(i) for i in session.scalars(query)}


def _categories(session: Session, actor: Actor, space_id: int) -> list[CategoryState]:
    query = select(Person.id, Person.status).where(Person.space_id == space_id, current_persons())
    statuses = {int(person_id): str(status) for person_id, status in session.execute(query)}
    conflicting = _conflicting(session, actor, space_id)
    out = []
    for agreement in agreements.get_all(session=session):
        report = assess(session=session, agreement=agreement, space_id=space_id)
        members: dict[str, set[int]] = {c.name: set() for c in agreement.categories}
        undetermined: Counter[str] = Counter()
        for row in report.rows:
            if row.verdict in _IN_CATEGORY and row.person_id in statuses:
                members[row.category].add(row.person_id)
                undetermined[row.category] += row.verdict == "undetermined"
        for category in agreement.categories:
            stages = Counter(_stage(statuses[p], p in conflicting) for p in members[category.name])
            out.append(
                CategoryState(
                    agreement_id=agreement.id,
                    agreement=agreement.title,
                    category=category.name,
                    format=category.format,
                    quota=category.quota,
                    persons=len(members[category.name]),
                    undetermined=undetermined[category.name],
                    stages={s: stages.get(s, 0) for s in STAGES},
                )
            )
    return out


def _quotas(session: Session, actor: Actor) -> list[QuotaState]:
    out = []
    for agreement in agreements.get_all(session=session):
        for category in agreement.categories:
            if category.format != ExchangeFormat.N_FOR_N or not category.quota:
                continue
            try:
                totals = remains.totals(session=session, actor=actor, agreement_id=agreement.id)
            except PermissionDeniedError:
                return []  # the viewer reads no exchange (admin, auditor): no quota either
            sides = {code: (int(v["total"]), max(category.quota - int(v["total"]), 0))
                     for code, v in totals["sides"].items()}  # fmt: skip
            out.append(QuotaState(agreement.id, agreement.title, category.name, category.quota, sides))
    return out


def _acknowledged_by_day(session: Session, space_id: int) -> dict[dt.date, int]:
    """Applied moves to *acknowledged* of the space's persons, by the UTC day they took effect."""
    day = func.date(func.coalesce(StatusChange.confirmed_at, StatusChange.requested_at))
    query = (
        select(day, func.count())
        .join(Person, Person.id == StatusChange.person_id)
        .where(Person.space_id == space_id, StatusChange.to_status == "acknowledged", StatusChange.state == "applied")
        .group_by(day)
    )
    return {dt.date.fromisoformat(str(value)[:10]): int(n) for value, n in session.execute(query) if value}


def _pending_reviews(session: Session, actor: Actor) -> int:
    """The review queue's length, scoped exactly as ``persons.review.get_pending`` scopes it."""
    query = select(func.count()).select_from(Match).where(Match.state == MatchState.PENDING)
    spaces = readable_spaces(actor)
    if spaces is not None:
        query = query.where(Match.space_id.in_(spaces))
    return int(session.scalar(query) or 0)


def _unreleased(session: Session, summaries: Sequence[ListSummary]) -> list[tuple[ListSummary, ListSummary]]:
    """Visible (request, other side's custody) pairs with no release of answers yet."""
    released = {(int(r), int(c)) for r, c in session.execute(select(Release.request_list_id, Release.custody_list_id))}
    return [
        (request, custody)
        for request in summaries
        if request.kind == "request"
        for custody in summaries
        if custody.kind == "custody" and custody.party != request.party and (request.id, custody.id) not in released
    ]


_LINKS = 10


def _actions(session: Session, actor: Actor, summaries: Sequence[ListSummary]) -> list[Action]:
    out = [Action("review", _pending_reviews(session, actor), (("/review", "review"),))]
    pending = cases.pending_confirmations(session=session, actor=actor)
    persons = sorted({change.person_id for change in pending})
    out.append(Action("confirm", len(pending), tuple((f"/persons/{p}", f"#{p}") for p in persons[:_LINKS]),
                      more=len(persons) > _LINKS))  # fmt: skip
    if actor.operator or actor.is_mediator:
        pairs = _unreleased(session, summaries)
        out.append(Action("release", len(pairs), tuple(
            (f"/reconciliation/{r.id}/{c.id}", f"{r.party} {r.name} ↔ {c.party} {c.name}") for r, c in pairs[:_LINKS]
        ), more=len(pairs) > _LINKS))  # fmt: skip
    # Quarantined rows are mended by the side that submitted them: a side sees its own lists' here (the other
    # side's shared lists stay in the table below); the mediator and the operator see every list they read.
    own = actor.operator or actor.is_mediator
    quarantined = [s for s in summaries if s.quarantined_count and (own or s.party == actor.party_code)]
    out.append(Action("quarantine", sum(s.quarantined_count for s in quarantined),
                      tuple((f"/lists/{s.id}", f"{s.party} {s.name}") for s in quarantined[:_LINKS]),
                      more=len(quarantined) > _LINKS))  # fmt: skip
    return out


def build(*, session: Session, actor: Actor, summaries: Sequence[ListSummary] | None = None) -> Dashboard:
    """Count what the viewer's working space holds per category, what waits for the viewer, and when acknowledgements
    came in; ``summaries`` are the lists the viewer sees, when the caller already has them."""
    visible = list(summaries) if summaries is not None else get_summaries(session=session, actor=actor)
    space_id = _space(session, actor)
    if space_id is None:
        return Dashboard(space=None, actions=_actions(session, actor, visible))
    code = session.scalar(select(Party.code).where(Party.id == space_id))
    persons = int(session.scalar(select(func.count()).where(Person.space_id == space_id, current_persons())) or 0)
    dashboard = Dashboard(
        space=code, persons=persons, assessed=persons <= ASSESS_LIMIT,
        quotas=_quotas(session, actor), actions=_actions(session, actor, visible),
        acknowledged_by_day=_acknowledged_by_day(session, space_id),
    )  # fmt: skip
    if dashboard.assessed:
        dashboard.categories = _categories(session, actor, space_id)
    else:
        grouped = select(Person.status, func.count()).where(Person.space_id == space_id, current_persons())
        stages: Counter[str] = Counter()
        for status, n in session.execute(grouped.group_by(Person.status)):
            stages[_stage(str(status), conflicting=False)] += int(n)
        dashboard.space_stages = {s: stages.get(s, 0) for s in STAGES}
    return dashboard
