"""Chinese resident ID numbers (公民身份号码, GB 11643-1999) and second-generation disability
certificate numbers (第二代残疾人证号): normalising, checking, parsing and masking.

Two forms share one set of rules and one table of messages: :func:`parse` for one number
typed into a form, :func:`parse_array` for a column of an import (a million rows in well under
two seconds). For the same input both give the same error code and the same message, and for
a valid input the same fields.

The checks run in a fixed order and the first failure is the one reported: empty, illegal
character, length, a character in the wrong place, area code, birth date, check character,
then (certificates only) disability category, level and renewal suffix.
"""

from __future__ import annotations

import functools
import operator
import re
import string
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, NoReturn

if TYPE_CHECKING:
    import numpy
    import pyarrow

RESIDENT = "resident"
DISABILITY = "disability"
MALE = "male"
FEMALE = "female"

# The 34 provincial-level divisions (GB/T 2260): the first two digits of every area code.
PROVINCE_CODES = frozenset(
    {"11", "12", "13", "14", "15", "21", "22", "23"}
    | {"31", "32", "33", "34", "35", "36", "37"}
    | {"41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54"}
    | {"61", "62", "63", "64", "65", "71", "81", "82"}
    # Residence permits of Hong Kong, Macao and Taiwan residents (港澳台居民居住证) use 81-83.
    | {"83"}
)

# Second-generation certificate: the 19th digit is the category, the 20th the level.
DISABILITY_CATEGORIES = {
    "1": "视力残疾",
    "2": "听力残疾",
    "3": "言语残疾",
    "4": "肢体残疾",
    "5": "智力残疾",
    "6": "精神残疾",
    "7": "多重残疾",
}
DISABILITY_LEVELS = {"1": "一级", "2": "二级", "3": "三级", "4": "四级"}

EARLIEST_BIRTH_DATE = date(1900, 1, 1)

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARACTERS = "10X98765432"
_ZERO_WEIGHT = ord("0") * sum(_WEIGHTS)
_LENGTHS = (15, 18, 20, 22)
_DIGITS = "0123456789"
# After normalising, a number may only contain these; B appears in a certificate's renewal
# suffix. Anything else is reported by name before the length, which tells the user more.
_ALLOWED = frozenset(_DIGITS + "XB")
_ILLEGAL_CHARACTER = re.compile(r"[^0-9XB]")
_SHAPE = {
    15: re.compile(r"[0-9]{15}"),
    18: re.compile(r"[0-9]{17}[0-9X]"),
    20: re.compile(r"[0-9]{17}[0-9X][0-9]{2}"),
    22: re.compile(r"[0-9]{17}[0-9X][0-9]{2}.."),
}
_RENEWAL_SUFFIX = re.compile(r"[B0-9][0-9]")

# Characters that real files put around or inside numbers: Python's whitespace (including
# the ideographic space U+3000 that Chinese input methods type) and the zero-width marks that
# Excel and web forms leave behind.
_REMOVED = (
    "\t\n\v\f\r\x1c\x1d\x1e\x1f \x85\xa0\u1680"
    + "".join(chr(c) for c in range(0x2000, 0x200B))
    + "\u2028\u2029\u202f\u205f\u3000"
    + "\u200b\u200c\u200d\u2060\ufeff"
)
# Full-width ASCII (U+FF01–U+FF5E) maps to ASCII exactly as NFKC would. NFKC itself is not
# used: it also turns circled and superscript digits into digits, which the vectorised form
# cannot mirror, and both forms must read a number the same way.
_FULL_WIDTH = "".join(chr(c) for c in range(0xFF01, 0xFF5F))
_HALF_WIDTH = "".join(chr(c) for c in range(0x21, 0x7F))
_NORMALISE = str.maketrans(_FULL_WIDTH + "xb", _HALF_WIDTH + "XB", _REMOVED)
# The two lower-case letters a number can hold, also when typed full-width.
_NORMALISE[ord("ｘ")] = "X"
_NORMALISE[ord("ｂ")] = "B"
# Digits and upper-case ASCII letters are left as they are: nothing to translate.
_ALREADY_NORMAL = re.compile(r"[0-9A-Z]*")

