"""Policy parameters: the figures every rule reads (poverty line, monitoring threshold,
school ages, exit thresholds), per province and year.

Resolution (``policy``, the one function rules read them through): for province P and year
Y, P's own value of Y if set, else the national value (province ``00``) of Y if set, else
the value of Y − 1 by the same rule. So a figure carries forward until someone sets a new
one, and a province's own figure overrides the national one of the same year."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

NATIONAL = "00"
FIRST_YEAR = 2014  # the registry (建档立卡) starts in 2014: nothing is resolved before it


@dataclass(frozen=True)
class Parameter:
    key: str
    label: str
    unit: str
    kind: str  # "money" (yuan), "age" (whole years), "percent"
    minimum: Decimal
    maximum: Decimal
    # National values as shipped: {year: value}; written to the database by a migration.
    defaults: dict[int, Decimal]


def _d(values: dict[int, int | str]) -> dict[int, Decimal]:
    return {year: Decimal(str(v)) for year, v in values.items()}


def _money(key: str, label, defaults: dict[int, int]) -> Parameter:
    return Parameter(key, label, _("元/人·年"), "money", Decimal(1), Decimal(100000), _d(defaults))


def _age(key: str, label, defaults: dict[int, int]) -> Parameter:
    return Parameter(key, label, _("周岁"), "age", Decimal(3), Decimal(20), _d(defaults))


def _percent(key: str, label, defaults: dict[int, int]) -> Parameter:
    return Parameter(key, label, "%", "percent", Decimal(0), Decimal(100), _d(defaults))


def _days(key: str, label, defaults: dict[int, int]) -> Parameter:
    return Parameter(key, label, _("天"), "days", Decimal(1), Decimal(90), _d(defaults))


PARAMETERS: dict[str, Parameter] = {
    p.key: p
    for p in [
        _money(
            "poverty_line",
            _("扶贫标准（贫困线）"),
            {2014: 2800, 2015: 2855, 2016: 2952, 2017: 2952, 2018: 2995, 2019: 3218, 2020: 4000},
        ),
        _money("monitoring_threshold", _("防返贫监测收入范围"), {2021: 6000}),
        _age("school_age_from", _("义务教育起始年龄"), {2014: 7}),
        _age("school_age_to", _("义务教育终止年龄"), {2014: 15}),
        _percent("incidence_max_east_central", _("退出贫困发生率上限（东部、中部）"), {2014: 2}),
        _percent("incidence_max_west", _("退出贫困发生率上限（西部）"), {2014: 3}),
        _percent("wrong_exit_max", _("贫困县退出错退率上限"), {2014: 2}),
        _percent("missed_max", _("贫困县退出漏评率上限"), {2014: 2}),
        _percent("approval_min", _("贫困县退出群众认可度下限"), {2014: 90}),
        _percent("monitoring_share_low", _("监测对象规模预警下限"), {2021: 5}),
        _percent("monitoring_share_high", _("监测对象规模预警上限"), {2021: 10}),
        # Procedures (procedures/flows): notice lengths and deadlines, in calendar days.
        _days("notice_days_identification_village", _("识别：村级第一次公示天数"), {2014: 7}),
        _days("notice_days_identification_township", _("识别：乡镇第二次公示天数"), {2014: 7}),
        _days("notice_days_identification_county", _("识别：县级公告天数"), {2014: 7}),
        _days("notice_days_exit_village", _("退出：村内公示天数"), {2014: 7}),
        _days("notice_days_exit_announcement", _("退出：公告天数"), {2014: 7}),
        _days("notice_days_monitoring_village", _("纳入监测：村内公示天数"), {2021: 5}),
        _days("notice_days_elimination_village", _("风险消除：村内公示天数"), {2021: 5}),
        _days("notice_days_elimination_announcement", _("风险消除：县级公告天数"), {2021: 5}),
        _days("step_deadline_days", _("程序每个办理环节的期限"), {2014: 5}),
        _days("notice_close_days", _("公示期满后结束公示的期限"), {2014: 2}),
        _days("monitoring_decision_days", _("纳入监测：自发现线索至县级确定的期限"), {2021: 15}),
        _days("deadline_warning_days", _("临近期限提醒天数"), {2014: 2}),
        # Monitoring leads (monitoring/): working days where the name says so.
        _days("lead_check_working_days", _("线索：入户核实期限（工作日）"), {2021: 3}),
        _days("lead_warning_working_days", _("线索：临近期限提醒（工作日）"), {2021: 1}),
        _days("lead_merge_days", _("线索：同一农户多少天内的线索合并为一条"), {2021: 30}),
    ]
}


@dataclass(frozen=True)
class Policy:
    """The resolved figures of one province and year. A figure with no value (the
    monitoring threshold before 2021) is None: the checks that need it do not apply."""

    province: str
    year: int
    values: dict[str, Decimal | None]
    sources: dict[str, tuple[str, int] | None]  # key → (province set at, year set in)

    def __getattr__(self, key: str):
        try:
            return self.__dict__["values"][key]
        except KeyError as error:
            raise AttributeError(key) from error

    def as_json(self) -> dict:
        return {
            "province": self.province,
            "year": self.year,
            "values": {k: None if v is None else str(v) for k, v in self.values.items()},
        }


def seed_national_defaults(model) -> None:
    """Write the shipped national figures of every parameter that has no national row yet
    (``model`` is PolicyValue, or its historical version in a migration): a parameter added
    in a later release gets its defaults, one an administrator already set keeps them."""
    present = set(model.objects.filter(province=NATIONAL).values_list("key", flat=True))
    model.objects.bulk_create(
        [
            model(province=NATIONAL, year=year, key=p.key, value=value, note="国家默认值")
            for p in PARAMETERS.values()
            if p.key not in present
            for year, value in p.defaults.items()
        ]
    )


def policy(province: str, year: int) -> Policy:
    """The figures in force for ``province`` (two digits, ``00`` national) in ``year``."""
    from fupin.standards.models import PolicyValue

    province = (province or NATIONAL)[:2]
    rows = PolicyValue.objects.filter(
        province__in={province, NATIONAL}, year__lte=year
    ).values_list("key", "province", "year", "value")
    return resolve(province, year, rows)


def policies(provinces: set[str], year: int) -> dict[str, Policy]:
    """``policy`` for several provinces in one query (batch runs over a nation)."""
    from fupin.standards.models import PolicyValue

    wanted = {p[:2] for p in provinces} | {NATIONAL}
    rows = list(
        PolicyValue.objects.filter(province__in=wanted, year__lte=year).values_list(
            "key", "province", "year", "value"
        )
    )
    return {p: resolve(p, year, rows) for p in wanted}


def resolve(province: str, year: int, rows) -> Policy:
    best: dict[str, tuple[tuple[int, int], Decimal, str, int]] = {}
    for key, at, set_year, value in rows:
        if key not in PARAMETERS or at not in (province, NATIONAL) or set_year > year:
            continue
        # Later years win; within a year the province's own value wins.
        rank = (set_year, 1 if at == province else 0)
        if key not in best or rank > best[key][0]:
            best[key] = (rank, value, at, set_year)
    values = {key: best[key][1] if key in best else None for key in PARAMETERS}
    sources = {key: (best[key][2], best[key][3]) if key in best else None for key in PARAMETERS}
    return Policy(province=province, year=year, values=values, sources=sources)
