"""The household checks of year Y as one Ibis expression over the snapshot's tables.

The expression is built once per year and compiled for the engine that runs it (DuckDB,
Spark): the same rules evaluate one household when it is saved and a province in a batch.
Every figure comes from the ``params`` table (per province, resolved by
``parameters.policy``); none is written here.

Each criterion is ``met``, ``not_met`` or ``unknown`` (a value it needs is missing); a
criterion that is not met or unknown fails. Amounts are whole fen."""

from __future__ import annotations

from functools import cache

import ibis
import ibis.expr.types as ir

from fupin.registry import choices as c
from fupin.standards import snapshot

CRITERIA = ["income", "food_clothing", "education", "medical", "housing", "water"]
MET, NOT_MET, UNKNOWN = "met", "not_met", "unknown"
REASONS = ["income_below_threshold", "rigid_spending"]
# The conclusions of a verdict, in the order of the evaluate CSV.
CONCLUSIONS = [
    "exit_eligible",
    "failed_criteria",
    "monitoring_candidate",
    "monitoring_kind",
    "monitoring_reasons",
    "risk_eliminable",
]
OUTPUT = [
    "household_id",
    "household_number",
    "region_code",
    "members_counted",
    "net_income",
    "per_capita_net_income",
    *CRITERIA,
    *CONCLUSIONS,
]

_POOR = sorted(t.value for t in c.POOR_TYPES)
_MONITORED = sorted(t.value for t in c.MONITORED_TYPES)
_OUT_OF_SCHOOL = [c.SchoolStatus.DROPPED_OUT.value, c.SchoolStatus.NOT_IN_SCHOOL.value]
_SAFE_GRADES = [c.HousingGrade.A.value, c.HousingGrade.B.value]
_UNSAFE_GRADES = sorted(g.value for g in c.UNSAFE_GRADES)


def tables() -> dict[str, ir.Table]:
    """Unbound tables with the snapshot's schemas: the expression is compiled against these
    names and run against whatever the engine registers under them."""
    return {
        "households": ibis.table(ibis.schema(snapshot.HOUSEHOLDS), name="households"),
        "members": ibis.table(ibis.schema(snapshot.MEMBERS), name="members"),
        "incomes": ibis.table(ibis.schema(snapshot.INCOMES), name="incomes"),
        "params": ibis.table(ibis.schema(snapshot.PARAMS), name="params"),
    }


def _count(condition: ir.BooleanValue) -> ir.IntegerScalar:
    return condition.ifelse(1, 0).sum()


def _blank(value: ir.StringValue) -> ir.BooleanValue:
    return value.isnull() | (value == "")


def _status(not_met: ir.BooleanValue, unknown: ir.BooleanValue) -> ir.StringValue:
    """``not_met`` wins over ``unknown``: a definite failure is reported as such."""
    return ibis.cases((not_met, NOT_MET), (unknown, UNKNOWN), else_=MET)


def _flag_status(flag: ir.BooleanValue) -> ir.StringValue:
    return ibis.cases((flag.isnull(), UNKNOWN), (flag, MET), else_=NOT_MET)


def _joined(parts: list[tuple[ir.BooleanValue, str]]) -> ir.StringValue:
    """The names whose condition holds, joined with ";" (CONCAT_WS skips the others)."""
    return ibis.literal(";").join([cond.ifelse(name, ibis.null("string")) for cond, name in parts])


