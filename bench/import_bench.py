"""Import benchmark: CSV and XLSX files of several sizes through the real service into SQLite.

Run: .venv/bin/python -m bench.import_bench [--csv-rows 50000,200000,400000] [--xlsx-rows 25000,100000]
Each measurement runs in a child process so its peak memory (VmHWM) is its own; several sizes show whether memory
grows with the file (it should not, beyond a bounded batch).
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _scenario_rows(count: int) -> list[dict[str, str]]:
    """At least ``count`` canonical rows from the synthetic scenario (repeated when it has fewer)."""
    from unforgotten.scenario import generate

    rows = [r for lst in generate(max(1000, count * 2 // 3), seed=42).lists.values() for r in lst.rows()]
    while len(rows) < count:
        rows += rows[: count - len(rows)]
    return rows


def _make_files(directory: Path, csv_rows: int, xlsx_rows: int) -> tuple[Path, Path]:
    from openpyxl import Workbook

    from unforgotten.columns import CANONICAL_COLUMNS

    rows = _scenario_rows(csv_rows)
    csv_path = directory / "big.csv"
    import csv

    with csv_path.open("w", encoding="cp1251", errors="replace", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(
            [
                "ПІБ",
                "Прізвище",
                "Ім'я",
                "По батькові",
                "Дата народження",
                "Місце народження",
                "Військове звання",
                "Особистий номер",
                "в/ч",
                "Стан здоров'я",
            ]
        )
        for r in rows[:csv_rows]:
            dob = r["date_of_birth"]
            dmy = ".".join(reversed(dob.split("-"))) if dob else ""
            writer.writerow(
                [
                    r["full_name"],
                    r["family_name"],
                    r["given_name"],
                    r["patronymic"],
                    dmy,
                    r["place_of_birth"],
                    r["rank"],
                    r["service_number"],
                    r["military_unit"],
                    r["health_status"],
                ]
            )
    xlsx_path = directory / "big.xlsx"
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Список")
    sheet.append(["Список осіб станом на 01.06.2025"])
    sheet.append(list(CANONICAL_COLUMNS))
    for r in rows[:xlsx_rows]:
        sheet.append([r[c] for c in CANONICAL_COLUMNS])
    workbook.save(xlsx_path)
    return csv_path, xlsx_path


def _make_json(path: Path, rows: int) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        json.dump(_scenario_rows(rows)[:rows], handle, ensure_ascii=False)
    return path


def _vm_hwm_mb() -> float:
    """This process's own peak RSS. ru_maxrss would not do: Linux carries the forking parent's peak across exec."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _child(path: str, db: str) -> None:
    from unforgotten.auth import service as auth
    from unforgotten.bootstrap import bootstrap
    from unforgotten.lists import service as lists
    from unforgotten.settings import Settings

    database = bootstrap(Settings(database_url=f"sqlite:///{db}"))
    with database.unit_of_work(actor="bench") as uow:
        auth.get_or_create(session=uow.session, code="UA", name="Ukraine")
        uow.commit()
    start = time.perf_counter()
    with database.unit_of_work(actor="bench") as uow:
        outcome = lists.import_file(
            session=uow.session, path=Path(path), party_code="UA", kind="custody", submitted_by="b"
        )
        uow.commit()
    seconds = time.perf_counter() - start
    peak_mb = _vm_hwm_mb()
    print(json.dumps({"seconds": seconds, "peak_mb": peak_mb, "rows": outcome.rows, "accepted": outcome.accepted}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--csv-rows", default="50000,200000,400000", help="comma-separated sizes")
    parser.add_argument("--xlsx-rows", default="25000,100000", help="comma-separated sizes")
    parser.add_argument("--json-rows", default="", help="comma-separated sizes (a JSON array in canonical fields)")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(*args.child)
        return
    csv_sizes = [int(n) for n in args.csv_rows.split(",") if n]
    xlsx_sizes = [int(n) for n in args.xlsx_rows.split(",") if n]
    json_sizes = [int(n) for n in args.json_rows.split(",") if n]
    print(f"machine: {platform.machine()}, {platform.python_version()}, cores: {__import__('os').cpu_count()}")
    sizes = f"--csv-rows {args.csv_rows} --xlsx-rows {args.xlsx_rows}" + (
        f" --json-rows {args.json_rows}" if args.json_rows else ""
    )
    print(f"command: python -m bench.import_bench {sizes}\n")
    print("| file | rows | accepted | seconds | rows/s | peak MB (VmHWM) |\n| --- | ---: | ---: | ---: | ---: | ---: |")
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        files = []
        for n in csv_sizes:
            sub = directory / f"csv{n}"
            sub.mkdir()
            files.append(_make_files(sub, n, 0)[0])
        for n in xlsx_sizes:
            sub = directory / f"xlsx{n}"
            sub.mkdir()
            files.append(_make_files(sub, n, n)[1])
        for n in json_sizes:
            files.append(_make_json(directory / f"list{n}.json", n))
        for path in files:
            command = [sys.executable, "-m", "bench.import_bench", "--child", str(path), str(path.with_suffix(".db"))]
            out = subprocess.run(command, capture_output=True, text=True, check=True)
            r = json.loads(out.stdout.strip().splitlines()[-1])
            label = f"{path.name} ({path.stat().st_size / 1e6:.0f} MB)"
            rate = r["rows"] / r["seconds"]
            counts = f"{r['rows']:,} | {r['accepted']:,}"
            print(f"| {label} | {counts} | {r['seconds']:.1f} | {rate:,.0f} | {r['peak_mb']:.0f} |")


if __name__ == "__main__":
    main()
