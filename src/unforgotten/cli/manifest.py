"""``unforgotten manifest`` (a stage's manifest as PDF or XLSX) and ``handover import`` (a filled-in one read back)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from unforgotten.cli.app import app, err_console
from unforgotten.cli.context import AS_OPTION, acting, acting_unit_of_work, console, database, log_access
from unforgotten.cli.exchange import handover_app
from unforgotten.cli.i18n import _, tr

__all__ = ["import_command", "manifest_command"]

_FORMATS = {".pdf": "pdf", ".xlsx": "xlsx"}
_LANGUAGES = ("en", "uk", "ru")


@app.command("manifest")
def manifest_command(
    stage_id: Annotated[int, typer.Argument(help="The stage's id.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="FILE.pdf or FILE.xlsx: the suffix is the format.")],
    lang: Annotated[str, typer.Option("--lang", help="Language of the labels: en, uk or ru.")] = "en",
    as_user: str | None = AS_OPTION,
) -> None:
    """Write a stage's manifest to print and sign, or to fill in at the crossing and read back (XLSX)."""
    kind = _FORMATS.get(output.suffix.lower())
    if kind is None:
        raise typer.BadParameter(f"{output.name!r} ends in neither .pdf nor .xlsx", param_hint="'-o' / '--output'")
    if lang not in _LANGUAGES:
        raise typer.BadParameter(f"{lang!r} is not one of en, uk, ru", param_hint="'--lang'")
    from unforgotten.exchanges import manifest

    with database().read() as session:
        actor = acting(session, as_user)
        document = manifest.build(session=session, actor=actor, stage_id=stage_id)
    content = manifest.to_pdf(document, language=lang) if kind == "pdf" else manifest.to_xlsx(document, language=lang)
    output.write_bytes(content)
    log_access(actor, "access.manifest_exported", "exchange_stages", stage_id, lines=len(document.lines),
               format=kind, language=lang, file=output.name)  # fmt: skip
    console.print(
        tr(
            "manifest of stage {stage} ({count} lines, {kind}, {language}) → {file}",
            stage=stage_id,
            count=len(document.lines),
            kind=kind,
            language=lang,
            file=output,
        )
    )


@handover_app.command("import")
def import_command(
    stage_id: Annotated[int, typer.Argument(help="The stage the manifest is of.")],
    path: Annotated[Path, typer.Argument(help="The filled-in FILE.xlsx written by `unforgotten manifest`.")],
    as_user: str | None = AS_OPTION,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object.")] = False,
) -> None:
    """Record the filled-in rows of a paper manifest as your halves; list every row not recorded and why."""
    from unforgotten.exchanges import paper

    read = paper.read_paper(path)
    with acting_unit_of_work(as_user, reason=f"paper manifest {path.name} of stage {stage_id}") as (uow, actor):
        report = paper.import_paper(session=uow.session, actor=actor, stage_id=stage_id, paper=read)
        uow.commit()
    counts = report.counts()
    rejected = [{"row": r.row, "line": r.line, "value": r.value, "why": r.message} for r in report.rejected()]
    if as_json:
        typer.echo(json.dumps({"stage": stage_id, "file_stage": report.file_stage_id, **counts,
                               "rejected_rows": rejected}, ensure_ascii=False))  # fmt: skip
        return
    if report.file_stage_id != stage_id:
        err_console.print(
            "[yellow]"
            + _("warning")
            + ":[/] "
            + tr(
                "{file} is the manifest of stage {found}, not of stage {stage}",
                file=path.name,
                found=report.file_stage_id,
                stage=stage_id,
            ),
            soft_wrap=True,
        )
    console.print(
        f"{path.name}: "
        + tr(
            "recorded {recorded}, already recorded {already}, rejected {rejected}, not filled in {blank}",
            recorded=counts["recorded"],
            already=counts["already_recorded"],
            rejected=counts["rejected"],
            blank=counts["blank"],
        ),
        soft_wrap=True,
    )
    if rejected:
        table = Table(_("row"), _("line"), _("value"), _("why rejected"), title=_("rejected rows"))
        for r in report.rejected():
            table.add_row(str(r.row), r.line, r.value, r.message)
        console.print(table)
