"""The standard tables (统计报表): the figures of an area and the areas below it, laid out as
counties report them upward, written as Excel or PDF with a heading that says which area,
which year, the time of the data (the analytics build) and who printed it."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

import xlsxwriter
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fupin.monitoring.models import Channel, RiskType
from fupin.registry import choices as c
from fupin.reports import analytics, selectors
from fupin.reports.selectors import Figures


@dataclass
class Heading:
    area: str
    code: str
    year: int
    data_time: datetime
    printed_by: str
    printed_at: datetime = field(default_factory=timezone.now)

    def lines(self) -> list[str]:
        return [
            _("区域：%(a)s（%(c)s）") % {"a": self.area, "c": self.code},
            _("年度：%(y)s") % {"y": self.year},
            _("数据时间：%(t)s")
            % {"t": timezone.localtime(self.data_time).strftime("%Y-%m-%d %H:%M")},
            _("打印：%(u)s，%(t)s")
            % {
                "u": self.printed_by,
                "t": timezone.localtime(self.printed_at).strftime("%Y-%m-%d %H:%M"),
            },
        ]


@dataclass
class Table:
    key: str
    title: str
    header: list[str]
    rows: list[list]
    notes: list[str] = field(default_factory=list)


def _rows_by_area(area: Figures, children: list[Figures], cells: Callable[[Figures], list]):
    rows = [[child.name, *cells(child)] for child in children]
    rows.append([_("合计") if children else area.name, *cells(area)])
    return rows


def text(value) -> str:
    """A rate or median as a cell: empty when there is nothing to divide by."""
    return "" if value is None else str(value)


def households(area: Figures, children: list[Figures], **_kw) -> Table:
    kinds = list(c.HouseholdType)
    header = [_("区域"), _("总户数"), _("总人数")]
    for kind in kinds:
        header += [f"{kind.label}（{_('户')}）", f"{kind.label}（{_('人')}）"]
    header.append(_("贫困发生率（%）"))

    def cells(f: Figures) -> list:
        out = [f.total("households"), f.total("persons")]
        for kind in kinds:
            out += [f.total("kind_households", kind.value), f.total("kind_persons", kind.value)]
        return [*out, text(f.incidence)]

    return Table(
        "households",
        _("农户和人口（按区域和户类型）"),
        header,
        _rows_by_area(area, children, cells),
        [_("户类型为年末时点；人口为年末在册且在世的家庭成员。")],
    )


def exits(area: Figures, children: list[Figures], *, actor, years, **_kw) -> Table:
    households = selectors.series(
        actor=actor, code=area.code, measure="exited_households", years=years
    )
    persons = dict(
        selectors.series(actor=actor, code=area.code, measure="exited_persons", years=years)
    )
    rows, total_h, total_p = [], 0, 0
    for year, count in households:
        total_h += count
        total_p += persons[year]
        rows.append([year, count, persons[year], total_h, total_p])
    return Table(
        "exits",
        _("分年度脱贫"),
        [_("年度"), _("脱贫户数"), _("脱贫人数"), _("累计户数"), _("累计人数")],
        rows,
        [_("当年标注为脱贫户的农户及其人口。")],
    )


def monitored(area: Figures, children: list[Figures], **_kw) -> Table:
    kinds = sorted(analytics.MONITORED)
    labels = dict(c.HouseholdType.choices)
    risks = list(RiskType)
    header = [_("区域")]
    for kind in kinds:
        header += [f"{labels[kind]}（{_('户')}）", f"{labels[kind]}（{_('人')}）"]
    header += [_("监测对象占比（%）")]
    header += [f"{_('线索')}：{risk.label}" for risk in risks]

    def cells(f: Figures) -> list:
        out = []
        for kind in kinds:
            out += [f.total("kind_households", kind), f.total("kind_persons", kind)]
        out.append(text(f.monitored_share))
        return out + [f.total("lead_risk", risk.value) for risk in risks]

    return Table(
        "monitored",
        _("监测对象（按监测类型和风险类型）"),
        header,
        _rows_by_area(area, children, cells),
        [_("监测类型为年末时点；风险类型按当年受理的线索计（一条线索可有多个风险类型）。")],
    )


def leads(area: Figures, children: list[Figures], **_kw) -> Table:
    channels = list(Channel)
    header = [_("区域"), _("受理线索")]
    header += [str(channel.label) for channel in channels]
    header += [
        _("按期核实"),
        _("应核实"),
        _("按期核实率（%）"),
        _("按期办结"),
        _("应办结"),
        _("按期办结率（%）"),
        _("办结天数中位数"),
        _("风险消除户数"),
    ]

    def cells(f: Figures) -> list:
        return [
            f.total("leads"),
            *(f.total("leads", channel.value) for channel in channels),
            f.total("leads_checked_in_time"),
            f.total("leads_due_check"),
            text(f.checked_in_time_rate),
            f.total("leads_decided_in_time"),
            f.total("leads_due_decision"),
            text(f.decided_in_time_rate),
            text(f.median("lead_decision_days")),
            f.total("risk_eliminated"),
        ]

    return Table(
        "leads",
        _("监测线索和办理及时性"),
        header,
        _rows_by_area(area, children, cells),
        [_("按受理年度统计。应核实、应办结为已办理或已过期限的线索；按期指在期限当天或之前办理。")],
    )


def county_exit(area: Figures, children: list[Figures], **_kw) -> Table:
    from fupin.standards import indicators

    header = [_("指标"), _("数值（%）"), _("标准（%）"), _("是否达标")]
    if area.level != "county":
        return Table(
            "county_exit",
            _("贫困县退出指标"),
            header,
            [],
            [_("贫困县退出指标只对县级区域计算。")],
        )
    # From the figures already read (the analytics), not a second count of the villages.
    item = indicators.judged(
        indicators.AreaIndicators(
            area.code,
            area.name,
            area.level,
            registered_persons=area.total("persons"),
            registered_households=area.total("households"),
            poor_households=area.poor_households,
            poor_persons=area.poor_persons,
            exited_households=area.total("exited_households"),
            exited_persons=area.total("exited_persons"),
            monitored_households=area.monitored_households,
            monitored_persons=area.monitored_persons,
        ),
        area.year,
    )
    _record, result = indicators.county_exit_for(item, area.year)
    verdict = {True: _("达标"), False: _("未达标"), None: _("无法判断")}
    if result is None:
        rows = [
            [
                _("贫困发生率"),
                text(item.incidence),
                text(item.incidence_max),
                verdict[item.incidence_ok],
            ]
        ]
        notes = [_("尚未录入本年度的退出评估抽样数据，只列出贫困发生率。")]
    else:
        names = {
            "comprehensive_incidence": _("综合贫困发生率"),
            "wrong_exit_rate": _("错退率"),
            "missed_rate": _("漏评率"),
            "approval": _("群众认可度"),
        }
        rows = [
            [
                names[key],
                text(result[key]["value"]),
                text(result[key]["threshold"]),
                verdict[result[key]["ok"]],
            ]
            for key in names
        ]
        notes = [_("综合贫困发生率、错退率、漏评率不高于标准，群众认可度不低于标准为达标。")]
    return Table("county_exit", _("贫困县退出指标"), header, rows, notes)


TABLES: dict[str, tuple[object, Callable[..., Table]]] = {
    "households": (gettext_lazy("农户和人口（按区域和户类型）"), households),
    "exits": (gettext_lazy("分年度脱贫"), exits),
    "monitored": (gettext_lazy("监测对象（按监测类型和风险类型）"), monitored),
    "leads": (gettext_lazy("监测线索和办理及时性"), leads),
    "county_exit": (gettext_lazy("贫困县退出指标"), county_exit),
}


def make(key: str, *, actor, code: str, year: int) -> tuple[Table, Heading]:
    """The table ``key`` for the area ``code`` and ``year``, with its heading (raises
    KeyError for an unknown table, PermissionDenied outside the actor's scope)."""
    _label, builder = TABLES[key]
    build = selectors.build_or_raise()
    area = selectors.figures(actor=actor, code=code, year=year, build=build)
    children = selectors.children(actor=actor, code=code, year=year, build=build)
    first = build.first_year
    table = builder(area, children, actor=actor, years=range(first, min(year, 2020) + 1))
    name = getattr(actor, "full_name", "") or getattr(actor, "username", "") or _("系统")
    heading = Heading(area.name, code, year, build.finished_at or build.started_at, name)
    return table, heading


def to_xlsx(table: Table, heading: Heading) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False}
    )
    sheet = workbook.add_worksheet(table.title[:31])
    title = workbook.add_format({"bold": True, "font_size": 14})
    bold = workbook.add_format(
        {"bold": True, "bg_color": "#EDEDED", "border": 1, "text_wrap": True}
    )
    cell = workbook.add_format({"border": 1})
    sheet.write(0, 0, table.title, title)
    for index, line in enumerate(heading.lines(), start=1):
        sheet.write(index, 0, line)
    top = len(heading.lines()) + 2
    sheet.write_row(top, 0, table.header, bold)
    for index, row in enumerate(table.rows, start=top + 1):
        sheet.write_row(index, 0, row, cell)
    for offset, note in enumerate(table.notes, start=top + len(table.rows) + 2):
        sheet.write(offset, 0, note)
    sheet.set_column(0, 0, 18)
    sheet.set_column(1, len(table.header), 12)
    sheet.freeze_panes(top + 1, 1)
    workbook.close()
    return buffer.getvalue()


