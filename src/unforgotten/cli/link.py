"""``unforgotten link`` and ``unforgotten dedupe`` — record linkage on files, no database needed."""

from __future__ import annotations

import csv
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from unforgotten.cli.app import app, err_console
from unforgotten.cli.i18n import tr
from unforgotten.errors import InputError, Text

if TYPE_CHECKING:
    from unforgotten.linkage import LinkageModel, PairLink

# The engine (splink, DuckDB, pandas) loads only when a linkage command runs: importing it here cost every
# `unforgotten` command two seconds of start-up.

__all__ = ["dedupe_command", "link_command", "read_rows", "write_pairs"]

Row = dict[str, str | None]
ThresholdOption = Annotated[
    float | None,
    typer.Option("--threshold", min=0.0, max=1.0, help="Match probability to report a pair (default: the model's)."),
]
ExplainOption = Annotated[bool, typer.Option("--explain", help="Add each field's comparison level and weight.")]
EngineOption = Annotated[str, typer.Option("--engine", help="Where Splink runs: duckdb or spark.")]
ModelOption = Annotated[
    Path | None,
    typer.Option(
        "--model",
        help="A saved model (JSON) to reuse; without it one is trained on the inputs (the shipped one for tiny lists).",
    ),
]
SaveModelOption = Annotated[
    Path | None, typer.Option("--save-model", help="Write the model used to this JSON file for later runs.")
]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")]


def read_rows(path: Path, progress: Callable[[int], None] | None = None) -> list[Row]:
    """Read a list file of any import format into canonical rows (blank rows skipped, record ids ensured).

    A row without a ``record_id`` is named by its row number (``row-12``), so every output pair points somewhere.
    """
    from unforgotten.ingest import RowStatus, read_file

    rows: list[Row] = []
    for parsed in read_file(path, progress=progress).rows:
        if parsed.status == RowStatus.BLANK:
            continue
        row = dict(parsed.fields)
        if not row.get("record_id"):
            row["record_id"] = f"row-{parsed.row_number}"
        rows.append(row)
    if not rows:
        raise InputError(
            Text("the file has no rows to link"), file=str(path), hint=Text("check that it is the right file")
        )
    return rows


def write_pairs(
    pairs: list[PairLink],
    path: Path,
    *,
    explain: bool,
    names: tuple[str, str],
    rows: tuple[list[Row], list[Row]],
) -> None:
    """One CSV row per pair: ids and score, then with ``explain`` each field's level and weight, then both names as
    the files wrote them (after every column scripts already read, so that they keep working)."""
    fields: list[str] = []
    if explain:
        for pair in pairs:
            if pair.explanation:
                fields = list(pair.explanation)
                break
    header = [names[0], names[1], "score"]
    if explain:
        header += [f"{f}_{part}" for f in fields for part in ("level", "weight")] + ["via"]
    header += [names[0].replace("_id", "_name"), names[1].replace("_id", "_name")]
    left_names, right_names = _names_by_id(rows[0]), _names_by_id(rows[1])
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for pair in pairs:
            line: list[object] = [pair.left_id, pair.right_id, f"{pair.score:.6f}"]
            if explain:
                for name in fields:
                    part = pair.explanation.get(name) if pair.explanation else None
                    line += [part.level, f"{part.weight:.3f}"] if part else ["", ""]
                line.append(pair.via or "")
            line += [left_names.get(pair.left_id, ""), right_names.get(pair.right_id, "")]
            writer.writerow(line)


def _names_by_id(rows: list[Row]) -> dict[str, str]:
    """Each record's name as its file wrote it (family, given, patronymic; else the full name), neutralised so a
    name cannot become a formula in a spreadsheet."""
    from unforgotten.ingest.safe import neutralise_cell

    names = {}
    for row in rows:
        parts = [row.get(column) for column in ("family_name", "given_name", "patronymic")]
        name = " ".join(str(part) for part in parts if part) or str(row.get("full_name") or "")
        names[str(row.get("record_id"))] = neutralise_cell(name)
    return names


@contextmanager
def _progress(enabled: bool) -> Iterator[Callable[[str], None]]:
    if not enabled:
        yield lambda _step: None
        return
    columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
    with Progress(*columns, console=err_console, transient=True) as bar:
        task = bar.add_task("starting", total=None)
        yield lambda step: bar.update(task, description=step)


