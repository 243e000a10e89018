"""Household import benchmark: N persons in the standard template (CSV and xlsx) imported
into SQLite and PostgreSQL, in persons per second, beside a plain bulk load of the same
rows without validation (PostgreSQL COPY; SQLite executemany) measured in the same run.

    make bench-import                       # 100,000 persons CSV and xlsx, both databases
    bash scripts/with-postgres.sh .venv/bin/python bench/import_bench.py --csv-persons 1000000

PostgreSQL is taken from DATABASE_URL (scripts/with-postgres.sh sets it); without it only
SQLite runs. Each import runs in a fresh process on a fresh database. With --repeat N the
plain load and the import run N times each, alternately, and the table gives medians (and
each run's figures), so that a busy neighbour on a shared machine moves one run, not the
ratio."""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def make_files(folder: Path, csv_persons: int, xlsx_persons: int) -> dict[str, Path]:
    from bench._template_data import rows, write_csv

    files = {"csv": write_csv(folder / f"persons-{csv_persons}.csv", csv_persons)}
    if xlsx_persons:
        import xlsxwriter

        from fupin.registry.template import HEADERS

        path = folder / f"persons-{xlsx_persons}.xlsx"
        workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
        sheet = workbook.add_worksheet()
        sheet.write_row(0, 0, HEADERS)
        for r, row in enumerate(rows(xlsx_persons, seed=2), start=1):
            sheet.write_row(r, 0, [row[h] for h in HEADERS])
        workbook.close()
        files["xlsx"] = path
    return files


CHILD = r"""
import json, os, sys, time
sys.path.insert(0, sys.argv[3])
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from fupin.demo.load import demo_load
from fupin.regions.models import Region
if not Region.objects.exists():
    demo_load(scale=0)  # the region tree and accounts only: the file is the only data
mode, path = sys.argv[1], sys.argv[2]
from django.db import connection, transaction
if mode == "import":
    from fupin.registry.importing import import_households
    stages = {}
    start = time.perf_counter()
    def mark(stage, *args):
        stages.setdefault(stage, time.perf_counter() - start)
    result = import_households(path=path, progress=mark)
    print(json.dumps({"seconds": time.perf_counter() - start, "summary": result.summary(),
                      "stages": stages}))
else:
    # The plain bulk load: the file's rows into one table of text columns, no checks.
    import csv
    from fupin.core.spreadsheets import read_sheet
    start = time.perf_counter()
    sheet = read_sheet(path)
    names = [f"c{i}" for i in range(len(sheet.headers))]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_plain")
        columns = ", ".join(f"{n} text" for n in names)
        cursor.execute(f"CREATE TABLE bench_plain ({columns})")
        rows = list(zip(*[c.to_pylist() for c in sheet.table.columns]))
        if connection.vendor == "postgresql":
            sql = "COPY bench_plain (" + ", ".join(names) + ") FROM STDIN"
            with cursor.cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" for _ in names)
            cursor.cursor.executemany(f"INSERT INTO bench_plain VALUES ({marks})", rows)
    print(json.dumps({"seconds": time.perf_counter() - start, "rows": len(rows)}))
"""


def fresh_database(url: str, folder: Path) -> str:
    """A new empty database for each run (the audit log refuses to be flushed, rightly)."""
    if url.startswith("sqlite"):
        target = folder / "bench.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{target}"
    import psycopg

    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS fupin_bench")
        conn.execute("CREATE DATABASE fupin_bench")
    return url.rsplit("/", 1)[0] + "/fupin_bench"


def run(mode: str, path: Path, database_url: str, fresh: str = "") -> dict:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "fupin.config.settings",
        "FUPIN_HOME": str(ROOT),
    }
    out = subprocess.run(
        [sys.executable, "-c", CHILD, mode, str(path), str(ROOT), fresh],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        raise SystemExit(f"{mode} {path.name} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--csv-persons", type=int, default=100_000)
    parser.add_argument("--xlsx-persons", type=int, default=100_000)
    parser.add_argument(
        "--repeat", type=int, default=1, help="runs of each load; the table gives medians"
    )
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fupin.config.settings")
    import django

    django.setup()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        t = time.perf_counter()
        files = make_files(folder, args.csv_persons, args.xlsx_persons)
        print(
            f"generated files in {time.perf_counter() - t:.1f} s: "
            + ", ".join(f"{k} {p.stat().st_size / 1e6:.0f} MB" for k, p in files.items())
        )
        engines = {"sqlite": f"sqlite:///{folder / 'bench.sqlite3'}"}
        pg = os.environ.get("DATABASE_URL", "")
        if pg.startswith("postgres"):
            engines["postgresql"] = pg
        print(
            f"{'engine':<11}{'file':<6}{'persons':>10}{'import s':>10}{'persons/s':>11}"
            f"{'plain s':>9}{'ratio':>7}  stages (read/checked/written, s)"
        )
        runs = []
        for engine, url in engines.items():
            for kind, path in files.items():
                plains, imports = [], []
                for _ in range(max(1, args.repeat)):
                    plains.append(run("plain", path, fresh_database(url, folder)))
                    imports.append(run("import", path, fresh_database(url, folder)))
                plain_s = statistics.median(p["seconds"] for p in plains)
                import_s = statistics.median(r["seconds"] for r in imports)
                # The stages of the run whose time is the median (the upper one of two).
                result = sorted(imports, key=lambda r: r["seconds"])[len(imports) // 2]
                persons = int(result["summary"].split(",")[0].split()[1])
                stages = "/".join(
                    f"{result['stages'].get(s, 0):.1f}" for s in ("read", "checked", "written")
                )
                print(
                    f"{engine:<11}{kind:<6}{persons:>10,}{import_s:>10.1f}"
                    f"{persons / import_s:>11,.0f}{plain_s:>9.1f}"
                    f"{import_s / plain_s:>7.1f}  {stages}"
                    f"   [{result['summary']}]",
                    flush=True,
                )
                runs.append((engine, kind, plains, imports))
        if args.repeat > 1:
            print("each run, import s / plain s:")
            for engine, kind, plains, imports in runs:
                pairs = ", ".join(
                    f"{r['seconds']:.1f}/{p['seconds']:.1f}"
                    for p, r in zip(plains, imports, strict=True)
                )
                print(f"  {engine:<11}{kind:<6}{pairs}")


if __name__ == "__main__":
    csv.field_size_limit(1 << 24)
    main()
