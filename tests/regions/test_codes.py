from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fupin.regions import codes

digits = st.text(alphabet="0123456789", min_size=1, max_size=1)


def _part(n: int, nonzero: bool):
    strategy = st.integers(min_value=1 if nonzero else 0, max_value=10**n - 1)
    return strategy.map(lambda v: f"{v:0{n}d}")


@st.composite
def region_code(draw):
    level = draw(st.sampled_from(codes.LEVELS))
    depth = codes.LEVELS.index(level)
    widths = [2, 2, 2, 3, 3]
    parts = [draw(_part(2, True))]
    for i, width in enumerate(widths[1:], start=1):
        parts.append(draw(_part(width, True)) if i <= min(depth, 4) else "0" * width)
    code = "".join(parts)
    if level == "group":
        code += draw(_part(3, True))
    return level, code


@given(region_code())
def test_the_level_follows_from_the_code(item):
    level, code = item
    assert codes.level_of(code) == level


@given(region_code())
def test_every_region_contains_itself_and_is_contained_in_its_parent(item):
    _level, code = item
    assert codes.contains(code, code)
    parent = codes.parent_code(code)
    if parent is not None:
        assert codes.contains(parent, code)
        assert not codes.contains(code, parent)
        assert (
            codes.LEVELS.index(codes.level_of(parent))
            == codes.LEVELS.index(codes.level_of(code)) - 1
        )


@given(region_code(), region_code())
def test_two_regions_are_nested_or_disjoint(a, b):
    _la, code_a = a
    _lb, code_b = b
    both = codes.contains(code_a, code_b) and codes.contains(code_b, code_a)
    assert not both or code_a == code_b


def test_short_codes_expand_to_twelve_digits():
    assert codes.expand("430524") == "430524000000"
    assert codes.expand("430524100") == "430524100000"
    assert codes.expand("430524100201") == "430524100201"


@pytest.mark.parametrize(
    "bad", ["", "43052", "43052410020x", "4305241002011", "４３０５２４１００２０１"]
)
def test_malformed_codes_are_refused(bad):
    assert not codes.is_valid(bad)
    with pytest.raises(ValueError):
        codes.level_of(bad)
