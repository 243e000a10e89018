from __future__ import annotations

from django.core.exceptions import ValidationError


class StaleVersion(Exception):
    """An update carried a version older than the record's: someone changed it meanwhile.
    The API answers 409 with the current record; pages ask the user to reload."""

    def __init__(self, current):
        super().__init__("stale version")
        self.current = current


__all__ = ["StaleVersion", "ValidationError"]
