"""Reading existing registry rows for a whole file: in chunks, so that no query carries more
parameters than the databases accept, and by (county, 户编号), the import's household key."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator

from fupin.registry.models import Household

BATCH = 5000


def chunks(items: list, size: int = BATCH) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def households_by_key(
    keys: Iterable[tuple[str, str]], fields: list[str], **filters
) -> dict[tuple[str, str], dict]:
    """``fields`` of the households with these (county, number) keys, by key."""
    by_county = defaultdict(list)
    for county, number in keys:
        by_county[county].append(number)
    found = {}
    for county, numbers in by_county.items():
        for chunk in chunks(numbers):
            rows = Household.objects.filter(county_code=county, number__in=chunk, **filters)
            for row in rows.values("number", *fields):
                found[(county, row["number"])] = row
    return found
