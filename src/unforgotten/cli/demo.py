"""``unforgotten demo`` — load the synthetic scenario into the database and serve the web app."""

from __future__ import annotations

from pathlib import Path

import typer

from unforgotten.cli.app import app
from unforgotten.cli.context import allow_new_database, console, database, default_actor

DEMO_DATABASE_URL = "sqlite:///./unforgotten-demo.db"


@app.command()
def demo(
    size: int = typer.Option(2000, help="Number of persons in the synthetic scenario (100 to 1,000,000)."),
    seed: int = typer.Option(1, help="Random seed; the same seed gives the same scenario."),
    serve: bool = typer.Option(True, "--serve/--no-serve", help="Serve the web app after loading."),
    host: str = typer.Option("127.0.0.1", help="Interface to listen on."),
    port: int = typer.Option(8000, envvar="PORT", help="Port to listen on."),
    workdir: Path = typer.Option(Path("var/demo"), help="Where the scenario's list files are written."),
) -> None:
    """Load a realistic synthetic scenario (two parties, a mediator, an agreement, their lists) and serve it.

    It uses UNFORGOTTEN_DATABASE_URL when set, otherwise a database file of its own (unforgotten-demo.db), so the
    synthetic scenario never lands in the database real work goes into.
    """
    import os

    from unforgotten.demo import load_scenario
    from unforgotten.settings import get_settings

    if not os.environ.get("UNFORGOTTEN_DATABASE_URL") and get_settings().database_url == "sqlite:///./unforgotten.db":
        os.environ["UNFORGOTTEN_DATABASE_URL"] = DEMO_DATABASE_URL
        get_settings.cache_clear()
    allow_new_database()
    with console.status(f"generating and importing a scenario of {size:,} persons (seed {seed})"):
        with database().unit_of_work(actor=default_actor(), reason="demo scenario") as uow:
            from unforgotten.negotiations import storage

            outcome = load_scenario(
                session=uow.session, size=size, seed=seed, directory=workdir / f"{size}-{seed}", actor=default_actor(),
                store=storage.data_dir(get_settings().database_url),
            )  # fmt: skip
            uow.commit()
    for line in outcome.lines():
        console.print(line, soft_wrap=True)  # one line each: a password or token cut in two is hard to copy
    if serve:
        from unforgotten.cli.serve import run_server

        run_server(host=host, port=port)
