"""Issue 13 items 3 and 5: a stage's manifest as PDF (looked at as a page) and XLSX, and the filled-in XLSX read
back line by line through the same service as `handover record` — against SQLite and PostgreSQL."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from tests.integration.exchanges.conftest import STAGES, Exchange
from tests.pdftools import page_png, page_text

from unforgotten.errors import ConflictError, FileReadError, NotFoundError
from unforgotten.exchanges import flows, handover, manifest, paper
from unforgotten.exchanges import service as plans
from unforgotten.exchanges.models import HandoverLine, Stage, StageState
from unforgotten.persons.models import Person

# Where the page image of the Cyrillic check is left for a person to look at (tests/…/test_manifest.py: the PNG).
LOOK_AT = Path("/tmp/unforgotten-manifest-page1.png")


def _stages(x: Exchange) -> dict[str, Stage]:
    plan = flows.create_plan(session=x.session, actor=x.actors["marie"], agreement_id=x.agreement_id,
                             stages_text=STAGES, time_limit=10)  # fmt: skip
    for who in ("olena", "ivan", "marie"):
        plans.approve(session=x.session, actor=x.actors[who], plan_id=plan.id)
    return {s.code: s for s in x.session.scalars(select(Stage).where(Stage.plan_id == plan.id))}


def _lines(x: Exchange, stage: Stage) -> list[HandoverLine]:
    return list(x.session.scalars(select(HandoverLine).where(HandoverLine.stage_id == stage.id)
                                  .order_by(HandoverLine.id)))  # fmt: skip


def test_each_caller_sees_the_names_its_access_allows_and_no_other(exchange: Exchange) -> None:
    x = exchange
    stage = _stages(x)["S1"]
    names = {"Коваленко Олександр Петрович", "Шевчук Андрій Іванович", "Смирнов Алексей Игоревич",
             "Кузнецов Дмитрий Сергеевич"}  # fmt: skip
    mediator = manifest.build(session=x.session, actor=x.actors["marie"], stage_id=stage.id)
    assert len(mediator.lines) == 2 and {line.from_party for line in mediator.lines} == {"UA", "RU"}
    assert {line.name for line in mediator.lines} <= names and all(line.date_of_birth for line in mediator.lines)
    assert {line.category for line in mediator.lines} == {"seriously wounded"}
    assert mediator.totals() == {"UA": (1, 1), "RU": (1, 1)}
    # A side reads its own custody list's entries; the other side's list was shared with the mediator only.
    for who, side in (("oksana", "UA"), ("uaview", "UA"), ("ivan", "RU")):
        seen = manifest.build(session=x.session, actor=x.actors[who], stage_id=stage.id)
        own = next(line for line in seen.lines if line.from_party == side)
        other = next(line for line in seen.lines if line.from_party != side)
        assert own.name in names and own.date_of_birth and (other.name, other.date_of_birth) == ("", "")
        assert seen.viewer == side
    with pytest.raises(NotFoundError):
        manifest.build(session=x.session, actor=x.actors["audrey"], stage_id=stage.id)
    with pytest.raises(NotFoundError):
        manifest.build(session=x.session, actor=x.actors["marie"], stage_id=stage.id + 99)


def test_the_pdf_shows_cyrillic_and_latin_names_as_written(exchange: Exchange, tmp_path: Path) -> None:
    x = exchange
    stage = _stages(x)["S1"]
    lines = _lines(x, stage)
    latin = x.session.get(Person, lines[1].person_id)
    assert latin is not None
    latin.display_name = "O'Connor Patrick"  # a Latin name beside a Cyrillic one, as the mediator holds them
    x.session.flush()
    built = manifest.build(session=x.session, actor=x.actors["marie"], stage_id=stage.id)
    cyrillic = next(line.name for line in built.lines if line.name != "O'Connor Patrick")
    pdf = tmp_path / "manifest.pdf"
    pdf.write_bytes(manifest.to_pdf(built, language="uk"))
    text = page_text(pdf, 1)
    assert cyrillic in text and "O'Connor Patrick" in text  # exactly as stored, not transliterated or dropped
    for label in ("Відомість передачі", "Посадова особа сторони UA", "Посадова особа сторони RU", "Посередник (ICRC)"):
        assert label in text  # the labels in Ukrainian, from the catalogue
    assert "тяжкопоранений" in text or "seriously wounded" in text  # the category, as the catalogue has it
    assert f"S1 (id {stage.id})" in text
    png = page_png(pdf, 1, tmp_path / "page1.png")
    assert png.stat().st_size > 10_000  # a page with text on it, not a blank one
    shutil.copyfile(png, LOOK_AT)


def _fill(path: Path, values: dict[int, tuple[object, str, str]]) -> None:
    """Write (line cell, outcome, reason) into table rows, as a hand at the crossing would (protection aside)."""
    book = load_workbook(path)
    sheet = book.worksheets[0]
    columns = manifest.XLSX_COLUMNS
    for row, (line, outcome, reason) in values.items():
        sheet.cell(row=row, column=columns.index("line") + 1, value=line)
        sheet.cell(row=row, column=columns.index("outcome") + 1, value=outcome)
        sheet.cell(row=row, column=columns.index("reason") + 1, value=reason)
    book.save(path)


def test_a_filled_in_xlsx_is_read_back_line_by_line(exchange: Exchange, tmp_path: Path) -> None:
    x = exchange
    stages = _stages(x)
    s1, s2 = stages["S1"], stages["S2"]
    built = manifest.build(session=x.session, actor=x.actors["oksana"], stage_id=s1.id)
    path = tmp_path / "s1.xlsx"
    path.write_bytes(manifest.to_xlsx(built, language="uk"))
    first = int(load_workbook(path)[manifest.META_SHEET]["B6"].value)  # first_row
    ua_to_ru = next(line for line in built.lines if line.from_party == "UA")
    ru_to_ua = next(line for line in built.lines if line.from_party == "RU")
    assert first > 5
    other_stage = _lines(x, s2)[0].id
    rows = {first: (ua_to_ru.line_id, manifest.action_label("handed_over", "uk"), ""),
            first + 1: (ru_to_ua.line_id, "RECEIVED", ""),
            first + 2: (ua_to_ru.line_id, "maybe", ""),
            first + 3: (987654, "received", ""),
            first + 4: (other_stage, "received", ""),
            first + 5: (ua_to_ru.line_id, "observed", "")}  # fmt: skip
    _fill(path, rows)  # the last four rows are below the printed lines: inserted by hand, read all the same
    read = paper.read_paper(path)
    assert read.stage_id == s1.id and read.language == "uk" and len(read.rows) == 6
    report = paper.import_paper(session=x.session, actor=x.actors["oksana"], stage_id=s1.id, paper=read)
    assert report.counts() == {"recorded": 2, "already_recorded": 0, "rejected": 4, "blank": 0}
    rejected = {r.row: (r.line, r.value, r.message) for r in report.rejected()}
    assert rejected[first + 2][1] == "maybe" and "not an outcome" in rejected[first + 2][2]
    assert rejected[first + 3][0] == "987654" and "no line 987654" in rejected[first + 3][2]
    assert f"on stage {s2.id}, not on stage {s1.id}" in rejected[first + 4][2]
    assert "may not record the mediator's observation" in rejected[first + 5][2]
    lines = {line.id: line for line in _lines(x, s1)}
    assert (lines[ua_to_ru.line_id].sent, lines[ua_to_ru.line_id].sent_by) == ("handed_over", "oksana")
    assert (lines[ru_to_ua.line_id].received, lines[ru_to_ua.line_id].received_by) == ("received", "oksana")

    again = paper.import_paper(session=x.session, actor=x.actors["oksana"], stage_id=s1.id, paper=read)
    assert again.counts() == {"recorded": 0, "already_recorded": 2, "rejected": 4, "blank": 0}

    # The receiving side's paper says otherwise: a conflict for that row, not an overwrite.
    theirs = tmp_path / "theirs.xlsx"
    theirs.write_bytes(manifest.to_xlsx(manifest.build(session=x.session, actor=x.actors["boris"],
                                                       stage_id=s1.id)))  # fmt: skip
    _fill(theirs, {first: (ru_to_ua.line_id, "not delivered", ""), first + 1: (ua_to_ru.line_id, "not received",
                                                                              "not at the crossing")})  # fmt: skip
    report = paper.import_paper(session=x.session, actor=x.actors["boris"], stage_id=s1.id,
                                paper=paper.read_paper(theirs))  # fmt: skip
    assert report.counts()["rejected"] == 1 and report.counts()["recorded"] == 1
    assert "needs a reason" in report.rejected()[0].message
    x.session.refresh(lines[ua_to_ru.line_id])
    assert lines[ua_to_ru.line_id].received == "not_received"
    assert lines[ua_to_ru.line_id].outcome == "discrepancy" or lines[ua_to_ru.line_id].outcome is None


def test_what_cannot_be_read_back_is_refused_whole(exchange: Exchange, tmp_path: Path) -> None:
    x = exchange
    s1 = _stages(x)["S1"]
    written = tmp_path / "s1.xlsx"
    written.write_bytes(manifest.to_xlsx(manifest.build(session=x.session, actor=x.actors["marie"], stage_id=s1.id)))
    read = paper.read_paper(written)
    assert read.rows and all(not r.outcome for r in read.rows)
    assert paper.import_paper(session=x.session, actor=x.actors["marie"], stage_id=s1.id,
                              paper=read).counts()["blank"] == len(read.rows)  # fmt: skip
    book = load_workbook(written)
    del book[manifest.META_SHEET]
    book.save(tmp_path / "plain.xlsx")
    with pytest.raises(FileReadError, match="not a manifest"):
        paper.read_paper(tmp_path / "plain.xlsx")
    (tmp_path / "m.pdf").write_bytes(b"%PDF-1.4")
    with pytest.raises(FileReadError, match="XLSX"):
        paper.read_paper(tmp_path / "m.pdf")
    with pytest.raises(NotFoundError):
        paper.import_paper(session=x.session, actor=x.actors["audrey"], stage_id=s1.id, paper=read)
    s1.state = StageState.CLOSED
    with pytest.raises(ConflictError, match="closed"):
        paper.import_paper(session=x.session, actor=x.actors["marie"], stage_id=s1.id, paper=read)
    assert handover.ACTIONS.keys() == manifest.ACTION_LABELS.keys()
