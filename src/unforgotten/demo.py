"""Load the synthetic scenario into the database: parties, negotiation, agreement, every list, persons, releases,
and an exchange carried out in part (a plan, a closed stage with a signed act, an open one, remains batches).

This is the same path a real deployment takes — files written to disk, submitted through the one use case
(import, share, link into each space that sees them), the agreement loaded by the mediator and accepted by both
sides, and the mediator's reconciliation answers released to each side — so the demo shows what each would see.
Every list is shared with the mediator, as real parties do; request lists also with the side they ask.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from unforgotten.auth import service as parties
from unforgotten.auth.models import PartyKind, User
from unforgotten.auth.service import Actor
from unforgotten.columns import LIST_KINDS
from unforgotten.lists import service as lists
from unforgotten.negotiations.models import Negotiation

__all__ = ["DEMO_USERS", "DemoOutcome", "add_demo_users", "demo_password", "load_scenario"]

PARTIES = (
    ("UA", "Ukraine", PartyKind.SIDE),
    ("RU", "Russian Federation", PartyKind.SIDE),
    ("ICRC", "Neutral intermediary", PartyKind.MEDIATOR),
)
# Synthetic users, one per way of working, so a newcomer can sign in to the demo in a browser.
DEMO_USERS = (
    ("ua-coordinator", "party_coordinator", "UA"),
    ("ru-coordinator", "party_coordinator", "RU"),
    ("icrc-mediator", "mediator", "ICRC"),
    ("ua-viewer", "party_viewer", "UA"),
    # The children UA hands over reach RU's tracing officer, who answers them (a coordinator sees its own side's).
    ("ru-tracing", "tracing_officer", "RU"),
)


@dataclass
class DemoOutcome:
    imported: list[lists.ImportOutcome] = field(default_factory=list)
    agreement_id: int | None = None
    persons_linked: int = 0
    releases: list[str] = field(default_factory=list)
    exchange: list[str] = field(default_factory=list)
    credentials: list[str] = field(default_factory=list)

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
        out.extend(self.exchange)
        out.extend(self.credentials)
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


def load_scenario(
    *, session: Session, size: int, seed: int, directory: Path, actor: str, store: Path | None = None
) -> DemoOutcome:
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
    _negotiation_history(session, operator_actor, negotiation.id, outcome, store or directory / "store", directory)
    _children(session, operator_actor, outcome)
    add_demo_users(session, outcome)
    if outcome.agreement_id is not None:  # after the users: the coordinators and the mediator carry it out
        from unforgotten.exchanges.demo import carry_out

        outcome.exchange = carry_out(session=session, agreement_id=outcome.agreement_id, seed=seed)
    return outcome


def demo_password(name: str) -> str:
    """The demo password of a demo user: derived from the secret key, so every run can print it again.

    In local mode the secret key is the public default and the password is as guessable as the code; that mode
    serves loopback only, where the local operator needs no sign-in at all. With a real secret key it is not.
    """
    from unforgotten.settings import get_settings

    digest = hmac.new(
        get_settings().secret_key.encode(), f"unforgotten demo password v1:{name}".encode(), hashlib.sha256
    )
    return "demo-" + base64.urlsafe_b64encode(digest.digest()[:12]).decode("ascii")


def add_demo_users(session: Session, outcome: DemoOutcome) -> None:
    """Give each demo user a password, and the coordinators and mediator an authenticator; say how to sign in."""
    from unforgotten.auth import factors
    from unforgotten.settings import get_settings

    outcome.credentials.append("demo sign-in at /login (synthetic users; coordinators and the mediator need a code):")
    ttl = get_settings().token_ttl_days
    for name, role, party in DEMO_USERS:
        password = demo_password(name)
        user = session.scalars(select(User).where(User.name == name)).first()
        token = None
        if user is None:
            user, token = parties.create_user(session=session, name=name, role=role, party_code=party, ttl_days=ttl)
            parties.set_password(session=session, name=name, password=password)
            if parties.second_factor_required(user):
                parties.enrol_totp(session=session, name=name)
        elif not factors.verify_password(user.password_hash, password):
            outcome.credentials.append(f"  {name}: password changed since the demo set it (unforgotten user password)")
            continue
        line = f"  {name} ({role} {party}): password {password}"
        if user.totp_secret is not None:
            secret = factors.unwrap_secret(user.totp_secret, ref=factors.secret_ref(user.id))
            line += f", authenticator secret {secret}"
        if token is not None:
            line += f", API token {token}"
        outcome.credentials.append(line)
    outcome.credentials.append(
        "  a one-time code: add the secret to an authenticator app, or run "
        ".venv/bin/python -c \"import pyotp; print(pyotp.TOTP('SECRET').now())\""
    )


def _negotiation_history(
    session: Session, actor: Actor, negotiation_id: int, outcome: DemoOutcome, store: Path, directory: Path
) -> None:
    """Talks shaped like May–June 2025: two rounds, a document under a one-week review, a leader-meeting window."""
    from unforgotten.negotiations import service as negotiations
    from unforgotten.negotiations.models import Round

    if session.scalars(select(Round).where(Round.negotiation_id == negotiation_id)).first() is not None:
        return
    for held_on, agreement in ((dt.date(2025, 5, 16), None), (dt.date(2025, 6, 2), outcome.agreement_id)):
        negotiations.create_round(
            session=session, actor=actor, negotiation_id=negotiation_id, held_on=held_on,
            place="Istanbul (synthetic)", delegations="UA, RU; ICRC as intermediary", duration_minutes=90,
            agreement_id=agreement,
        )  # fmt: skip
    memo = directory / "memorandum.txt"
    memo.write_text("Synthetic memorandum: proposals on the exchange of the seriously wounded.\n", encoding="utf-8")
    received = dt.date.today() - dt.timedelta(days=3)  # relative to today: a review deadline still ahead
    negotiations.create_document(
        session=session, actor=actor, negotiation_id=negotiation_id, title="Memorandum on the next stage (synthetic)",
        path=memo, store=store, received_on=received, party_code="RU",
    )  # fmt: skip
    negotiations.create_meeting(
        session=session, actor=actor, negotiation_id=negotiation_id, title="Leader-level meeting (proposed)",
        window_start=dt.date(2025, 6, 20), window_end=dt.date(2025, 6, 30),
    )  # fmt: skip


def _children(session: Session, actor: Actor, outcome: DemoOutcome) -> None:
    """UA's list of deported children, handed over 40 days ago: some answered, some overdue, one reunited."""
    from unforgotten.tracing import service as tracing

    tracing_list = next((i for i in outcome.imported if i.name == "ua_tracing"), None)
    if tracing_list is None or tracing.get_all(session=session, actor=actor, list_id=tracing_list.list_id):
        return
    tracing.register(session=session, actor=actor, list_id=tracing_list.list_id)
    today = dt.date.today()
    tracing.handover(
        session=session, actor=actor, list_id=tracing_list.list_id, to_party="RU", on=today - dt.timedelta(days=40)
    )
    requests = list(tracing.get_all(session=session, actor=actor, list_id=tracing_list.list_id))
    answers = (("located", "Синтетичне, дитячий будинок (synthetic)", "Иванов Александр"), ("located", "", ""),
               ("no_information", "", ""))  # fmt: skip
    for request, (result, institution, new_name) in zip(requests, answers, strict=False):
        tracing.respond(
            session=session, actor=actor, request_id=request.id, outcome=result,
            responded_on=today - dt.timedelta(days=20), place="synthetic place" if result == "located" else "",
            institution=institution, name_now_used=new_name,
        )  # fmt: skip
    if len(requests) > 1:
        tracing.reunify(session=session, actor=actor, request_id=requests[1].id, on=today - dt.timedelta(days=5),
                        place="crossing point (synthetic)", with_whom="mother (synthetic)")  # fmt: skip


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
