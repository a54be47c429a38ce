"""The root Typer app and the edge where domain errors become one clear line and an exit code."""

from __future__ import annotations

import importlib
import sys
from enum import StrEnum
from typing import Annotated

import typer
from rich.console import Console

from unforgotten.cli.i18n import _, language, refusal, set_language
from unforgotten.errors import UnforgottenError

__all__ = ["app", "err_console", "main"]

EXIT_CODES_HELP = (
    "Exit codes: 0 success; 1 unexpected error; 2 invalid input; 3 file cannot be read; 4 not found; "
    "5 permission denied; 6 conflict with the current state; 7 integrity check failed; 8 linkage failed; "
    "9 configuration error; 10 database busy or unreachable (nothing changed; try again)."
)

app = typer.Typer(
    name="unforgotten",
    help="Prepare, carry out and account for exchanges of persons — so that no one is lost or forgotten.\n\n"
    + EXIT_CODES_HELP,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
err_console = Console(stderr=True)


class Language(StrEnum):
    """The languages of the catalogues (``web/locales``), as ``--lang`` accepts them."""

    EN = "en"
    UK = "uk"
    RU = "ru"


_state = {"debug": False}

# Command modules register themselves on `app` when imported; listed here so the order of --help is stable.
_COMMAND_MODULES: tuple[str, ...] = (
    "unforgotten.cli.db",
    "unforgotten.cli.demo",
    "unforgotten.cli.serve",
    "unforgotten.cli.lists",
    "unforgotten.cli.users",
    "unforgotten.cli.agreements",
    "unforgotten.cli.reconcile",
    "unforgotten.cli.review",
    "unforgotten.cli.cases",
    "unforgotten.cli.persons",
    "unforgotten.cli.account",
    "unforgotten.cli.audit",
    "unforgotten.cli.erase",
    "unforgotten.cli.link",
    "unforgotten.cli.plan",
    "unforgotten.cli.exchange",
    "unforgotten.cli.manifest",
    "unforgotten.cli.negotiations",
    "unforgotten.cli.tracing",
)


def _version(value: bool) -> None:
    if value:
        from unforgotten import __version__

        typer.echo(f"unforgotten {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    debug: Annotated[bool, typer.Option("--debug", help="Show full tracebacks on errors.")] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
    lang: Annotated[
        Language | None,
        typer.Option(
            "--lang",
            help="Language of the messages (en, uk, ru). Default: UNFORGOTTEN_LANG, else the locale (LANG), else en.",
        ),
    ] = None,
) -> None:
    _state["debug"] = debug
    set_language(lang.value if lang is not None else None)


def _error_line(error: UnforgottenError) -> str:
    """``error: …`` in English, unchanged for scripts; in another language the translated kind of error leads, and
    the service's own words follow, translated too."""
    if language() == "en":
        return f"[bold red]error:[/] {error}"
    return "[bold red]" + _("error") + f" ({_(error.title)}):[/] {refusal(error)}"


def _load_commands() -> None:
    for name in _COMMAND_MODULES:
        importlib.import_module(name)


def main() -> None:
    """Run the CLI; print domain errors as one line (a traceback only with --debug)."""
    _load_commands()
    try:
        code = app(standalone_mode=False)
        if isinstance(code, int) and code:  # typer.Exit(n) comes back as a return value in this mode
            sys.exit(code)
    except UnforgottenError as error:
        if _state["debug"] or "--debug" in sys.argv:
            raise
        err_console.print(_error_line(error), highlight=False, soft_wrap=True)
        sys.exit(error.exit_code)
    except typer.Abort:
        err_console.print(_("aborted"))
        sys.exit(1)
    except SystemExit:
        raise
    except Exception as error:  # the edge: anything else is a bug, still one line unless --debug
        from unforgotten.db import domain_error

        translated = domain_error(error)
        if translated is not None and not (_state["debug"] or "--debug" in sys.argv):
            err_console.print(_error_line(translated), highlight=False, soft_wrap=True)
            sys.exit(translated.exit_code)
        show = getattr(error, "show", None)
        if isinstance(error, typer.TyperException) and callable(show):
            # A usage error (unknown command, missing option): click's own message naming the option as typed
            # (`--as`, not `as_user`), with the usage line, and its exit code (2).
            show()
            sys.exit(int(getattr(error, "exit_code", 2)))
        if _state["debug"] or "--debug" in sys.argv:
            raise
        err_console.print(
            "[bold red]"
            + _("unexpected error")
            + f":[/] {type(error).__name__}: {error} "
            + _("(run with --debug for details)"),
            highlight=False,
            soft_wrap=True,
        )
        sys.exit(1)
