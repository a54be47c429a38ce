"""The accounting proof's checks of exchanges carried out: handovers balance, each exchanged person was exchanged
at exactly one closed stage, and each side's remains total is what its batches say.

Each compares the stored rows with a record the system froze or chained when it wrote them — a closed stage's act
(its payload hashed), the ``remains.batch`` events — so a handover line or a batch count changed or deleted with
raw SQL shows here, named, even where the other checks do not track the table.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from unforgotten.audit.models import Event
from unforgotten.audit.replay import Difference
from unforgotten.auth.models import Party
from unforgotten.exchanges import acts
from unforgotten.exchanges.models import Act, HandoverLine, LineOutcome, RemainsBatch, Stage, StageState
from unforgotten.persons.models import Person, current_persons

__all__ = ["EXCHANGED_CHECK", "REMAINS_CHECK", "STAGE_CHECK", "exchange_differences"]

STAGE_CHECK = "stage handed over = received"
EXCHANGED_CHECK = "exchanged → one closed stage"
REMAINS_CHECK = "remains = batches"


def exchange_differences(*, session: Session) -> Iterator[Difference]:
    """Every way the exchanges carried out differ from their acts and events."""
    yield from _stages(session)
    yield from _exchanged(session)
    yield from _remains(session)


def _halves(pairs: list[tuple[Any, Any]]) -> tuple[int, int]:
    return sum(1 for sent, _ in pairs if sent == "handed_over"), sum(1 for _, got in pairs if got == "received")


def _stages(session: Session) -> Iterator[Difference]:
    """Per stage: as many handed over as received (an open stage may carry open discrepancies); a closed stage's
    lines are exactly those its act froze, and the act still hashes to its SHA-256."""
    lines: dict[int, dict[int, tuple[Any, Any, Any]]] = defaultdict(dict)
    for line in session.execute(select(HandoverLine.stage_id, HandoverLine.id, HandoverLine.sent,
                                       HandoverLine.received, HandoverLine.outcome)):  # fmt: skip
        lines[int(line[0])][int(line[1])] = (line[2], line[3], line[4])
    frozen = {int(act.stage_id): act for act in session.scalars(select(Act))}
    for stage in session.scalars(select(Stage).order_by(Stage.id)):
        subject = f"stage {stage.id} ({stage.code})"
        mine = lines.get(stage.id, {})
        settled = [(s, r) for s, r, outcome in mine.values() if s and r and outcome != LineOutcome.DISCREPANCY]
        handed, received = _halves(settled)
        if handed != received:
            yield Difference(STAGE_CHECK, subject, f"its lines record {handed} handed over but {received} received "
                             "(a line's half was changed outside the system)")  # fmt: skip
        if stage.state != StageState.CLOSED:
            continue
        act = frozen.get(stage.id)
        if act is None:
            yield Difference(STAGE_CHECK, subject, "closed, but it has no act")
            continue
        if act.sha256 != acts.digest(act.payload):
            yield Difference(STAGE_CHECK, subject, f"act {act.id}'s payload no longer hashes to its SHA-256")
        in_act = {int(p["line"]): (p["handed_over"]["value"], p["received"]["value"]) for p in act.payload["persons"]}
        act_handed, act_received = _halves(list(in_act.values()))
        now_handed, now_received = _halves([(s, r) for s, r, _ in mine.values()])
        gone, added = sorted(set(in_act) - set(mine)), sorted(set(mine) - set(in_act))
        changed = sorted(i for i in set(in_act) & set(mine) if in_act[i] != mine[i][:2])
        if gone or added or changed or (act_handed, act_received) != (now_handed, now_received):
            detail = "; ".join(f"{what} {', '.join(map(str, ids[:10]))}" for what, ids in
                               (("missing line(s)", gone), ("line(s) not in the act", added),
                                ("line(s) changed", changed)) if ids)  # fmt: skip
            yield Difference(STAGE_CHECK, subject,
                             f"its act records {len(in_act)} lines, {act_handed} handed over and {act_received} "
                             f"received; the lines now say {len(mine)}, {now_handed} and {now_received} ({detail}) "
                             "— compare with the signed act (unforgotten act export)")  # fmt: skip


def _exchanged(session: Session) -> Iterator[Difference]:
    """Every person whose status is exchanged has exactly one exchanged line in a closed stage."""
    at_stages = Counter(
        int(person_id)
        for person_id in session.scalars(
            select(HandoverLine.person_id)
            .join(Stage, Stage.id == HandoverLine.stage_id)
            .where(HandoverLine.outcome == LineOutcome.EXCHANGED, Stage.state == StageState.CLOSED)
        )
    )
    exchanged = session.scalars(
        select(Person.id).where(Person.status == "exchanged", current_persons()).order_by(Person.id)
    )
    for person_id in exchanged:
        found = at_stages.get(int(person_id), 0)
        if found != 1:
            yield Difference(EXCHANGED_CHECK, f"person {person_id}",
                             f"exchanged, but in {found} closed stages' lines as exchanged instead of exactly one "
                             "(unforgotten case history; unforgotten handover lines STAGE)")  # fmt: skip


def _remains(session: Session) -> Iterator[Difference]:
    """Per agreement and side: the total transferred (the batches' counts) = the references the batches list =
    the counts their ``remains.batch`` events recorded; each batch has its event and no event lacks its batch."""
    codes = {int(i): str(c) for i, c in session.execute(select(Party.id, Party.code))}
    recorded = {str(s): a or {} for s, a in session.execute(select(Event.subject_id, Event.after)
                                                            .where(Event.action == "remains.batch"))}  # fmt: skip
    if not recorded and not session.scalar(select(func.count()).select_from(RemainsBatch)):
        return
    totals: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    seen: set[str] = set()
    for batch in session.scalars(select(RemainsBatch).order_by(RemainsBatch.id)):
        side = codes.get(batch.party_id, str(batch.party_id))
        event = recorded.get(str(batch.id))
        seen.add(str(batch.id))
        total = totals[(batch.agreement_id, side)]
        total[0] += batch.count
        total[1] += len(batch.refs or [])
        total[2] += int(event.get("count", 0)) if event else 0
        if event is None:
            yield Difference(REMAINS_CHECK, f"remains batch {batch.id} ({side})", "no remains.batch event records it")
        elif event.get("party") != side:
            yield Difference(REMAINS_CHECK, f"remains batch {batch.id} ({side})",
                             f"its event says it came from {event.get('party')}")  # fmt: skip
    for subject_id in sorted(set(recorded) - seen, key=lambda s: int(s) if s.isdigit() else 0):
        yield Difference(REMAINS_CHECK, f"remains batch {subject_id}", "its remains.batch event exists but it does not")
    for (agreement_id, side), (counted, listed, in_events) in sorted(totals.items()):
        if not counted == listed == in_events:
            yield Difference(REMAINS_CHECK, f"{side}'s remains (agreement {agreement_id})",
                             f"transferred {counted} by its batches' counts, but they list {listed} references and "
                             f"their events recorded {in_events} (unforgotten remains totals)")  # fmt: skip
