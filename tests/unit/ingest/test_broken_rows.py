"""A broken row costs that row only: an unclosed quote or an extra field is quarantined, the rows around it read.

The file of issue 11 (cp1251, ";", CRLF, 11 data rows, an unclosed quote on data row 8) once read as 7 rows, the
last one holding five persons inside its "family name". Names here are synthetic.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from unforgotten.ingest import RowStatus, read_file

TODAY = dt.date(2025, 6, 9)
HEADER = "№;ПІБ;Дата народження;Військова частина"
PERSONS = [
    "Коваленко Петро Іванович;12.03.1990;А1234",
    "Бойко Андрій Миколайович;01.02.1991;А2222",
    "Ткаченко Олег Васильович;03.04.1992;А3333",
    "Мельник Ігор Степанович;04.05.1988;А4444",
    "Шевчук Роман Олегович;05.06.1989;А5555",
    "Поліщук Денис Ігорович;06.07.1995;А6666",
    "Руденко Юрій Петрович;07.08.1996;А7777",
    '"Кравченко Василь Петрович;11.11.1991;А8888',
    "Олійник Тарас Юрійович;05.05.1993;А9999",
    "Лисенко Богдан Андрійович;06.06.1994;А1010",
    "Савченко Максим Сергійович;07.07.1997;А1111",
]


def write_lines(path: Path, lines: list[str], encoding: str = "cp1251") -> Path:
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def issue_file(tmp_path: Path) -> Path:
    return write_lines(tmp_path / "list.csv", [HEADER, *(f"{n};{p}" for n, p in enumerate(PERSONS, start=1))])


def test_the_issue_file_reads_ten_rows_and_quarantines_the_broken_line(tmp_path: Path) -> None:
    result = read_file(issue_file(tmp_path), today=TODAY)
    rows = list(result.rows)
    assert (result.encoding, result.delimiter) == ("cp1251", ";")
    assert [r.row_number for r in rows] == list(range(2, 13))
    assert [r.status for r in rows].count(RowStatus.ACCEPTED) == 10
    broken = [r for r in rows if r.status == RowStatus.QUARANTINED]
    assert [r.row_number for r in broken] == [9]
    (finding,) = broken[0].findings
    assert finding.code == "unclosed_quote" and "unclosed quote starting at line 9" in finding.message
    assert "Кравченко" not in finding.message
    assert broken[0].raw["ПІБ"] == '"Кравченко Василь Петрович'  # the line as it was, for the coordinator
    assert all(v is None for v in broken[0].fields.values())
    after = [r for r in rows if r.row_number > 9]
    assert [r.fields["family_name"] for r in after] == ["Олійник", "Лисенко", "Савченко"]
    assert [r.fields["military_unit"] for r in after] == ["А9999", "А1010", "А1111"]
    report = result.report()
    assert report["finding_counts"]["unclosed_quote"] == 1
    assert {"sheet": "", "row": 9, "column": None, "severity": "error", "code": "unclosed_quote"}.items() <= (
        report["first_findings"][0].items()
    )


def test_a_quote_closed_by_a_later_line_is_still_caught(tmp_path: Path) -> None:
    """The open quote meets a quote further down that happens to be followed by the delimiter."""
    lines = [HEADER, "1;Коваленко Петро;12.03.1990;А1", '2;"Бойко Андрій;01.02.1991;А2',
             "3;Ткаченко Олег;03.04.1992;А3", '4;Мельник "Ігор";04.05.1988;А4',
             "5;Шевчук Роман;05.06.1989;А5"]  # fmt: skip
    rows = list(read_file(write_lines(tmp_path / "l.csv", lines), today=TODAY).rows)
    assert [(r.row_number, r.status) for r in rows] == [
        (2, RowStatus.ACCEPTED),
        (3, RowStatus.QUARANTINED),
        (4, RowStatus.ACCEPTED),
        (5, RowStatus.ACCEPTED),
        (6, RowStatus.ACCEPTED),
    ]
    assert rows[3].fields["family_name"] == "Мельник"


def test_an_unclosed_quote_on_the_last_line(tmp_path: Path) -> None:
    lines = [HEADER, "1;Коваленко Петро;12.03.1990;А1", '2;"Бойко Андрій;01.02.1991;А2']
    rows = list(read_file(write_lines(tmp_path / "l.csv", lines, "utf-8"), today=TODAY).rows)
    assert [(r.row_number, r.status) for r in rows] == [(2, RowStatus.ACCEPTED), (3, RowStatus.QUARANTINED)]


def test_quoted_values_with_line_breaks_and_delimiters_stay_one_row(tmp_path: Path) -> None:
    text = (
        f"{HEADER}\r\n"
        '1;"Коваленко Петро";12.03.1990;"А1; рота 2\r\nпоранений"\r\n'
        '2;"Бойко ""Малий"" Андрій";01.02.1991;А2\r\n'
        '3;"Ткаченко\r\nОлег";03.04.1992;А3\r\n'
    )
    path = tmp_path / "l.csv"
    path.write_text(text, encoding="utf-8", newline="")
    rows = list(read_file(path, today=TODAY).rows)
    assert [(r.row_number, r.status) for r in rows] == [(2, "accepted"), (4, "accepted"), (5, "accepted")]
    assert rows[0].fields["military_unit"] == "А1; рота 2 поранений"
    assert rows[1].fields["family_name"] == 'Бойко "Малий" Андрій'.split()[0]
    assert rows[2].fields["given_name"] == "Олег"


def test_a_row_with_an_extra_field_is_quarantined_not_shifted(tmp_path: Path) -> None:
    lines = ["№;Прізвище;Ім'я;Місце народження;Дата народження", "1;Коваль;Іван;Київ;01.01.1990",
             "2;Бойко;Петро;с. Велика Димерка; Броварський р-н;02.02.1991",
             "3;Гнатюк;Тарас;Львів;03.03.1993"]  # fmt: skip
    rows = list(read_file(write_lines(tmp_path / "l.csv", lines), today=TODAY).rows)
    assert [r.status for r in rows] == [RowStatus.ACCEPTED, RowStatus.QUARANTINED, RowStatus.ACCEPTED]
    (finding,) = rows[1].findings
    assert finding.code == "too_many_fields" and finding.message.startswith("6 fields for 5 columns")
    assert all(v is None for v in rows[1].fields.values())  # never stored in the wrong columns
    assert rows[1].raw["column 6"] == "02.02.1991"


def test_every_warning_is_counted_in_the_report(tmp_path: Path) -> None:
    lines = ["Прізвище;Ім'я;Дата народження", "Коваль;Іван;31.02.1990", "Бойко;Петро;не відомо",
             "=HYPERLINK(\"http://x\",\"Гнатюк\");Тарас;1990", "Мельник;-;1991"]  # fmt: skip
    result = read_file(write_lines(tmp_path / "l.csv", lines, "utf-8"), today=TODAY)
    rows = list(result.rows)
    report = result.report()
    assert report["finding_counts"] == {"date_dropped": 2, "formula_like": 1, "record_id_from_row": 4}
    first = [(f["row"], f["column"], f["code"]) for f in report["first_findings"]]
    assert first == [(2, "date_of_birth", "date_dropped"), (3, "date_of_birth", "date_dropped"),
                     (4, "family_name", "formula_like")]  # fmt: skip
    assert rows[2].status == RowStatus.ACCEPTED and rows[2].raw["Прізвище"].startswith("=HYPERLINK")
    assert {"format", "encoding", "delimiter", "mapping", "unmapped", "skipped_above_header"} <= report.keys()


def test_the_report_lists_only_the_first_few_of_each_code(tmp_path: Path) -> None:
    lines = ["Прізвище;Дата народження", *(f"Коваль;31.02.19{n:02d}" for n in range(50)), "Бойко;=1+1"]
    result = read_file(write_lines(tmp_path / "l.csv", lines), today=TODAY)
    list(result.rows)
    report = result.report()
    assert report["finding_counts"]["date_dropped"] == 51
    codes = [f["code"] for f in report["first_findings"]]
    assert codes.count("date_dropped") == 5 and codes.count("formula_like") == 1


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(
    rows=st.lists(st.tuples(st.sampled_from(["Коваль", "Бойко", "Іван Петро"]), st.booleans()), min_size=1, max_size=30)
)
def test_each_unclosed_quote_costs_exactly_its_own_line(tmp_path: Path, rows: list[tuple[str, bool]]) -> None:
    lines = ["№;Прізвище;Дата народження;в/ч"]
    for number, (name, broken) in enumerate(rows, start=1):
        quote = '"' if broken else ""
        lines.append(f"{number};{quote}{name};01.01.1990;А{number}")
    result = read_file(write_lines(tmp_path / "l.csv", lines), today=TODAY)
    read = list(result.rows)
    assert [r.row_number for r in read] == list(range(2, len(rows) + 2))
    assert [r.status == RowStatus.QUARANTINED for r in read] == [broken for _, broken in rows]


def test_csv_written_by_a_program_reads_back_record_for_record(tmp_path: Path) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", quoting=csv.QUOTE_ALL)
    writer.writerow(["Прізвище", "Ім'я", "Примітки"])
    writer.writerows([["Коваль", "Іван", 'сказав "так";\nпоранений'], ["Бойко", "Петро", ""]] * 3)
    path = tmp_path / "l.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    rows = list(read_file(path, today=TODAY).rows)
    assert [r.status for r in rows] == [RowStatus.ACCEPTED] * 6
    assert rows[0].fields["notes"] == 'сказав "так"; поранений'


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(body=st.text(alphabet='Кі1;"\r\n ', max_size=200))
def test_any_mess_of_quotes_and_line_breaks_reads_in_order_without_a_crash(tmp_path: Path, body: str) -> None:
    path = tmp_path / "l.csv"
    path.write_text(f"{HEADER}\n{body}", encoding="utf-8", newline="")
    rows = list(read_file(path, today=TODAY).rows)
    numbers = [r.row_number for r in rows]
    physical = len(io.StringIO(f"{HEADER}\n{body}", newline="").readlines())
    assert numbers == sorted(set(numbers)) and all(2 <= n <= physical for n in numbers)
