"""The demo's exchange, carried out the way the parties would: through the same guarded, audited services.

From the scenario's mediator space it takes a few persons of the agreement's all-for-all categories on each side
(the seriously wounded first, then the seriously ill), confirms identity, eligibility (with a Mixed Medical
Commission finding) and consent, records when some can first travel, builds a three-stage plan that both sides'
coordinators and the mediator approve (persons → scheduled), records every line of the first stage (one person
not delivered, with the reason), closes it, signs its act by a coordinator of each side and the mediator, and
leaves the next stage open. It also records remains batches from both sides toward the N-for-N quota, with the
uneven running totals seen in practice. Seeded, so the same scenario gives the same exchange; run once per
agreement (a second run only reports what is stored).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import random
from collections import Counter, defaultdict
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from unforgotten.agreements import service as agreements
from unforgotten.agreements.flows import assess
from unforgotten.agreements.models import Agreement, ExchangeFormat
from unforgotten.auth import service as auth
from unforgotten.auth.service import Actor
from unforgotten.exchanges import flows, handover, keys, remains
from unforgotten.exchanges import service as plans
from unforgotten.exchanges.models import Act, ActSignature, HandoverLine, LineOutcome, Plan, PlanState, Stage
from unforgotten.lists.models import Entry, EntryStatus, List, ListKind
from unforgotten.persons import cases
from unforgotten.persons.models import Match, MatchState, Person

__all__ = ["KEY_PASSPHRASE_ENV", "SIGNERS", "carry_out", "key_passphrase", "summary"]

# Who acts for each party: the demo users (unforgotten.demo.DEMO_USERS); coordinators sign as their side's officer.
SIGNERS = {"UA": "ua-coordinator", "RU": "ru-coordinator", "ICRC": "icrc-mediator"}
KEY_PASSPHRASE_ENV = "UNFORGOTTEN_DEMO_KEY_PASS"
PER_SIDE = 6  # persons each side releases: enough for a stage of four, a stage of two, one who must wait
_PREFERRED = ("seriously wounded", "seriously ill")  # GC III Art. 110: repatriated regardless of number
_DATES = (dt.date(2025, 6, 9), dt.date(2025, 6, 10), dt.date(2025, 6, 14))
_PLACES = ("Crossing point A (Sumy region, synthetic)", "Crossing point A (Sumy region, synthetic)",
           "Crossing point B (synthetic)")  # fmt: skip
# From where a person can stand in the state machine, the steps to identity confirmed.
_TO_IDENTITY: dict[str, tuple[str, ...]] = {
    "requested": ("acknowledged", "identity_confirmed"),
    "not_acknowledged": ("acknowledged", "identity_confirmed"),
    "acknowledged": ("identity_confirmed",),
    "held": ("identity_confirmed",),
    "identity_confirmed": (),
}
_REASONS = {
    "acknowledged": "the detaining side's custody list names them (synthetic)",
    "identity_confirmed": "identity particulars (GC III Art. 17) checked against both sides' lists (synthetic)",
    "eligible": "{category}: Mixed Medical Commission finding 'repatriate' (synthetic)",
    "consent_confirmed": "private interview by the intermediary: wishes to be repatriated, fit to travel (synthetic)",
}
# Remains batches per side, as shares of the quota: the sides never move in step.
_REMAINS = {"RU": ((dt.date(2025, 6, 9), 0.4), (dt.date(2025, 6, 14), 0.25)),
            "UA": ((dt.date(2025, 6, 9), 0.3), (dt.date(2025, 6, 10), 0.15), (dt.date(2025, 6, 14), 0.2))}  # fmt: skip


def key_passphrase() -> str:
    """The passphrase the demo's signing keys are stored under: derived from the secret key, so it can be printed
    again on every run; as public as the demo passwords in local mode (see ``unforgotten.demo.demo_password``)."""
    from unforgotten.settings import get_settings

    digest = hmac.new(get_settings().secret_key.encode(), b"unforgotten demo signing keys v1", hashlib.sha256)
    return "demo-key-" + base64.urlsafe_b64encode(digest.digest()[:12]).decode("ascii")


def _actors(session: Session) -> dict[str, Actor]:
    return {
        code: auth.actor_for(session=session, user=auth.get_user_by_name_or_raise(session=session, name=name))
        for code, name in SIGNERS.items()
    }


def _pick(
    session: Session, agreement: Agreement, space_id: int, rng: random.Random
) -> dict[int, list[tuple[int, str]]]:
    """Side party id → [(person, category)]: an equal number per side, the seriously wounded first."""
    wanted = [c.name for c in agreement.categories if c.format == ExchangeFormat.ALL_FOR_ALL]
    order = [c for c in _PREFERRED if c in wanted] or wanted[:1]
    movable = set(session.scalars(select(Person.id).where(Person.space_id == space_id,
                                                          Person.status.in_(_TO_IDENTITY))))  # fmt: skip
    category_of: dict[int, str] = {}
    for row in assess(session=session, agreement=agreement, space_id=space_id).rows:
        if row.verdict == "eligible" and row.category in order and row.person_id in movable:
            best = category_of.get(row.person_id)
            if best is None or order.index(row.category) < order.index(best):
                category_of[row.person_id] = row.category
    holders = flows.custody_holders(session, space_id, sorted(category_of))
    pools: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for category in order:
        for side in sorted(set(holders.values())):
            ids = sorted(p for p, c in category_of.items() if c == category and holders.get(p) == side)
            pools[side].extend((p, category) for p in rng.sample(ids, len(ids)))
    if len(pools) != 2:
        return {}
    count = min(PER_SIDE, *(len(pool) for pool in pools.values()))
    return {side: pool[:count] for side, pool in pools.items()}


def _brothers(session: Session, space_id: int, person_ids: Sequence[int]) -> list[int]:
    """Persons among these whose custody entries share a family name and patronymic: brothers travel together."""
    rows = session.execute(
        select(Match.person_id, Entry.family_name, Entry.patronymic)
        .join(Entry, Entry.id == Match.entry_id)
        .join(List, List.id == Entry.list_id)
        .where(Match.space_id == space_id, Match.state == MatchState.ACCEPTED, List.kind == ListKind.CUSTODY,
               Match.person_id.in_(person_ids), Entry.family_name.is_not(None), Entry.patronymic.is_not(None))
    )  # fmt: skip
    families: dict[tuple[str, str], set[int]] = defaultdict(set)
    for person_id, family, patronymic in rows:
        families[(str(family).casefold(), str(patronymic).casefold())].add(int(person_id))
    return next((sorted(ids) for _, ids in sorted(families.items()) if len(ids) > 1), [])


def _prepare(session: Session, mediator: Actor, picked: dict[int, list[tuple[int, str]]], plan_key: str) -> None:
    """Confirm identity, eligibility (with the commission's finding) and consent, then the travel facts."""
    space_id = auth.working_space(session=session, actor=mediator)
    for pool in picked.values():
        for person_id, category in pool:
            person = session.get(Person, person_id)
            assert person is not None
            steps = (*_TO_IDENTITY[person.status], "eligible", "consent_confirmed")
            for status in steps:
                if status == "eligible":
                    cases.record_finding(session=session, actor=mediator, person_id=person_id, outcome="repatriate",
                                         examined_on=dt.date(2025, 6, 4), note=f"{category} (synthetic)")  # fmt: skip
                cases.transition(session=session, actor=mediator, person_id=person_id, to_status=status,
                                 reason=_REASONS[status].format(category=category))  # fmt: skip
        if len(pool) >= 3:  # one is still recovering from surgery: not before the second stage
            flows.set_facts(session=session, actor=mediator, person_id=pool[-1][0], earliest=_DATES[1], group=None)
    for pool in picked.values():
        brothers = _brothers(session, space_id, [p for p, _ in pool])
        for person_id in brothers:
            flows.set_facts(session=session, actor=mediator, person_id=person_id, earliest=None,
                            group=f"brothers-{plan_key}-{brothers[0]}")  # fmt: skip


def _stages_text(count: int) -> str:
    first = max(1, count - 2)
    capacities = (first, count - first, 5)
    lines = ["parity: equal_per_stage", "stages:"]
    for number, (day, place, capacity) in enumerate(zip(_DATES, _PLACES, capacities, strict=True), start=1):
        remainder = ", remainder: true" if number == len(_DATES) else ""
        lines.append(f"  - {{id: S{number}, date: {day.isoformat()}, place: \"{place}\", "
                     f"capacity: {{UA: {capacity}, RU: {capacity}}}{remainder}}}")  # fmt: skip
    return "\n".join(lines) + "\n"


def _hand_over(session: Session, actors: dict[str, Actor], stage: Stage, rng: random.Random) -> None:
    """Every line of the stage, each half by its own party; one person not delivered, with the reason."""
    codes = plans.party_codes(session)
    lines = session.scalars(select(HandoverLine).where(HandoverLine.stage_id == stage.id).order_by(HandoverLine.id))
    lines_ = lines.all()
    missing = rng.choice(lines_).id
    for line in lines_:
        sender, receiver = actors[codes[line.from_party_id]], actors[codes[line.to_party_id]]
        if line.id == missing:
            reason = "not fit to travel on the day: the convoy's doctor advised against transport (synthetic)"
            handover.record_line(session=session, actor=sender, line_id=line.id, action="not_delivered", reason=reason)
            handover.record_line(session=session, actor=receiver, line_id=line.id, action="not_received")
        else:
            handover.record_line(session=session, actor=sender, line_id=line.id, action="handed_over")
            handover.record_line(session=session, actor=receiver, line_id=line.id, action="received")
        handover.record_line(session=session, actor=actors["ICRC"], line_id=line.id, action="observed")


def _sign(session: Session, actors: dict[str, Actor], stage_id: int) -> None:
    """Each signer gets an Ed25519 key, stored here encrypted with the demo passphrase, and signs the act."""
    passphrase = key_passphrase()
    for actor in actors.values():
        keys.create(session=session, user_name=actor.name, passphrase=passphrase, store=True)
        private, key = keys.private_key_for(session=session, user_name=actor.name, pem=None, passphrase=passphrase)
        handover.sign(session=session, actor=actor, stage_id=stage_id, private_key=private, key=key)


def _remains(session: Session, actors: dict[str, Actor], agreement: Agreement) -> None:
    """Each side hands over bodies from its own remains list, in batches toward the quota."""
    quota = max((c.quota or 0 for c in agreement.categories if c.format == ExchangeFormat.N_FOR_N), default=0)
    for code, batches in _REMAINS.items():
        party = auth.get_by_code_or_raise(session=session, code=code)
        refs: list[str] = [str(ref) for ref in session.scalars(
            select(Entry.remains_ref).join(List, List.id == Entry.list_id)
            .where(List.party_id == party.id, List.kind == ListKind.REMAINS, Entry.status == EntryStatus.ACCEPTED,
                   Entry.remains_ref.is_not(None)).order_by(Entry.id)
        ).unique()]  # fmt: skip
        start = 0
        for day, share in batches:
            size = max(1, round(quota * share)) if quota else 0
            chunk = refs[start : start + size]
            if not chunk:
                break
            remains.create_batch(session=session, actor=actors[code], agreement_id=agreement.id, party_code=code,
                                 date=day, refs=chunk)  # fmt: skip
            start += size


def carry_out(*, session: Session, agreement_id: int, seed: int) -> list[str]:
    """Carry out the demo exchange of the agreement once (later runs change nothing); return what was built."""
    existing = session.scalars(select(Plan).where(Plan.agreement_id == agreement_id)).first()
    if existing is not None:
        return summary(session=session, agreement_id=agreement_id)
    agreement = agreements.get_or_raise(session=session, agreement_id=agreement_id)
    actors = _actors(session)
    mediator = actors["ICRC"]
    rng = random.Random(seed)
    picked = _pick(session, agreement, auth.working_space(session=session, actor=mediator), rng)
    if not picked or not min(len(pool) for pool in picked.values()):
        return [f"exchange: not carried out — agreement {agreement_id} has no eligible person on both sides"]
    _prepare(session, mediator, picked, str(agreement_id))
    count = len(next(iter(picked.values())))
    plan = flows.create_plan(session=session, actor=mediator, agreement_id=agreement_id,
                             stages_text=_stages_text(count), stages_file="demo stages")  # fmt: skip
    for code in ("UA", "RU", "ICRC"):
        plans.approve(session=session, actor=actors[code], plan_id=plan.id)
    stage = session.scalars(
        select(Stage).join(HandoverLine, HandoverLine.stage_id == Stage.id).where(Stage.plan_id == plan.id)
        .order_by(Stage.date, Stage.id)
    ).first()  # fmt: skip
    if stage is not None:
        _hand_over(session, actors, stage, rng)
        handover.close(session=session, actor=mediator, stage_id=stage.id)
        _sign(session, actors, stage.id)
    _remains(session, actors, agreement)
    return summary(session=session, agreement_id=agreement_id)


def summary(*, session: Session, agreement_id: int) -> list[str]:
    """What the demo exchange holds, as the lines the demo prints: the plan, its stages, the act, the remains."""
    plan = session.scalars(select(Plan).where(Plan.agreement_id == agreement_id, Plan.state == PlanState.APPROVED)
                           .order_by(Plan.id.desc())).first()  # fmt: skip
    operator = auth.operator("demo")
    out: list[str] = []
    if plan is not None:
        view = plans.view(session=session, actor=operator, plan_id=plan.id)
        stages = ", ".join(
            f"{s['code']} {s['date']} (stage {s['id']}, {s['state']}, "
            f"{'/'.join(f'{k} {v}' for k, v in s['counts'].items())})"
            for s in view["stages"]
        )
        out.append(f"exchange: plan {plan.id} v{plan.version} of agreement {agreement_id}, approved by "
                   f"{', '.join(f'{p} ({u})' for p, u in view['approvals'].items())}: {stages}")  # fmt: skip
        rows = session.execute(
            select(Stage, Act).join(Act, Act.stage_id == Stage.id).where(Stage.plan_id == plan.id).order_by(Stage.id)
        ).all()
        for stage, act in rows:
            signers = session.scalars(select(ActSignature.signer).where(ActSignature.act_id == act.id)
                                      .order_by(ActSignature.id)).all()  # fmt: skip
            outcomes = Counter(str(person["outcome"]) for person in act.payload["persons"])
            counted = ", ".join(f"{outcomes[o]} {o.replace('_', ' ')}" for o in LineOutcome if outcomes[o])
            out.append(f"  stage {stage.id} ({stage.code}) closed: {counted}; act sha256 {act.sha256}, signed by "
                       f"{', '.join(signers)}")  # fmt: skip
            out.append(f"  check it offline: unforgotten act export {stage.id} -o act.json && "
                       f"unforgotten act verify act.json")  # fmt: skip
        out.append(f"  signing keys (Ed25519) of {', '.join(SIGNERS.values())}: stored in the database "
                   f"(exchange_keys), encrypted with the demo passphrase {key_passphrase()} — e.g. "
                   f"{KEY_PASSPHRASE_ENV}={key_passphrase()} unforgotten act sign STAGE --passphrase-env "
                   f"{KEY_PASSPHRASE_ENV} --as ru-coordinator")  # fmt: skip
    agreement = agreements.get_or_raise(session=session, agreement_id=agreement_id)
    if any(c.format == ExchangeFormat.N_FOR_N for c in agreement.categories):
        totals = remains.totals(session=session, actor=operator, agreement_id=agreement_id)
        sides = "; ".join(f"{code} {side['total']} ({' → '.join(str(b['running_total']) for b in side['batches'])})"
                          for code, side in totals["sides"].items())  # fmt: skip
        out.append(f"remains (quota {totals['quota']}, running totals per batch): {sides}; imbalance "
                   f"{totals['imbalance']}")  # fmt: skip
    return out
