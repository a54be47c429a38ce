"""``unforgotten handover``, ``stage``, ``act``, ``remains`` and ``user key`` — carrying out an exchange.

``act verify`` works offline: it opens no database and reads only the act file (and the pinned keys).
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from unforgotten.cli.app import app, err_console
from unforgotten.cli.context import AS_OPTION, acting, acting_unit_of_work, console, database, default_actor
from unforgotten.cli.i18n import _, term, tr, word
from unforgotten.cli.plan import plan_app
from unforgotten.cli.users import user_app
from unforgotten.errors import FileReadError, InputError, Text

__all__ = ["act_app", "handover_app", "remains_app", "stage_app"]

handover_app = typer.Typer(help="The handover at the crossing: manifest lines, each party its half.",
                           no_args_is_help=True)  # fmt: skip
stage_app = typer.Typer(help="Stages of an approved plan: close one to freeze its act.", no_args_is_help=True)
act_app = typer.Typer(help="Handover acts: sign, export, verify offline.", no_args_is_help=True)
remains_app = typer.Typer(help="Remains, N-for-N: batches per side and running totals.", no_args_is_help=True)
app.add_typer(handover_app, name="handover")
app.add_typer(stage_app, name="stage")
app.add_typer(act_app, name="act")
app.add_typer(remains_app, name="remains")

PASSPHRASE_ENV = typer.Option(
    None, "--passphrase-env", metavar="VAR", help="Read the key's passphrase from this environment variable."
)


def _passphrase(variable: str | None) -> str | None:
    if variable is None:
        return None
    value = os.environ.get(variable)
    if not value:
        raise InputError(
            Text("the environment variable {variable} is empty or unset", variable=variable),
            hint=Text("export it first"),
        )
    return value


@user_app.command("key")
def user_key(
    name: Annotated[str, typer.Argument(help="The user whose signing key to make.")],
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write the private key here (0600).")] = None,
    store: Annotated[bool, typer.Option("--store", help="Keep it here, encrypted with the passphrase.")] = False,
    passphrase_env: str | None = PASSPHRASE_ENV,
    revoke: Annotated[bool, typer.Option("--revoke", help="Revoke the user's key in force instead.")] = False,
) -> None:
    """Make a user's Ed25519 signing key (rotating the old one) and print its fingerprint; or revoke it."""
    from unforgotten.exchanges import keys

    with database().unit_of_work(actor=default_actor(), reason=f"signing key of {name}") as uow:
        if revoke:
            key = keys.revoke(session=uow.session, user_name=name)
            uow.commit()
            console.print(tr("key {fingerprint} of {name} revoked", fingerprint=key.fingerprint, name=name))
            return
        if output is None and not store:
            raise InputError(
                Text("say where the private key goes"), hint=Text("-o FILE, or --store with --passphrase-env")
            )
        if output is not None and output.exists():
            raise InputError(Text("the key file exists; not overwriting it"), file=str(output))
        key, pem = keys.create(session=uow.session, user_name=name, passphrase=_passphrase(passphrase_env),
                               store=store)  # fmt: skip
        if output is not None:
            descriptor = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(pem)
        uow.commit()
    typer.echo(key.fingerprint)
    err_console.print(
        tr("signing key of {name} registered; compare this fingerprint out of band", name=name), soft_wrap=True
    )


@plan_app.command("facts")
def facts_command(
    person_id: Annotated[int, typer.Argument(help="The mediator's person.")],
    earliest: Annotated[str | None, typer.Option("--earliest", help="First date they can travel (YYYY-MM-DD).")] = None,
    group: Annotated[str | None, typer.Option("--group", help="Travel group: its members travel together.")] = None,
    as_user: str | None = AS_OPTION,
) -> None:
    """Record when a person can first travel and their travel group (mediator)."""
    from unforgotten.exchanges import flows

    try:
        day = dt.date.fromisoformat(earliest) if earliest else None
    except ValueError as error:
        raise InputError(Text("not an ISO date"), column="--earliest", value=earliest) from error
    with acting_unit_of_work(as_user, reason=f"travel facts of {person_id}") as (uow, actor):
        flows.set_facts(session=uow.session, actor=actor, person_id=person_id, earliest=day, group=group)
        uow.commit()
    console.print(
        tr("person {person}: earliest {day}, group {group}", person=person_id, day=day or "—", group=group or "—")
    )


