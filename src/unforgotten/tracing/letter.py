"""The overdue letter (issue 14, item 4): one side's children whose answer is overdue, as a letter-like sheet to the
other side through the mediator, in Ukrainian, Russian or English.

The rows are ``service.overdue``'s for the same reader and day, so the letter lists exactly the children
``unforgotten tracing overdue`` and the tracing page show as overdue, of the one requesting side. The letter's
words are data here, one table per language, not the web catalogues: a letter leaves the system and must read the
same whatever the catalogues hold on the day. (The PDF variant will reuse :class:`Letter` with a PDF writer.)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from unforgotten.auth import service as auth
from unforgotten.auth.models import Party, PartyKind
from unforgotten.auth.service import Actor
from unforgotten.errors import InputError, Text
from unforgotten.tracing import service
from unforgotten.tracing.models import TracingRequest

__all__ = ["LANGUAGES", "WORDS", "Letter", "build", "write_pdf", "write_xlsx"]

LANGUAGES = ("uk", "ru", "en")
WORDS: dict[str, dict[str, str]] = {
    "en": {
        "sheet": "Letter",
        "to": "To: the delegation of {other}, through {mediator}",
        "from": "From: the delegation of {side}",
        "date": "Date: {date}",
        "subject": "Subject: children handed over for tracing whose answer is overdue",
        "body": "We ask for answers about the children listed below ({count} in all), handed over through the "
        "mediator; the deadline to answer each of them has passed.",
        "none": "No child handed over by {side} is overdue on {date}.",
        "closing": "Please answer through {mediator}.",
        "signed_for": "For the delegation of {side}",
        "signature": "Signature",
        "full_name": "Name",
        "page": "Overdue answers about children, {side}, {date}",
        "no": "No.",
        "record_id": "Record id",
        "name": "Name",
        "handed_over_on": "Handed over on",
        "deadline": "Deadline",
        "days_overdue": "Days overdue",
        "status": "Status",
        "sought": "no answer",
        "located": "located, not yet returned",
    },
    "uk": {
        "sheet": "Лист",
        "to": "Кому: делегації {other} через {mediator}",
        "from": "Від: делегації {side}",
        "date": "Дата: {date}",
        "subject": "Щодо: дітей, переданих для розшуку, відповідь щодо яких прострочена",
        "body": "Просимо надати відповіді щодо дітей, перелічених нижче (усього: {count}), переданих через "
        "посередника; строк відповіді щодо кожного з них минув.",
        "none": "Немає прострочених відповідей щодо дітей, переданих {side}, станом на {date}.",
        "closing": "Просимо надіслати відповідь через {mediator}.",
        "signed_for": "За делегацію {side}",
        "signature": "Підпис",
        "full_name": "ПІБ",
        "page": "Прострочені відповіді щодо дітей, {side}, {date}",
        "no": "№",
        "record_id": "Номер запису",
        "name": "ПІБ",
        "handed_over_on": "Передано",
        "deadline": "Строк відповіді",
        "days_overdue": "Днів прострочення",
        "status": "Стан",
        "sought": "відповіді немає",
        "located": "місцеперебування встановлено, не повернуто",
    },
    "ru": {
        "sheet": "Письмо",
        "to": "Кому: делегации {other} через {mediator}",
        "from": "От: делегации {side}",
        "date": "Дата: {date}",
        "subject": "О детях, переданных для розыска, ответ по которым просрочен",
        "body": "Просим предоставить ответы о детях, перечисленных ниже (всего: {count}), переданных через "
        "посредника; срок ответа по каждому из них истёк.",
        "none": "Просроченных ответов о детях, переданных {side}, на {date} нет.",
        "closing": "Просим направить ответ через {mediator}.",
        "signed_for": "За делегацию {side}",
        "signature": "Подпись",
        "full_name": "ФИО",
        "page": "Просроченные ответы о детях, {side}, {date}",
        "no": "№",
        "record_id": "Номер записи",
        "name": "ФИО",
        "handed_over_on": "Передано",
        "deadline": "Срок ответа",
        "days_overdue": "Дней просрочки",
        "status": "Статус",
        "sought": "ответа нет",
        "located": "местонахождение установлено, не возвращён",
    },
}
COLUMNS = ("no", "record_id", "name", "handed_over_on", "deadline", "days_overdue", "status")


@dataclass(frozen=True)
class Letter:
    """What the letter says, whatever it is written to: who to whom, when, and the overdue children."""

    side: str
    other: str
    mediator: str
    as_of: dt.date
    language: str
    rows: tuple[service.OverdueRow, ...]

    def words(self) -> dict[str, str]:
        return WORDS[self.language]

    def heading(self) -> list[str]:
        """The letter's lines above the table, in its language."""
        w, date = self.words(), self.as_of.isoformat()
        lines = [
            w["to"].format(other=self.other, mediator=self.mediator),
            w["from"].format(side=self.side),
            w["date"].format(date=date),
            "",
            w["subject"],
            "",
        ]
        closing = w["body"].format(count=len(self.rows)) if self.rows else w["none"].format(side=self.side, date=date)
        lines.append(closing)
        return lines


