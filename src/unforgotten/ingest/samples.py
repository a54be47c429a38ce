"""A corpus of messy sample files, as clerks produce them, each with the result a correct importer must give.

Product code: the tests import every file and compare; ``unforgotten``'s documentation points users at it to see
what the importer copes with. Names are synthetic (built from the scenario's name tables), never real persons.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["SampleSpec", "write_messy_corpus"]

_PEOPLE = (
    ("Шевчук", "Олександр", "Іванович", "12.03.1999"),
    ("Ковалишин", "Ірина", "Петрівна", "1987-11"),
    ("Гаврилюк", "Юрій", "", "1975"),
    ("Мельничук", "Тарас", "Олегович", "31.02.1990"),  # impossible date: kept, date dropped with a warning
)


@dataclass(frozen=True)
class SampleSpec:
    """One sample file and what importing it must give."""

    path: Path
    difficulty: str
    rows: int
    accepted: int
    quarantined: int
    blank: int
    expected_fields: dict[int, dict[str, str | None]] = field(default_factory=dict)  # row index → fields


def _semicolon_lines(header: list[str]) -> list[str]:
    return [";".join(header)] + [";".join(p) for p in _PEOPLE]


def write_messy_corpus(directory: Path) -> list[SampleSpec]:
    """Write every sample into ``directory``; return their specs."""
    directory.mkdir(parents=True, exist_ok=True)
    specs: list[SampleSpec] = []
    header = ["Прізвище", "Ім'я", "По батькові", "Дата народження"]
    first: dict[int, dict[str, str | None]] = {
        0: {"family_name": "Шевчук", "date_of_birth": "1999-03-12"},
        3: {"date_of_birth": None},
    }
    for encoding in ("utf-8", "utf-8-sig", "utf-16", "cp1251", "koi8_u", "mac_cyrillic"):
        path = directory / f"encoding_{encoding}.csv"
        path.write_bytes("\r\n".join(_semicolon_lines(header)).encode(encoding))
        specs.append(SampleSpec(path, f"encoding {encoding}", 4, 4, 0, 0, first))
    title = directory / "title_rows_and_blanks.csv"
    lines = ["Список осіб, яких утримує сторона, станом на 01.06.2025", ";;;", *_semicolon_lines(header), ";;;",
             ";;;01.01.1990"]  # fmt: skip
    title.write_text("\n".join(lines), encoding="cp1251")
    specs.append(SampleSpec(title, "title row, blank rows, a row with no name", 6, 4, 1, 1, first))
    full = directory / "full_name_column.tsv"
    full.write_text("П.І.Б.\tД.н.\tв/ч\n" "ШЕВЧУК Олександр Іванович\t12.03.1999 р.\tА1234\n"
                    "Ірина Петрівна Ковалишин\t11.1987\tА4321\n", encoding="utf-8")  # fmt: skip
    specs.append(SampleSpec(full, "a single ПІБ column, either order; dates with 'р.'", 2, 2, 0, 0, {
        0: {"family_name": "ШЕВЧУК", "given_name": "Олександр", "patronymic": "Іванович", "military_unit": "А1234"},
        1: {"family_name": "Ковалишин", "given_name": "Ірина", "date_of_birth": "1987-11"}}))  # fmt: skip
    quoted = directory / "quoted_and_broken.csv"
    quoted.write_text('Фамилия,Имя,Примечания\n"Гаврилюк","Юрий","ранен,\nв госпитале"\nКовальов,Иван,x,лишнее\n',
                      encoding="utf-8")  # fmt: skip
    specs.append(SampleSpec(quoted, "quoted field with comma and line break; a row with an extra field", 2, 1, 1, 0,
                            {0: {"notes": "ранен, в госпитале"}}))  # fmt: skip
    records = directory / "records.json"
    records.write_text(json.dumps([{"family_name": "Шевчук", "given_name": "Олександр", "badge": "17"}, {}],
                                  ensure_ascii=False), encoding="utf-8")  # fmt: skip
    specs.append(SampleSpec(records, "JSON with an unknown field and an empty object", 2, 1, 0, 1))
    specs.append(_workbook(directory))
    return specs


def _workbook(directory: Path) -> SampleSpec:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Полонені"
    sheet.append(["Список військовополонених"])
    sheet.append([])
    sheet.append(["Фамилия", "Имя", "Отчество", "Дата рождения"])
    sheet.append(["Петров", "Игорь", "Сергеевич", dt.datetime(1990, 5, 17)])  # a real date cell
    sheet.append(["Сидоренко", "Анна", None, "17.05.1991"])  # a date typed as text
    sheet.append(["Гнатюк", "Тарас", None, 36161])  # an Excel serial number
    other = workbook.create_sheet("Додаток")
    other.append(["Прізвище", "Ім'я", "Дата народження"])
    other.append(["Бойчук", "Марія", "2014"])
    workbook.create_sheet("Нотатки").append(["довільний текст"])
    path = directory / "workbook.xlsx"
    workbook.save(path)
    return SampleSpec(path, "title rows, real dates, text dates, serials, several sheets", 4, 4, 0, 0, {
        0: {"date_of_birth": "1990-05-17"}, 1: {"date_of_birth": "1991-05-17"}, 2: {"date_of_birth": "1999-01-01"},
        3: {"family_name": "Бойчук", "date_of_birth": "2014"}})  # fmt: skip
