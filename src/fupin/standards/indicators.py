"""Area indicators of a year, per village, township and county, from the registry as it
stood at 31 December (memberships, deaths and 户类型 designations are all dated):

- registered persons: members of the area's households at the year end, alive then;
- poor households and persons: households whose 户类型 at the year end is a poor type;
- incidence (贫困发生率) = poor persons ÷ registered persons;
- exits in the year: households whose 脱贫户 designation starts in the year;
- monitored households and persons (户类型 a monitoring type at the year end), and the
  monitored persons' share of registered persons, against the warning band.

County exit indicators (综合贫困发生率, 错退率, 漏评率, 群众认可度) combine the incidence with
the sampled counts of a CountyExitEvaluation. Every threshold comes from the policy."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import Decimal

from django.db import connection

from fupin.regions import codes
from fupin.regions.models import Region, RegionClass
from fupin.registry import choices as c
from fupin.standards.parameters import Policy, policy

_POOR = tuple(sorted(t.value for t in c.POOR_TYPES))
_MONITORED = tuple(sorted(t.value for t in c.MONITORED_TYPES))


@dataclass
class AreaIndicators:
    code: str
    name: str
    level: str
    registered_persons: int = 0
    registered_households: int = 0
    poor_households: int = 0
    poor_persons: int = 0
    exited_households: int = 0
    exited_persons: int = 0
    monitored_households: int = 0
    monitored_persons: int = 0
    incidence: Decimal | None = None  # percent
    monitored_share: Decimal | None = None  # percent of registered persons
    incidence_max: Decimal | None = None
    incidence_ok: bool | None = None
    share_band: tuple[Decimal | None, Decimal | None] = (None, None)
    share_in_band: bool | None = None
    county_exit: dict | None = field(default=None)

    def as_json(self) -> dict:
        data = asdict(self)
        for key, value in list(data.items()):
            if isinstance(value, Decimal):
                data[key] = str(value)
        data["share_band"] = [None if v is None else str(v) for v in self.share_band]
        return data


def percent(part: int, whole: int, places: Decimal = Decimal("0.01")) -> Decimal | None:
    """``part`` as a percentage of ``whole``, rounded to ``places``; None when nothing to
    divide by (a rate over no cases is not zero)."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(places)


_SQL = """
WITH members AS (
  SELECT h.region_id AS village, m.household_id
  FROM registry_membership m
  JOIN registry_person p ON p.id = m.person_id
  JOIN registry_household h ON h.id = m.household_id
  WHERE h.region_id LIKE %s AND m.start <= %s AND (m."end" IS NULL OR m."end" > %s)
    AND (p.death_date IS NULL OR p.death_date > %s)),
sizes AS (SELECT village, household_id, COUNT(*) AS n FROM members GROUP BY village, household_id),
kinds AS (
  SELECT d.household_id, d.kind FROM registry_designation d
  WHERE d.category = 'poverty' AND d.start <= %s AND (d."end" IS NULL OR d."end" >= %s)),
exits AS (
  SELECT DISTINCT d.household_id FROM registry_designation d
  WHERE d.category = 'poverty' AND d.kind = %s AND d.start >= %s AND d.start <= %s)
SELECT s.village, COUNT(*), SUM(s.n),
  SUM(CASE WHEN k.kind IN ({poor}) THEN 1 ELSE 0 END),
  SUM(CASE WHEN k.kind IN ({poor}) THEN s.n ELSE 0 END),
  SUM(CASE WHEN e.household_id IS NOT NULL THEN 1 ELSE 0 END),
  SUM(CASE WHEN e.household_id IS NOT NULL THEN s.n ELSE 0 END),
  SUM(CASE WHEN k.kind IN ({monitored}) THEN 1 ELSE 0 END),
  SUM(CASE WHEN k.kind IN ({monitored}) THEN s.n ELSE 0 END)
FROM sizes s
LEFT JOIN kinds k ON k.household_id = s.household_id
LEFT JOIN exits e ON e.household_id = s.household_id
GROUP BY s.village"""


def _village_counts(region_code: str, year: int) -> dict[str, list[int]]:
    """From the analytics tables when they have been built (the dashboards' numbers, without
    scanning the registry), else from the registry itself."""
    from fupin.reports import analytics
    from fupin.reports.selectors import village_counts

    build = analytics.current()
    if build is not None and build.first_year <= year <= build.last_year:
        return village_counts(build, region_code, year)
    return _live_village_counts(region_code, year)


