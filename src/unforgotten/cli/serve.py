"""``unforgotten serve`` — the web app and API on localhost."""

from __future__ import annotations

import typer

from unforgotten.cli.app import app
from unforgotten.cli.context import console
from unforgotten.cli.i18n import tr
from unforgotten.errors import Text


def _check_host(host: str) -> None:
    """Local mode serves pages as the local operator, so it must never listen beyond this machine."""
    import ipaddress

    from unforgotten.errors import ConfigurationError
    from unforgotten.settings import get_settings

    if get_settings().environment == "production":
        return
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise ConfigurationError(
            Text("local mode listens on loopback only, not {host}", host=host),
            hint=Text("set UNFORGOTTEN_ENVIRONMENT=production (with a secret key and users) to serve other machines"),
        )


def run_server(*, host: str, port: int) -> None:
    """Serve the app with uvicorn until interrupted."""
    import uvicorn

    from unforgotten.app import create_app

    _check_host(host)
    console.print(
        tr(
            "serving Unforgotten on {url} (API: {docs})",
            url=f"http://{host}:{port}/",
            docs=f"http://{host}:{port}/api/v1/docs",
        )
    )
    uvicorn.run(create_app(run_jobs=True), host=host, port=port, log_level="warning")


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="Interface to listen on."),
    port: int = typer.Option(8000, envvar="PORT", help="Port to listen on."),
) -> None:
    """Serve the web app and the API (migrations run on start)."""
    run_server(host=host, port=port)
