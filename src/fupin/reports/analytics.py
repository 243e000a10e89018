"""Rebuilding the analytics tables: set-based SQL, year by year, inside the database (no row
passes through Python except the few thousand leads), into a new build that replaces the
current one only when complete.

The definitions are those of :mod:`fupin.standards.indicators`, so that both give the same
numbers: a household counts in a year when it has members alive at the year end; its 户类型
is the poverty designation open at the year end; it exited in the year when a 脱贫户
designation starts in it."""

from __future__ import annotations

import logging
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import date

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from fupin.core import audit, bulk
from fupin.regions import codes
from fupin.registry import choices as c
from fupin.reports.models import AreaMeasure, Build, HouseholdYear

logger = logging.getLogger(__name__)

POOR = tuple(sorted(t.value for t in c.POOR_TYPES))
MONITORED = tuple(sorted(t.value for t in c.MONITORED_TYPES))

# Every membership once, with the day it stops counting (leaving the household or the
# person's death, whichever is first) and the member's school, health and labour: a narrow
# staging table read once per year instead of joining memberships and persons thirteen times.
_SPANS = """
CREATE TEMPORARY TABLE fupin_spans AS
SELECT m.household_id, m.start,
  CASE WHEN m."end" IS NULL THEN p.death_date
       WHEN p.death_date IS NULL OR m."end" < p.death_date THEN m."end"
       ELSE p.death_date END AS stop,
  p.school_status, p.health, p.labour_capacity
FROM registry_membership m JOIN registry_person p ON p.id = m.person_id
WHERE m.start <= %s
"""
_HOUSEHOLDS = """
INSERT INTO reports_householdyear
  (build, year, household_id, village, kind, persons, exited, main_cause)
SELECT %s, %s, h.id, h.region_id, COALESCE(k.kind, ''), s.n,
  CASE WHEN e.household_id IS NULL THEN 0 ELSE 1 END, h.main_cause
FROM (
  SELECT s.household_id, COUNT(*) AS n FROM fupin_spans s
  WHERE s.start <= %s AND (s.stop IS NULL OR s.stop > %s)
  GROUP BY s.household_id) s
JOIN registry_household h ON h.id = s.household_id
LEFT JOIN (
  SELECT household_id, MAX(kind) AS kind FROM registry_designation
  WHERE category = 'poverty' AND start <= %s AND ("end" IS NULL OR "end" >= %s)
  GROUP BY household_id) k ON k.household_id = h.id
LEFT JOIN (
  SELECT DISTINCT household_id FROM registry_designation
  WHERE category = 'poverty' AND kind = %s AND start >= %s AND start <= %s) e
  ON e.household_id = h.id
"""

# The year's households summed once per village, 户类型 and main cause; the measures below
# are sums of this small table rather than five scans of the year's households.
_SUMS = """
CREATE TEMPORARY TABLE fupin_sums AS
SELECT village, kind, main_cause, COUNT(*) AS households, SUM(persons) AS persons
FROM reports_householdyear WHERE build = %s AND year = %s
GROUP BY village, kind, main_cause
"""

# Measures summed from the year's sums: (measure, category expression, value, filter).
_FROM_HOUSEHOLDS = [
    ("households", "''", "SUM(households)", ""),
    ("persons", "''", "SUM(persons)", ""),
    ("kind_households", "kind", "SUM(households)", "kind <> ''"),
    ("kind_persons", "kind", "SUM(persons)", "kind <> ''"),
    ("cause_households", "main_cause", "SUM(households)", "kind IN ({poor}) AND main_cause <> ''"),
]

# Exits of the year: every household whose 脱贫户 designation starts in it, with its members
# at the year end, or, for a household whose members were only recorded later (a registry
# first imported at the end of 2019 holds the exits of 2014–2018 that way), its members on
# the day they were first recorded.
_COUNTED = """
SELECT e.household_id, h.region_id AS village, SUM(CASE
    WHEN m.start <= a.day AND (m."end" IS NULL OR m."end" > a.day)
     AND (p.death_date IS NULL OR p.death_date > a.day) THEN 1 ELSE 0 END) AS n
FROM (SELECT DISTINCT household_id FROM registry_designation
      WHERE category = 'poverty' AND kind = %s AND start >= %s AND start <= %s) e
JOIN (SELECT m.household_id,
        CASE WHEN MIN(m.start) > %s THEN MIN(m.start) ELSE %s END AS day
      FROM registry_membership m
      WHERE m.household_id IN (
        SELECT household_id FROM registry_designation
        WHERE category = 'poverty' AND kind = %s AND start >= %s AND start <= %s)
      GROUP BY m.household_id) a ON a.household_id = e.household_id
JOIN registry_household h ON h.id = e.household_id
JOIN registry_membership m ON m.household_id = e.household_id
JOIN registry_person p ON p.id = m.person_id
GROUP BY e.household_id, h.region_id
"""


