"""``unforgotten user`` and ``unforgotten party`` — who may act, for which side; commands act ``--as`` a user."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer
from rich.table import Table

from unforgotten.cli.app import app
from unforgotten.cli.context import console, database, default_actor
from unforgotten.cli.i18n import _, tr, word
from unforgotten.errors import Text

user_app = typer.Typer(
    help="Users: add, list, deactivate, rotate a token, set a password, enrol a second factor.", no_args_is_help=True
)
party_app = typer.Typer(help="Parties: the two sides and the mediator.", no_args_is_help=True)
app.add_typer(user_app, name="user")
app.add_typer(party_app, name="party")

JSON = typer.Option(False, "--json", help="Print one JSON object on stdout.")


@party_app.command("add")
def add_party(
    code: str = typer.Argument(..., help="Short code, e.g. UA, RU or ICRC."),
    name: str = typer.Option(..., "--name", help="Full name, e.g. Ukraine."),
    mediator: bool = typer.Option(False, "--mediator", help="This party is the neutral intermediary."),
    as_json: bool = JSON,
) -> None:
    """Add a party (a side, or with --mediator the neutral intermediary); each has its own space."""
    from unforgotten.auth import service as auth
    from unforgotten.auth.models import PartyKind

    kind = PartyKind.MEDIATOR if mediator else PartyKind.SIDE
    with database().unit_of_work(actor=default_actor(), reason=f"party {code}") as uow:
        party = auth.create(session=uow.session, code=code, name=name, kind=kind)
        uow.commit()
    if as_json:
        typer.echo(json.dumps({"id": party.id, "code": party.code, "name": party.name, "kind": party.kind}))
        return
    console.print(
        tr("party {code} ({name}) added as a {kind}", code=party.code, name=party.name, kind=word(party.kind))
    )


@party_app.command("list")
def list_parties() -> None:
    """List the parties."""
    from unforgotten.auth import service as auth

    table = Table(_("code"), _("name"), _("kind"))
    with database().read() as session:
        for party in auth.get_all(session=session):
            table.add_row(party.code, party.name, party.kind)
    console.print(table)


@user_app.command("add")
def add(
    name: str = typer.Argument(..., help="Unique user name."),
    role: str = typer.Option(
        ..., help="party_coordinator, party_viewer, officer, tracing_officer, mediator, auditor or admin."
    ),
    party: str | None = typer.Option(None, help="Party code for party roles and the mediator, e.g. UA or ICRC."),
    as_json: bool = JSON,
) -> None:
    """Add a user and print its API token (shown once; only its hash is stored). Never prompts."""
    from unforgotten.auth import service as auth
    from unforgotten.settings import get_settings

    ttl = get_settings().token_ttl_days
    with database().unit_of_work(actor=default_actor()) as uow:
        user, token = auth.create_user(session=uow.session, name=name, role=role, party_code=party, ttl_days=ttl)
        uow.commit()
    code = party.upper() if party else None
    if as_json:
        typer.echo(json.dumps({"name": user.name, "role": user.role, "party": code, "token": token}))
        return
    if code:
        console.print(tr("user {name} added as {role} of {party}", name=user.name, role=user.role, party=code))
    else:
        console.print(tr("user {name} added as {role}", name=user.name, role=user.role))
    console.print(
        tr("API token (keep it secret, it is not shown again; valid {days} days): {token}", days=ttl, token=token),
        soft_wrap=True,
    )


@user_app.command("list")
def list_users() -> None:
    """List users with their roles, parties, token expiry, and whether they can sign in with a password and code."""
    from unforgotten.auth import service as auth

    table = Table(_("name"), _("role"), _("party"), _("active"), _("token expires"), _("password"), _("one-time code"))
    with database().read() as session:
        for user in auth.get_all_users(session=session):
            actor = auth.actor_for(session=session, user=user)
            expires = user.token_expires_at.date().isoformat() if user.token_expires_at else "never"
            code = "enrolled" if user.totp_secret else ("missing" if auth.second_factor_required(user) else "")
            table.add_row(
                user.name, user.role, actor.party_code or "", "yes" if user.active else "no", expires,
                "set" if user.password_hash else "", code,
            )  # fmt: skip
    console.print(table)


@user_app.command("deactivate")
def deactivate(name: str = typer.Argument(..., help="The user to deactivate.")) -> None:
    """Deactivate a user: the token stops working and every browser session ends."""
    from unforgotten.auth import service as auth

    with database().unit_of_work(actor=default_actor(), reason=f"deactivate {name}") as uow:
        auth.deactivate_user(session=uow.session, name=name)
        uow.commit()
    console.print(tr("user {name} deactivated; their token and sessions no longer work", name=name))


@user_app.command("rotate-token")
def rotate_token(name: str = typer.Argument(..., help="The user."), as_json: bool = JSON) -> None:
    """Issue a new API token (the old one stops working at once)."""
    from unforgotten.auth import service as auth
    from unforgotten.settings import get_settings

    ttl = get_settings().token_ttl_days
    with database().unit_of_work(actor=default_actor(), reason=f"rotate token of {name}") as uow:
        user, token = auth.rotate_token(session=uow.session, name=name, ttl_days=ttl)
        uow.commit()
    if as_json:
        typer.echo(json.dumps({"name": user.name, "token": token}))
        return
    console.print(
        tr("new API token for {name} (valid {days} days): {token}", name=name, days=ttl, token=token),
        soft_wrap=True,
    )


def _read_password(password_file: Path | None) -> str:
    """The new password: from the file, else from stdin — prompted (hidden, twice) only when stdin is a terminal.

    Never an argument: command lines end up in shell history and in every other user's ``ps``.
    """
    from unforgotten.errors import FileReadError, InputError

    if password_file is not None:
        try:
            text = password_file.read_text(encoding="utf-8")
        except OSError as error:
            raise FileReadError(
                Text("cannot read {password_file}: {reason}", password_file=password_file, reason=error.strerror),
                hint=Text("check the path"),
            ) from error
        password = text.splitlines()[0] if text else ""
    elif sys.stdin is not None and sys.stdin.isatty():
        import getpass

        password = getpass.getpass("new password: ")
        if getpass.getpass("again: ") != password:
            raise InputError(Text("the two passwords differ"), hint=Text("run the command again"))
    else:
        line = sys.stdin.readline() if sys.stdin is not None else ""
        password = line.rstrip("\r\n")
    if not password:
        raise InputError(
            Text("no password given"),
            hint=Text(
                "pipe it on stdin (printf '%s\\n' ... | unforgotten user password NAME) or pass --password-file FILE"
            ),
        )
    return password


@user_app.command("password")
def password(
    name: str = typer.Argument(..., help="The user."),
    password_file: Path | None = typer.Option(
        None, "--password-file", help="Read the password from the first line of this file instead of stdin."
    ),
) -> None:
    """Set a user's web sign-in password (from stdin or --password-file, never an argument); ends their sessions."""
    from unforgotten.auth import service as auth

    secret = _read_password(password_file)
    with database().unit_of_work(actor=default_actor(), reason=f"set password of {name}") as uow:
        user = auth.set_password(session=uow.session, name=name, password=secret)
        needs_code = auth.second_factor_required(user) and user.totp_secret is None
        uow.commit()
    console.print(tr("password set for {name}; their browser sessions were ended", name=name))
    if needs_code:
        console.print(
            tr(
                "{name} also needs a one-time code to sign in: enrol one with {command}",
                name=name,
                command=f"`unforgotten user totp {name}`",
            ),
            soft_wrap=True,
        )


@user_app.command("totp")
def totp(name: str = typer.Argument(..., help="The user."), as_json: bool = JSON) -> None:
    """Enrol a user's authenticator (TOTP): print the otpauth URI and secret once; any earlier one stops working."""
    from unforgotten.auth import service as auth

    with database().unit_of_work(actor=default_actor(), reason=f"enrol one-time codes of {name}") as uow:
        enrolment = auth.enrol_totp(session=uow.session, name=name)
        uow.commit()
    if as_json:
        typer.echo(json.dumps({"name": name, "otpauth_uri": enrolment.uri, "secret": enrolment.secret}))
        return
    console.print(tr("one-time codes enrolled for {name}; add this to an authenticator app (shown once):", name=name))
    console.print(f"otpauth URI: {enrolment.uri}", soft_wrap=True, markup=False)
    console.print(tr("secret: {secret}", secret=enrolment.secret), soft_wrap=True, markup=False)