def to_pdf(table: Table, heading: Heading) -> bytes:
    """A4 landscape, the header row repeated on every page, columns shrunk to fit."""
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    from fupin.public.pdf import font

    path, index = font()
    pdf = FPDF(orientation="L", format="A4")
    pdf.set_title(table.title)
    pdf.set_creator("fupin")
    pdf.add_font("cjk", fname=path, collection_font_number=index)
    pdf.set_margins(10, 10, 10)
    pdf.set_auto_page_break(True, margin=12)
    pdf.add_page()
    pdf.set_font("cjk", size=16)
    pdf.cell(0, 10, table.title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=9)
    for line in heading.lines():
        pdf.cell(0, 5, line, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    columns = max(len(table.header), 1)
    size = 8 if columns <= 12 else 6 if columns <= 20 else 5
    pdf.set_font("cjk", size=size)
    with pdf.table(
        col_widths=[2] + [1] * (columns - 1) if columns > 1 else None,
        text_align="CENTER",
        repeat_headings=1,
        line_height=size * 0.55,
        # One face only (the embedded CJK font has no bold): the heading is shaded instead.
        headings_style=FontFace(emphasis="", fill_color=(237, 237, 237)),
    ) as grid:
        header = grid.row()
        for text in table.header:
            header.cell(str(text))
        for values in table.rows:
            row = grid.row()
            for value in values:
                row.cell("" if value is None else str(value))
    pdf.ln(3)
    pdf.set_font("cjk", size=9)
    for note in table.notes:
        pdf.multi_cell(0, 5, note, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
