"""The manifest of one stage as documents people print, carry to the crossing and sign: PDF and XLSX, in en/uk/ru.

A crossing may have no network, so the manifest is also paper: one line per person (the line id, the person's
name and date of birth as the caller may see them, the releasing side, the category) and empty cells for what
happens there — the outcome, a reason, the initials of who wrote it — then totals per side and signature blocks
for each side's officer and the mediator. The XLSX is the same document as a sheet that can be filled in on a
laptop and read back (``exchanges.paper``): its line ids are locked, its outcome cells offer the outcomes as a
list, and a hidden sheet says where the table is, whatever the language of its labels.

Visibility is that of ``handover lines``: a side's officer, coordinator or viewer sees the stages of plans its
party is party to, the mediator those of its space. Names follow the access model: the mediator reads its own
persons; a side reads only the entries of its own lists and of lists shared with it, so a person none of those
names is printed as not shared, never with the other side's spelling.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from unforgotten.agreements import service as agreements
from unforgotten.auth.models import Role
from unforgotten.auth.service import Actor
from unforgotten.exchanges import handover
from unforgotten.exchanges import service as plans
from unforgotten.lists import service as lists
from unforgotten.lists.models import Entry, List
from unforgotten.persons.linking import display_name
from unforgotten.persons.models import Match, MatchState, Person
from unforgotten.web.i18n import N_, SUPPORTED_LANGUAGES, translations

__all__ = [
    "ACTION_LABELS",
    "FILLED",
    "FORMAT",
    "LABELS",
    "META_SHEET",
    "XLSX_COLUMNS",
    "Manifest",
    "ManifestLine",
    "action_label",
    "build",
    "to_pdf",
    "to_xlsx",
]

FORMAT = 1  # the layout version the hidden sheet records; `paper` reads this one
META_SHEET = "unforgotten"

# The manifest's words, marked for extraction (`make i18n`) and translated when a document is written.
LABELS: dict[str, str] = {
    "title": N_("Handover manifest"),
    "agreement": N_("Agreement"),
    "plan": N_("Plan"),
    "version": N_("version"),
    "stage": N_("Stage"),
    "date": N_("Date"),
    "place": N_("Place"),
    "sides": N_("Sides"),
    "mediator": N_("Mediator"),
    "printed_for": N_("Printed for"),
    "direction": N_("Handed over by %(sender)s to %(receiver)s"),
    "no": N_("No."),
    "line": N_("Line"),
    "name": N_("Name"),
    "date_of_birth": N_("Date of birth"),
    "released_by": N_("Releasing side"),  # not "Released by": that msgid is a release of information
    "received_by": N_("Receiving side"),
    "category": N_("Category"),
    "outcome": N_("Outcome"),
    "reason": N_("Reason"),
    "initials": N_("Initials"),
    "not_shared": N_("(not shared with %(party)s)"),
    "totals": N_("Totals"),
    "side": N_("Side"),
    "hands_over": N_("Hands over"),
    "receives": N_("Receives"),
    "officer_of": N_("Officer of %(party)s"),
    "mediator_of": N_("Mediator (%(party)s)"),
    "signature": N_("Signature"),
    "date_time": N_("Date and time"),
    "instructions": N_(
        "Outcome: the sending side writes handed over or not delivered (with the reason), the receiving side "
        "received or not received, the mediator observed or declined. Do not change the line numbers: the "
        "filled-in sheet is read back by them."
    ),
}
# The outcome a hand writes for each recorded half (`handover.ACTIONS`), as the XLSX list offers it.
ACTION_LABELS: dict[str, str] = {
    "handed_over": N_("handed over"),
    "not_delivered": N_("not delivered"),
    "received": N_("received"),
    "not_received": N_("not received"),
    "observed": N_("observed"),
    "declined": N_("declined"),
}


@dataclass(frozen=True)
class ManifestLine:
    """One person on the manifest; ``name`` is empty when the caller may see none of their entries."""

    line_id: int
    name: str
    date_of_birth: str
    from_party: str
    to_party: str
    category: str


@dataclass(frozen=True)
class Manifest:
    """What a manifest shows, gathered once for both formats."""

    agreement_id: int
    agreement_title: str
    plan_id: int
    plan_version: int
    stage_id: int
    stage_code: str
    date: dt.date
    place: str
    sides: tuple[str, str]
    mediator: str
    viewer: str  # the caller's party ("" for the local operator): whose view of the names this is
    lines: tuple[ManifestLine, ...]

    def directions(self) -> list[tuple[str, str, list[ManifestLine]]]:
        """(sender, receiver, lines) for each direction of the stage, in the order of the plan's sides."""
        out = []
        for sender, receiver in ((self.sides[0], self.sides[1]), (self.sides[1], self.sides[0])):
            chosen = [line for line in self.lines if line.from_party == sender]
            if chosen:
                out.append((sender, receiver, chosen))
        return out

    def totals(self) -> dict[str, tuple[int, int]]:
        """Side → (persons it hands over, persons it receives)."""
        sent = Counter(line.from_party for line in self.lines)
        got = Counter(line.to_party for line in self.lines)
        return {side: (sent[side], got[side]) for side in self.sides}


