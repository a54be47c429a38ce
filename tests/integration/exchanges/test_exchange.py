"""Plans, handovers, acts and remains against SQLite and PostgreSQL, within the access model."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from tests.integration.exchanges.conftest import STAGES, Exchange

from unforgotten.errors import ConflictError, InputError, NotFoundError, PermissionDeniedError
from unforgotten.exchanges import acts, flows, handover, keys, remains
from unforgotten.exchanges import service as plans
from unforgotten.exchanges.models import HandoverLine, Stage
from unforgotten.persons.models import Person


def _approved(x: Exchange) -> int:
    plan = flows.create_plan(session=x.session, actor=x.actors["marie"], agreement_id=x.agreement_id,
                             stages_text=STAGES, time_limit=10)  # fmt: skip
    for who in ("olena", "ivan", "marie"):
        plans.approve(session=x.session, actor=x.actors[who], plan_id=plan.id)
    return plan.id


def _stage(x: Exchange, plan_id: int, code: str = "S1") -> Stage:
    stage = x.session.scalars(select(Stage).where(Stage.plan_id == plan_id, Stage.code == code)).one()
    return stage


def _settle(x: Exchange, stage: Stage) -> None:
    officer = {"UA": "oksana", "RU": "boris"}
    codes = plans.party_codes(x.session)
    for line in x.session.scalars(select(HandoverLine).where(HandoverLine.stage_id == stage.id)).all():
        handover.record_line(session=x.session, actor=x.actors[officer[codes[line.from_party_id]]], line_id=line.id,
                             action="handed_over")  # fmt: skip
        handover.record_line(session=x.session, actor=x.actors[officer[codes[line.to_party_id]]], line_id=line.id,
                             action="received")  # fmt: skip
        handover.record_line(session=x.session, actor=x.actors["marie"], line_id=line.id, action="observed")


def test_a_plan_is_approved_by_both_sides_and_the_mediator_then_schedules(exchange: Exchange) -> None:
    x = exchange
    plan = flows.create_plan(session=x.session, actor=x.actors["marie"], agreement_id=x.agreement_id,
                             stages_text=STAGES, time_limit=10)  # fmt: skip
    assert len(plan.result["assignments"]) == 4
    with pytest.raises(PermissionDeniedError):
        plans.approve(session=x.session, actor=x.actors["oksana"], plan_id=plan.id)
    plans.approve(session=x.session, actor=x.actors["olena"], plan_id=plan.id)
    plans.approve(session=x.session, actor=x.actors["olena"], plan_id=plan.id)  # idempotent
    plans.approve(session=x.session, actor=x.actors["ivan"], plan_id=plan.id)
    statuses = set(x.session.scalars(select(Person.status).where(Person.id.in_(x.persons))))
    assert statuses == {"consent_confirmed"}
    plans.approve(session=x.session, actor=x.actors["marie"], plan_id=plan.id)
    assert set(x.session.scalars(select(Person.status).where(Person.id.in_(x.persons)))) == {"scheduled"}
    view = plans.view(session=x.session, actor=x.actors["uaview"], plan_id=plan.id)
    assert "assignments" not in view and [s["counts"] for s in view["stages"]] == [{"UA": 1, "RU": 1}] * 2


def test_an_agreement_with_no_eligible_persons_gives_an_empty_plan_with_the_reason(exchange: Exchange) -> None:
    x = exchange
    for pid in x.persons:
        x.session.get(Person, pid).status = "declined"  # type: ignore[union-attr]
    plan = flows.create_plan(session=x.session, actor=x.actors["marie"], agreement_id=x.agreement_id,
                             stages_text=STAGES)  # fmt: skip
    assert plan.result["assignments"] == {} and "no person" in (plan.reason or "")


def test_a_malformed_stages_file_names_the_field() -> None:
    with pytest.raises(InputError, match=r"stages\[0\].capacity"):
        flows.parse_stages("stages: [{id: S1, date: 2025-06-09, capacity: {UA: 1}}]", file="s.yaml",
                           sides=("UA", "RU"))  # fmt: skip


def test_out_of_scope_ids_are_404_before_any_role_check(exchange: Exchange) -> None:
    x = exchange
    plan_id = _approved(x)
    stage = _stage(x, plan_id)
    line = x.session.scalars(select(HandoverLine).where(HandoverLine.stage_id == stage.id)).first()
    assert line is not None
    for call in (lambda: plans.view(session=x.session, actor=x.actors["audrey"], plan_id=plan_id),
                 lambda: handover.record_line(session=x.session, actor=x.actors["audrey"], line_id=line.id,
                                              action="observed"),
                 lambda: handover.close(session=x.session, actor=x.actors["audrey"], stage_id=stage.id),
                 lambda: plans.view(session=x.session, actor=x.actors["olena"], plan_id=plan_id + 99)):  # fmt: skip
        with pytest.raises(NotFoundError):
            call()


def test_halves_idempotent_conflicting_and_close_refused_while_open(exchange: Exchange) -> None:
    x = exchange
    stage = _stage(x, _approved(x))
    line = x.session.scalars(select(HandoverLine).where(HandoverLine.stage_id == stage.id)).first()
    assert line is not None
    sender = "oksana" if plans.party_codes(x.session)[line.from_party_id] == "UA" else "boris"
    receiver = "boris" if sender == "oksana" else "oksana"
    with pytest.raises(PermissionDeniedError):
        handover.record_line(session=x.session, actor=x.actors[receiver], line_id=line.id, action="handed_over")
    handover.record_line(session=x.session, actor=x.actors[sender], line_id=line.id, action="handed_over")
    handover.record_line(session=x.session, actor=x.actors[sender], line_id=line.id, action="handed_over")
    with pytest.raises(ConflictError):
        handover.record_line(session=x.session, actor=x.actors[sender], line_id=line.id, action="not_delivered",
                             reason="ill")  # fmt: skip
    with pytest.raises(ConflictError, match="open line"):
        handover.close(session=x.session, actor=x.actors["marie"], stage_id=stage.id)
    with pytest.raises(ConflictError):
        handover.export(session=x.session, actor=x.actors["marie"], stage_id=stage.id)


def test_close_sign_export_and_verify(exchange: Exchange) -> None:
    x = exchange
    stage = _stage(x, _approved(x))
    _settle(x, stage)
    act = handover.close(session=x.session, actor=x.actors["marie"], stage_id=stage.id)
    assert act.payload["totals"]["UA"]["exchanged"] == 1 and act.payload["totals"]["RU"]["exchanged"] == 1
    for signer in ("oksana", "boris", "marie"):
        key, pem = keys.create(session=x.session, user_name=signer, passphrase="pw", store=True)
        private, registered = keys.private_key_for(session=x.session, user_name=signer, pem=None, passphrase="pw")
        handover.sign(session=x.session, actor=x.actors[signer], stage_id=stage.id, private_key=private,
                      key=registered)  # fmt: skip
    document = handover.export(session=x.session, actor=x.actors["ivan"], stage_id=stage.id)
    assert acts.verify_act(document).ok
    exchanged = x.session.scalars(select(Person.status).where(Person.id.in_(x.persons))).all()
    assert sorted(exchanged) == ["exchanged", "exchanged", "scheduled", "scheduled"]
    old = keys.get_active(session=x.session, user_name="boris")
    keys.revoke(session=x.session, user_name="boris")
    assert old.revoked_at is not None


def test_remains_batches_running_totals_and_each_reference_once(exchange: Exchange) -> None:
    x = exchange
    day = dt.date(2025, 6, 9)
    remains.create_batch(session=x.session, actor=x.actors["boris"], agreement_id=x.agreement_id, party_code="RU",
                         date=day, refs=["B1", "B2"])  # fmt: skip
    with pytest.raises(PermissionDeniedError):
        remains.create_batch(session=x.session, actor=x.actors["boris"], agreement_id=x.agreement_id,
                             party_code="UA", date=day, refs=["B9"])  # fmt: skip
    with pytest.raises(ConflictError):
        remains.create_batch(session=x.session, actor=x.actors["marie"], agreement_id=x.agreement_id,
                             party_code="UA", date=day, refs=["B2"])  # fmt: skip
    remains.create_batch(session=x.session, actor=x.actors["marie"], agreement_id=x.agreement_id, party_code="UA",
                         date=day, refs=["U1"])  # fmt: skip
    totals = remains.totals(session=x.session, actor=x.actors["olena"], agreement_id=x.agreement_id)
    assert totals["sides"]["RU"]["total"] == 2 and totals["sides"]["UA"]["total"] == 1
    assert abs(totals["imbalance"]) == 1 and totals["sides"]["RU"]["remaining"] == 8
    assert "refs" not in totals["sides"]["RU"]["batches"][0] and totals["sides"]["UA"]["batches"][0]["refs"]
