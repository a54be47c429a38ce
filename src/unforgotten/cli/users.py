"""``unforgotten user`` — local users with a role and a party; commands act ``--as`` one of them."""

from __future__ import annotations

import typer
from rich.table import Table

from unforgotten.auth import service as auth
from unforgotten.cli.app import app
from unforgotten.cli.context import console, database, default_actor

user_app = typer.Typer(help="Users: add them, list them.", no_args_is_help=True)
app.add_typer(user_app, name="user")


@user_app.command("add")
def add(
    name: str = typer.Argument(..., help="Unique user name."),
    role: str = typer.Option(..., help="party_coordinator, party_viewer, mediator, auditor or admin."),
    party: str | None = typer.Option(None, help="Party code for party roles and the mediator, e.g. UA or ICRC."),
) -> None:
    """Add a user and print its API token (shown once; only its hash is stored)."""
    with database().unit_of_work(actor=default_actor()) as uow:
        user, token = auth.create_user(session=uow.session, name=name, role=role, party_code=party)
        uow.commit()
    console.print(f"user {user.name} added as {user.role}{' of ' + party.upper() if party else ''}")
    console.print(f"API token (keep it secret, it is not shown again): {token}", soft_wrap=True)


@user_app.command("list")
def list_users() -> None:
    """List users with their roles and parties."""
    table = Table("name", "role", "party", "active")
    with database().read() as session:
        for user in auth.get_all_users(session=session):
            actor = auth.actor_for(session=session, user=user)
            table.add_row(user.name, user.role, actor.party_code or "", "yes" if user.active else "no")
    console.print(table)