def _entry_identities(
    session: Session, actor: Actor, space_id: int, person_ids: list[int]
) -> dict[int, tuple[str, str]]:
    """Mediator's person → (name, date of birth) from the entries linked to it that the actor may see.

    The actor's own party's entries come first (its own spelling), then those shared with it, each in entry order.
    """
    if not person_ids:
        return {}
    query = (
        select(Match.person_id, Entry, List.party_id)
        .join(Entry, Entry.id == Match.entry_id)
        .join(List, List.id == Entry.list_id)
        .where(Match.space_id == space_id, Match.state == MatchState.ACCEPTED, Match.person_id.in_(person_ids))
    )
    visible = lists.visible_entry_ids(session=session, actor=actor)
    if visible is not None:
        query = query.where(Entry.id.in_(visible))
    rows = sorted(session.execute(query).all(), key=lambda r: (r[2] != actor.party_id, r[1].id))
    names: dict[int, str] = {}
    births: dict[int, str] = {}
    for person_id, entry, _party in rows:
        names.setdefault(int(person_id), display_name(entry))
        if entry.date_of_birth:
            births.setdefault(int(person_id), entry.date_of_birth)
    return {pid: (names[pid], births.get(pid, "")) for pid in names}


def build(*, session: Session, actor: Actor, stage_id: int) -> Manifest:
    """The manifest of a stage the actor is party to, with names as the actor may see them; else 404."""
    stage, plan = plans.get_stage_visible_or_raise(session=session, actor=actor, stage_id=stage_id)
    _stage, lines = handover.get_lines(session=session, actor=actor, stage_id=stage.id)
    codes = plans.party_codes(session)
    person_ids = sorted({line.person_id for line in lines})
    identities = _entry_identities(session, actor, plan.space_id, person_ids)
    if actor.operator or actor.role == Role.MEDIATOR:  # the mediator's own persons, as the act names them
        own = session.execute(select(Person.id, Person.display_name).where(Person.id.in_(person_ids)))
        identities = {int(i): (str(n or ""), identities.get(int(i), ("", ""))[1]) for i, n in own}
    category = {int(p["id"]): str(p.get("category") or "") for p in plan.persons}
    agreement = agreements.get_or_raise(session=session, agreement_id=plan.agreement_id)
    rows = tuple(
        ManifestLine(line_id=line.id, name=identities.get(line.person_id, ("", ""))[0],
                     date_of_birth=identities.get(line.person_id, ("", ""))[1],
                     from_party=codes[line.from_party_id], to_party=codes[line.to_party_id],
                     category=category.get(line.person_id, ""))
        for line in lines
    )  # fmt: skip
    return Manifest(
        agreement_id=agreement.id, agreement_title=agreement.title, plan_id=plan.id, plan_version=plan.version,
        stage_id=stage.id, stage_code=stage.code, date=stage.date, place=stage.place,
        sides=(codes[plan.side_a_id], codes[plan.side_b_id]), mediator=codes[plan.space_id],
        viewer="" if actor.operator else (actor.party_code or ""), lines=rows,
    )  # fmt: skip


def _translator(language: str) -> Callable[..., str]:
    """``t(key, **values)``: the label in ``language`` (English when it has no catalogue yet), filled in."""
    if language not in SUPPORTED_LANGUAGES:
        raise ValueError(f"unsupported language {language!r}")
    gettext = translations(language).gettext

    def t(key: str, **values: Any) -> str:
        text = gettext(LABELS[key])
        return text % values if values else text

    return t