# reason -> (error code, message). One table for both forms so that a row of an import and the
# same number typed into a form read alike.
_MESSAGES: dict[str, tuple[str, str]] = {
    "empty": ("empty", "证件号码为空"),
    "illegal_character": ("characters", "证件号码含有非法字符 '{char}'"),
    "length": (
        "length",
        "证件号码应为18位（或15位旧号码、20/22位残疾人证号），实为 {length} 位",
    ),
    "digit_expected": ("characters", "证件号码第 {position} 位应为数字，实为 '{char}'"),
    "check_position": ("characters", "证件号码第 18 位（校验位）应为数字或 X，实为 '{char}'"),
    "area": ("area", "地区码 {area} 无效：前两位 {province} 不是省级行政区划代码"),
    "birth_date_invalid": ("birth_date", "出生日期 {birth} 不是有效日期"),
    "birth_date_too_early": ("birth_date", "出生日期 {birth} 早于 1900 年 1 月 1 日"),
    "birth_date_future": ("birth_date", "出生日期 {birth} 晚于今天"),
    "check": ("check", "证件号码校验位错误：应为 {expected}，实为 {actual}"),
    "disability_category": (
        "disability_category",
        "残疾类别 {category} 无效：应为 1–7（视力、听力、言语、肢体、智力、精神、多重）",
    ),
    "disability_level": ("disability_level", "残疾等级 {level} 无效：应为 1–4 级"),
    "renewal_suffix": (
        "renewal_suffix",
        "残疾人证换领标识 {suffix} 无效：应为 B 加一位数字，或两位数字",
    ),
}