@handover_app.command("lines")
def lines_command(
    stage_id: Annotated[int, typer.Argument(help="The stage's id.")],
    as_user: str | None = AS_OPTION,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object.")] = False,
) -> None:
    """The manifest of a stage: each line with its three halves and its outcome."""
    from unforgotten.exchanges import handover
    from unforgotten.exchanges.service import party_codes

    with database().read() as session:
        stage, lines = handover.get_lines(session=session, actor=acting(session, as_user), stage_id=stage_id)
        codes = party_codes(session)
        rows = [{"line": x.id, "from": codes[x.from_party_id], "to": codes[x.to_party_id], "handed_over": x.sent,
                 "received": x.received, "observed": x.observed, "outcome": x.outcome or "open"}
                for x in lines]  # fmt: skip
        state = stage.state
    if as_json:
        typer.echo(json.dumps({"stage": stage_id, "state": state, "lines": rows}))
        return
    table = Table(_("line"), _("from"), _("to"), _("handed over"), _("received"), _("observed"), _("outcome"))
    for r in rows:
        table.add_row(*(str(r[k] or "") for k in ("line", "from", "to", "handed_over", "received", "observed",
                                                  "outcome")))  # fmt: skip
    console.print(tr("stage {stage}: {state}", stage=stage_id, state=word(state)))
    console.print(table)


@handover_app.command("record")
def record_command(
    line_id: Annotated[int, typer.Argument(help="The manifest line.")],
    action: Annotated[
        str, typer.Argument(help="handed_over, not_delivered, received, not_received, observed, declined")
    ],  # fmt: skip
    reason: Annotated[str | None, typer.Option("--reason", help="Why (needed for not_delivered).")] = None,
    as_user: str | None = AS_OPTION,
) -> None:
    """Record your party's half of a line; recording it again is a no-op."""
    from unforgotten.exchanges import handover

    with acting_unit_of_work(as_user, reason=reason) as (uow, actor):
        line = handover.record_line(session=uow.session, actor=actor, line_id=line_id, action=action, reason=reason)
        outcome = line.outcome or "open"
        uow.commit()
    console.print(
        tr(
            "line {line}: {action} recorded; outcome {outcome}",
            line=line_id,
            action=term(action),
            outcome=term(outcome),
        )
    )


def _print_arrival(view: dict[str, object]) -> None:
    said = f"{view['names']}" + (tr(", born {day}", day=view["date_of_birth"]) if view.get("date_of_birth") else "")
    came = tr(", from {party}", party=view["from"]) if view.get("from") else ""
    console.print(
        tr("unexpected arrival #{id} at stage {stage}: {said} — {state}", id=view["id"], stage=view["stage_id"],
           said=said + came, state=term(view["state"])),
        soft_wrap=True,
    )  # fmt: skip
    candidates = view.get("candidates")
    if candidates is None:
        console.print(_("the mediator sees the candidates from its space and resolves it"))
        return
    if not candidates:
        console.print(_("no candidate in the mediator's space"))
        return
    table = Table(_("person"), _("name"), _("status"), _("probability"), _("why (field: level, bits)"))
    for c in candidates:  # type: ignore[attr-defined]
        why = "; ".join(f"{k}: {v.get('level')} {v.get('weight', 0):+.1f}" for k, v in c["explanation"].items()
                        if v.get("level") != "missing")  # fmt: skip
        p = c["probability"]
        table.add_row(str(c["person_id"]), c["name"], c["status"], "—" if p is None else f"{p:.3f}", why)
    console.print(table)


@handover_app.command("unexpected")
def unexpected_command(
    stage_id: Annotated[int, typer.Argument(help="The stage.")],
    name: Annotated[str, typer.Option("--name", help="The names the person gave, in any script, as said.")],
    dob: Annotated[
        str | None, typer.Option("--dob", help="Date of birth if known (YYYY-MM-DD, YYYY-MM, YYYY).")
    ] = None,
    from_side: Annotated[str | None, typer.Option("--from", help="The side they came from, e.g. RU.")] = None,
    note: Annotated[str | None, typer.Option("--note", help="What else was said or seen.")] = None,
    as_user: str | None = AS_OPTION,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object.")] = False,
) -> None:
    """Record a person who arrived but is not on the manifest, and print the candidates of the mediator's space."""
    from unforgotten.exchanges import unexpected

    with acting_unit_of_work(as_user, reason=f"unexpected arrival at stage {stage_id}") as (uow, actor):
        arrival = unexpected.record(session=uow.session, actor=actor, stage_id=stage_id, names=name,
                                    date_of_birth=dob, from_side=from_side, note=note)  # fmt: skip
        view = unexpected.view(session=uow.session, actor=actor, arrival=arrival)
        uow.commit()
    if as_json:
        typer.echo(json.dumps(view, ensure_ascii=False))
        return
    _print_arrival(view)