def action_label(action: str, language: str) -> str:
    """The outcome word for a recorded half (``handed_over`` → "handed over") in ``language``."""
    return translations(language).gettext(ACTION_LABELS[action])


def _name(line: ManifestLine, manifest: Manifest, t: Callable[..., str]) -> str:
    return line.name or t("not_shared", party=manifest.viewer or "—")


def _header_fields(manifest: Manifest, t: Callable[..., str]) -> list[tuple[str, str]]:
    return [
        (t("agreement"), f"{manifest.agreement_id} — {manifest.agreement_title}"),
        (t("plan"), f"{manifest.plan_id} ({t('version')} {manifest.plan_version})"),
        (t("stage"), f"{manifest.stage_code} (id {manifest.stage_id})"),
        (t("date"), manifest.date.isoformat()),
        (t("place"), manifest.place or "—"),
        (t("sides"), " ⇄ ".join(manifest.sides)),
        (t("mediator"), manifest.mediator),
        (t("printed_for"), manifest.viewer or "—"),
    ]


def _signature_blocks(manifest: Manifest, t: Callable[..., str]) -> list[tuple[str, tuple[str, ...]]]:
    """(who signs, the lines they fill in): each side's officer and the mediator."""
    fill: tuple[str, ...] = (t("name"), t("signature"), t("date_time"))
    return [(t("officer_of", party=side), fill) for side in manifest.sides] + [
        (t("mediator_of", party=manifest.mediator), fill)
    ]


def to_pdf(manifest: Manifest, *, language: str = "en") -> bytes:
    """The manifest as a PDF (A4 landscape): one table per direction, totals, signature blocks."""
    from unforgotten.documents import Column, PrintDocument, SignatureBlock  # fpdf2 loads in seconds: only here

    t = _translator(language)
    title = f"{t('title')} — {t('stage')} {manifest.stage_code} (id {manifest.stage_id}), {manifest.date}"
    document = PrintDocument(title=title, orientation="landscape")
    document.heading(t("title"))
    document.fields(_header_fields(manifest, t), per_row=4)
    columns = [Column(t("no"), 0.45, "R"), Column(t("line"), 0.6, "R"), Column(t("name"), 3.2),
               Column(t("date_of_birth"), 1.1), Column(t("released_by"), 0.9), Column(t("category"), 1.6),
               Column(t("outcome"), 1.5), Column(t("reason"), 1.6), Column(t("initials"), 0.8)]  # fmt: skip
    ngettext = translations(language).ngettext
    number = 0
    for sender, receiver, lines in manifest.directions():
        count = ngettext("%(count)d person", "%(count)d persons", len(lines)) % {"count": len(lines)}
        document.section(f"{t('direction', sender=sender, receiver=receiver)} — {count}")
        rows = []
        for line in lines:
            number += 1
            rows.append([str(number), str(line.line_id), _name(line, manifest, t), line.date_of_birth or "—",
                         line.from_party, line.category, "", "", ""])  # fmt: skip
        document.grid(columns, rows, min_row_height=8)
    document.paragraph(t("instructions"), size=7.5)
    document.section(t("totals"))
    document.grid([Column(t("side"), 1), Column(t("hands_over"), 1, "R"), Column(t("receives"), 1, "R")],
                  [[side, str(n), str(m)] for side, (n, m) in manifest.totals().items()])  # fmt: skip
    document.signatures([SignatureBlock(role, lines) for role, lines in _signature_blocks(manifest, t)])
    return document.to_bytes()


# Column keys of the XLSX table, left to right: what the hidden sheet records and `paper` reads back by.
XLSX_COLUMNS = ("no", "line", "name", "date_of_birth", "released_by", "received_by", "category", "outcome",
                "reason", "initials")  # fmt: skip
_WIDTHS = {"no": 5, "line": 8, "name": 38, "date_of_birth": 14, "released_by": 11, "received_by": 11, "category": 22,
           "outcome": 18, "reason": 30, "initials": 10}  # fmt: skip
FILLED = ("outcome", "reason", "initials")  # the cells left open to write in