def exit_counts(region_code: str, year: int) -> dict[str, tuple[int, int]]:
    """Exited households and persons of ``year`` per village inside ``region_code``, by the
    definition above, straight from the registry."""
    end, start = date(year, 12, 31), date(year, 1, 1)
    # Only this module's constant SQL is interpolated; every value is a parameter.
    sql = (
        f"SELECT x.village, COUNT(*), SUM(x.n) FROM ({_COUNTED}) x"  # noqa: S608
        " WHERE x.n > 0 AND x.village LIKE %s GROUP BY x.village"
    )
    with connection.cursor() as cursor:
        exited = c.HouseholdType.EXITED.value
        like = f"{codes.prefix(region_code)}%" if region_code else "%"
        cursor.execute(sql, [exited, start, end, end, end, exited, start, end, like])
        return {row[0]: (int(row[1]), int(row[2] or 0)) for row in cursor.fetchall()}


# The poor and monitored members' school, health and labour (their current attributes, in
# the households as they stood at the year end), counted once per group into a small table
# from which each attribute is summed.
_MEMBERS = """
CREATE TEMPORARY TABLE fupin_members AS
SELECT hy.village, COALESCE(s.school_status, '') AS school_status,
  COALESCE(s.health, '') AS health, COALESCE(s.labour_capacity, '') AS labour_capacity,
  COUNT(*) AS n
FROM reports_householdyear hy JOIN fupin_spans s ON s.household_id = hy.household_id
WHERE hy.build = %s AND hy.year = %s AND hy.kind IN ({kinds})
  AND s.start <= %s AND (s.stop IS NULL OR s.stop > %s)
GROUP BY hy.village, COALESCE(s.school_status, ''), COALESCE(s.health, ''),
  COALESCE(s.labour_capacity, '')
"""
_MEMBER_COLUMNS = {"school": "school_status", "health": "health", "labour": "labour_capacity"}


def years(today: date | None = None) -> tuple[int, int]:
    today = today or timezone.localdate()
    return settings.FUPIN_ANALYTICS_FIRST_YEAR, today.year


def rebuild(
    *,
    actor=None,
    trigger: str = "command",
    today: date | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> Build:
    """Write a new build of the analytics tables and make it current; older builds are
    dropped afterwards. Returns the finished build."""
    today = today or timezone.localdate()
    first, last = years(today)
    progress = progress or (lambda done, total, message: None)
    with transaction.atomic():
        build = Build.objects.create(
            status=Build.Status.RUNNING,
            trigger=trigger,
            started_by=actor if getattr(actor, "is_authenticated", False) else None,
            first_year=first,
            last_year=last,
        )
    start = time.perf_counter()
    steps = last - first + 2
    _analyze()
    try:
        with transaction.atomic():
            _spans(date(last, 12, 31))
        for index, year in enumerate(range(first, last + 1)):
            progress(index, steps, str(year))
            with transaction.atomic():
                _year(build.pk, year)
        progress(steps - 1, steps, "leads")
        with transaction.atomic():
            _leads(build.pk, first, last, today)
            _current(build.pk, last)
            _roll_up(build.pk)
    except Exception as error:
        _drop_temporary("fupin_spans", "fupin_sums", "fupin_members")
        Build.objects.filter(pk=build.pk).update(status=Build.Status.FAILED, message=str(error))
        _drop(build.pk)
        raise
    _drop_temporary("fupin_spans")
    with transaction.atomic():
        build.household_rows = HouseholdYear.objects.filter(build=build.pk).count()
        build.measure_rows = AreaMeasure.objects.filter(build=build.pk).count()
        build.status = Build.Status.DONE
        build.finished_at = timezone.now()
        build.seconds = time.perf_counter() - start
        build.save()
        audit.record(
            actor=actor,
            action="analytics.rebuild",
            target=build,
            after={
                "years": [first, last],
                "household_rows": build.household_rows,
                "measure_rows": build.measure_rows,
                "seconds": round(build.seconds, 1),
            },
        )
    # Only older builds go: a rebuild started after this one (running alongside) keeps its
    # rows and, being newer, becomes current when it finishes.
    older = Build.objects.filter(pk__lt=build.pk)
    for old in older.values_list("pk", flat=True):
        _drop(old)
    older.delete()
    progress(steps, steps, "done")
    return build


def _analyze() -> None:
    # After a large import the planner may still believe the tables nearly empty.
    bulk.analyze(
        "registry_membership", "registry_person", "registry_household", "registry_designation"
    )


def current() -> Build | None:
    """The build readers use: the newest complete one."""
    return Build.objects.filter(status=Build.Status.DONE).order_by("-id").first()


def _drop(build: int) -> None:
    with transaction.atomic():
        HouseholdYear.objects.filter(build=build)._raw_delete(HouseholdYear.objects.db)
        AreaMeasure.objects.filter(build=build)._raw_delete(AreaMeasure.objects.db)


def _marks(values) -> str:
    return ", ".join(["%s"] * len(values))


def _tune(cursor) -> None:
    """PostgreSQL: enough memory for the year's hash joins and aggregates to stay off disk
    (the default 4 MB spills a county's households in batches), and no JIT, which spends
    about a second compiling each of these one-off statements."""
    if connection.vendor == "postgresql":
        cursor.execute("SELECT set_config('work_mem', %s, true)", [settings.FUPIN_PG_WORK_MEM])
        cursor.execute("SET LOCAL jit = off")


def _drop_temporary(*tables: str) -> None:
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"DROP TABLE IF EXISTS {table}")


