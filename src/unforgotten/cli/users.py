"""``unforgotten user`` and ``unforgotten party`` — who may act, for which side; commands act ``--as`` a user."""

from __future__ import annotations

import json

import typer
from rich.table import Table

from unforgotten.cli.app import app
from unforgotten.cli.context import console, database, default_actor

user_app = typer.Typer(help="Users: add, list, deactivate, rotate a token.", no_args_is_help=True)
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
    console.print(f"party {party.code} ({party.name}) added as a {party.kind}")


@party_app.command("list")
def list_parties() -> None:
    """List the parties."""
    from unforgotten.auth import service as auth

    table = Table("code", "name", "kind")
    with database().read() as session:
        for party in auth.get_all(session=session):
            table.add_row(party.code, party.name, party.kind)
    console.print(table)


@user_app.command("add")
def add(
    name: str = typer.Argument(..., help="Unique user name."),
    role: str = typer.Option(..., help="party_coordinator, party_viewer, mediator, auditor or admin."),
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
    console.print(f"user {user.name} added as {user.role}{' of ' + code if code else ''}")
    console.print(f"API token (keep it secret, it is not shown again; valid {ttl} days): {token}", soft_wrap=True)


@user_app.command("list")
def list_users() -> None:
    """List users with their roles, parties and token expiry."""
    from unforgotten.auth import service as auth

    table = Table("name", "role", "party", "active", "token expires")
    with database().read() as session:
        for user in auth.get_all_users(session=session):
            actor = auth.actor_for(session=session, user=user)
            expires = user.token_expires_at.date().isoformat() if user.token_expires_at else "never"
            table.add_row(user.name, user.role, actor.party_code or "", "yes" if user.active else "no", expires)
    console.print(table)


@user_app.command("deactivate")
def deactivate(name: str = typer.Argument(..., help="The user to deactivate.")) -> None:
    """Deactivate a user: the token stops working and every browser session ends."""
    from unforgotten.auth import service as auth

    with database().unit_of_work(actor=default_actor(), reason=f"deactivate {name}") as uow:
        auth.deactivate_user(session=uow.session, name=name)
        uow.commit()
    console.print(f"user {name} deactivated; their token and sessions no longer work")


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
    console.print(f"new API token for {name} (valid {ttl} days): {token}", soft_wrap=True)