def _text(value: object) -> str:
    """A cell's text as typed, never a formula: openpyxl would store ``=…`` as one, and drops control characters."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return str(ILLEGAL_CHARACTERS_RE.sub("", str(value)))


def to_xlsx(manifest: Manifest, *, language: str = "en") -> bytes:
    """The manifest as a workbook to fill in: protected but for the outcome, reason and initials of each line."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill, Protection
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    t = _translator(language)
    book = Workbook()
    sheet = book.active
    sheet.title = t("title")[:31]
    bold = Font(bold=True)

    def put(row: int, column: int, value: object, **style: Any) -> Any:
        cell = sheet.cell(row=row, column=column)
        if isinstance(value, int):
            cell.value = value
        else:
            cell.value = _text(value)
            cell.data_type = "s"  # a name beginning with "=" stays a name
        for key, setting in style.items():
            setattr(cell, key, setting)
        return cell

    put(1, 1, t("title"), font=Font(bold=True, size=14))
    row = 2
    for label, value in _header_fields(manifest, t):
        put(row, 1, label, font=bold)
        put(row, 3, value)
        row += 1
    put(row, 1, t("instructions"), alignment=Alignment(wrap_text=True, vertical="top"))
    sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(XLSX_COLUMNS))
    sheet.row_dimensions[row].height = 45
    header_row = row + 2
    grey = PatternFill("solid", fgColor="E1E1E1")
    for index, key in enumerate(XLSX_COLUMNS, start=1):
        put(header_row, index, t(key), font=bold, fill=grey, alignment=Alignment(wrap_text=True))
        sheet.column_dimensions[get_column_letter(index)].width = _WIDTHS[key]
    first = header_row + 1
    ordered = [line for _s, _r, lines in manifest.directions() for line in lines]
    open_cell = Protection(locked=False)
    for offset, line in enumerate(ordered):
        r = first + offset
        values = {"no": offset + 1, "line": line.line_id, "name": _name(line, manifest, t),
                  "date_of_birth": line.date_of_birth, "released_by": line.from_party, "received_by": line.to_party,
                  "category": line.category}  # fmt: skip
        for index, key in enumerate(XLSX_COLUMNS, start=1):
            if key in FILLED:
                put(r, index, "", protection=open_cell)
            else:
                put(r, index, values[key])
    last = first + len(ordered) - 1
    outcome_column = get_column_letter(XLSX_COLUMNS.index("outcome") + 1)
    choices = [action_label(a, language) for a in ACTION_LABELS]
    if ordered:
        validation = DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True,
                                    showErrorMessage=True, errorTitle=t("outcome"),
                                    error=", ".join(choices))  # fmt: skip
        sheet.add_data_validation(validation)
        validation.add(f"{outcome_column}{first}:{outcome_column}{last}")
    sheet.freeze_panes = sheet.cell(row=first, column=1)
    row = max(last, header_row) + 2
    put(row, 1, t("totals"), font=bold)
    for offset, label in enumerate((t("side"), t("hands_over"), t("receives"))):
        put(row + 1, 3 + offset, label, font=bold)
    for number, (side, (sent, got)) in enumerate(manifest.totals().items(), start=row + 2):
        put(number, 3, side)
        put(number, 4, sent)
        put(number, 5, got)
    row += 2 + len(manifest.sides) + 1
    for role, labels in _signature_blocks(manifest, t):
        put(row, 1, role, font=bold)
        for offset, label in enumerate(labels):
            put(row + 1 + offset, 3, f"{label}:")
            put(row + 1 + offset, 4, "", protection=open_cell)
        row += len(labels) + 2
    sheet.protection.sheet = True  # locked cells cannot be changed, rows not inserted or deleted
    _meta(book, manifest, language, header_row, first, last, choices)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _meta(book: Any, manifest: Manifest, language: str, header: int, first: int, last: int,
          choices: Iterable[str]) -> None:  # fmt: skip
    """The hidden sheet `paper` reads the table by: which stage, which rows, which columns, in which language."""
    meta = book.create_sheet(META_SHEET)
    rows: list[tuple[str, object]] = [
        ("document", "unforgotten-manifest"), ("format", FORMAT), ("stage_id", manifest.stage_id),
        ("language", language), ("header_row", header), ("first_row", first), ("last_row", last),
        ("columns", ",".join(XLSX_COLUMNS)), ("outcomes", ",".join(choices)),
    ]  # fmt: skip
    for number, (key, value) in enumerate(rows, start=1):
        meta.cell(row=number, column=1, value=key)
        cell = meta.cell(row=number, column=2, value=value if isinstance(value, int) else _text(value))
        if not isinstance(value, int):
            cell.data_type = "s"
    meta.sheet_state = "hidden"
    meta.protection.sheet = True