def _model(path: Path | None) -> LinkageModel | None:
    from unforgotten.linkage import LinkageModel

    return LinkageModel.load(path) if path is not None else None


def _check_engine(engine: str) -> None:
    from unforgotten.linkage import ENGINES

    if engine not in ENGINES:
        raise InputError(
            Text("unknown engine {engine!r}", engine=engine),
            column="--engine",
            hint=Text("use one of {engines}", engines=", ".join(ENGINES)),
        )


@app.command("link")
def link_command(
    left: Annotated[Path, typer.Argument(help="One list (CSV, XLSX, JSON … in the canonical columns).")],
    right: Annotated[Path, typer.Argument(help="The other list.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="OUT.csv: left_id,right_id,score per pair.")],
    threshold: ThresholdOption = None,
    explain: ExplainOption = False,
    engine: EngineOption = "duckdb",
    model: ModelOption = None,
    save_model: SaveModelOption = None,
    quiet: QuietOption = False,
) -> None:
    """Find the entries of two lists that name the same person, across scripts and spellings."""
    from unforgotten.linkage import link_lists

    _check_engine(engine)
    started = time.perf_counter()
    with _progress(not quiet) as step:
        step(f"reading {left.name}")
        left_rows = read_rows(left)
        step(f"reading {right.name}")
        right_rows = read_rows(right)
        result = link_lists(
            left_rows,
            right_rows,
            threshold=threshold,
            model=_model(model),
            engine=engine,
            explain=explain,
            progress=step,
        )
        step("writing")
        write_pairs(result.pairs, output, explain=explain, names=("left_id", "right_id"), rows=(left_rows, right_rows))
    if save_model is not None:
        result.model.save(save_model)
    persons = len({p.left_id for p in result.pairs})
    err_console.print(
        tr(
            "linked {left} × {right} entries: {pairs} pairs ({matched} left entries matched) "
            "at threshold {threshold} in {seconds} s → {file}",
            left=len(left_rows),
            right=len(right_rows),
            pairs=len(result.pairs),
            matched=persons,
            threshold=f"{result.threshold:g}",
            seconds=f"{time.perf_counter() - started:.1f}",
            file=output,
        ),
        highlight=False,
        soft_wrap=True,
    )


@app.command("dedupe")
def dedupe_command(
    file: Annotated[Path, typer.Argument(help="A list (CSV, XLSX, JSON … in the canonical columns).")],
    output: Annotated[Path, typer.Option("-o", "--output", help="OUT.csv: pairs; OUT.clusters.csv: clusters.")],
    threshold: ThresholdOption = None,
    explain: ExplainOption = False,
    engine: EngineOption = "duckdb",
    model: ModelOption = None,
    save_model: SaveModelOption = None,
    quiet: QuietOption = False,
) -> None:
    """Find the entries of one list that name the same person; write the pairs and one cluster id per entry."""
    from unforgotten.linkage import dedupe_list

    _check_engine(engine)
    started = time.perf_counter()
    with _progress(not quiet) as step:
        step(f"reading {file.name}")
        rows = read_rows(file)
        result = dedupe_list(
            rows, threshold=threshold, model=_model(model), engine=engine, explain=explain, progress=step
        )
        step("writing")
        write_pairs(result.pairs, output, explain=explain, names=("left_id", "right_id"), rows=(rows, rows))
        clusters_path = output.with_name(output.stem + ".clusters.csv")
        with clusters_path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["record_id", "cluster_id"])
            writer.writerows(result.clusters.items())
    if save_model is not None:
        result.model.save(save_model)
    persons = len(set(result.clusters.values()))
    err_console.print(
        tr(
            "deduplicated {count} entries: {pairs} pairs, {persons} persons "
            "at threshold {threshold} in {seconds} s → {files}",
            count=len(rows),
            pairs=len(result.pairs),
            persons=persons,
            threshold=f"{result.threshold:g}",
            seconds=f"{time.perf_counter() - started:.1f}",
            files=f"{output}, {clusters_path}",
        ),
        highlight=False,
        soft_wrap=True,
    )
