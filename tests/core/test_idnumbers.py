from __future__ import annotations

import sys
from datetime import date

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fupin.core import idnumbers
from fupin.core.idnumbers import IdNumberError

TODAY = date(2026, 1, 1)
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
# The 34 provincial-level divisions, written out apart from the module's own set.
PROVINCES = [
    str(code)
    for code in (*range(11, 16), *range(21, 24), *range(31, 38), *range(41, 47), *range(50, 55))
] + [str(code) for code in (*range(61, 66), 71, 81, 82)]
# The example number printed in GB 11643-1999 itself.
STANDARD_EXAMPLE = "11010519491231002X"


def with_check(first17: str) -> str:
    """The test's own check-character computation, independent of the module's."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, WEIGHTS, strict=True))
    return first17 + "10X98765432"[total % 11]


def parse(raw):
    return idnumbers.parse(raw, today=TODAY)


def refusal(raw) -> IdNumberError:
    with pytest.raises(IdNumberError) as caught:
        parse(raw)
    return caught.value


@st.composite
def valid_ids(draw, earliest=date(1900, 1, 1), latest=date(2025, 12, 31)):
    province = draw(st.sampled_from(PROVINCES))
    county = draw(st.integers(0, 9999))
    birth = draw(st.dates(min_value=earliest, max_value=latest))
    sequence = draw(st.integers(0, 999))
    return with_check(f"{province}{county:04d}{birth:%Y%m%d}{sequence:03d}")


FULL_WIDTH = {char: chr(ord(char) + 0xFEE0) for char in "0123456789XB"}
SPACES = [" ", "\t", "\u3000", "\u00a0", "\u200b", "\ufeff", "\n"]


@st.composite
def spelled_variants(draw, number: str):
    """The same number as real files spell it: full-width, lower-case, padded, spaced."""
    out = [draw(st.sampled_from([*SPACES, ""]))]
    for char in number:
        choices = [char, FULL_WIDTH[char]]
        if char in "XB":
            choices += [char.lower(), chr(ord(char.lower()) + 0xFEE0)]
        out.append(draw(st.sampled_from(choices)))
        if draw(st.integers(0, 5)) == 0:
            out.append(draw(st.sampled_from(SPACES)))
    out.append(draw(st.sampled_from([*SPACES, ""])))
    return "".join(out)


@st.composite
def certificates(draw):
    number = draw(valid_ids()) + draw(st.sampled_from("1234567")) + draw(st.sampled_from("1234"))
    if draw(st.booleans()):  # renewed: a suffix of "B" or a digit, then a digit
        number += draw(st.sampled_from("B0123456789")) + draw(st.sampled_from("0123456789"))
    return number


# --- Properties ------------------------------------------------------------------------------


@given(valid_ids())
def test_a_valid_resident_id_reads_back_its_birth_date_sex_and_area(number):
    parsed = parse(number)
    assert parsed.number == parsed.resident_number == number
    assert parsed.kind == "resident"
    assert parsed.birth_date == date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    assert parsed.sex == ("male" if int(number[16]) % 2 else "female")
    assert parsed.area_code == number[:6]
    assert not parsed.upgraded_from_15
    assert idnumbers.check_character(number[:17]) == number[17]


@given(st.data())
def test_full_width_lower_case_and_spaced_spellings_parse_to_the_same_number(data):
    number = data.draw(st.one_of(valid_ids(), certificates()))
    spelled = data.draw(spelled_variants(number))
    assert idnumbers.normalise(spelled) == number
    assert parse(spelled) == parse(number)


@given(valid_ids(), st.integers(0, 17), st.sampled_from("0123456789X"))
def test_changing_any_one_character_of_a_valid_id_makes_it_invalid(number, index, new):
    if new == number[index] or (new == "X" and index != 17):
        return
    changed = number[:index] + new + number[index + 1 :]
    error = refusal(changed)
    # The area and the birth date are checked before the check character, so a change in
    # them may be reported as what it broke; anywhere else only the check can catch it.
    if index < 6:
        assert error.code in {"area", "check"}
    elif index < 14:
        assert error.code in {"birth_date", "check"}
    else:
        assert error.code == "check"


@given(valid_ids(earliest=date(1900, 1, 1), latest=date(1999, 12, 31)))
def test_a_15_digit_number_upgrades_to_the_18_character_one(number):
    legacy = number[:6] + number[8:17]
    assert idnumbers.upgrade_15(legacy) == number
    parsed = parse(legacy)
    assert parsed.number == parsed.resident_number == number
    assert parsed.upgraded_from_15
    assert parsed.birth_date == parse(number).birth_date


@given(
    st.sampled_from([15, 18, 20, 22]).flatmap(
        lambda n: st.text("0123456789XB", min_size=n, max_size=n)
    )
)
def test_a_masked_number_keeps_the_first_six_and_last_four(number):
    masked = idnumbers.mask(number)
    assert len(masked) == len(number)
    assert masked[:6] == number[:6]
    assert masked[-4:] == number[-4:]
    assert set(masked[6:-4]) == {"*"}


@given(certificates())
def test_a_disability_certificate_reads_as_its_holders_id(number):
    parsed = parse(number)
    holder = parse(number[:18])
    assert parsed.kind == "disability"
    assert parsed.number == number
    assert parsed.resident_number == number[:18]
    assert (parsed.birth_date, parsed.sex, parsed.area_code) == (
        holder.birth_date,
        holder.sex,
        holder.area_code,
    )


@given(st.one_of(st.none(), st.text(), st.integers()))
def test_normalise_never_raises(raw):
    assert isinstance(idnumbers.normalise(raw), str)


def _one_change(number: str, index: int, new: str) -> str:
    return number[:index] + new + number[index + 1 :]


NOISE = "0123456789XxBb ０１９Ｘｘ\u3000\t\u200bAé中-"
values_to_import = st.one_of(
    valid_ids(),
    valid_ids().flatmap(spelled_variants),
    valid_ids(latest=date(1999, 12, 31)).map(lambda n: n[:6] + n[8:17]),
    certificates(),
    certificates().flatmap(spelled_variants),
    st.builds(_one_change, valid_ids(), st.integers(0, 17), st.sampled_from("0123456789XB")),
    st.builds(_one_change, certificates(), st.integers(18, 21), st.sampled_from("0123456789XB")),
    valid_ids(earliest=date(2025, 6, 1)),  # some born after the "today" used below
    st.text(NOISE, max_size=24),
    st.text(max_size=24),
    st.just(""),
    st.none(),
)


@settings(deadline=None, max_examples=300)
@given(st.lists(values_to_import, max_size=40), st.dates(date(2025, 1, 1), date(2026, 1, 1)))
def test_parse_array_agrees_with_parse_row_by_row(values, today):
    table = idnumbers.parse_array(pa.array(values, pa.string()), today=today)
    assert table.num_rows == len(values)
    for value, row in zip(values, table.to_pylist(), strict=True):
        try:
            parsed = idnumbers.parse(value, today=today)
        except IdNumberError as error:
            assert (row["ok"], row["error_code"], row["error_message"]) == (
                False,
                error.code,
                error.message,
            ), value
            assert row["number"] is None and row["birth_date"] is None
        else:
            assert row == {
                "number": parsed.number,
                "kind": parsed.kind,
                "resident_number": parsed.resident_number,
                "birth_date": parsed.birth_date,
                "sex": parsed.sex,
                "area_code": parsed.area_code,
                "ok": True,
                "error_code": None,
                "error_message": None,
            }, value


# --- Examples: what a user is told ---------------------------------------------------------


def test_every_provincial_level_code_and_the_residence_permit_code_is_known_and_no_other():
    assert len(PROVINCES) == 34
    # 83: residence permits of Taiwan residents, who may live and register in a village.
    assert set(PROVINCES) | {"83"} == idnumbers.PROVINCE_CODES


def test_the_standards_own_example_is_a_woman_born_on_new_years_eve_1949():
    parsed = parse(STANDARD_EXAMPLE)
    assert parsed.birth_date == date(1949, 12, 31)
    assert parsed.sex == "female"
    assert parsed.area_code == "110105"


@pytest.mark.parametrize("raw", [None, "", "   ", "\u3000\t\n"])
def test_an_empty_number_is_refused_as_empty(raw):
    error = refusal(raw)
    assert (error.code, error.message) == ("empty", "证件号码为空")


def test_an_illegal_character_is_refused_by_name():
    error = refusal("1101051949A231002X")
    assert (error.code, error.message) == ("characters", "证件号码含有非法字符 'A'")


def test_a_number_of_the_wrong_length_is_refused_naming_its_length():
    error = refusal(STANDARD_EXAMPLE[:17])
    assert error.code == "length"
    assert error.message == "证件号码应为18位（或15位旧号码、20/22位残疾人证号），实为 17 位"


def test_an_x_among_the_digits_is_refused_naming_its_position():
    error = refusal("11010519491231X02X")
    assert (error.code, error.message) == ("characters", "证件号码第 15 位应为数字，实为 'X'")


def test_only_a_digit_or_x_may_stand_in_the_check_position():
    error = refusal("11010519491231002B")
    assert error.code == "characters"
    assert error.message == "证件号码第 18 位（校验位）应为数字或 X，实为 'B'"


def test_an_area_code_outside_every_province_is_refused():
    error = refusal(with_check("99010519491231002"))
    assert error.code == "area"
    assert error.message == "地区码 990105 无效：前两位 99 不是省级行政区划代码"


def test_an_impossible_birth_date_is_refused():
    error = refusal(with_check("43052419990230001"))
    assert (error.code, error.message) == ("birth_date", "出生日期 19990230 不是有效日期")


def test_a_birth_date_before_1900_is_refused():
    error = refusal(with_check("43052418991231001"))
    assert (error.code, error.message) == ("birth_date", "出生日期 18991231 早于 1900 年 1 月 1 日")


def test_a_birth_date_after_today_is_refused():
    error = refusal(with_check("43052420260102001"))
    assert (error.code, error.message) == ("birth_date", "出生日期 20260102 晚于今天")


def test_someone_born_today_is_accepted():
    assert parse(with_check("43052420260101001")).birth_date == TODAY


def test_a_wrong_check_character_is_refused_naming_the_right_one():
    error = refusal("110105194912310023")
    assert (error.code, error.message) == ("check", "证件号码校验位错误：应为 X，实为 3")


def test_a_disability_category_outside_1_to_7_is_refused():
    error = refusal(STANDARD_EXAMPLE + "82")
    assert error.code == "disability_category"
    assert error.message == (
        "残疾类别 8 无效：应为 1–7（视力、听力、言语、肢体、智力、精神、多重）"
    )


def test_a_disability_level_outside_1_to_4_is_refused():
    error = refusal(STANDARD_EXAMPLE + "45")
    assert (error.code, error.message) == ("disability_level", "残疾等级 5 无效：应为 1–4 级")


def test_a_malformed_renewal_suffix_is_refused():
    error = refusal(STANDARD_EXAMPLE + "41BX")
    assert error.code == "renewal_suffix"
    assert error.message == "残疾人证换领标识 BX 无效：应为 B 加一位数字，或两位数字"


def test_a_certificate_holding_an_invalid_id_is_refused_for_the_id():
    error = refusal("110105194912310023" + "41")
    assert error.code == "check"


@pytest.mark.parametrize("suffix", ["", "B1", "b1", "12"])
def test_a_disability_certificate_is_accepted_with_or_without_a_renewal_suffix(suffix):
    parsed = parse(STANDARD_EXAMPLE + "41" + suffix)
    assert parsed.kind == "disability"
    assert parsed.number == STANDARD_EXAMPLE + "41" + suffix.upper()
    assert parsed.resident_number == STANDARD_EXAMPLE


def test_a_legacy_15_digit_number_is_upgraded_with_19_and_a_check_character():
    assert idnumbers.upgrade_15("110105491231002") == STANDARD_EXAMPLE
    assert parse("110105491231002").upgraded_from_15


def test_a_full_width_lower_case_number_typed_with_spaces_is_read():
    assert parse(" １１０１０５ １９４９１２３１ ００２ｘ\u3000").number == STANDARD_EXAMPLE


def test_normalise_removes_every_kind_of_whitespace():
    spaces = "".join(chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace())
    assert idnumbers.normalise(spaces + "1" + spaces) == "1"


def test_is_valid_answers_without_raising():
    assert idnumbers.is_valid(STANDARD_EXAMPLE)
    assert not idnumbers.is_valid("110105194912310023")
    assert not idnumbers.is_valid(None)


def test_check_character_refuses_anything_but_17_digits():
    with pytest.raises(IdNumberError):
        idnumbers.check_character("1101051949123100")
    with pytest.raises(IdNumberError):
        idnumbers.check_character("1101051949123100X")
    with pytest.raises(IdNumberError):
        idnumbers.upgrade_15("11010549123100X")


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("430524199001011234", "430524********1234"),
        ("110105491231002", "110105*****1002"),
        (STANDARD_EXAMPLE + "41B1", "110105************41B1"),
        ("1234567890", "**********"),
        ("", ""),
    ],
)
def test_a_masked_number_shows_only_its_ends(number, masked):
    assert idnumbers.mask(number) == masked


@given(st.lists(st.one_of(st.none(), st.text("0123456789XB", max_size=24)), max_size=20))
def test_a_masked_column_is_masked_as_each_number_alone(numbers):
    masked = idnumbers.mask_array(pa.array(numbers, pa.string())).to_pylist()
    assert masked == [None if n is None else idnumbers.mask(n) for n in numbers]


# --- The vectorised form ---------------------------------------------------------------------


def test_parse_array_returns_the_promised_columns_and_types():
    table = idnumbers.parse_array(pa.array([STANDARD_EXAMPLE, "x", None]), today=TODAY)
    assert table.schema.names == [
        "number",
        "kind",
        "resident_number",
        "birth_date",
        "sex",
        "area_code",
        "ok",
        "error_code",
        "error_message",
    ]
    assert table.schema.field("birth_date").type == pa.date32()
    assert table.schema.field("ok").type == pa.bool_()
    assert table.column("ok").to_pylist() == [True, False, False]
    assert table.column("error_code").to_pylist() == [None, "length", "empty"]


def test_parse_array_reads_chunked_columns_and_numbers_from_spreadsheets():
    chunked = pa.chunked_array([[STANDARD_EXAMPLE], ["110105491231002", None]])
    assert idnumbers.parse_array(chunked, today=TODAY).column("number").to_pylist() == [
        STANDARD_EXAMPLE,
        STANDARD_EXAMPLE,
        None,
    ]
    numbers = pa.array([110105491231002, None], pa.int64())
    table = idnumbers.parse_array(numbers, today=TODAY)
    assert table.column("number").to_pylist() == [STANDARD_EXAMPLE, None]


@pytest.mark.parametrize(
    "values", [pa.array([], pa.string()), pa.chunked_array([], pa.string()), pa.nulls(3)]
)
def test_parse_array_handles_empty_and_all_null_columns(values):
    table = idnumbers.parse_array(values, today=TODAY)
    assert table.num_rows == len(values)
    assert set(table.column("error_code").to_pylist()) <= {"empty"}


def test_parse_array_reads_a_slice_of_a_larger_column():
    column = pa.array(["junk", STANDARD_EXAMPLE, " 110105491231002 ", "junk"]).slice(1, 2)
    table = idnumbers.parse_array(column, today=TODAY)
    assert table.column("number").to_pylist() == [STANDARD_EXAMPLE, STANDARD_EXAMPLE]
