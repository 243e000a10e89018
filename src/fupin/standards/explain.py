"""A verdict in words, for the household page: each criterion with its reason."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fupin.registry import choices as c
from fupin.standards.parameters import Policy
from fupin.standards.rules import CRITERIA
from fupin.standards.snapshot import yuan

LABELS = {
    "income": gettext_lazy("收入超过扶贫标准"),
    "food_clothing": gettext_lazy("不愁吃、不愁穿"),
    "education": gettext_lazy("义务教育有保障"),
    "medical": gettext_lazy("基本医疗有保障"),
    "housing": gettext_lazy("住房安全有保障"),
    "water": gettext_lazy("饮水安全有保障"),
}
STATUS = {
    "met": gettext_lazy("达标"),
    "not_met": gettext_lazy("未达标"),
    "unknown": gettext_lazy("缺少数据"),
}


def money(value) -> str:
    """Yuan as the page shows them: 7,900.00."""
    return "—" if value is None else f"{value:,.2f}"


def _whole(value) -> str:
    return "—" if value is None else str(int(value))


def _reason(name: str, status: str, v: dict, p: Policy) -> str:
    year = v["year"]
    if name == "income":
        if status == "unknown":
            return _("缺少 %(y)s 年收入，或收入项目未填全，或该年末无在册成员") % {"y": year}
        values = {
            "pc": money(yuan(v["per_capita_net_income"])),
            "y": year,
            "line": money(p.poverty_line),
            "n": v["members_counted"],
        }
        if status == "met":
            return _("人均纯收入 %(pc)s 元（%(n)s 人），高于 %(y)s 年扶贫标准 %(line)s 元") % values
        return _("人均纯收入 %(pc)s 元（%(n)s 人），未超过 %(y)s 年扶贫标准 %(line)s 元") % values
    ages = {"a": _whole(p.school_age_from), "b": _whole(p.school_age_to)}
    reasons = {
        ("food_clothing", "met"): _("已确认不愁吃、不愁穿"),
        ("food_clothing", "not_met"): _("登记为愁吃或愁穿"),
        ("food_clothing", "unknown"): _("未填写“不愁吃不愁穿”"),
        ("education", "met"): _("%(a)s–%(b)s 周岁成员均在校或送教上门（或无此年龄成员）") % ages,
        ("education", "not_met"): _("有 %(a)s–%(b)s 周岁成员辍学或未在校") % ages,
        ("education", "unknown"): _("有 %(a)s–%(b)s 周岁成员未填写在校生状况") % ages,
        ("medical", "met"): _("成员均参加基本医疗保险，慢性病患者均已签约"),
        ("medical", "not_met"): _("有成员未参加基本医疗保险，或慢性病患者未签约"),
        ("medical", "unknown"): _("有成员未填写医保、健康状况或慢病签约情况"),
        ("housing", "met"): _("住房安全等级为 A、B 级，或危房已改造、搬迁"),
        ("housing", "not_met"): _("住房为 C、D 级危房，且未改造或搬迁"),
        ("housing", "unknown"): _("未填写住房安全等级，或危房是否已改造、搬迁"),
        ("water", "met"): _("饮水安全"),
        ("water", "not_met"): _("饮水不安全"),
        ("water", "unknown"): _("未填写“饮水安全”"),
    }
    return reasons[(name, status)]


def explain(verdict: dict, p: Policy) -> dict:
    """Rows (label, status, reason) and the conclusions for the household page."""
    if "income" not in verdict:
        return {"year": verdict["year"], "criteria": [], "conclusions": []}
    criteria = [
        {
            "key": name,
            "label": LABELS[name],
            "status": verdict[name],
            "status_label": STATUS[verdict[name]],
            "reason": _reason(name, verdict[name], verdict, p),
        }
        for name in CRITERIA
    ]
    conclusions = []
    if verdict["exit_eligible"] is not None:
        conclusions.append(_("符合脱贫条件") if verdict["exit_eligible"] else _("暂不符合脱贫条件"))
    if verdict["monitoring_candidate"]:
        kind = c.HouseholdType(verdict["monitoring_kind"]).label
        why = {
            "income_below_threshold": _("人均纯收入低于监测范围 %(t)s 元")
            % {"t": money(p.monitoring_threshold)},
            "rigid_spending": _("刚性支出超过家庭纯收入"),
        }
        reasons = "；".join(why[r] for r in verdict["monitoring_reasons"].split(";") if r)
        conclusions.append(_("符合纳入监测条件（%(k)s）：%(r)s") % {"k": kind, "r": reasons})
    elif verdict["monitoring_candidate"] is False:
        conclusions.append(_("未达到纳入监测条件"))
    if verdict["risk_eliminable"] is not None:
        conclusions.append(
            _("符合风险消除条件") if verdict["risk_eliminable"] else _("暂不符合风险消除条件")
        )
    return {"year": verdict["year"], "criteria": criteria, "conclusions": conclusions}