def verdicts(year: int, t: dict[str, ir.Table] | None = None) -> ir.Table:
    t = t or tables()
    households, members, incomes, params = t["households"], t["members"], t["incomes"], t["params"]
    year_end = ibis.date(year, 12, 31)

    # Members counted: in the household at 31 December of the year, and alive then.
    h_params = (
        households.select("household_id", "province")
        .join(params, "province", how="left")
        .drop("province_right")
    )
    m = members.join(h_params, "household_id")
    m = m.filter(
        (m.member_from <= year_end)
        & (m.member_to.isnull() | (m.member_to > year_end))
        & (m.death_date.isnull() | (m.death_date > year_end))
    )
    age = year - m.birth_date.year()  # age at 31 December of the year
    school_age = (age >= m.school_age_from) & (age <= m.school_age_to)
    chronic = m.health == c.Health.CHRONIC.value
    per_member = m.group_by("household_id").aggregate(
        members_counted=m.count(),
        school_out=_count(school_age & m.school_status.isin(_OUT_OF_SCHOOL)),
        school_missing=_count(school_age & _blank(m.school_status)),
        insurance_no=_count(m.medical_insurance == False),  # noqa: E712 (an Ibis expression)
        insurance_missing=_count(m.medical_insurance.isnull()),
        contract_no=_count(chronic & (m.chronic_contract == False)),  # noqa: E712
        # A chronic patient with no contract recorded, or a member whose health is not
        # recorded and who has no contract: whether a contract is needed is not known.
        contract_missing=_count(
            (chronic & m.chronic_contract.isnull())
            | (_blank(m.health) & m.chronic_contract.isnull())
        ),
    )

    # Left joins keep both key columns (``…_right``); only the household's own is kept.
    h = households.join(params, "province", how="left").drop("province_right")
    h = h.join(per_member, "household_id", how="left").drop("household_id_right")
    h = h.join(incomes, "household_id", how="left").drop("household_id_right")
    counted = h.members_counted.fill_null(0)
    net = h.wages + h.business + h.property_income + h.transfers - h.business_costs
    # Per capita, rounded half away from zero to the fen, in integers on every engine.
    magnitude = (net.abs() * 2 + counted) // (counted * 2)
    per_capita = (counted > 0).ifelse(net.sign() * magnitude, ibis.null("int64")).cast("int64")
    h = h.mutate(
        members_counted=counted, net_income=net.cast("int64"), per_capita_net_income=per_capita
    )

    grade_unsafe = h.housing_grade.isin(_UNSAFE_GRADES)
    h = h.mutate(
        income=ibis.cases(
            (h.per_capita_net_income.isnull() | h.poverty_line.isnull(), UNKNOWN),
            (h.per_capita_net_income > h.poverty_line, MET),
            else_=NOT_MET,
        ),
        food_clothing=_flag_status(h.food_clothing_secure),
        education=_status(
            h.school_out.fill_null(0) > 0, h.school_age_from.isnull() | (h.school_missing > 0)
        ),
        medical=_status(
            (h.insurance_no.fill_null(0) + h.contract_no.fill_null(0)) > 0,
            (h.insurance_missing.fill_null(0) + h.contract_missing.fill_null(0)) > 0,
        ),
        housing=ibis.cases(
            (h.housing_grade.isin(_SAFE_GRADES), MET),
            (grade_unsafe & (h.housing_renovated == True), MET),  # noqa: E712
            (grade_unsafe & (h.housing_renovated == False), NOT_MET),  # noqa: E712
            else_=UNKNOWN,
        ),
        water=_flag_status(h.water_safe),
    )

    # The flags the conclusions share, computed once (a shorter query plans faster, which
    # is most of the time of one household on save).
    all_met = ibis.literal(True)
    for name in CRITERIA:
        all_met = all_met & (h[name] == MET)
    threshold = h.monitoring_threshold
    h = h.mutate(
        _all_met=all_met,
        _poor=h.household_type.isin(_POOR),
        _monitored=h.household_type.isin(_MONITORED) & threshold.notnull(),
        _screened=~h.household_type.isin([*_POOR, *_MONITORED]) & threshold.notnull(),
        _below=(h.per_capita_net_income < threshold).fill_null(False),
        _rigid=(h.rigid_spending > h.net_income).fill_null(False),
        _above=(h.per_capita_net_income > threshold).fill_null(False),
    )
    candidate = h._screened & (h._below | h._rigid)
    no_bool = ibis.null("boolean")
    h = h.mutate(
        exit_eligible=h._poor.ifelse(h._all_met, no_bool),
        failed_criteria=_joined([(h[name] != MET, name) for name in CRITERIA]),
        monitoring_candidate=h._screened.ifelse(h._below | h._rigid, no_bool),
        monitoring_kind=ibis.cases(
            (~candidate, ibis.null("string")),
            (h.exited_before, c.HouseholdType.UNSTABLE.value),
            (h._below, c.HouseholdType.EDGE.value),
            else_=c.HouseholdType.SUDDEN.value,
        ),
        monitoring_reasons=h._screened.ifelse(
            _joined([(h._below, REASONS[0]), (h._rigid, REASONS[1])]), ibis.null("string")
        ),
        risk_eliminable=h._monitored.ifelse(h._all_met & h._above, no_bool),
    )
    return h.select(*OUTPUT).order_by("household_id")


@cache
def compiled(year: int, dialect: str) -> str:
    """The SQL of ``verdicts(year)`` for ``dialect`` ("duckdb", "pyspark"), built once."""
    return ibis.to_sql(verdicts(year), dialect=dialect)