def _live_village_counts(region_code: str, year: int) -> dict[str, list[int]]:
    end, start = date(year, 12, 31), date(year, 1, 1)
    marks = ", ".join(["%s"] * len(_POOR))
    sql = _SQL.format(poor=marks, monitored=", ".join(["%s"] * len(_MONITORED)))
    params = [f"{codes.prefix(region_code)}%", end, end, end, end, end]
    params += [c.HouseholdType.EXITED.value, start, end]
    # The IN lists appear twice each, in the order of the SELECT.
    params += [*_POOR, *_POOR, *_MONITORED, *_MONITORED]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        counts = {row[0]: [int(v or 0) for v in row[1:]] for row in cursor.fetchall()}
    # Exits by the analytics' definition (members recorded after the exit year count as of
    # the day they were recorded), so that both sources give the same numbers.
    from fupin.reports.analytics import exit_counts

    exits = exit_counts(region_code, year)
    for village in set(counts) | set(exits):
        row = counts.setdefault(village, [0] * 8)
        row[4], row[5] = exits.get(village, (0, 0))
    return counts


_FIELDS = [
    "registered_households",
    "registered_persons",
    "poor_households",
    "poor_persons",
    "exited_households",
    "exited_persons",
    "monitored_households",
    "monitored_persons",
]


def area_indicators(region_code: str, year: int) -> list[AreaIndicators]:
    """The area itself first, then each child area (down to villages), each with its
    figures and their comparison with the thresholds of its province."""
    region = Region.objects.get(code=region_code)
    villages = _village_counts(region_code, year)
    p = policy(region_code[:2], year)
    west = _region_class(region_code) == RegionClass.WEST
    children = list(Region.objects.filter(parent_id=region_code).order_by("code"))
    if region.level == "village":
        children = []
    out = []
    for area in [region, *children]:
        prefix = codes.prefix(area.code)
        totals = [0] * len(_FIELDS)
        for village, counts in villages.items():
            if village.startswith(prefix):
                totals = [a + b for a, b in zip(totals, counts, strict=True)]
        item = AreaIndicators(
            area.code, area.name, area.level, **dict(zip(_FIELDS, totals, strict=True))
        )
        _compare(item, p, west)
        out.append(item)
    return out


def judged(item: AreaIndicators, year: int) -> AreaIndicators:
    """``item``'s rates and their comparison with its province's thresholds of ``year`` (for
    figures counted elsewhere, e.g. the analytics tables)."""
    west = _region_class(item.code) == RegionClass.WEST
    _compare(item, policy(item.code[:2], year), west)
    return item


def _region_class(region_code: str) -> str:
    province = Region.objects.filter(code=f"{region_code[:2]}0000000000").first()
    return province.region_class if province else ""


def _compare(item: AreaIndicators, p: Policy, west: bool) -> None:
    item.incidence = percent(item.poor_persons, item.registered_persons)
    item.monitored_share = percent(item.monitored_persons, item.registered_persons)
    item.incidence_max = p.incidence_max_west if west else p.incidence_max_east_central
    if item.incidence is not None and item.incidence_max is not None:
        # Villages and townships exit "below" the line; counties are judged by the
        # comprehensive incidence of the evaluation (≤), see county_exit.
        item.incidence_ok = item.incidence < item.incidence_max
    item.share_band = (p.monitoring_share_low, p.monitoring_share_high)
    if item.monitored_share is not None and None not in item.share_band:
        low, high = item.share_band
        item.share_in_band = low <= item.monitored_share <= high


def county_exit(item: AreaIndicators, evaluation, p: Policy, west: bool) -> dict:
    """The four county exit indicators from the incidence and an evaluation record."""
    comprehensive = percent(
        item.poor_persons + evaluation.missed_persons + evaluation.wrong_exit_persons,
        item.registered_persons,
    )
    wrong = percent(evaluation.wrong_exit_persons, evaluation.sampled_exited_persons)
    missed = percent(evaluation.missed_persons, evaluation.sampled_other_persons)
    approval = percent(evaluation.approving_households, evaluation.surveyed_households)
    incidence_max = p.incidence_max_west if west else p.incidence_max_east_central

    def check(value, limit, at_most=True):
        if value is None or limit is None:
            return None
        return value <= limit if at_most else value >= limit

    rows = {
        "comprehensive_incidence": (
            comprehensive,
            incidence_max,
            check(comprehensive, incidence_max),
        ),
        "wrong_exit_rate": (wrong, p.wrong_exit_max, check(wrong, p.wrong_exit_max)),
        "missed_rate": (missed, p.missed_max, check(missed, p.missed_max)),
        "approval": (approval, p.approval_min, check(approval, p.approval_min, at_most=False)),
    }
    result = {
        key: {"value": value, "threshold": limit, "ok": ok}
        for key, (value, limit, ok) in rows.items()
    }
    oks = [r["ok"] for r in result.values()]
    result["meets_all"] = None if None in oks else all(oks)
    return result


def county_exit_for(county: AreaIndicators, year: int) -> tuple:
    """(evaluation record, its four indicators) of a county's year, or (None, None) while
    no sampled counts were entered."""
    from fupin.standards.models import CountyExitEvaluation

    record = CountyExitEvaluation.objects.filter(region_id=county.code, year=year).first()
    if record is None:
        return None, None
    west = _region_class(county.code) == RegionClass.WEST
    return record, county_exit(county, record, policy(county.code[:2], year), west)
