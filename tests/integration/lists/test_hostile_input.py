"""Input that cannot hurt: exports never carry a live formula, agreements refuse YAML aliases and runaway nesting,
and the unclosed-quote file of issue 11 imports as ten entries and one quarantined line (names synthetic)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from unforgotten.agreements import service as agreements
from unforgotten.auth import service as auth
from unforgotten.auth.service import operator
from unforgotten.errors import RuleError
from unforgotten.lists import service as lists


@pytest.fixture
def party(session: Session) -> str:
    auth.create(session=session, code="UA", name="Ukraine")
    return "UA"


FORMULA = '=HYPERLINK("http://example.invalid","Шевченко")'


def test_the_unclosed_quote_file_imports_ten_and_quarantines_one(session: Session, party: str, tmp_path: Path) -> None:
    lines = ["№;ПІБ;Дата народження;Військова частина"]
    lines += [f"{n};Коваленко{n} Петро Іванович;12.03.1990;А{n}" for n in range(1, 8)]
    lines += ['8;"Кравченко Василь Петрович;11.11.1991;А8888', "9;Олійник Тарас Юрійович;05.05.1993;А9999",
              "10;Лисенко Богдан Андрійович;06.06.1994;А1010",
              "11;Савченко Максим Сергійович;07.07.1997;А1111"]  # fmt: skip
    path = tmp_path / "list.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1251"))
    outcome = lists.import_file(session=session, path=path, party_code=party, kind="request", submitted_by="t")
    assert (outcome.rows, outcome.accepted, outcome.quarantined) == (11, 10, 1)
    (broken,) = lists.get_entries(session=session, list_id=outcome.list_id, status="quarantined")
    assert broken.row_number == 9 and broken.findings[0]["code"] == "unclosed_quote"
    report = lists.get_or_raise(session=session, list_id=outcome.list_id).read_report
    assert report["finding_counts"]["unclosed_quote"] == 1


def test_a_value_longer_than_its_column_quarantines_its_row_on_every_database(
    session: Session, party: str, tmp_path: Path
) -> None:
    """PostgreSQL refuses a 201-character family name in a 200-character column; the import must not fail as a
    whole there while SQLite would have stored it: the row is quarantined, the raw value kept in full."""
    long_name = "Коваленко" * 30  # 270 characters, in a column of 200
    lines = ["ПІБ;Прізвище;Ім'я;Дата народження", f";{long_name};Петро;12.03.1990",
             "Олійник Тарас Юрійович;;;05.05.1993", f"Савченко Максим;;;{'1' * 12}"]  # fmt: skip
    path = tmp_path / "long.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    outcome = lists.import_file(session=session, path=path, party_code=party, kind="request", submitted_by="t")
    assert (outcome.rows, outcome.accepted, outcome.quarantined) == (3, 2, 1)
    (long_row,) = lists.get_entries(session=session, list_id=outcome.list_id, status="quarantined")
    (finding,) = [f for f in long_row.findings if f["code"] == "value_too_long"]
    assert finding["column"] == "family_name" and "270 characters" in finding["message"]
    assert long_name in long_row.raw.values()  # nothing lost: the raw value is whole
    assert long_row.family_name == long_name[:200]


def test_exports_write_formulas_as_text(session: Session, party: str, tmp_path: Path) -> None:
    path = tmp_path / "l.csv"
    path.write_text(f"Прізвище;Ім'я;Примітки\n{FORMULA};Олександр;-\nКоваль;Ірина;@SUM(A1)\n", encoding="utf-8")
    outcome = lists.import_file(session=session, path=path, party_code=party, kind="request", submitted_by="t")
    assert outcome.accepted == 2
    out = tmp_path / "out.csv"
    lists.export_entries(session=session, actor=operator("t"), list_id=outcome.list_id, path=out)
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # UTF-8 with a BOM
    with out.open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["family_name"] for r in rows] == ["'" + FORMULA, "Коваль"]
    assert [r["notes"] for r in rows] == ["'-", "'@SUM(A1)"]

    from openpyxl import load_workbook

    book = tmp_path / "out.xlsx"
    lists.export_entries(session=session, actor=operator("t"), list_id=outcome.list_id, path=book)
    sheet = load_workbook(book).active
    assert sheet is not None
    cell = sheet.cell(row=2, column=2)
    assert (cell.value, cell.data_type) == (FORMULA, "s")


def write_agreement(path: Path, rule: str) -> Path:
    path.write_text(
        "title: Test\nsigned_on: 2025-06-02\nreference_date: 2025-06-02\n"
        f"categories:\n  - name: young\n    format: all_for_all\n    rule: {rule}\n",
        encoding="utf-8",
    )
    return path


def test_agreements_refuse_yaml_anchors_and_aliases(session: Session, tmp_path: Path) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text(
        'a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n'
        "title: *b\nsigned_on: 2025-06-02\nreference_date: 2025-06-02\ncategories: []\n",
        encoding="utf-8",
    )
    with pytest.raises(RuleError, match="anchors/aliases, which are not allowed") as caught:
        agreements.load_file(session=session, path=path)
    assert "bomb.yaml" in str(caught.value)


def test_agreements_refuse_deep_nesting_and_large_files(session: Session, tmp_path: Path) -> None:
    deep = write_agreement(tmp_path / "deep.yaml", "[" * 5000 + "]" * 5000)
    with pytest.raises(RuleError, match="deeper than 32"):
        agreements.load_file(session=session, path=deep)
    large = tmp_path / "large.yaml"
    large.write_text("title: x\n" + "# padding\n" * 120_000, encoding="utf-8")
    with pytest.raises(RuleError, match="bytes, the limit is 1,000,000"):
        agreements.load_file(session=session, path=large)


def test_the_example_agreement_still_loads(session: Session) -> None:
    example = Path(__file__).parents[3] / "examples" / "agreements" / "2025-06-02.yaml"
    assert agreements.load_file(session=session, path=example).categories


def test_exports_can_carry_each_row_s_findings(session: Session, party: str, tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text("ПІБ;Дата народження\nШевчук Роман;31.02.1990\nГнатюк Петро;03.02.1985\n", encoding="utf-8")
    outcome = lists.import_file(session=session, path=path, party_code=party, kind="request", submitted_by="t")
    for suffix in (".csv", ".xlsx"):
        out = tmp_path / f"out{suffix}"
        lists.export_entries(session=session, actor=operator("t"), list_id=outcome.list_id, path=out, findings=True)
        if suffix == ".csv":
            with out.open(encoding="utf-8-sig", newline="") as handle:
                rows = list(csv.reader(handle))
        else:
            from openpyxl import load_workbook

            rows = [
                [c if c is not None else "" for c in r] for r in load_workbook(out).active.iter_rows(values_only=True)
            ]
        assert rows[0][-1] == "findings"
        assert rows[1][-1].startswith("date_dropped (date_of_birth): impossible date")
        assert "record_id_from_row" in rows[2][-1] and "date_dropped" not in rows[2][-1]
