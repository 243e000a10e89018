from __future__ import annotations

import pytest
from django.apps import apps
from django.db import connection

from fupin.core.fields import HashField


def _hash_columns():
    return [
        (model._meta.db_table, field.column)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, HashField)
    ]


def test_every_keyed_hash_column_is_a_hash_field():
    columns = {f"{table}.{column}" for table, column in _hash_columns()}
    assert {
        "registry_person.id_hash",
        "registry_household.phone_hash",
        "monitoring_leadsource.id_hash",
        "monitoring_warningrecord.row_hash",
    } <= columns


def test_a_hash_field_keeps_its_length_and_options_through_migrations():
    _name, path, args, kwargs = HashField(blank=True, db_index=True).deconstruct()
    assert path == "fupin.core.fields.HashField"
    rebuilt = HashField(*args, **kwargs)
    assert (rebuilt.max_length, rebuilt.blank, rebuilt.db_index) == (64, True, True)


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite compares bytes already")
def test_hash_columns_are_compared_byte_by_byte_on_postgresql():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name || '.' || column_name, collation_name"
            " FROM information_schema.columns WHERE table_schema = current_schema()"
            " AND (table_name, column_name) IN (SELECT * FROM unnest(%s::text[], %s::text[]))",
            [[t for t, _c in _hash_columns()], [c for _t, c in _hash_columns()]],
        )
        collations = dict(cursor.fetchall())
    assert len(collations) == len(_hash_columns())
    assert set(collations.values()) == {"C"}
