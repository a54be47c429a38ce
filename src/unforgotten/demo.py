"""Load the synthetic scenario into the database: parties, negotiation, agreement, every list, persons.

This is the same path a real deployment takes — files written to disk, imported through the list service, linked
into persons, shared with the mediator — so the demo shows exactly what a coordinator would see.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from unforgotten.auth import service as parties
from unforgotten.auth.models import PartyKind
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
        out.append(f"entries linked into persons: {self.persons_linked:,}")
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
    """Generate the scenario, write its files, and import them; re-running with the same seed changes nothing."""
    from unforgotten.persons.flows import link_all
    from unforgotten.scenario import generate, write_scenario

    outcome = DemoOutcome()
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
        imported = lists.import_file(
            session=session, path=Path(path), party_code=party, kind=list_kind, submitted_by=actor
        )
        outcome.imported.append(imported)
        if not imported.unchanged:
            # Link list by list, as lists arrive in real life: later entries meet earlier persons with a probability.
            outcome.persons_linked += link_all(session=session, decided_by=actor)
            other = "RU" if party == "UA" else "UA"
            for share_with in ("ICRC", other):
                lists.share_with(session=session, list_id=imported.list_id, party_code=share_with)
    agreement_file = next((Path(p) for p in files.values() if Path(p).suffix in (".yaml", ".yml")), None)
    if agreement_file is not None:
        from unforgotten.agreements.service import load_file

        outcome.agreement_id = load_file(session=session, path=agreement_file, negotiation_id=negotiation.id).id
    return outcome
