"""Model fields of our own."""

from __future__ import annotations

from django.db import models


class HashField(models.CharField):
    """A keyed hash in hex (64 characters): compared and sorted byte by byte, in PostgreSQL's
    "C" collation, whatever the database's locale. Nobody reads these in order, so a
    language's collation only costs: a unique index on a million ID hashes builds in half
    the time without it (docs/decisions/0023-bytewise-hashes.md). SQLite compares text byte
    by byte already."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 64)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if kwargs.get("max_length") == 64:
            del kwargs["max_length"]
        return name, path, args, kwargs

    def db_parameters(self, connection):
        parameters = super().db_parameters(connection)
        if connection.vendor == "postgresql":
            parameters["collation"] = "C"
        return parameters
