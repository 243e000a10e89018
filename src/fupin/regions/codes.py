"""Statistical division codes (统计用区划代码): 2 digits province, 2 city, 2 county,
3 township, 3 village; a village group (村民小组) adds 3 more. A code's level follows from
which of its parts are non-zero, and the scope of a region is the prefix up to its level."""

from __future__ import annotations

import re

LEVELS = ("province", "city", "county", "township", "village", "group")
PREFIX_LENGTH = {
    "province": 2,
    "city": 4,
    "county": 6,
    "township": 9,
    "village": 12,
    "group": 15,
}
_CODE = re.compile(r"^[0-9]{12}([0-9]{3})?$")


def is_valid(code: str) -> bool:
    return bool(_CODE.match(code or ""))


def expand(code: str) -> str:
    """Accept a short code (``430524``) and pad it to the 12-digit form."""
    code = (code or "").strip()
    if code.isascii() and code.isdigit() and len(code) in (2, 4, 6, 9):
        return code.ljust(12, "0")
    return code


def level_of(code: str) -> str:
    if not is_valid(code):
        raise ValueError(f"not a region code: {code!r}")
    if len(code) == 15:
        return "group"
    if code[9:12] != "000":
        return "village"
    if code[6:9] != "000":
        return "township"
    if code[4:6] != "00":
        return "county"
    if code[2:4] != "00":
        return "city"
    return "province"


def prefix(code: str) -> str:
    """The part of the code shared by the region and everything below it."""
    return code[: PREFIX_LENGTH[level_of(code)]]


def parent_code(code: str) -> str | None:
    level = level_of(code)
    if level == "province":
        return None
    if level == "group":
        return code[:12]
    parent_level = LEVELS[LEVELS.index(level) - 1]
    return code[: PREFIX_LENGTH[parent_level]].ljust(12, "0")


def contains(outer: str, inner: str) -> bool:
    return inner.startswith(prefix(outer))
