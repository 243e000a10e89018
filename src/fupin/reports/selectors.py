"""Reading the analytics tables: an area's figures for a year, and the same for each area one
level below (drill-down). Always through the reader's scope, always from the current build,
never from the registry."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import Sum
from django.utils.translation import gettext as _

from fupin.core import scope
from fupin.regions import codes
from fupin.regions.models import Region
from fupin.registry import choices as c
from fupin.reports import analytics
from fupin.reports.models import AreaMeasure, Build
from fupin.standards.indicators import percent

# The level below each level that has dashboards (villages are the last; groups have none).
CHILD = {level: codes.LEVELS[i + 1] for i, level in enumerate(codes.LEVELS[:4])}


@dataclass
class Figures:
    """One area's measures for one year: ``values[measure][category]``."""

    code: str
    name: str
    level: str
    year: int
    values: dict[str, dict[str, int]] = field(default_factory=lambda: defaultdict(dict))

    def total(self, measure: str, category: str | None = None) -> int:
        found = self.values.get(measure, {})
        if category is not None:
            return found.get(category, 0)
        return sum(found.values())

    @property
    def poor_households(self) -> int:
        return sum(self.total("kind_households", k) for k in analytics.POOR)

    @property
    def poor_persons(self) -> int:
        return sum(self.total("kind_persons", k) for k in analytics.POOR)

    @property
    def monitored_households(self) -> int:
        return sum(self.total("kind_households", k) for k in analytics.MONITORED)

    @property
    def monitored_persons(self) -> int:
        return sum(self.total("kind_persons", k) for k in analytics.MONITORED)

    @property
    def incidence(self) -> Decimal | None:
        return percent(self.poor_persons, self.total("persons"))

    @property
    def monitored_share(self) -> Decimal | None:
        return percent(self.monitored_persons, self.total("persons"))

    @property
    def checked_in_time_rate(self) -> Decimal | None:
        """Leads checked by their due day among those checked or past it."""
        return percent(self.total("leads_checked_in_time"), self.total("leads_due_check"))

    @property
    def decided_in_time_rate(self) -> Decimal | None:
        return percent(self.total("leads_decided_in_time"), self.total("leads_due_decision"))

    def median(self, measure: str) -> Decimal | None:
        """The median of a histogram measure (category = the value, value = how many)."""
        pairs = sorted((int(k), n) for k, n in self.values.get(measure, {}).items())
        count = sum(n for _k, n in pairs)
        if not count:
            return None
        wanted = [(count - 1) // 2, count // 2]
        found, seen = [], 0
        for value, n in pairs:
            while wanted and wanted[0] < seen + n:
                found.append(value)
                wanted.pop(0)
            seen += n
        return (Decimal(sum(found)) / len(found)).quantize(Decimal("0.1"))


class NoAnalytics(Exception):
    """No complete build yet: the statistics must be generated first."""


def build_or_raise() -> Build:
    build = analytics.current()
    if build is None:
        raise NoAnalytics(_("统计数据尚未生成，请先生成统计数据（fupin analytics rebuild）。"))
    return build


def area(code: str) -> Region:
    return Region.objects.get(code=code)


def figures(*, actor, code: str, year: int, build: Build | None = None) -> Figures:
    """The figures of the area ``code`` for ``year``: its own rows."""
    _require(actor, code)
    build = build or build_or_raise()
    region = area(code)
    out = Figures(code, region.name, region.level, year)
    rows = AreaMeasure.objects.filter(
        build=build.pk, year=year, level=region.level, area=code
    ).values_list("measure", "category", "value")
    for measure, category, value in rows:
        out.values[measure][category] = value
    return out


def children(*, actor, code: str, year: int, build: Build | None = None) -> list[Figures]:
    """The figures of each area one level below ``code`` (empty for a village)."""
    _require(actor, code)
    build = build or build_or_raise()
    region = area(code)
    child_level = CHILD.get(region.level)
    if child_level is None:
        return []
    names = {
        r.code: r for r in Region.objects.filter(parent_id=code, level=child_level).order_by("code")
    }
    out = {
        child_code: Figures(child_code, r.name, r.level, year) for child_code, r in names.items()
    }
    rows = AreaMeasure.objects.filter(
        build=build.pk, year=year, level=child_level, area__startswith=codes.prefix(code)
    ).values_list("area", "measure", "category", "value")
    for child_code, measure, category, value in rows:
        child = out.get(child_code)
        if child is not None:
            child.values[measure][category] = value
    return list(out.values())


def series(*, actor, code: str, measure: str, years: range, build: Build | None = None):
    """A measure's total for each year (exits 2014–2020, for instance)."""
    _require(actor, code)
    build = build or build_or_raise()
    rows = (
        AreaMeasure.objects.filter(
            build=build.pk,
            year__in=list(years),
            level=area(code).level,
            area=code,
            measure=measure,
        )
        .values("year")
        .annotate(total=Sum("value"))
    )
    found = {row["year"]: row["total"] for row in rows}
    return [(year, found.get(year, 0)) for year in years]


def _require(actor, code: str) -> None:
    if actor is not None and not scope.region_in_scope(actor, code):
        raise PermissionDenied(_("该数据不在您的管辖范围内。"))


# Labels for categories, for pages and tables.
CATEGORY_LABELS = {
    "kind": dict(c.HouseholdType.choices),
    "cause": dict(c.Cause.choices),
    "school": dict(c.SchoolStatus.choices),
    "health": dict(c.Health.choices),
    "labour": dict(c.LabourCapacity.choices),
}


# The per-village counts standards.indicators works from, in its field order.
_INDICATOR_FIELDS = [
    ("households", None),
    ("persons", None),
    ("kind_households", analytics.POOR),
    ("kind_persons", analytics.POOR),
    ("exited_households", None),
    ("exited_persons", None),
    ("kind_households", analytics.MONITORED),
    ("kind_persons", analytics.MONITORED),
]


def village_counts(build: Build, region_code: str, year: int) -> dict[str, list[int]]:
    """standards.indicators' village counts, from the analytics tables."""
    out: dict[str, list[int]] = defaultdict(lambda: [0] * len(_INDICATOR_FIELDS))
    measures = {m for m, _k in _INDICATOR_FIELDS}
    rows = AreaMeasure.objects.filter(
        build=build.pk,
        year=year,
        level="village",
        area__startswith=codes.prefix(region_code),
        measure__in=measures,
    ).values_list("area", "measure", "category", "value")
    for village, measure, category, value in rows.iterator(chunk_size=5000):
        for index, (name, kinds) in enumerate(_INDICATOR_FIELDS):
            if name == measure and (kinds is None or category in kinds):
                out[village][index] += value
    return dict(out)
