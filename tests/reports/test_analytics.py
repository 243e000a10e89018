"""The analytics tables reproduce the published figures from the demo data (scaled), give the
same numbers as the registry itself, and scale: twice the scale gives twice the counts and
the same rates."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection

from fupin.core import audit_sql
from fupin.demo.generator.allocation import scaled
from fupin.demo.load import demo_load
from fupin.reports import analytics, selectors
from fupin.reports.models import AreaMeasure, Build, HouseholdYear
from fupin.standards.indicators import _live_village_counts, area_indicators

pytestmark = pytest.mark.django_db

LONGHUI, GUCHENG = "430524000000", "420625000000"
SHUANGPAI, LIANYUAN = "431123000000", "431382000000"
SCALES = (0.01, 0.02)


def _flush() -> None:
    """Back to the migrated state: flush, then the national policy figures the migrations
    had seeded (the demo's procedures need their deadlines)."""
    from fupin.standards.models import PolicyValue
    from fupin.standards.parameters import seed_national_defaults

    audit_sql.remove(connection)
    call_command("flush", interactive=False, verbosity=0)
    audit_sql.install(connection)
    seed_national_defaults(PolicyValue)


def _figures(scale: float) -> dict:
    demo_load(scale=scale, seed=3)
    build = analytics.rebuild()
    longhui = selectors.figures(actor=None, code=LONGHUI, year=2019)
    gucheng = selectors.figures(actor=None, code=GUCHENG, year=2019)
    exits = selectors.series(
        actor=None, code=LONGHUI, measure="exited_households", years=range(2014, 2020)
    )
    exit_persons = selectors.series(
        actor=None, code=LONGHUI, measure="exited_persons", years=range(2014, 2020)
    )

    def exits_of(code, measure, years):
        return sum(
            n for _y, n in selectors.series(actor=None, code=code, measure=measure, years=years)
        )

    others = {
        "shuangpai_2014_2016": (
            exits_of(SHUANGPAI, "exited_households", range(2014, 2017)),
            exits_of(SHUANGPAI, "exited_persons", range(2014, 2017)),
        ),
        "lianyuan_persons": exits_of(LIANYUAN, "exited_persons", range(2014, 2020)),
    }
    live = {code: _live_village_counts(code, 2019) for code in (LONGHUI, GUCHENG)}
    analytic = {code: selectors.village_counts(build, code, 2019) for code in (LONGHUI, GUCHENG)}
    return {
        "build": build.pk,
        "longhui": longhui,
        "gucheng": gucheng,
        "exits": sum(n for _y, n in exits),
        "exit_persons": sum(n for _y, n in exit_persons),
        "others": others,
        "live": live,
        "analytic": analytic,
        "indicators": area_indicators(LONGHUI, 2019)[0],
    }


@pytest.fixture(scope="module")
def runs(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        out = {}
        try:
            for scale in SCALES:
                _flush()  # also restores the policy figures an earlier module's flush removed
                out[scale] = _figures(scale)
        finally:
            _flush()
        yield out


def near(value: int, figure: int, scale: float, slack: int = 2) -> bool:
    return abs(value - scaled(figure, scale)) <= slack


@pytest.mark.parametrize("scale", SCALES)
def test_longhui_2019_reproduces_the_published_figures_scaled(runs, scale):
    longhui = runs[scale]["longhui"]
    assert near(longhui.poor_households, 3_345, scale)
    assert near(longhui.poor_persons, 7_725, scale)
    assert abs(longhui.incidence - Decimal("0.68")) <= Decimal("0.02")
    assert near(longhui.total("exited_households"), 13_034, scale)
    assert near(longhui.total("exited_persons"), 39_926, scale)
    # 2014–2019, six exit years each within their rounding.
    assert near(runs[scale]["exits"], 63_153, scale, slack=6)
    assert near(runs[scale]["exit_persons"], 215_798, scale, slack=6)
    assert longhui.total("poverty_villages") == 0  # every poverty village exited by 2019


@pytest.mark.parametrize("scale", SCALES)
def test_gucheng_2019_exits_and_monitored_households_are_the_published_ones(runs, scale):
    gucheng = runs[scale]["gucheng"]
    assert near(gucheng.total("exited_households"), 210, scale)
    assert near(gucheng.total("exited_persons"), 470, scale)


@pytest.mark.parametrize("scale", SCALES)
def test_gucheng_monitored_and_the_other_counties_exits_are_the_published_ones(runs, scale):
    gucheng = runs[scale]["gucheng"]
    assert near(gucheng.monitored_households, 275, scale, slack=3)
    assert near(gucheng.monitored_persons, 736, scale, slack=3)
    households, persons = runs[scale]["others"]["shuangpai_2014_2016"]
    assert near(households, 3_490, scale, slack=3)
    assert near(persons, 14_225, scale, slack=3)
    assert near(runs[scale]["others"]["lianyuan_persons"], 143_674, scale, slack=6)


@pytest.mark.parametrize("scale", SCALES)
def test_the_analytics_give_the_registrys_own_numbers(runs, scale):
    assert runs[scale]["analytic"] == runs[scale]["live"]
    indicators = runs[scale]["indicators"]
    longhui = runs[scale]["longhui"]
    assert indicators.poor_persons == longhui.poor_persons
    assert indicators.incidence == longhui.incidence


def test_counts_scale_and_rates_stay(runs):
    small, large = (runs[s]["longhui"] for s in SCALES)
    ratio = SCALES[1] / SCALES[0]
    for measure in ("persons", "households", "exited_households", "exited_persons"):
        expected = small.total(measure) * ratio
        assert abs(large.total(measure) - expected) <= max(3, expected * 0.02), measure
    assert abs(large.incidence - small.incidence) <= Decimal("0.02")


def test_a_rebuild_replaces_the_current_build_and_drops_the_old_one(django_db_blocker):
    from tests import factories

    factories.region_tree()
    factories.make_household(household_type="poor_general", members=3)
    first = analytics.rebuild()
    second = analytics.rebuild()
    assert analytics.current() == second
    assert not Build.objects.filter(pk=first.pk).exists()
    assert not HouseholdYear.objects.filter(build=first.pk).exists()
    assert not AreaMeasure.objects.filter(build=first.pk).exists()
    this_year = second.last_year
    figures = selectors.figures(actor=None, code="430524000000", year=this_year)
    assert figures.poor_households == 1 and figures.poor_persons == 3


def test_without_a_build_the_statistics_say_so():
    with pytest.raises(selectors.NoAnalytics, match="统计数据尚未生成"):
        selectors.build_or_raise()


def test_a_median_from_a_histogram():
    from fupin.reports.selectors import Figures

    figures = Figures("430524000000", "隆回县", "county", 2026)
    figures.values["lead_decision_days"] = {"3": 1, "10": 2, "20": 1}
    assert figures.median("lead_decision_days") == Decimal("10.0")
    figures.values["lead_decision_days"] = {"3": 1, "11": 1}
    assert figures.median("lead_decision_days") == Decimal("7.0")
