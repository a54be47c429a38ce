"""The case state machine: every status a person can have, who may move it where, and what that needs.

Pure data and checks, no database: the service layer (``persons.cases``) applies them, so the CLI, the API and
bulk category actions all obey the same table. ``deceased`` needs evidence and a second confirmation by a
different user — a single unverified note never makes a person dead; consent and refusal are recorded only by the
mediator, who interviews each prisoner privately (GC III Art. 109); ``declined`` is a normal end, not an error.

::

    requested ─┬─> acknowledged ──> identity_confirmed ─┬─> eligible ─┬─> consent_confirmed ─> scheduled ─┐
               └─> not_acknowledged                      └─> not_eligible └─> declined                         │
                                                           exchanged <─┴─> not_delivered <──────────────────────┘
    held (in custody, not requested) ──> identity_confirmed …
    sought (tracing) ──> located ──> reunited
    remains_held ──> identity_confirmed … ──> remains_transferred
    any open status ──> deceased (evidence + a second, different confirmer)
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from unforgotten.errors import InputError, PermissionDeniedError, Text, TransitionError

__all__ = [
    "TRANSITIONS",
    "Role",
    "Status",
    "Transition",
    "allowed_transitions",
    "check_transition",
    "initial_status",
]


class Status(StrEnum):
    REQUESTED = "requested"
    ACKNOWLEDGED = "acknowledged"
    NOT_ACKNOWLEDGED = "not_acknowledged"
    HELD = "held"
    IDENTITY_CONFIRMED = "identity_confirmed"
    ELIGIBLE = "eligible"
    NOT_ELIGIBLE = "not_eligible"
    CONSENT_CONFIRMED = "consent_confirmed"
    DECLINED = "declined"
    SCHEDULED = "scheduled"
    EXCHANGED = "exchanged"
    NOT_DELIVERED = "not_delivered"
    DECEASED = "deceased"
    REMAINS_HELD = "remains_held"
    REMAINS_TRANSFERRED = "remains_transferred"
    SOUGHT = "sought"
    LOCATED = "located"
    REUNITED = "reunited"


class Role(StrEnum):
    PARTY_COORDINATOR = "party_coordinator"
    MEDIATOR = "mediator"
    ADMIN = "admin"


@dataclass(frozen=True)
class Transition:
    from_status: Status
    to_status: Status
    roles: frozenset[Role]
    evidence_required: bool = False
    second_confirmation: bool = False


_C, _M, _A = Role.PARTY_COORDINATOR, Role.MEDIATOR, Role.ADMIN
_PARTY = frozenset({_C, _M, _A})
_MEDIATOR = frozenset({_M, _A})


def _t(src: Status, dst: Status, roles: frozenset[Role], *, evidence: bool = False, second: bool = False) -> Transition:
    return Transition(src, dst, roles, evidence, second)


S = Status
TRANSITIONS: tuple[Transition, ...] = (
    _t(S.REQUESTED, S.ACKNOWLEDGED, _PARTY),
    _t(S.REQUESTED, S.NOT_ACKNOWLEDGED, _PARTY),
    _t(S.NOT_ACKNOWLEDGED, S.ACKNOWLEDGED, _PARTY),
    _t(S.ACKNOWLEDGED, S.IDENTITY_CONFIRMED, _PARTY),
    _t(S.HELD, S.IDENTITY_CONFIRMED, _PARTY),
    _t(S.REMAINS_HELD, S.IDENTITY_CONFIRMED, _PARTY, evidence=True),
    _t(S.IDENTITY_CONFIRMED, S.ELIGIBLE, _PARTY),
    _t(S.IDENTITY_CONFIRMED, S.NOT_ELIGIBLE, _PARTY),
    _t(S.NOT_ELIGIBLE, S.ELIGIBLE, _PARTY, evidence=True),
    _t(S.ELIGIBLE, S.CONSENT_CONFIRMED, _MEDIATOR),
    _t(S.ELIGIBLE, S.DECLINED, _MEDIATOR),
    _t(S.CONSENT_CONFIRMED, S.DECLINED, _MEDIATOR),
    _t(S.CONSENT_CONFIRMED, S.SCHEDULED, _PARTY),
    _t(S.SCHEDULED, S.EXCHANGED, _PARTY),
    _t(S.SCHEDULED, S.NOT_DELIVERED, _PARTY),
    _t(S.NOT_DELIVERED, S.SCHEDULED, _PARTY),
    _t(S.IDENTITY_CONFIRMED, S.REMAINS_TRANSFERRED, _PARTY, evidence=True),
    _t(S.SOUGHT, S.LOCATED, _PARTY, evidence=True),
    _t(S.LOCATED, S.REUNITED, _MEDIATOR, evidence=True),
) + tuple(
    _t(src, S.DECEASED, _PARTY, evidence=True, second=True)
    for src in (S.REQUESTED, S.ACKNOWLEDGED, S.NOT_ACKNOWLEDGED, S.HELD, S.IDENTITY_CONFIRMED, S.ELIGIBLE,
                S.NOT_ELIGIBLE, S.CONSENT_CONFIRMED, S.SCHEDULED, S.NOT_DELIVERED, S.SOUGHT, S.LOCATED)
)  # fmt: skip
_BY_PAIR = {(t.from_status, t.to_status): t for t in TRANSITIONS}
_INITIAL = {"request": S.REQUESTED, "custody": S.HELD, "tracing": S.SOUGHT, "remains": S.REMAINS_HELD,
            # a tracing response names a child still being traced; its answer moves the tracing request
            "response": S.SOUGHT}  # fmt: skip


def initial_status(list_kind: str) -> Status:
    """The status a person starts in, by the kind of list that first named them."""
    try:
        return _INITIAL[list_kind]
    except KeyError as error:
        raise InputError(Text("unknown list kind"), value=list_kind) from error


def allowed_transitions(status: str) -> list[Transition]:
    """Every transition out of ``status``."""
    return [t for t in TRANSITIONS if t.from_status == status]


def check_transition(
    from_status: str,
    to_status: str,
    *,
    role: str,
    evidence: str | None,
    confirmed_by: str | None,
    actor: str,
) -> Transition:
    """Return the transition if ``role`` may make it with this evidence; otherwise raise, saying what is allowed.

    Args:
        from_status: the person's current status.
        to_status: the wanted status.
        role: the acting user's role.
        evidence: the evidence given (document, finding), if any.
        confirmed_by: for a second confirmation, the confirming user; ``None`` when requesting.
        actor: the user who requested the transition.

    Raises:
        TransitionError: the table has no such transition, or evidence is missing.
        PermissionDeniedError: the role may not make it, or the confirmer is the requester.
    """
    try:
        wanted = Status(to_status)
    except ValueError as error:
        raise TransitionError(
            Text("unknown status {to_status!r}", to_status=to_status),
            hint=Text("statuses: {statuses}", statuses=", ".join(s.value for s in Status)),
        ) from error
    transition = _BY_PAIR.get((Status(from_status), wanted))
    if transition is None:
        allowed = ", ".join(t.to_status.value for t in allowed_transitions(from_status)) or Text("none (final status)")
        raise TransitionError(
            Text("a person cannot go from {from_status} to {to_status}", from_status=from_status, to_status=to_status),
            hint=Text("allowed next: {allowed}", allowed=allowed),
        )
    if role not in {r.value for r in transition.roles}:
        names = ", ".join(sorted(r.value for r in transition.roles))
        raise PermissionDeniedError(
            Text("role {role} may not move a person to {to_status}", role=role, to_status=to_status),
            hint=Text("this needs: {names}", names=names),
        )
    if transition.evidence_required and not (evidence and evidence.strip()):
        raise TransitionError(
            Text("moving a person to {to_status} needs evidence", to_status=to_status),
            hint=Text("pass --evidence with the document or finding"),
        )
    if confirmed_by is not None and confirmed_by == actor:
        raise PermissionDeniedError(Text("the second confirmation must come from a different user"))
    return transition