def _spans(last_day: date) -> None:
    _drop_temporary("fupin_spans")
    with connection.cursor() as cursor:
        _tune(cursor)
        cursor.execute(_SPANS, [last_day])
        cursor.execute("CREATE INDEX fupin_spans_household ON fupin_spans (household_id)")
        # Temporary tables get no automatic statistics; the member counts join on this one.
        cursor.execute("ANALYZE fupin_spans")


def _year(build: int, year: int) -> None:
    end, start = date(year, 12, 31), date(year, 1, 1)
    with connection.cursor() as cursor:
        _tune(cursor)
        cursor.execute(
            _HOUSEHOLDS,
            [build, year, end, end, end, end, c.HouseholdType.EXITED.value, start, end],
        )
        _drop_temporary("fupin_sums")
        cursor.execute(_SUMS, [build, year])
        for measure, category, value, condition in _FROM_HOUSEHOLDS:
            where = f"WHERE {condition.format(poor=_marks(POOR))}" if condition else ""
            params = [build, year, measure]
            if "{poor}" in condition:
                params += list(POOR)
            # PostgreSQL refuses a constant in GROUP BY: measures without a category are
            # grouped by the village alone.
            group = "village" if category == "''" else f"village, {category}"
            # The expressions come from _FROM_HOUSEHOLDS (constants); values are parameters.
            cursor.execute(
                "INSERT INTO reports_areameasure (build, year, area, measure, category, value)"  # noqa: S608
                f" SELECT %s, %s, village, %s, {category}, {value}"
                f" FROM fupin_sums {where} GROUP BY {group}",
                params,
            )
        cursor.execute("DROP TABLE fupin_sums")
        exits: Counter = Counter()
        for village, (households, persons) in exit_counts("", year).items():
            exits[(year, village, "exited_households", "")] = households
            exits[(year, village, "exited_persons", "")] = persons
        _insert(build, exits)
        for group, kinds in (("poor", POOR), ("monitored", MONITORED)):
            _drop_temporary("fupin_members")
            cursor.execute(_MEMBERS.format(kinds=_marks(kinds)), [build, year, *kinds, end, end])
            for name, column in _MEMBER_COLUMNS.items():
                # Column names come from _MEMBER_COLUMNS (constants).
                cursor.execute(
                    "INSERT INTO reports_areameasure (build, year, area, measure, category, value)"  # noqa: S608
                    f" SELECT %s, %s, village, %s, {column}, SUM(n) FROM fupin_members"
                    f" GROUP BY village, {column}",
                    [build, year, f"{group}_{name}"],
                )
            cursor.execute("DROP TABLE fupin_members")
        # Risk eliminations recorded in the year; poverty villages still flagged after the
        # year end (a village that exits in the year has its flag end on 31 December).
        cursor.execute(
            "INSERT INTO reports_areameasure (build, year, area, measure, category, value)"
            " SELECT %s, %s, h.region_id, 'risk_eliminated', '', COUNT(*)"
            " FROM registry_householdevent ev JOIN registry_household h ON h.id = ev.household_id"
            " WHERE ev.kind = %s AND ev.date >= %s AND ev.date <= %s GROUP BY h.region_id",
            [build, year, c.EventKind.RISK_ELIMINATED.value, start, end],
        )
        cursor.execute(
            "INSERT INTO reports_areameasure (build, year, area, measure, category, value)"
            " SELECT %s, %s, region_id, 'poverty_villages', '', COUNT(*)"
            " FROM regions_regionflag WHERE kind = 'poverty_village'"
            ' AND start <= %s AND ("end" IS NULL OR "end" > %s) GROUP BY region_id',
            [build, year, end, end],
        )


