"""Load the synthetic scenario into the database: parties, negotiation, agreement, every list, persons, releases.

This is the same path a real deployment takes — files written to disk, submitted through the one use case
(import, share, link into each space that sees them), the agreement loaded by the mediator and accepted by both
sides, and the mediator's reconciliation answers released to each side — so the demo shows what each would see.
Every list is shared with the mediator, as real parties do; request lists also with the side they ask.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from unforgotten.auth import service as parties
from unforgotten.auth.models import PartyKind
from unforgotten.auth.service import Actor
from unforgotten.columns import LIST_KINDS
from unforgotten.lists import service as lists
from unforgotten.negotiations.models import Negotiation

__all__ = ["DemoOutcome", "load_scenario"]

PARTIES = (
    ("UA", "Ukraine", PartyKind.SIDE),
    ("RU", "Russian Federation", PartyKind.SIDE),
    ("ICRC", "Neutral intermediary", PartyKind.MEDIATOR),
)


@dataclass
class DemoOutcome:
    imported: list[lists.ImportOutcome] = field(default_factory=list)
    agreement_id: int | None = None
    persons_linked: int = 0
    releases: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = []
        for item in self.imported:
            verb = "unchanged" if item.unchanged else "imported"
            out.append(
                f"{verb}: list {item.list_id} {item.name}: {item.rows:,} rows, {item.accepted:,} accepted, "
                f"{item.quarantined:,} quarantined"
            )
        if self.agreement_id is not None:
            out.append(f"agreement {self.agreement_id} loaded")
        out.append(f"entries linked into persons (each space that sees them): {self.persons_linked:,}")
        out.extend(self.releases)
        return out


def _negotiation(session: Session) -> Negotiation:
    existing = session.scalars(select(Negotiation).order_by(Negotiation.id)).first()
    if existing is not None:
        return existing
    ua = parties.get_by_code_or_raise(session=session, code="UA")
    ru = parties.get_by_code_or_raise(session=session, code="RU")
    icrc = parties.get_by_code_or_raise(session=session, code="ICRC")
    negotiation = Negotiation(
        title="Exchange of prisoners of war and repatriation of remains (synthetic demo)",
        party_a_id=ua.id,
        party_b_id=ru.id,
        mediator_id=icrc.id,
        opened_on=dt.date(2025, 5, 16),
    )
    session.add(negotiation)
    session.flush()
    return negotiation


def _list_target(path: Path) -> tuple[str, str] | None:
    party, _, kind = path.stem.partition("_")
    if path.suffix.lower() != ".csv" or kind not in LIST_KINDS or party.upper() not in {"UA", "RU"}:
        return None
    return party.upper(), kind


def load_scenario(*, session: Session, size: int, seed: int, directory: Path, actor: str) -> DemoOutcome:
    """Generate the scenario, write its files, and submit them; re-running with the same seed changes nothing."""
    from unforgotten.agreements import service as agreements
    from unforgotten.auth.service import operator
    from unforgotten.persons.flows import submit_list
    from unforgotten.scenario import generate, write_scenario

    outcome = DemoOutcome()
    operator_actor = operator(actor)
    for code, name, kind in PARTIES:
        parties.get_or_create(session=session, code=code, name=name, kind=kind)
    negotiation = _negotiation(session)
    directory.mkdir(parents=True, exist_ok=True)
    files = write_scenario(generate(size, seed), directory)
    for path in sorted(files.values()):
        target = _list_target(Path(path))
        if target is None:
            continue
        party, list_kind = target
        other = "RU" if party == "UA" else "UA"
        # Link list by list, as lists arrive in real life: later entries meet earlier persons with a probability.
        submission = submit_list(
            session=session, actor=operator_actor, path=Path(path), party_code=party, kind=list_kind,
            share_with=("ICRC", other) if list_kind == "request" else ("ICRC",),
        )  # fmt: skip
        outcome.imported.append(submission.outcome)
        outcome.persons_linked += submission.linked_total
    agreement_file = next((Path(p) for p in files.values() if Path(p).suffix in (".yaml", ".yml")), None)
    if agreement_file is not None:
        agreement = agreements.load_file(
            session=session, path=agreement_file, negotiation_id=negotiation.id, loaded_by=actor
        )
        for side in ("UA", "RU"):
            agreements.accept(session=session, actor=operator_actor, agreement_id=agreement.id, party_code=side)
        outcome.agreement_id = agreement.id
    _release_answers(session, operator_actor, outcome)
    return outcome


def _release_answers(session: Session, actor: Actor, outcome: DemoOutcome) -> None:
    """The mediator answers each side's request list from the other side's custody list (once per scenario)."""
    from unforgotten.releases import service as releases

    by_party_kind = {}
    for item in outcome.imported:
        stored = lists.get_or_raise(session=session, list_id=item.list_id)
        by_party_kind[(stored.party_id, stored.kind)] = stored
    released = {r.request_list_id for r in releases.get_all(session=session, actor=actor)}
    for (party_id, kind), request in sorted(by_party_kind.items()):
        if kind != "request" or request.id in released:
            continue
        custody = next((lst for (p, k), lst in by_party_kind.items() if k == "custody" and p != party_id), None)
        if custody is None:
            continue
        release = releases.create(session=session, actor=actor, request_list_id=request.id, custody_list_id=custody.id)
        counts = ", ".join(f"{k.replace('_', ' ')} {v:,}" for k, v in release.counts.items())
        outcome.releases.append(
            f"release {release.id}: the mediator answered request list {request.id} from custody list "
            f"{custody.id} — {counts}"
        )