@handover_app.command("resolve")
def resolve_command(
    unexpected_id: Annotated[int, typer.Argument(help="The unexpected arrival.")],
    person: Annotated[int | None, typer.Option("--person", help="The candidate it is (mediator's person id).")] = None,
    note: Annotated[str | None, typer.Option("--note", help="What was done (needed when it is none of them).")] = None,
    as_user: str | None = AS_OPTION,
) -> None:
    """Resolve an unexpected arrival (mediator): one of its candidates, or none with a note."""
    from unforgotten.exchanges import unexpected

    with acting_unit_of_work(as_user, reason=note or f"resolve unexpected arrival {unexpected_id}") as (uow, actor):
        arrival = unexpected.resolve(session=uow.session, actor=actor, unexpected_id=unexpected_id, person_id=person,
                                     note=note)  # fmt: skip
        chosen = arrival.person_id
        uow.commit()
    chosen_text = tr("person {person}", person=chosen) if chosen else _("none")
    console.print(tr("unexpected arrival #{id} resolved: {chosen}", id=unexpected_id, chosen=chosen_text))


@stage_app.command("close")
def close_command(stage_id: Annotated[int, typer.Argument(help="The stage.")], as_user: str | None = AS_OPTION) -> None:
    """Close a stage (mediator): refused while a line is open; freezes the act and its SHA-256."""
    from unforgotten.exchanges import handover

    with acting_unit_of_work(as_user, reason=f"close stage {stage_id}") as (uow, actor):
        act = handover.close(session=uow.session, actor=actor, stage_id=stage_id)
        sha, totals = act.sha256, act.payload["totals"]
        uow.commit()
    console.print(
        tr("stage {stage} closed; act sha256 {sha}; totals {totals}", stage=stage_id, sha=sha, totals=totals),
        soft_wrap=True,
    )


@act_app.command("sign")
def sign_command(
    stage_id: Annotated[int, typer.Argument(help="The closed stage.")],
    key: Annotated[Path | None, typer.Option("--key", help="Your private key file (else the stored one).")] = None,
    passphrase_env: str | None = PASSPHRASE_ENV,
    as_user: str | None = AS_OPTION,
) -> None:
    """Sign a closed stage's act with your key in force."""
    from unforgotten.exchanges import handover, keys

    try:
        pem = key.read_bytes() if key is not None else None
    except OSError as error:
        raise FileReadError(Text("the key file cannot be read"), file=str(key), hint=str(error)) from error
    with acting_unit_of_work(as_user, reason=f"sign act of stage {stage_id}") as (uow, actor):
        private, registered = keys.private_key_for(session=uow.session, user_name=actor.name, pem=pem,
                                                   passphrase=_passphrase(passphrase_env))  # fmt: skip
        handover.sign(session=uow.session, actor=actor, stage_id=stage_id, private_key=private, key=registered)
        fingerprint = registered.fingerprint
        uow.commit()
    console.print(
        tr(
            "act of stage {stage} signed by {name} with {fingerprint}",
            stage=stage_id,
            name=actor.name,
            fingerprint=fingerprint,
        )
    )