class IdNumberError(ValueError):
    """A number that is not a valid ID or certificate number.

    ``code`` is a short machine code ("empty", "characters", "length", "area", "birth_date",
    "check", "disability_category", "disability_level", "renewal_suffix"); ``message`` is a
    Chinese sentence naming what is wrong, fit to show the person who typed the number."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class ParsedId:
    """What a valid number says about its holder."""

    number: str  # normalised: 18 chars for a resident ID; 20 or 22 for a disability certificate
    kind: str  # "resident" or "disability"
    resident_number: str  # the 18-char resident ID (the embedded one for a certificate)
    birth_date: date
    sex: str  # "male" or "female" (17th digit odd = male)
    area_code: str  # first 6 digits
    upgraded_from_15: bool


def _fail(reason: str, **params: Any) -> NoReturn:
    code, template = _MESSAGES[reason]
    raise IdNumberError(code, template.format(**params))


def normalise(raw: str) -> str:
    """The number as it should be stored: whitespace (also U+3000 and zero-width marks)
    removed, full-width characters made ASCII, ``x`` and ``b`` upper-cased. Never raises; None
    gives "" and a non-string (an Excel cell read as a number) its ``str``."""
    if raw is None:
        return ""
    if not isinstance(raw, str):
        raw = str(raw)
    if _ALREADY_NORMAL.fullmatch(raw):
        return raw
    return raw.translate(_NORMALISE)


def check_character(first17: str) -> str:
    """The GB 11643 check character (0–9 or X) for 17 ASCII digits; IdNumberError otherwise."""
    if len(first17) != 17:
        raise IdNumberError("length", f"计算校验位需要17位数字，实为 {len(first17)} 位")
    if not (first17.isascii() and first17.isdigit()):
        raise IdNumberError("characters", "计算校验位需要17位数字")
    return _check(first17)


def _check(first17: str) -> str:
    # Multiplying the ASCII codes and taking off what the '0's contributed is several times
    # faster than int() per digit, and parse() runs this for every row of a form import.
    total = sum(map(operator.mul, first17.encode("ascii"), _WEIGHTS)) - _ZERO_WEIGHT
    return _CHECK_CHARACTERS[total % 11]


def upgrade_15(number15: str) -> str:
    """The 18-character form of a 15-digit legacy number: "19" before the two-digit birth year
    and the check character appended. Only the shape is checked (15 ASCII digits, after
    :func:`normalise`), not the date or area: :func:`parse` does that."""
    number = normalise(number15)
    if len(number) != 15:
        raise IdNumberError("length", f"旧号码应为15位，实为 {len(number)} 位")
    if not (number.isascii() and number.isdigit()):
        raise IdNumberError("characters", "旧号码应全部为数字")
    first17 = number[:6] + "19" + number[6:]
    return first17 + check_character(first17)


def _first_misplaced(number: str) -> NoReturn:
    # Only reached when the shape regex failed, so some position below does fail.
    digits_up_to = 15 if len(number) == 15 else 17
    for index, char in enumerate(number[:digits_up_to]):
        if char not in _DIGITS:
            _fail("digit_expected", position=index + 1, char=char)
    if number[17] not in "0123456789X":
        _fail("check_position", char=number[17])
    for index in (18, 19):
        if number[index] not in _DIGITS:
            _fail("digit_expected", position=index + 1, char=number[index])
    raise AssertionError(number)  # pragma: no cover


def parse(raw: str, *, today: date | None = None) -> ParsedId:
    """Check a resident ID (18 characters, or a 15-digit legacy number, upgraded) or a
    second-generation disability certificate number (the holder's 18-character ID, category
    1–7, level 1–4, and on a renewed certificate a two-character suffix) and read it.

    The birth date must be a real date between 1900-01-01 and ``today`` (default: the real
    today); the area code must begin with a provincial-level code. Raises IdNumberError
    naming the first thing wrong."""
    number = normalise(raw)
    if not number:
        _fail("empty")
    illegal = _ILLEGAL_CHARACTER.search(number)
    if illegal:
        _fail("illegal_character", char=illegal.group())
    length = len(number)
    if length not in _LENGTHS:
        _fail("length", length=length)
    if not _SHAPE[length].fullmatch(number):
        _first_misplaced(number)

    upgraded = length == 15
    if upgraded:
        first17 = number[:6] + "19" + number[6:]
        resident = first17 + _check(first17)
    else:
        resident = number[:18]

    if resident[:2] not in PROVINCE_CODES:
        _fail("area", area=resident[:6], province=resident[:2])
    birth = resident[6:14]
    try:
        birth_date = date(int(birth[:4]), int(birth[4:6]), int(birth[6:]))
    except ValueError:
        _fail("birth_date_invalid", birth=birth)
    if birth_date < EARLIEST_BIRTH_DATE:
        _fail("birth_date_too_early", birth=birth)
    if birth_date > (today or date.today()):
        _fail("birth_date_future", birth=birth)
    if not upgraded:
        expected = _check(resident[:17])
        if resident[17] != expected:
            _fail("check", expected=expected, actual=resident[17])

    if length >= 20:
        if number[18] not in DISABILITY_CATEGORIES:
            _fail("disability_category", category=number[18])
        if number[19] not in DISABILITY_LEVELS:
            _fail("disability_level", level=number[19])
        if length == 22 and not _RENEWAL_SUFFIX.fullmatch(number[20:]):
            _fail("renewal_suffix", suffix=number[20:])

    return ParsedId(
        number=resident if upgraded else number,
        kind=DISABILITY if length >= 20 else RESIDENT,
        resident_number=resident,
        birth_date=birth_date,
        sex=MALE if int(resident[16]) % 2 else FEMALE,
        area_code=resident[:6],
        upgraded_from_15=upgraded,
    )


def is_valid(raw: str) -> bool:
    """Whether :func:`parse` accepts the number (relative to the real today)."""
    try:
        parse(raw)
    except IdNumberError:
        return False
    return True


def mask(number: str) -> str:
    """The number for notices and lists: the first 6 and last 4 characters kept, stars in
    between ("430524********1234"), the same rule for 15, 18, 20 and 22 characters. A string
    of 10 characters or fewer would show whole, so it becomes all stars; "" stays ""."""
    number = normalise(number)
    if len(number) <= 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def mask_array(numbers):
    """:func:`mask` for a column of normalised numbers (an import's), without a Python step
    per row. Nulls stay null."""
    import pyarrow.compute as pc

    length = pc.utf8_length(numbers)
    short = pc.less_equal(length, 10)
    stars = pc.binary_repeat("*", pc.max_element_wise(pc.subtract(length, 10), 0))
    kept = pc.binary_join_element_wise(
        pc.utf8_slice_codeunits(numbers, 0, 6), stars, pc.utf8_slice_codeunits(numbers, -4), ""
    )
    return pc.if_else(short, pc.binary_repeat("*", length), kept)


# --- Vectorised form ------------------------------------------------------------------------

_REASONS = ("ok", *_MESSAGES)
_REASON = {reason: index for index, reason in enumerate(_REASONS)}
_CODES = tuple(dict.fromkeys(code for code, _template in _MESSAGES.values()))
# error code index of each reason; "ok" gets 0 but is masked out.
_REASON_CODE = [0] + [_CODES.index(code) for code, _template in _MESSAGES.values()]
_PROVINCE_TABLE = [f"{value:02d}" in PROVINCE_CODES for value in range(100)]
_DAYS_IN_MONTH = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


@functools.cache
def _byte_tables():
    # Built on first use so that importing this module does not import numpy.
    import numpy as np

    upper = np.arange(256, dtype=np.uint8)
    upper[[ord("x"), ord("b")]] = [ord("X"), ord("B")]
    removed = np.zeros(256, bool)
    removed[[ord(char) for char in _REMOVED if ord(char) < 0x80]] = True
    multibyte = np.array(sorted(ord(char) for char in _REMOVED if ord(char) >= 0x80))
    return upper, removed, multibyte


def parse_array(
    values: pyarrow.Array | pyarrow.ChunkedArray, *, today: date | None = None
) -> pyarrow.Table:
    """:func:`parse` for a whole column at once, without a Python step per row.

    Returns a table with one row per value and the columns number, kind, resident_number,
    birth_date (date32), sex, area_code (null where invalid), ok, error_code and
    error_message (null where valid). For every value, ok, error_code and error_message are
    what :func:`parse` gives (error_message is its exception's message), and for a valid value
    every field equals the scalar result. Null and empty values are "empty" errors. Values
    that are not strings (an Excel column read as numbers) are cast to strings first."""
    import numpy as np
    import pyarrow as pa

    today = today or date.today()
    raw = _as_strings(values)
    offsets, data = _offsets_and_data(raw)
    outside = _rows_outside(data, offsets, _ALLOWED)
    normalised = raw
    if outside.any():
        normalised = _normalise_array(raw, outside)
        offsets, data = _offsets_and_data(normalised)
        outside = _rows_outside(data, offsets, _ALLOWED)
    n = len(normalised)
    lengths = np.diff(offsets)
    reason = np.zeros(n, np.int8)

    reason[lengths == 0] = _REASON["empty"]
    reason[outside] = _REASON["illegal_character"]
    reason[(reason == 0) & ~np.isin(lengths, _LENGTHS)] = _REASON["length"]

    candidates = np.flatnonzero(reason == 0)
    rows = _Candidates(normalised, candidates, lengths[candidates], today)
    reason[candidates] = rows.reason
    ok = reason == 0

    # Matrices over all rows (zeros where a row is not a candidate) to cut the strings from.
    number_matrix = np.zeros((n, 22), np.uint8)
    number_matrix[candidates] = rows.number
    number_length = np.zeros(n, np.int64)
    number_length[candidates] = np.where(rows.length == 15, 18, rows.length)
    number_length[~ok] = 0

    kind = np.zeros(n, np.int8)
    kind[candidates] = rows.length >= 20
    sex = np.zeros(n, np.int8)
    sex[candidates] = rows.resident[:, 16] % 2 == 0  # '0' is 48: even digit, even byte
    birth_days = np.zeros(n, np.int32)
    birth_days[candidates] = rows.birth_days

    resident_length = np.where(ok, 18, 0)
    area_length = np.where(ok, 6, 0)
    code_index = np.asarray(_REASON_CODE, np.int8)[reason]
    return pa.table(
        {
            "number": _strings(number_matrix, number_length, ok),
            "kind": _labels(kind, (RESIDENT, DISABILITY), ok),
            "resident_number": _strings(number_matrix[:, :18], resident_length, ok),
            "birth_date": pa.array(birth_days, pa.int32(), mask=~ok).view(pa.date32()),
            "sex": _labels(sex, (MALE, FEMALE), ok),
            "area_code": _strings(number_matrix[:, :6], area_length, ok),
            "ok": pa.array(ok, pa.bool_()),
            "error_code": _labels(code_index, _CODES, ~ok),
            "error_message": _messages(reason, normalised, lengths, candidates, rows),
        }
    )


class _Candidates:
    """The checks after the length, on the rows that passed it: one row of a byte matrix per
    number, so that every check is a handful of numpy operations over all rows at once."""

    def __init__(
        self,
        normalised: pyarrow.Array,
        candidates: numpy.ndarray,
        lengths: numpy.ndarray,
        today: date,
    ):
        import numpy as np

        self.length = lengths
        k = len(candidates)
        # The number as typed (15, 18, 20 or 22 bytes), padded with '0' so padding passes
        # the digit checks.
        typed = np.full((k, 22), ord("0"), np.uint8)
        for length in _LENGTHS:
            selected = np.flatnonzero(lengths == length)
            if selected.size:
                typed[selected, :length] = _fixed_width(normalised, candidates[selected], length)

        allowed = (typed >= ord("0")) & (typed <= ord("9"))
        allowed[:, 17] |= typed[:, 17] == ord("X")
        allowed[:, 20:] = True  # the renewal suffix is checked last, with its own message
        misplaced = ~allowed
        self.position = misplaced.argmax(axis=1) + 1
        self.misplaced_char = typed[np.arange(k), self.position - 1]
        has_misplaced = misplaced.any(axis=1)

        resident = typed[:, :18].copy()
        legacy = np.flatnonzero(lengths == 15)
        if legacy.size:
            old = typed[legacy]
            resident[legacy, :6] = old[:, :6]
            resident[legacy, 6:8] = (ord("1"), ord("9"))
            resident[legacy, 8:17] = old[:, 6:15]
        digits = resident[:, :17].astype(np.int16) - ord("0")
        digits[has_misplaced] = 0  # keeps the arithmetic below in range; the row is an error
        weighted = (digits @ np.asarray(_WEIGHTS, np.int16)) % 11
        self.expected = np.frombuffer(_CHECK_CHARACTERS.encode(), np.uint8)[weighted]
        resident[legacy, 17] = self.expected[legacy]
        self.resident = resident
        self.extra = typed[:, 18:]

        province_ok = np.asarray(_PROVINCE_TABLE)[digits[:, 0] * 10 + digits[:, 1]]
        year = digits[:, 6:10].astype(np.int64) @ np.array([1000, 100, 10, 1])
        month = digits[:, 10] * 10 + digits[:, 11]
        day = digits[:, 12] * 10 + digits[:, 13]
        leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
        month_days = np.asarray(_DAYS_IN_MONTH)[np.clip(month, 0, 12)] + (leap & (month == 2))
        real_date = (year >= 1) & (month >= 1) & (month <= 12) & (day >= 1) & (day <= month_days)
        self.birth_days = _days_since_epoch(
            np.where(real_date, year, 1970),
            np.where(real_date, month, 1),
            np.where(real_date, day, 1),
        )
        category = self.extra[:, 0] - ord("0")
        level = self.extra[:, 1] - ord("0")
        suffix_first, suffix_second = self.extra[:, 2], self.extra[:, 3]
        suffix_ok = ((suffix_first == ord("B")) | _is_digit(suffix_first)) & _is_digit(
            suffix_second
        )

        # In the order parse() checks; the first failure of a row wins.
        failures = [
            (has_misplaced & (self.position == 18), "check_position"),
            (has_misplaced, "digit_expected"),
            (~province_ok, "area"),
            (~real_date, "birth_date_invalid"),
            (year < EARLIEST_BIRTH_DATE.year, "birth_date_too_early"),
            (self.birth_days > (today - date(1970, 1, 1)).days, "birth_date_future"),
            (resident[:, 17] != self.expected, "check"),
            ((lengths >= 20) & ((category < 1) | (category > 7)), "disability_category"),
            ((lengths >= 20) & ((level < 1) | (level > 4)), "disability_level"),
            ((lengths == 22) & ~suffix_ok, "renewal_suffix"),
        ]
        self.reason = np.zeros(k, np.int8)
        for failed, reason in reversed(failures):
            self.reason[failed] = _REASON[reason]

        self.number = np.concatenate([resident, self.extra], axis=1)

    def params(self, reason: str, rows: numpy.ndarray) -> dict[str, pyarrow.Array]:
        import numpy as np
        import pyarrow as pa

        def text(matrix):
            matrix = np.atleast_2d(matrix.T).T
            return _strings(matrix, np.full(len(rows), matrix.shape[1]), None)

        resident = self.resident[rows]
        if reason in ("digit_expected", "check_position"):
            return {
                "position": pa.array(self.position[rows]).cast(pa.string()),
                "char": text(self.misplaced_char[rows]),
            }
        if reason == "area":
            return {"area": text(resident[:, :6]), "province": text(resident[:, :2])}
        if reason.startswith("birth_date"):
            return {"birth": text(resident[:, 6:14])}
        if reason == "check":
            return {"expected": text(self.expected[rows]), "actual": text(resident[:, 17])}
        extra = self.extra[rows]
        return {
            "category": text(extra[:, 0]),
            "level": text(extra[:, 1]),
            "suffix": text(extra[:, 2:4]),
        }


def _as_strings(values: Any) -> pyarrow.Array:
    import pyarrow as pa

    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks() if values.num_chunks else pa.array([], pa.string())
    elif not isinstance(values, pa.Array):
        values = pa.array(values)
    if values.type != pa.string():
        values = values.cast(pa.string())
    return values.fill_null("")


def _offsets_and_data(array: pyarrow.Array) -> tuple[numpy.ndarray, numpy.ndarray]:
    import numpy as np

    _validity, offsets, data = array.buffers()
    offsets = np.frombuffer(offsets, np.int32)[array.offset : array.offset + len(array) + 1]
    data = np.frombuffer(data, np.uint8) if data is not None else np.zeros(0, np.uint8)
    return offsets.astype(np.int64), data


def _rows_outside(data: numpy.ndarray, offsets: numpy.ndarray, allowed: frozenset) -> Any:
    """Which rows hold a byte that is not one of ``allowed`` (ASCII characters)."""
    import numpy as np

    table = np.ones(256, bool)
    table[[ord(char) for char in allowed]] = False
    outside = np.zeros(len(offsets) - 1, bool)
    nonempty = np.flatnonzero(offsets[1:] > offsets[:-1])
    if nonempty.size:
        bad = table[data[offsets[0] : offsets[-1]]]
        # Rows are contiguous, so each non-empty row runs from its start to the next one's.
        outside[nonempty] = np.logical_or.reduceat(bad, offsets[nonempty] - offsets[0])
    return outside


def _normalise_array(raw: pyarrow.Array, dirty: numpy.ndarray) -> pyarrow.Array:
    """:func:`normalise` for a column, on the UTF-8 bytes: only the ``dirty`` rows (those with
    something besides digits, X and B) are touched, every character mapped as the scalar
    table maps it. A whole column of padded or full-width numbers costs tenths of a second
    this way, where a Python call per row would take seconds."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    dirty_mask = pa.array(dirty)
    upper, ascii_removed, multibyte_removed = _byte_tables()
    subset = raw.filter(dirty_mask)
    offsets, data = _offsets_and_data(subset)
    source = data[offsets[0] : offsets[-1]]
    output = upper[source]  # x -> X, b -> B; every other byte as it is
    keep = ~ascii_removed[source]  # ASCII whitespace goes

    # Characters of two to four bytes: decode the code point at each lead byte.
    lead = np.flatnonzero(source >= 0xC0)
    size = 2 + (source[lead] >= 0xE0) + (source[lead] >= 0xF0)
    follow = [
        source[np.minimum(lead + k, len(source) - 1)].astype(np.int64) & 0x3F for k in (1, 2, 3)
    ]
    first = source[lead].astype(np.int64)
    code_point = np.select(
        [size == 2, size == 3],
        [
            (first & 0x1F) << 6 | follow[0],
            (first & 0x0F) << 12 | follow[0] << 6 | follow[1],
        ],
        (first & 0x07) << 18 | follow[0] << 12 | follow[1] << 6 | follow[2],
    )
    full_width = (code_point >= 0xFF01) & (code_point <= 0xFF5E)
    removed = np.isin(code_point, multibyte_removed)
    # A full-width character becomes one ASCII byte at its lead; a removed one goes entirely;
    # any other keeps all its bytes (it is reported as an illegal character later).
    output[lead[full_width]] = upper[code_point[full_width] - 0xFEE0]
    keep[lead[removed]] = False
    for k in (1, 2, 3):
        continuation = lead + k
        keep[continuation[(size > k) & (full_width | removed)]] = False

    kept = keep.astype(np.int32)
    ends = np.concatenate([[0], np.cumsum(kept, dtype=np.int64)])
    new_offsets = ends[offsets - offsets[0]].astype(np.int32)
    cleaned = pa.Array.from_buffers(
        pa.string(),
        len(subset),
        [None, pa.py_buffer(new_offsets), pa.py_buffer(np.ascontiguousarray(output[keep]))],
    )
    return pc.replace_with_mask(raw, dirty_mask, cleaned)


def _fixed_width(array: pyarrow.Array, rows: numpy.ndarray, width: int) -> numpy.ndarray:
    """The given rows, all ``width`` ASCII bytes long, as a (rows, width) byte matrix."""
    taken = array.take(rows)
    offsets, data = _offsets_and_data(taken)
    return data[offsets[0] : offsets[0] + len(rows) * width].reshape(len(rows), width)


def _strings(matrix: numpy.ndarray, lengths: numpy.ndarray, valid: Any) -> pyarrow.Array:
    """A string array of each matrix row's first ``lengths`` bytes (ASCII), null where not
    ``valid`` (None: no nulls)."""
    import numpy as np
    import pyarrow as pa

    n = len(matrix)
    lengths = np.asarray(lengths)
    present = lengths > 0
    width = int(lengths.max()) if n else 0
    if width and lengths.min(where=present, initial=width) == width:
        # All the same length (the usual column of 18-character IDs): whole rows, much faster.
        data = np.ascontiguousarray(matrix[present, :width]).ravel()
    else:
        data = matrix[np.arange(matrix.shape[1]) < lengths[:, None]]
    offsets = np.zeros(n + 1, np.int32)
    np.cumsum(lengths, out=offsets[1:])
    validity = None
    if valid is not None:
        validity = pa.py_buffer(np.packbits(valid, bitorder="little"))
    return pa.Array.from_buffers(
        pa.string(), n, [validity, pa.py_buffer(offsets), pa.py_buffer(data)]
    )


def _labels(index: numpy.ndarray, labels: tuple[str, ...], valid: numpy.ndarray):
    import pyarrow as pa

    indices = pa.array(index, pa.int8(), mask=~valid)
    return pa.DictionaryArray.from_arrays(indices, pa.array(labels)).cast(pa.string())


def _is_digit(column: numpy.ndarray) -> numpy.ndarray:
    return (column >= ord("0")) & (column <= ord("9"))


def _days_since_epoch(year, month, day):
    # Howard Hinnant's days_from_civil, for whole arrays (all dates here are after year 0).
    year = year - (month <= 2)
    era = year // 400
    year_of_era = year - era * 400
    day_of_year = (153 * (month + ((month > 2) * -3 + (month <= 2) * 9)) + 2) // 5 + day - 1
    day_of_era = year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year
    return era * 146097 + day_of_era - 719468


def _messages(reason, normalised, lengths, candidates, rows: _Candidates) -> pyarrow.Array:
    """The error message of every row, rendered from the same templates as :func:`parse`
    with one Arrow string operation per reason, not one Python step per row."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    n = len(reason)
    chunks, positions = [], []
    for index, name in enumerate(_REASONS[1:], start=1):
        where = np.flatnonzero(reason == index)
        if not where.size:
            continue
        if name == "illegal_character":
            found = pc.extract_regex(normalised.take(where), r"(?P<char>[^0-9XB])")
            params = {"char": found.field("char")}
        elif name == "length":
            params = {"length": pa.array(lengths[where]).cast(pa.string())}
        elif name == "empty":
            params = {}
        else:
            params = rows.params(name, np.searchsorted(candidates, where))
        chunks.append(_render(_MESSAGES[name][1], len(where), params))
        positions.append(where)
    if not chunks:
        return pa.nulls(n, pa.string())
    # Scatter the per-reason messages back to their rows; rows without one take the null.
    where = np.concatenate(positions)
    take = np.full(n, len(where), np.int64)
    take[where] = np.arange(len(where))
    messages = pa.concat_arrays(
        [*(chunk.cast(pa.string()) for chunk in chunks), pa.nulls(1, pa.string())]
    )
    return messages.take(pa.array(take))


def _render(template: str, count: int, params: dict[str, pyarrow.Array]) -> pyarrow.Array:
    import pyarrow as pa
    import pyarrow.compute as pc

    pieces: list[Any] = []
    for literal, field, _spec, _conversion in string.Formatter().parse(template):
        if literal:
            pieces.append(literal)
        if field is not None:
            pieces.append(params[field])
    if not params:
        return pa.repeat(template, count)
    return pc.binary_join_element_wise(*pieces, "")
