"""Linking into the database re-learns from the space's own data (issue 10): sides that write places and units
their own way still link, and each space's model is estimated from its entries only, cached until it grows."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from unforgotten.auth import service as auth
from unforgotten.auth.models import PartyKind
from unforgotten.lists import service as lists
from unforgotten.lists.flows import ReconciliationStatus, reconcile
from unforgotten.lists.models import Entry
from unforgotten.persons import flows, linking
from unforgotten.persons.models import Match, SpaceModel


def _write(path: Path, header: str, *rows: str) -> Path:
    path.write_text("\n".join((header, *rows)) + "\n", encoding="utf-8")
    return path


def test_places_and_units_each_side_writes_its_way_still_reconcile(session: Session, tmp_path: Path) -> None:
    for code, kind in (("UA", PartyKind.SIDE), ("RU", PartyKind.SIDE), ("ICRC", PartyKind.MEDIATOR)):
        auth.create(session=session, code=code, name=code, kind=kind)
    operator = auth.operator("cli:test")
    ua = _write(tmp_path / "ua.csv", "ПІБ;Дата народження;Місце народження;Військова частина;Стать",
                "Шевик Роман Ярославович;19.04.1990;с. Вишневе;в/ч А0769;Ч",
                "Гнатюк Петро Іванович;03.02.1985;м. Суми;в/ч А1234;Ч")  # fmt: skip
    ru = _write(tmp_path / "ru.csv", "ФИО;Дата рождения;Место рождения;Воинская часть;Пол",
                "Шевик Роман Ярославович;19.04.1990;с. Вишнёвое Харьковской обл.;8 бригада НГУ;М",
                "Петренко Олег Васильевич;11.11.1979;г. Днепр;93 ОМБр;М")  # fmt: skip
    request = flows.submit_list(session=session, actor=operator, path=ua, party_code="UA", kind="request",
                                share_with=("ICRC",)).outcome  # fmt: skip
    custody = flows.submit_list(session=session, actor=operator, path=ru, party_code="RU", kind="custody",
                                share_with=("ICRC",)).outcome  # fmt: skip
    icrc = auth.get_by_code_or_raise(session=session, code="ICRC").id
    result = reconcile(
        session=session,
        request=lists.get_or_raise(session=session, list_id=request.list_id),
        custody=lists.get_or_raise(session=session, list_id=custody.list_id),
        space_id=icrc,
    )
    by_record = {row.request_record_id: row for row in result.rows}
    statuses = sorted(row.status for row in result.rows)
    assert statuses == [ReconciliationStatus.ACKNOWLEDGED, ReconciliationStatus.NOT_ACKNOWLEDGED], by_record


@pytest.mark.slow
def test_a_space_estimates_its_own_model_and_caches_it(
    session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import unforgotten.linkage as linkage
    from unforgotten.scenario import generate, write_scenario

    monkeypatch.setattr(linkage, "MIN_ESTIMATE_ROWS", 250)  # a small scenario, so the test stays quick
    auth.create(session=session, code="UA", name="UA")
    auth.create(session=session, code="RU", name="RU")
    operator = auth.operator("cli:test")
    files = write_scenario(generate(400, seed=3), tmp_path)
    flows.submit_list(session=session, actor=operator, path=Path(files["ua_request"]), party_code="UA",
                      kind="request")  # fmt: skip
    ua = auth.get_by_code_or_raise(session=session, code="UA").id
    ru = auth.get_by_code_or_raise(session=session, code="RU").id
    assert _estimated(session, ua) is None  # fewer rows than the minimum: the shipped model, nothing estimated
    flows.submit_list(session=session, actor=operator, path=Path(files["ru_custody"]), party_code="RU",
                      kind="custody")  # fmt: skip
    flows.submit_list(session=session, actor=operator, path=Path(files["ua_custody"]), party_code="UA",
                      kind="custody")  # fmt: skip
    cached = _estimated(session, ua)
    assert cached is not None and cached.rows >= 250 and cached.settings["comparisons"]
    assert _estimated(session, ru) is None  # RU's space has its own (too few) rows: UA's never count there
    # The same rows give the same estimate (seeded, ordered): recomputing from scratch changes nothing.
    first = dict(cached.settings)
    session.execute(sa.delete(SpaceModel).where(SpaceModel.space_id == ua))
    session.expire_all()
    rows = [linking.entry_row(e) for e in session.scalars(sa.select(Entry).join(
        Match, Match.entry_id == Entry.id).where(Match.space_id == ua))]  # fmt: skip
    again = flows.space_model(session=session, space_id=ua, size=len(rows), load=lambda: rows)
    assert again.splink_settings == first
    # Growth below the share keeps the cache; the model is not re-estimated on every import.
    unused = flows.space_model(session=session, space_id=ua, size=len(rows) - 1, load=lambda: [])
    assert unused.splink_settings == first


def _estimated(session: Session, space_id: int) -> SpaceModel | None:
    cached = session.get(SpaceModel, space_id)
    return cached if cached is not None and cached.settings else None