@act_app.command("export")
def export_command(
    stage_id: Annotated[int, typer.Argument(help="The stage's numeric id.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="ACT.json")],
    as_user: str | None = AS_OPTION,
) -> None:
    """Write a closed stage's act: payload, sha256 and signatures (exit 6 while the stage is open)."""
    from unforgotten.exchanges import handover

    with database().read() as session:
        document = handover.export(session=session, actor=acting(session, as_user), stage_id=stage_id)
    output.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    console.print(
        tr(
            "act of stage {stage} ({count} signatures) → {file}",
            stage=stage_id,
            count=len(document["signatures"]),
            file=output,
        )
    )


@act_app.command("verify")
def verify_command(
    act: Annotated[Path, typer.Argument(help="ACT.json from `act export`.")],
    trusted_keys: Annotated[
        Path | None, typer.Option("--trusted-keys", help="Pinned fingerprints, one a line.")
    ] = None,
) -> None:
    """Check an act offline: the hash of its payload, every signature, each side's officer and the mediator."""
    from unforgotten.exchanges import acts

    try:
        document = json.loads(act.read_text(encoding="utf-8"))
        pinned = acts.parse_trusted_keys(trusted_keys.read_text(encoding="utf-8")) if trusted_keys else None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise FileReadError(Text("the act cannot be read"), file=str(act), hint=str(error)) from error
    result = acts.verify_act(document, pinned)
    for line in result.verified:
        console.print(tr("ok: {line}", line=line), soft_wrap=True)
    for line in result.warnings:
        err_console.print("[yellow]" + _("warning") + f":[/] {line}", soft_wrap=True)
    if not result.ok:
        for line in result.failures:
            err_console.print("[bold red]" + _("fails") + f":[/] {line}", soft_wrap=True, highlight=False)
        raise typer.Exit(7)
    console.print(tr("act verifies: sha256 {sha}", sha=document["sha256"]))


@remains_app.command("add")
def remains_add(
    agreement: Annotated[int, typer.Option("--agreement", help="The agreement with an N-for-N category.")],
    party: Annotated[str, typer.Option("--party", help="The side handing the remains over.")],
    date: Annotated[str, typer.Option("--date", help="YYYY-MM-DD")],
    refs: Annotated[str, typer.Option("--refs", help="Comma-separated references, or @FILE with one per line.")],
    as_user: str | None = AS_OPTION,
) -> None:
    """Record a batch of remains handed over by one side."""
    from unforgotten.exchanges import remains

    text = Path(refs[1:]).read_text(encoding="utf-8") if refs.startswith("@") else refs.replace(",", "\n")
    try:
        day = dt.date.fromisoformat(date)
    except ValueError as error:
        raise InputError(Text("not an ISO date"), column="--date", value=date) from error
    with acting_unit_of_work(as_user, reason=f"remains batch of {party}") as (uow, actor):
        batch = remains.create_batch(session=uow.session, actor=actor, agreement_id=agreement, party_code=party,
                                     date=day, refs=text.splitlines())  # fmt: skip
        summary = remains.totals(session=uow.session, actor=actor, agreement_id=agreement)
        count = batch.count
        uow.commit()
    console.print(
        tr(
            "batch of {count} from {party}; imbalance {imbalance}",
            count=count,
            party=party.upper(),
            imbalance=summary["imbalance"],
        )
    )


@remains_app.command("identify")
def remains_identify(
    agreement: Annotated[int, typer.Option("--agreement", help="The agreement whose batch holds the reference.")],
    ref: Annotated[str, typer.Option("--ref", help="The body's reference exactly as recorded in its batch.")],
    person: Annotated[int, typer.Option("--person", help="The mediator's person it was identified as.")],
    reason: Annotated[str, typer.Option("--reason", help="What the identification rests on (DNA match, documents).")],
    as_user: str | None = AS_OPTION,
) -> None:
    """Link a body of a remains batch, by its reference, to the person it was identified as (mediator)."""
    from unforgotten.exchanges import remains

    with acting_unit_of_work(as_user, reason=f"remains {ref} identified") as (uow, actor):
        link = remains.identify(session=uow.session, actor=actor, agreement_id=agreement, ref=ref, person_id=person,
                                reason=reason)  # fmt: skip
        summary = f"reference {link.ref} (batch {link.batch_id}) is person {link.person_id}"
        uow.commit()
    console.print(summary)


@remains_app.command("totals")
def remains_totals(
    agreement: Annotated[int, typer.Option("--agreement", help="The agreement.")], as_user: str | None = AS_OPTION
) -> None:
    """Running totals per side against the quota, and the imbalance, as JSON."""
    from unforgotten.exchanges import remains

    with database().read() as session:
        out = remains.totals(session=session, actor=acting(session, as_user), agreement_id=agreement)
    typer.echo(json.dumps(out, ensure_ascii=False, indent=2))
