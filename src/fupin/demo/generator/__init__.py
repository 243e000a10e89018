"""A deterministic, calibrated synthetic registry of the four seed counties, produced as data
(nothing is written to a database).

- :func:`generate_regions` — the region tree: 湖南省 and 湖北省, 邵阳市 永州市 娄底市 襄阳市,
  隆回县 双牌县 涟源市 谷城县, their townships by real name and their villages in the
  published numbers (572, 114, 483, 290), real village names where the reports name them.
- :func:`generate_region_flags` — poverty county, poverty village, relocation site and
  supervision flags with their periods.
- :func:`generate_households` — one row per person in the import template
  (``registry.template.HEADERS``), all strings, as Arrow RecordBatches.

The published figures each county reproduces, and every figure that had to be assumed, are
tabled in :mod:`fupin.demo.generator.calibration`. Ages are completed years on 2019-12-31
and incomes are for 2019: the registry as it stood when 隆回 and 涟源 were approved to exit
(2020-02-29). Use the same ``seed`` for regions and households: the villages a household
lives in come from the tree of that seed.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa

from fupin.demo.generator import columns, people, tree
from fupin.demo.generator.calibration import COUNTIES

__all__ = [
    "COUNTIES",
    "generate_households",
    "generate_region_flags",
    "generate_regions",
    "write_csv",
]


def generate_regions(*, seed: int = 1) -> list[tuple[str, str, str | None, str]]:
    """(code, name, parent_code, level) for the whole tree, parents before children; codes
    are 12 digits (``codes.expand`` form), levels as ``regions.codes.LEVELS`` names them."""
    return list(tree.build(seed).regions)


def generate_region_flags(*, seed: int = 1) -> list[tuple[str, str, str, str | None]]:
    """(region code, kind, start ISO date, end ISO date or None)."""
    return list(tree.build(seed).flags)


def _county_codes(counties: list[str] | None) -> list[str]:
    if counties is None:
        return list(COUNTIES)
    selected = []
    for code in counties:
        short = str(code).strip()[:6]
        if short not in COUNTIES:
            raise ValueError(f"not a demo county: {code!r} (known: {', '.join(COUNTIES)})")
        selected.append(short)
    return [code for code in COUNTIES if code in selected]


def generate_households(
    *,
    scale: float = 1.0,
    seed: int = 1,
    counties: list[str] | None = None,
    batch_rows: int = columns.BATCH_ROWS,
) -> Iterator[pa.RecordBatch]:
    """Batches of about ``batch_rows`` persons (a household is never split), county by
    county. Counts scale by ``scale`` (rates stay); the same (scale, seed) gives the same
    rows, and a county's rows do not depend on which other counties are asked for."""
    if not scale > 0:
        raise ValueError("scale must be positive")
    built = tree.build(seed)
    for code in _county_codes(counties):
        county_tree = built.counties[code]
        data = people.generate(county_tree, scale=scale, seed=seed)
        yield from columns.batches(data, county_tree, batch_rows)


def write_csv(
    path: str | Path, *, scale: float = 1.0, seed: int = 1, counties: list[str] | None = None
) -> int:
    """The households as one UTF-8 CSV file in the import template; returns the rows written."""
    import pyarrow.csv as pacsv

    rows = 0
    with pacsv.CSVWriter(str(path), columns.SCHEMA) as writer:
        for batch in generate_households(scale=scale, seed=seed, counties=counties):
            writer.write_batch(batch)
            rows += batch.num_rows
    return rows
