"""`account` proves the exchanges carried out (issue 13, item 4), on SQLite and PostgreSQL: a stage's handovers
balance and match its act, each exchanged person is at exactly one closed stage, each side's remains total is its
batches — and a line or a count changed behind the system's back fails the check that names it."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, text
from tests.integration.exchanges.conftest import Exchange
from tests.integration.exchanges.test_exchange import _approved, _settle, _stage

from unforgotten.audit.exchange_checks import EXCHANGED_CHECK, REMAINS_CHECK, STAGE_CHECK
from unforgotten.audit.flows import account
from unforgotten.exchanges import handover, remains
from unforgotten.exchanges.models import HandoverLine


def _carried_out(x: Exchange) -> int:
    """Stage S1 settled and closed, S2 open, a batch of remains from each side; returns the plan."""
    plan_id = _approved(x)
    stage = _stage(x, plan_id)
    _settle(x, stage)
    handover.close(session=x.session, actor=x.actors["marie"], stage_id=stage.id)
    day = dt.date(2025, 6, 9)
    remains.create_batch(session=x.session, actor=x.actors["boris"], agreement_id=x.agreement_id, party_code="RU",
                         date=day, refs=["B1", "B2", "B3"])  # fmt: skip
    remains.create_batch(session=x.session, actor=x.actors["oksana"], agreement_id=x.agreement_id, party_code="UA",
                         date=day, refs=["U1", "U2"])  # fmt: skip
    report = account(session=x.session)
    assert report.ok, report.violations
    return plan_id


def _checks(x: Exchange) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for violation in account(session=x.session).violations:
        out.setdefault(violation.check, []).append(f"{violation.subject}: {violation.message}")
    return out


def test_a_handover_line_deleted_behind_the_systems_back_fails_the_stage_and_exchanged_checks(
    exchange: Exchange,
) -> None:
    x = exchange
    stage = _stage(x, _carried_out(x))
    line = x.session.scalars(select(HandoverLine).where(HandoverLine.stage_id == stage.id)).first()
    assert line is not None and line.outcome == "exchanged"
    line_id, person_id = line.id, line.person_id
    x.session.expunge(line)
    x.session.execute(text("DELETE FROM exchange_lines WHERE id = :id"), {"id": line_id})
    checks = _checks(x)
    assert STAGE_CHECK in checks and EXCHANGED_CHECK in checks, checks
    assert f"missing line(s) {line_id}" in checks[STAGE_CHECK][0]
    assert checks[EXCHANGED_CHECK] == [
        f"person {person_id}: exchanged, but in 0 closed stages' lines as exchanged instead of exactly one "
        "(unforgotten case history; unforgotten handover lines STAGE)"
    ]
    assert REMAINS_CHECK not in checks


def test_a_half_rewritten_in_an_open_stage_unbalances_it(exchange: Exchange) -> None:
    x = exchange
    stage = _stage(x, _carried_out(x), "S2")
    _settle(x, stage)  # S2 stays open: its lines are settled but the stage is not closed
    assert account(session=x.session).ok
    line = x.session.scalars(select(HandoverLine).where(HandoverLine.stage_id == stage.id)).first()
    assert line is not None
    x.session.execute(text("UPDATE exchange_lines SET received = 'not_received' WHERE id = :id"), {"id": line.id})
    checks = _checks(x)
    assert list(checks) == [STAGE_CHECK], checks
    assert checks[STAGE_CHECK] == [f"stage {stage.id} (S2): its lines record 2 handed over but 1 received (a line's "
                                   "half was changed outside the system)"]  # fmt: skip


def test_a_batch_count_changed_fails_the_remains_check(exchange: Exchange) -> None:
    x = exchange
    _carried_out(x)
    x.session.execute(text("UPDATE exchange_remains_batches SET count = 4 WHERE count = 3"))
    checks = _checks(x)
    assert list(checks) == [REMAINS_CHECK], checks
    assert checks[REMAINS_CHECK] == [f"RU's remains (agreement {x.agreement_id}): transferred 4 by its batches' "
                                     "counts, but they list 3 references and their events recorded 3 (unforgotten "
                                     "remains totals)"]  # fmt: skip


def test_a_batch_deleted_leaves_its_event_and_fails_the_remains_check(exchange: Exchange) -> None:
    x = exchange
    _carried_out(x)
    x.session.execute(text("DELETE FROM exchange_remains_batches WHERE count = 2"))
    checks = _checks(x)
    assert list(checks) == [REMAINS_CHECK], checks
    assert any("its remains.batch event exists but it does not" in message for message in checks[REMAINS_CHECK])
