"""The dashboard's panels for one area and year, assembled from the analytics tables: each
panel is a table of numbers (a ``tables.Table``, also what its Excel download holds) and,
where a picture helps, a chart of the same numbers. Drill-down: the child areas' rows and
bars link to the child's own dashboard."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from fupin.monitoring.models import Channel, RiskType
from fupin.procedures.models import Kind
from fupin.reports import analytics, selectors, tables
from fupin.reports.selectors import CATEGORY_LABELS, Figures
from fupin.reports.tables import Table, text

EXIT_YEARS_LAST = 2020  # exits are charted 2014–2020, the years of targeted poverty alleviation


@dataclass
class Chart:
    title: str
    categories: list[str]
    values: list
    links: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return {
            "title": self.title,
            "categories": self.categories,
            "values": self.values,
            "links": self.links,
        }


@dataclass
class Panel:
    key: str
    title: str
    table: Table
    charts: list[Chart] = field(default_factory=list)
    links: list[str] = field(default_factory=list)  # per table row, for drill-down


def _categories(f: Figures, measure: str, labels: dict, keys=None) -> tuple[list, list]:
    found = f.values.get(measure, {})
    keys = list(keys) if keys is not None else sorted(found, key=lambda k: -found[k])
    return [str(labels.get(k, k or _("未填"))) for k in keys], [found.get(k, 0) for k in keys]


def build(*, actor, code: str, year: int, link) -> list[Panel]:
    """``link(code)`` gives the dashboard URL of another area (same year)."""
    build_ = selectors.build_or_raise()
    area = selectors.figures(actor=actor, code=code, year=year, build=build_)
    children = selectors.children(actor=actor, code=code, year=year, build=build_)
    panels = [_summary(area), _children(area, children, link)]
    panels.append(_exits(actor, area, build_))
    panels += [_monitoring(area), _leads(area), _procedures(area), _structure(area)]
    if area.level == "county":
        county = tables.county_exit(area, children)
        panels.append(Panel("county_exit", county.title, county))
    return panels


def _summary(f: Figures) -> Panel:
    rows = [
        [_("户数"), f.total("households")],
        [_("人数"), f.total("persons")],
        [_("贫困户数"), f.poor_households],
        [_("贫困人数"), f.poor_persons],
        [_("贫困发生率（%）"), text(f.incidence)],
        [_("当年脱贫户数"), f.total("exited_households")],
        [_("当年脱贫人数"), f.total("exited_persons")],
        [_("年末未退出的贫困村"), f.total("poverty_villages")],
        [_("监测户数"), f.monitored_households],
        [_("监测人数"), f.monitored_persons],
        [_("监测对象占比（%）"), text(f.monitored_share)],
    ]
    table = Table("summary", _("贫困和监测概况"), [_("指标"), _("数值")], rows)
    return Panel("summary", table.title, table)


def _children(area: Figures, children: list[Figures], link) -> Panel:
    header = [
        _("区域"),
        _("人数"),
        _("贫困人数"),
        _("贫困发生率（%）"),
        _("当年脱贫人数"),
        _("监测人数"),
        _("受理线索"),
    ]
    rows = [
        [
            child.name,
            child.total("persons"),
            child.poor_persons,
            text(child.incidence),
            child.total("exited_persons"),
            child.monitored_persons,
            child.total("leads"),
        ]
        for child in children
    ]
    links = [link(child.code) for child in children]
    table = Table("areas", _("下级区域"), header, rows)
    charts = []
    if children:
        charts.append(
            Chart(
                _("各区域贫困人数"),
                [child.name for child in children],
                [child.poor_persons for child in children],
                links,
            )
        )
        charts.append(
            Chart(
                _("各区域监测人数"),
                [child.name for child in children],
                [child.monitored_persons for child in children],
                links,
            )
        )
    return Panel("areas", table.title, table, charts, links)


def _exits(actor, area: Figures, build_) -> Panel:
    years = range(build_.first_year, min(EXIT_YEARS_LAST, build_.last_year) + 1)
    table = tables.exits(area, [], actor=actor, years=years)
    chart = Chart(
        _("分年度脱贫人数"),
        [str(row[0]) for row in table.rows],
        [row[2] for row in table.rows],
    )
    return Panel("exits", table.title, table, [chart])


def _monitoring(f: Figures) -> Panel:
    kinds = sorted(analytics.MONITORED)
    names, households = _categories(f, "kind_households", CATEGORY_LABELS["kind"], kinds)
    _names, persons = _categories(f, "kind_persons", CATEGORY_LABELS["kind"], kinds)
    risk_names, risk_counts = _categories(
        f, "lead_risk", dict(RiskType.choices), [r.value for r in RiskType]
    )
    rows = [[name, h, p] for name, h, p in zip(names, households, persons, strict=True)]
    rows.append([_("风险消除户数"), f.total("risk_eliminated"), ""])
    rows += [
        [f"{_('线索风险类型')}：{name}", count, ""]
        for name, count in zip(risk_names, risk_counts, strict=True)
    ]
    table = Table("monitoring", _("监测对象"), [_("类别"), _("户数"), _("人数")], rows)
    charts = [
        Chart(_("监测户（按监测类型）"), names, households),
        Chart(_("线索（按风险类型）"), risk_names, risk_counts),
    ]
    return Panel("monitoring", table.title, table, charts)


def _leads(f: Figures) -> Panel:
    channel_names, channel_counts = _categories(
        f, "leads", dict(Channel.choices), [c.value for c in Channel]
    )
    rows = [[name, count] for name, count in zip(channel_names, channel_counts, strict=True)]
    rows += [
        [_("受理线索合计"), f.total("leads")],
        [_("按期核实率（%）"), text(f.checked_in_time_rate)],
        [_("按期办结率（%）"), text(f.decided_in_time_rate)],
        [_("办结天数中位数"), text(f.median("lead_decision_days"))],
    ]
    table = Table("leads", _("监测线索和及时性"), [_("项目"), _("数值")], rows)
    return Panel(
        "leads", table.title, table, [Chart(_("线索（按渠道）"), channel_names, channel_counts)]
    )


def _procedures(f: Figures) -> Panel:
    kinds = [k.value for k in Kind]
    names, open_ = _categories(f, "procedures_open", dict(Kind.choices), kinds)
    _names, overdue = _categories(f, "procedures_overdue", dict(Kind.choices), kinds)
    rows = [[name, o, d] for name, o, d in zip(names, open_, overdue, strict=True)]
    table = Table(
        "procedures",
        _("办理中的程序"),
        [_("程序"), _("办理中"), _("已逾期")],
        rows,
        [_("当前情况（统计数据生成时），只在本年度显示。")],
    )
    return Panel("procedures", table.title, table, [Chart(_("办理中的程序"), names, open_)])


def _structure(f: Figures) -> Panel:
    rows, charts = [], []
    cause_names, cause_counts = _categories(f, "cause_households", CATEGORY_LABELS["cause"])
    rows += [[_("致贫原因"), n, v] for n, v in zip(cause_names, cause_counts, strict=True)]
    charts.append(Chart(_("贫困户主要致贫原因"), cause_names, cause_counts))
    for group, group_label in (("poor", _("贫困人口")), ("monitored", _("监测对象"))):
        for name, label in (
            ("school", _("在校情况")),
            ("health", _("健康状况")),
            ("labour", _("劳动能力")),
        ):
            names, counts = _categories(f, f"{group}_{name}", CATEGORY_LABELS[name])
            rows += [[f"{group_label}：{label}", n, v] for n, v in zip(names, counts, strict=True)]
            if group == "poor":
                charts.append(Chart(f"{group_label}{label}", names, counts))
    table = Table(
        "structure",
        _("致贫原因和人口结构"),
        [_("分类"), _("类别"), _("人数或户数")],
        rows,
        [_("致贫原因按贫困户计；在校、健康、劳动能力按贫困人口和监测对象的现有信息计。")],
    )
    return Panel("structure", table.title, table, charts)
