"""Reading existing registry rows for a whole file: by (county, 户编号), the import's household
key, and in batches that each database takes well.

PostgreSQL gets the whole list as one array parameter (``= ANY(%s)``): a list of 5,000
placeholders costs more to build and parse than the query takes to run, and a million of
them would be ten thousand round trips. SQLite has no arrays and a limit on parameters, so
it gets ``IN`` lists of ``BATCH``."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator

from django.db import connection
from django.db.models import Field, ForeignObject
from django.db.models.fields.related_lookups import RelatedIn
from django.db.models.lookups import In

from fupin.registry.models import Household

BATCH = 5000


# Joins a list into one text parameter; no registry key or hash contains it.
_SEPARATOR = "\x1f"


class _AnyOf:
    """``field__any_of=[…]``: ``IN`` everywhere, one parameter on PostgreSQL.

    The list travels as one text split by the server (``string_to_array``): adapting a
    Python list to a PostgreSQL array looks at every element on the client, which at a
    million keys costs more than the query."""

    lookup_name = "any_of"

    def get_prep_lookup(self):
        if self.rhs_is_direct_value() and connection.vendor == "postgresql":
            return [v for v in dict.fromkeys(self.rhs) if v is not None]
        return super().get_prep_lookup()

    def as_postgresql(self, compiler, connection):
        if not self.rhs_is_direct_value():
            return super().as_sql(compiler, connection)
        lhs, lhs_params = self.process_lhs(compiler, connection)
        values = [str(v) for v in self.rhs]
        if not values:
            return "FALSE", ()
        joined = _SEPARATOR.join(values)
        if joined.count(_SEPARATOR) != len(values) - 1:
            raise ValueError("a lookup value contains the list separator")
        cast = connection.ops.cast_data_types.get(
            self.lhs.output_field.get_internal_type(),
            self.lhs.output_field.cast_db_type(connection),
        )
        return f"{lhs} = ANY(string_to_array(%s, E'\\x1f')::{cast}[])", (*lhs_params, joined)


@Field.register_lookup
class AnyOf(_AnyOf, In):
    pass


@ForeignObject.register_lookup
class RelatedAnyOf(_AnyOf, RelatedIn):
    pass


def chunks(items: list, size: int = BATCH) -> Iterator[list]:
    """Batches for ``__any_of`` lookups: all at once on PostgreSQL, ``size`` on SQLite."""
    items = list(items)
    if connection.vendor == "postgresql":
        if items:
            yield items
        return
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
            rows = Household.objects.filter(county_code=county, number__any_of=chunk, **filters)
            for row in rows.values("number", *fields):
                found[(county, row["number"])] = row
    return found
