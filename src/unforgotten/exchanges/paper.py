"""A filled-in paper manifest read back line by line (issue 13, item 3): what was written at a crossing with no
network becomes the same recorded halves as ``handover record``, through the same service.

Reading (:func:`read_paper`) needs no database: the hidden sheet the manifest was written with (``manifest.to_xlsx``)
says which stage, where the table starts and which column is which, whatever the language of the labels. Importing
(:func:`import_paper`) records each filled row as the caller's half with ``handover.record_line``, so who may
record what, the idempotence and the conflicts are exactly those of the command. A row that cannot be recorded is
reported with its row number, line and value and the reason — never dropped — and the others are recorded.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from unforgotten.audit.recorder import record
from unforgotten.auth.service import Actor
from unforgotten.errors import ConflictError, FileReadError, InputError, NotFoundError, PermissionDeniedError, Text
from unforgotten.exchanges import handover
from unforgotten.exchanges import service as plans
from unforgotten.exchanges.manifest import ACTION_LABELS, FORMAT, META_SHEET
from unforgotten.exchanges.models import StageState
from unforgotten.ingest.archive import check_archive
from unforgotten.ingest.limits import DEFAULT_LIMITS, Limits
from unforgotten.web.i18n import SUPPORTED_LANGUAGES, translations

__all__ = [
    "MAX_ROWS",
    "ImportReport",
    "PaperManifest",
    "PaperRow",
    "RowResult",
    "import_paper",
    "outcome_words",
    "parse_outcome",
    "read_paper",
]

# A stage carries tens to a few hundred persons; a sheet with more filled rows than this is not a manifest.
MAX_ROWS = 100_000
_SPACES = re.compile(r"[\s_]+")


@dataclass(frozen=True)
class PaperRow:
    """One row of the table as written: the line cell, the outcome, the reason and the initials, as text."""

    row: int
    line: str
    outcome: str
    reason: str
    initials: str
    problem: str | None = None  # set when the row cannot be used as read (a cell beyond the limits)


@dataclass(frozen=True)
class PaperManifest:
    """A filled-in manifest as read: the stage it was written for, its language, its rows."""

    file: str
    stage_id: int
    language: str
    rows: tuple[PaperRow, ...]


@dataclass(frozen=True)
class RowResult:
    """What became of one filled row: ``recorded``, ``already_recorded`` or ``rejected`` (with why)."""

    row: int
    line: str
    value: str
    result: str
    message: str = ""


@dataclass
class ImportReport:
    """Per filled row what became of it; ``blank`` rows had nothing written in them."""

    file: str
    stage_id: int
    file_stage_id: int
    results: list[RowResult] = field(default_factory=list)
    blank: int = 0

    def counts(self) -> dict[str, int]:
        """recorded / already_recorded / rejected / blank."""
        found = Counter(r.result for r in self.results)
        return {"recorded": found["recorded"], "already_recorded": found["already_recorded"],
                "rejected": found["rejected"], "blank": self.blank}  # fmt: skip

    def rejected(self) -> list[RowResult]:
        return [r for r in self.results if r.result == "rejected"]


def _words(text: str) -> str:
    return _SPACES.sub(" ", text).strip().casefold()


def outcome_words() -> dict[str, str]:
    """Every way an outcome may be written → its action: the machine word and its label in each language."""
    out: dict[str, str] = {}
    for action, english in ACTION_LABELS.items():
        out[_words(action)] = action
        for language in SUPPORTED_LANGUAGES:
            out[_words(translations(language).gettext(english))] = action
    return out


def parse_outcome(text: str) -> str | None:
    """The action an outcome cell names (in any of the manifest's languages, any case), or None.

    Examples:
        >>> parse_outcome(" Handed  over "), parse_outcome("handed_over"), parse_outcome("maybe")
        ('handed_over', 'handed_over', None)
    """
    return outcome_words().get(_words(text))


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value).strip()


def _meta(sheet: Any, file: str) -> dict[str, str]:
    meta: dict[str, str] = {}
    for values in sheet.iter_rows(min_row=1, max_row=50, max_col=2, values_only=True):
        if values and values[0] is not None:
            meta[_cell(values[0])] = _cell(values[1] if len(values) > 1 else None)
    if meta.get("document") != "unforgotten-manifest":
        raise FileReadError(Text("this workbook is not a manifest written by `unforgotten manifest`"), file=file,
                            hint=Text("write one with `unforgotten manifest STAGE -o FILE.xlsx`"))  # fmt: skip
    if meta.get("format") != str(FORMAT):
        raise FileReadError(
            Text("this manifest's layout is of another version"),
            file=file,
            value=meta.get("format"),
            hint=Text("this version reads layout {format}; write the manifest again", format=FORMAT),
        )
    return meta


def _number(meta: dict[str, str], key: str, file: str) -> int:
    try:
        return int(meta.get(key, ""))
    except ValueError as error:
        raise FileReadError(Text("the manifest's hidden sheet is damaged"), file=file, column=key,
                            value=meta.get(key), hint=Text("write the manifest again")) from error  # fmt: skip


def read_paper(path: Path, *, limits: Limits = DEFAULT_LIMITS) -> PaperManifest:
    """Read a filled-in manifest workbook: its stage, language and table rows, down to the first empty one.

    Rows are read down to the first whose line, outcome, reason and initials cells are all empty, rather than to
    the number of lines written, so a row inserted by hand is read too; the totals below the table are separated
    from it by an empty row and have none of those cells.

    Raises:
        FileReadError: the file is missing, not an XLSX workbook, beyond the ingest limits, or not a manifest.
    """
    file = path.name
    if not path.is_file():
        raise FileReadError(Text("file not found"), file=str(path), hint=Text("check the path"))
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        raise FileReadError(Text("a paper manifest is read back from the XLSX it was written as"), file=file,
                            hint=Text("save it as .xlsx (Excel 2007+), keeping its sheets"))  # fmt: skip
    check_archive(path, limits)
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise FileReadError(Text("the workbook cannot be opened"), file=file, hint=str(error)) from error
    try:
        if META_SHEET not in book.sheetnames:
            raise FileReadError(
                Text(
                    "this workbook is not a manifest written by `unforgotten manifest` (it has no sheet {sheet!r})",
                    sheet=META_SHEET,
                ),
                file=file,
                hint=Text("fill in the XLSX that `manifest STAGE -o FILE.xlsx` wrote"),
            )
        meta = _meta(book[META_SHEET], file)
        columns = meta.get("columns", "").split(",")
        if not {"line", "outcome", "reason", "initials"} <= set(columns):
            raise FileReadError(Text("the manifest's hidden sheet is damaged"), file=file, column="columns",
                                value=meta.get("columns"), hint=Text("write the manifest again"))  # fmt: skip
        first = _number(meta, "first_row", file)
        sheet = next(s for s in book.worksheets if s.title != META_SHEET)
        at = {key: columns.index(key) for key in ("line", "outcome", "reason", "initials")}
        rows: list[PaperRow] = []
        for number, values in enumerate(sheet.iter_rows(min_row=first, values_only=True), start=first):
            got = {key: _cell(values[index]) if index < len(values) else "" for key, index in at.items()}
            if not any(got.values()):
                break  # the empty row above the totals (which have no line, outcome, reason or initials)
            if len(rows) >= MAX_ROWS:
                raise FileReadError(
                    Text("the manifest has more than {most:,} rows", most=MAX_ROWS),
                    file=file,
                    hint=Text("a stage's manifest is far shorter; is this the right file?"),
                )
            long = next((k for k, v in got.items() if len(v) > limits.cell_chars), None)
            problem = f"the {long} cell is longer than {limits.cell_chars:,} characters" if long else None
            rows.append(PaperRow(row=number, line=got["line"][:100], outcome=got["outcome"][:200],
                                 reason=got["reason"][: limits.cell_chars], initials=got["initials"][:100],
                                 problem=problem))  # fmt: skip
    finally:
        book.close()
    language = meta.get("language", "en")
    return PaperManifest(file=file, stage_id=_number(meta, "stage_id", file),
                         language=language if language in SUPPORTED_LANGUAGES else "en", rows=tuple(rows))  # fmt: skip


def import_paper(*, session: Session, actor: Actor, stage_id: int, paper: PaperManifest) -> ImportReport:
    """Record each filled row of a paper manifest as the actor's half of its line; report every row not recorded."""
    stage, _plan = plans.get_stage_visible_or_raise(session=session, actor=actor, stage_id=stage_id)
    if stage.state != StageState.OPEN:
        raise ConflictError(
            Text(
                "stage {stage_id} is {state}: a paper manifest is read back while it is open",
                stage_id=stage.id,
                state=stage.state,
            )
        )
    report = ImportReport(file=paper.file, stage_id=stage.id, file_stage_id=paper.stage_id)
    choices = ", ".join(translations(paper.language).gettext(label) for label in ACTION_LABELS.values())
    for row in paper.rows:
        result = _import_row(session, actor, stage.id, row, choices)
        if result is None:
            report.blank += 1
        else:
            report.results.append(result)
    counts = report.counts()
    record(session, action="manifest.imported", subject_type="exchange_stages", subject_id=stage.id,
           after={"file": paper.file, "file_stage_id": paper.stage_id, **counts,
                  "rejected_rows": [r.row for r in report.rejected()][:200]})  # fmt: skip
    return report


def _import_row(session: Session, actor: Actor, stage_id: int, row: PaperRow, choices: str) -> RowResult | None:
    def rejected(message: str) -> RowResult:
        return RowResult(row=row.row, line=row.line, value=row.outcome, result="rejected", message=message)

    if not row.outcome:
        if row.reason or row.initials:
            return rejected("a reason or initials are written but no outcome is chosen")
        return None
    if row.problem:
        return rejected(row.problem)
    if not row.line.isdigit():
        return rejected("the line cell is not a line number (it must stay as printed)")
    action = parse_outcome(row.outcome)
    if action is None:
        return rejected(f"not an outcome; write one of: {choices}")
    line_id = int(row.line)
    try:
        line, _stage, _plan = plans.get_line_visible_or_raise(session=session, actor=actor, line_id=line_id)
    except NotFoundError:
        return rejected(f"no line {line_id} (unknown, or of a plan you are not party to)")
    if line.stage_id != stage_id:
        return rejected(f"line {line_id} is on stage {line.stage_id}, not on stage {stage_id}")
    if action == "not_delivered" and not row.reason:
        return rejected("not delivered needs a reason: write it in the reason cell of the row")
    half, value = handover.ACTIONS[action]
    before = getattr(line, half)
    try:
        handover.record_line(session=session, actor=actor, line_id=line_id, action=action,
                             reason=row.reason or None)  # fmt: skip
    except (InputError, PermissionDeniedError, ConflictError) as error:
        return rejected(str(error))
    outcome = "already_recorded" if before == value else "recorded"
    return RowResult(row=row.row, line=row.line, value=row.outcome, result=outcome, message=action)