# Each level's code from a village's: its first digits, then zeros (constants, so that the
# GROUP BY expression is the SELECT's own on every database).
_LEVELS = [
    (level, codes.PREFIX_LENGTH[level]) for level in ("township", "county", "city", "province")
]


def _roll_up(build: int) -> None:
    """Sum the villages' rows up to every area above them."""
    with connection.cursor() as cursor:
        for level, width in _LEVELS:
            area = f"substr(area, 1, {width}) || '{'0' * (12 - width)}'"
            cursor.execute(
                "INSERT INTO reports_areameasure"  # noqa: S608 (constants only)
                " (build, year, level, area, measure, category, value)"
                f" SELECT build, year, %s, {area}, measure, category, SUM(value)"
                " FROM reports_areameasure WHERE build = %s AND level = 'village'"
                f" GROUP BY build, year, {area}, measure, category",
                [level, build],
            )


def _leads(build: int, first: int, last: int, today: date) -> None:
    """Leads by the year they were received: channel (the first source's), risk types,
    timeliness (as monitoring.timeliness counts it), and days to the decision as a
    histogram, so that a median can be taken over any area."""
    from fupin.monitoring.models import Lead, LeadSource

    counts: Counter = Counter()
    first_channel: dict[int, str] = {}
    for lead_id, channel in (
        LeadSource.objects.order_by("lead_id", "received_at", "id")
        .values_list("lead_id", "channel")
        .iterator(chunk_size=5000)
    ):
        first_channel.setdefault(lead_id, channel)
    leads = Lead.objects.filter(received_on__year__gte=first, received_on__year__lte=last)
    for lead in leads.values(
        "id",
        "region_id",
        "received_on",
        "risk_types",
        "status",
        "check_due",
        "checked_on",
        "decision_due",
        "decided_on",
    ).iterator(chunk_size=5000):
        key = (lead["received_on"].year, lead["region_id"])
        counts[(*key, "leads", first_channel.get(lead["id"], ""))] += 1
        for risk in filter(None, lead["risk_types"].split(";")):
            counts[(*key, "lead_risk", risk)] += 1
        counts[(*key, "lead_status", lead["status"])] += 1
        checked, decided = lead["checked_on"], lead["decided_on"]
        if checked is not None or lead["check_due"] < today:
            counts[(*key, "leads_due_check", "")] += 1
        if checked is not None and checked <= lead["check_due"]:
            counts[(*key, "leads_checked_in_time", "")] += 1
        if decided is not None or lead["decision_due"] < today:
            counts[(*key, "leads_due_decision", "")] += 1
        if decided is not None:
            counts[(*key, "lead_decision_days", str((decided - lead["received_on"]).days))] += 1
            if decided <= lead["decision_due"]:
                counts[(*key, "leads_decided_in_time", "")] += 1
    _insert(build, counts)


def _current(build: int, year: int) -> None:
    """What is under way now (counted in the current year): procedures in flight and overdue
    by kind, and current monitored households by risk type (from their monitoring's leads)."""
    from fupin.procedures.models import Procedure, Step

    counts: Counter = Counter()
    overdue = set(
        Step.objects.filter(status="open", flag="overdue").values_list("procedure_id", flat=True)
    )
    for pk, region, kind in Procedure.objects.filter(status=Procedure.Status.OPEN).values_list(
        "pk", "region_id", "kind"
    ):
        counts[(year, region, "procedures_open", kind)] += 1
        if pk in overdue:
            counts[(year, region, "procedures_overdue", kind)] += 1
    _insert(build, counts)


def _insert(build: int, counts: Counter) -> None:
    rows = defaultdict(int)
    for key, value in counts.items():
        rows[key] += value
    AreaMeasure.objects.bulk_create(
        [
            AreaMeasure(
                build=build, year=year, area=village, measure=measure, category=cat, value=v
            )
            for (year, village, measure, cat), v in rows.items()
        ],
        batch_size=2000,
    )
