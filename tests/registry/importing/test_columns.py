"""The column forms of the import's per-row rules give what the per-row rules give."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pyarrow as pa
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from fupin.core import crypto
from fupin.registry import choices as c
from fupin.registry.identity import phone_forms
from fupin.registry.importing import import_households
from fupin.registry.importing.columns import history, money, money_value, per_capita
from fupin.registry.models import Designation, Household, Person
from fupin.registry.services.income import derived_figures
from tests.registry.test_import import family, write_csv

amounts = st.one_of(
    st.floats(min_value=0, max_value=999_999_999_999.99, allow_nan=False, allow_infinity=False),
    # Amounts as people type them, ties at the third place included.
    st.decimals(min_value=0, max_value=10**9, places=3).map(float),
    st.integers(min_value=0, max_value=10**7).map(lambda n: n / 1000),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.none(), amounts), max_size=30))
@example([2.675, 2.665, 0.125, 1.005, 123456.785, 1e-05, 999999999999.985, 0.1 + 0.2, 5e-324, None])
def test_money_rounds_each_amount_as_the_per_value_rule(values):
    assert money(pa.array(values, pa.float64())).to_pylist() == [money_value(v) for v in values]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.one_of(st.none(), st.integers(min_value=-(10**11), max_value=10**11)),
            st.integers(min_value=0, max_value=30),
        ),
        max_size=30,
    )
)
@example([(1000100, 3), (5, 2), (-5, 2), (-1000100, 3), (None, 3), (700, 0)])
def test_per_capita_rounds_half_up_like_the_services(cases):
    nets = [None if cents is None else Decimal(cents) / 100 for cents, _m in cases]
    members = [m for _c, m in cases]
    got = per_capita(pa.array(nets, pa.decimal128(14, 2)), pa.array(members, pa.int64()))
    expected = [
        None if net is None else derived_figures([net, 0, 0, 0, 0], m)[1]
        for net, m in zip(nets, members, strict=True)
    ]
    assert got.to_pylist() == expected


pytestmark = pytest.mark.django_db

AS_OF = date(2025, 3, 1)
KINDS = [
    ({"户类型": "一般户"}, c.HouseholdType.GENERAL, None, None),
    (
        {"户类型": "一般贫困户", "识别年度": "2016", "主要致贫原因": "因病"},
        "poor_general",
        2016,
        None,
    ),
    ({"户类型": "脱贫户", "识别年度": "2014", "脱贫年度": "2018"}, "exited", 2014, 2018),
    ({"户类型": "脱贫不稳定户", "识别年度": "2015", "脱贫年度": "2019"}, "unstable", 2015, 2019),
    ({"户类型": "边缘易致贫户"}, "edge", None, None),
]


def test_new_households_get_the_timeline_of_their_row(tree, tmp_path):
    rows = []
    for n, (cells, *_rest) in enumerate(KINDS):
        rows += family(f"{n:04d}", **cells)
    result = import_households(path=write_csv(tmp_path / "k.csv", rows), as_of=AS_OF)
    assert result.rejected == 0, result.problems
    for n, (_cells, kind, ident, exit_year) in enumerate(KINDS):
        household = Household.objects.get(number=f"{n:04d}")
        stored = list(
            Designation.objects.filter(household=household)
            .order_by("start")
            .values_list("kind", "start", "end", "event__kind")
        )
        expected = [
            (str(k), start, end, c.EventKind.IMPORTED)
            for k, start, end in history(kind, ident, exit_year, AS_OF)
        ]
        assert stored == expected, kind


def test_a_new_households_phone_is_stored_as_the_services_store_it(tree, tmp_path):
    rows = family("0001", 联系电话="138-0073-1234") + family("0002")
    result = import_households(path=write_csv(tmp_path / "p.csv", rows), as_of=AS_OF)
    assert result.rejected == 0, result.problems
    with_phone = Household.objects.get(number="0001")
    _token, digest, masked = phone_forms("13800731234")
    assert (with_phone.phone_hash, with_phone.phone_masked) == (digest, masked)
    assert crypto.decrypt(with_phone.phone_encrypted) == "13800731234"
    without = Household.objects.get(number="0002")
    assert (without.phone_encrypted, without.phone_hash, without.phone_masked) == (None, "", "")


def test_a_new_households_causes_are_stored_as_a_list(tree, tmp_path):
    rows = family(
        "0001",
        户类型="一般贫困户",
        识别年度="2016",
        主要致贫原因="因病",
        其他致贫原因="缺技术、因学",
    ) + family("0002", 户类型="一般贫困户", 识别年度="2016", 主要致贫原因="因病")
    result = import_households(path=write_csv(tmp_path / "o.csv", rows), as_of=AS_OF)
    assert result.rejected == 0, result.problems
    causes = dict(Household.objects.values_list("number", "other_causes"))
    assert causes == {"0001": ["lack_skills", "schooling"], "0002": []}


def test_a_person_who_left_a_household_joins_a_new_one_with_its_figures(tree, tmp_path):
    from fupin.registry import services
    from tests import factories

    import_households(path=write_csv(tmp_path / "a.csv", family("0001")), as_of=AS_OF)
    actor = factories._system_actor("430524100201")
    daughter_in_law = Person.objects.get(name="李梅")
    number = services.person_id_reveal(actor=actor, person=daughter_in_law)
    services.member_remove(
        actor=actor,
        person=daughter_in_law,
        reason_code=c.MemberRemovalReason.MIGRATION_OUT,
        on=date(2025, 4, 1),
    )
    rows = family("0002", region="430524100201")
    rows[1]["证件号码"] = number
    later = date(2025, 5, 1)
    result = import_households(path=write_csv(tmp_path / "b.csv", rows), as_of=later)
    assert (result.written, result.rejected) == (3, 0), result.problems
    household = Household.objects.get(number="0002")
    daughter_in_law.refresh_from_db()
    assert daughter_in_law.household_id == household.id
    assert daughter_in_law.region_id == household.region_id
    # Figures of a household with a returning member come from the recomputation.
    assert (household.member_count, household.head_name) == (3, "张三")
    assert household.incomes.get(year=2025).members_counted == 3