def build(*, session: Session, actor: Actor, side: str, as_of: dt.date, language: str = "en") -> Letter:
    """The letter of ``side``'s overdue children on ``as_of``, as the actor may see them."""
    if language not in LANGUAGES:
        raise InputError(Text("no letter in that language"), column="lang", value=language, hint=Text("uk, ru or en"))
    party = auth.get_by_code_or_raise(session=session, code=side)
    if party.kind != PartyKind.SIDE:
        raise InputError(Text("a letter is written for a side that asks about its children"), column="side", value=side)
    rows = service.overdue(session=session, actor=actor, as_of=as_of)
    ours = set(session.scalars(select(TracingRequest.id).where(TracingRequest.id.in_([r.request_id for r in rows]),
                                                               TracingRequest.party_id == party.id)))  # fmt: skip
    others = session.scalars(
        select(Party.code).where(Party.kind == PartyKind.SIDE, Party.id != party.id).order_by(Party.code)
    ).all()
    mediator = auth.get_mediator(session=session)
    return Letter(
        side=party.code,
        other=", ".join(others) or "—",
        mediator=mediator.code if mediator is not None else "—",
        as_of=as_of,
        language=language,
        rows=tuple(r for r in rows if r.request_id in ours),
    )


def write_xlsx(letter: Letter, path: Path) -> None:
    """Write the letter as one sheet: the heading lines, the table of children, the closing line."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    w = letter.words()
    book = Workbook()
    sheet = book.active
    sheet.title = w["sheet"]
    for line in letter.heading():
        sheet.append([line])
    sheet["A5"].font = Font(bold=True)
    body = sheet.max_row
    sheet.merge_cells(start_row=body, start_column=1, end_row=body, end_column=len(COLUMNS))
    sheet.cell(row=body, column=1).alignment = Alignment(wrap_text=True, vertical="top")
    sheet.row_dimensions[body].height = 45
    if letter.rows:
        sheet.append([])
        sheet.append([w[c] for c in COLUMNS])
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
        for number, row in enumerate(letter.rows, start=1):
            sheet.append([number, row.record_id, row.name, row.handed_over_on, row.deadline, row.days_overdue,
                          w.get(row.status, row.status)])  # fmt: skip
            for column in (4, 5):
                sheet.cell(row=sheet.max_row, column=column).number_format = "yyyy-mm-dd"
    sheet.append([])
    sheet.append([w["closing"].format(mediator=letter.mediator)])
    for letter_column, width in zip("ABCDEFG", (6, 16, 34, 15, 15, 14, 30), strict=True):
        sheet.column_dimensions[letter_column].width = width
    book.save(path)


def write_pdf(letter: Letter, path: Path) -> None:
    """Write the letter as a printable A4 page: the same words and table as the sheet, with the vendored font (so
    Cyrillic prints on a machine with no fonts) and a signature block for the delegation that sends it."""
    from unforgotten.documents import Column, PrintDocument, SignatureBlock

    w, date = letter.words(), letter.as_of.isoformat()
    document = PrintDocument(title=w["subject"], footer=w["page"].format(side=letter.side, date=date))
    heading = letter.heading()
    for line in heading[:3]:
        document.paragraph(line)
    document.heading(w["subject"])
    document.paragraph(heading[-1])
    if letter.rows:
        columns = [Column(w["no"], 0.5, "R"), Column(w["record_id"], 1.5), Column(w["name"], 3.0),
                   Column(w["handed_over_on"], 1.4), Column(w["deadline"], 1.4), Column(w["days_overdue"], 1.5, "R"),
                   Column(w["status"], 2.2)]  # fmt: skip
        rows = [
            [
                str(number),
                row.record_id,
                row.name,
                row.handed_over_on.isoformat(),
                row.deadline.isoformat(),
                str(row.days_overdue),
                w.get(row.status, row.status),
            ]  # fmt: skip
            for number, row in enumerate(letter.rows, start=1)
        ]
        document.grid(columns, rows)
    document.paragraph(w["closing"].format(mediator=letter.mediator))
    document.signatures([SignatureBlock(w["signed_for"].format(side=letter.side), (w["full_name"], w["signature"]))])
    path.write_bytes(document.to_bytes())
