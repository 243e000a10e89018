from __future__ import annotations

import pyarrow as pa
from hypothesis import given
from hypothesis import strategies as st

from fupin.registry.importing.checks import _repeats


@given(st.lists(st.sampled_from(["a", "b", "c", "甲", ""]) | st.none(), max_size=40))
def test_repeats_find_each_values_first_row_and_every_later_one(values):
    first: dict[str, int] = {}
    later = []
    for i, value in enumerate(values):
        if value is None:
            continue
        if value in first:
            later.append((i, first[value]))
        else:
            first[value] = i
    chunked = pa.chunked_array([values[:3], values[3:]], pa.string())
    for column in (pa.array(values, pa.string()), chunked):
        distinct, first_at, again, first_of_again = _repeats(column)
        assert distinct.to_pylist() == list(first)
        assert first_at.tolist() == list(first.values())
        assert list(zip(again.tolist(), first_of_again.tolist(), strict=True)) == later
