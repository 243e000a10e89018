"""The verdict table as the ``fupin evaluate`` CSV: one row per household, amounts in yuan,
booleans as true/false (empty where a check does not apply), lists joined with ``;``."""

from __future__ import annotations

import csv
from pathlib import Path

import pyarrow as pa

from fupin.standards.rules import CONCLUSIONS
from fupin.standards.snapshot import yuan

COLUMNS = ["household_number", "region_code", "per_capita_net_income", *CONCLUSIONS]


def _cell(name: str, value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if name == "per_capita_net_income":
        return str(yuan(value))
    return str(value)


def write_csv(verdicts: pa.Table, path: Path) -> None:
    with Path(path).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for batch in verdicts.select(COLUMNS).to_batches(50_000):
            columns = [batch.column(name).to_pylist() for name in COLUMNS]
            for row in zip(*columns, strict=True):
                writer.writerow([_cell(n, v) for n, v in zip(COLUMNS, row, strict=True)])


def summary(verdicts: pa.Table) -> dict[str, int]:
    """Counts for the one-line summary and the stored run."""
    import pyarrow.compute as pc

    def true_count(name: str) -> int:
        return int(pc.sum(pc.fill_null(verdicts.column(name), False).cast(pa.int64())).as_py() or 0)

    def applies(name: str) -> int:
        return verdicts.num_rows - verdicts.column(name).null_count

    return {
        "households": verdicts.num_rows,
        "poor": applies("exit_eligible"),
        "exit_eligible": true_count("exit_eligible"),
        "screened": applies("monitoring_candidate"),
        "monitoring_candidates": true_count("monitoring_candidate"),
        "monitored": applies("risk_eliminable"),
        "risk_eliminable": true_count("risk_eliminable"),
    }


def summary_line(counts: dict[str, int]) -> str:
    return (
        f"households {counts['households']}, poor {counts['poor']}, "
        f"exit-eligible {counts['exit_eligible']}, screened {counts['screened']}, "
        f"monitoring candidates {counts['monitoring_candidates']}, "
        f"monitored {counts['monitored']}, risk eliminable {counts['risk_eliminable']}"
    )
