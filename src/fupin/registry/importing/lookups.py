"""Reading existing registry rows for a whole file: by (county, 户编号), the import's household
key, with every key of the file in one query.

The list travels as one parameter that the server splits: ``string_to_array`` on PostgreSQL,
``json_each`` on SQLite. A list of placeholders costs more to build and parse than the query
takes to run, SQLite limits their number, and a million of them would be thousands of round
trips. The list is wrapped in :class:`Keys` because Django looks at every element of a plain
list as a possible expression, which at a million keys took seconds per query."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Field, ForeignObject
from django.db.models.fields.related_lookups import RelatedIn
from django.db.models.lookups import In

from fupin.registry.models import Household, Person
from fupin.registry.template import MEMBER_COLUMNS

# A person's columns the template carries (the ID number is stored as hash and token).
PERSON_FIELDS = [col.name for col in MEMBER_COLUMNS if col.name != "id_number"]

# Joins a list into one text parameter; no registry key or hash contains it.
_SEPARATOR = "\x1f"


class Keys:
    """Values for an ``__any_of`` lookup, passed through Django's query building as one
    object (not a list, so not resolved element by element)."""

    __slots__ = ("values",)

    def __init__(self, values: Iterable):
        self.values = [v for v in dict.fromkeys(values) if v is not None]

    def __iter__(self):
        return iter(self.values)

    def __len__(self) -> int:
        return len(self.values)

    def __bool__(self) -> bool:
        return bool(self.values)


class _AnyOf:
    """``field__any_of=Keys(…)``: one parameter, split by the server."""

    lookup_name = "any_of"

    def get_prep_lookup(self):
        if isinstance(self.rhs, Keys):
            return self.rhs.values
        return super().get_prep_lookup()

    def _one_parameter(self, compiler, connection, template: str, encode):
        if not isinstance(self.rhs, list):
            return super().as_sql(compiler, connection)
        if not self.rhs:
            return "1 = 0", ()
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return template.format(lhs=lhs), (*lhs_params, encode(self.rhs))

    def as_postgresql(self, compiler, connection):
        cast = connection.ops.cast_data_types.get(
            self.lhs.output_field.get_internal_type(),
            self.lhs.output_field.cast_db_type(connection),
        )
        template = "{lhs} = ANY(string_to_array(%s, E'\\x1f')::" + cast + "[])"
        return self._one_parameter(compiler, connection, template, _joined)

    def as_sqlite(self, compiler, connection):
        template = "{lhs} IN (SELECT value FROM json_each(%s))"
        return self._one_parameter(compiler, connection, template, json.dumps)


def _joined(values: list) -> str:
    texts = [str(v) for v in values]
    joined = _SEPARATOR.join(texts)
    if joined.count(_SEPARATOR) != len(texts) - 1:
        raise ValueError("a lookup value contains the list separator")
    return joined


@Field.register_lookup
class AnyOf(_AnyOf, In):
    pass


@ForeignObject.register_lookup
class RelatedAnyOf(_AnyOf, RelatedIn):
    pass


def households_by_key(
    keys: Iterable[tuple[str, str]], fields: list[str], **filters
) -> dict[tuple[str, str], dict]:
    """``fields`` of the households with these (county, number) keys, by key."""
    if not Household.objects.exists():  # a new database: no query per county of the file
        return {}
    by_county = defaultdict(list)
    for county, number in keys:
        by_county[county].append(number)
    found = {}
    for county, numbers in by_county.items():
        rows = Household.objects.filter(county_code=county, number__any_of=Keys(numbers), **filters)
        for row in rows.values("number", *fields):
            found[(county, row["number"])] = row
    return found


def persons_by_hash(hashes: Iterable[str]) -> dict[str, dict]:
    """The registered persons with these ID hashes, by hash: what the import compares and
    writes (their template columns, id, version) and where they live now (household key and
    village name, None for a person in no household). One query serves the checks and the
    plan: on a county's first load it is a million hashes."""
    if not Person.objects.exists():  # the first county of a new database: 64 MB not sent
        return {}
    rows = Person.objects.filter(id_hash__any_of=Keys(hashes)).values(
        "id",
        "id_hash",
        "household_id",
        "version",
        *PERSON_FIELDS,
        "household__county_code",
        "household__number",
        "household__region__name",
    )
    return {row["id_hash"]: row for row in rows}
