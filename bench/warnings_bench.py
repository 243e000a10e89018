"""Department warnings benchmark: a county registry of N persons (imported through the
household import), then a medical-insurance file of M settlement rows on those persons (with
some strangers and some bad rows) through `warnings_import`, in rows per second, on SQLite
and, when DATABASE_URL points at PostgreSQL, on PostgreSQL. The file is imported twice: the
second run finds every row already seen (the monthly re-send case).

    make bench-warnings
    bash scripts/with-postgres.sh .venv/bin/python bench/warnings_bench.py --persons 200000
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHILD = r"""
import json, sys, time
sys.path.insert(0, sys.argv[3])
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from fupin.demo.load import demo_load
from fupin.regions.models import Region
if not Region.objects.exists():
    demo_load(scale=0)
mode, path = sys.argv[1], sys.argv[2]
start = time.perf_counter()
if mode == "registry":
    from fupin.registry.importing import import_households
    result = import_households(path=path)
else:
    from fupin.monitoring.warning_import import warnings_import
    result = warnings_import(department="medical_insurance", path=path)
print(json.dumps({"seconds": time.perf_counter() - start, "summary": result.summary()}))
"""


def run(mode: str, path: Path, url: str) -> dict:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "fupin.config.settings",
        "FUPIN_HOME": str(ROOT),
    }
    out = subprocess.run(
        [sys.executable, "-c", CHILD, mode, str(path), str(ROOT)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        raise SystemExit(f"{mode} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def medical_file(folder: Path, persons: list[tuple[str, str]], rows: int) -> Path:
    """Settlements of this year: mostly outpatient, some hospital stays over the line, 3% of
    persons not in the registry and 1% of rows broken."""
    rnd = random.Random(7)
    path = folder / f"medical-{rows}.csv"
    year = time.localtime().tm_year
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["证件号码", "姓名", "结算日期", "就诊类型", "总费用", "个人自付"])
        for _ in range(rows):
            id_number, name = rnd.choice(persons)
            if rnd.random() < 0.03:
                id_number = id_number[:6] + "19500101" + id_number[14:17]
                from fupin.core.idnumbers import check_character

                id_number += check_character(id_number)
            day = f"{year}-{rnd.randint(1, 2):02d}-{rnd.randint(1, 28):02d}"
            hospital = rnd.random() < 0.1
            self_pay = rnd.randint(2000, 9000) if hospital else rnd.randint(5, 200)
            if rnd.random() < 0.01:
                day = "不详"
            writer.writerow(
                [id_number, name, day, "住院" if hospital else "门诊", self_pay * 3, self_pay]
            )
    return path


def fresh(url: str, folder: Path) -> str:
    from bench.import_bench import fresh_database

    return fresh_database(url, folder)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fupin.config.settings")
    import django

    django.setup()
    from bench._template_data import rows, write_csv

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        registry = write_csv(folder / "registry.csv", args.persons)
        persons = [(r["证件号码"], r["姓名"]) for r in rows(args.persons)]
        warnings = medical_file(folder, persons, args.rows)
        engines = {"sqlite": f"sqlite:///{folder / 'bench.sqlite3'}"}
        pg = os.environ.get("DATABASE_URL", "")
        if pg.startswith("postgres"):
            engines["postgresql"] = pg
        print(f"{'engine':<11}{'run':<8}{'rows':>9}{'seconds':>9}{'rows/s':>9}  counts")
        for engine, url in engines.items():
            database = fresh(url, folder)
            run("registry", registry, database)
            for label in ("first", "again"):
                result = run("warnings", warnings, database)
                print(
                    f"{engine:<11}{label:<8}{args.rows:>9,}{result['seconds']:>9.1f}"
                    f"{args.rows / result['seconds']:>9,.0f}  [{result['summary']}]"
                )


if __name__ == "__main__":
    main()
