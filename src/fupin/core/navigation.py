"""The modules in the page shell's navigation. Later apps add their entries here, each
with the capability (if any) a user needs to see it."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from fupin.accounts import roles


@dataclass(frozen=True)
class Module:
    key: str
    label: Promise
    url_name: str
    capability: roles.Capability | None = None


MODULES: list[Module] = [
    Module("dashboard", _("工作台"), "core:dashboard"),
    Module("registry", _("农户信息"), "registry:household_list"),
    Module("persons", _("人员查询"), "registry:person_list"),
    Module("regions", _("行政区划"), "regions:list"),
    Module("policy", _("政策参数"), "standards:policy"),
    Module("evaluation", _("批量核验"), "standards:run_list"),
    Module("indicators", _("区域指标"), "standards:indicators"),
    Module("worklist", _("待办"), "procedures:worklist"),
    Module("procedures", _("程序与公示"), "procedures:list"),
    Module("leads", _("监测线索"), "monitoring:lead_list"),
    Module("register", _("监测对象"), "monitoring:register"),
    Module("timeliness", _("线索时效"), "monitoring:timeliness"),
    Module("warnings", _("部门预警"), "monitoring:warning_list"),
    Module("statistics", _("统计"), "reports:dashboard"),
    Module("tables", _("统计报表"), "reports:tables"),
    Module("jobs", _("后台任务"), "core:job_list"),
    Module("audit", _("审计日志"), "core:audit_list", roles.Capability.AUDIT_SEARCH),
    Module("users", _("账号管理"), "accounts:user_list", roles.Capability.MANAGE_USERS),
]


def modules_for(user) -> list[dict]:
    return [
        {"key": m.key, "label": m.label, "url": reverse(m.url_name)}
        for m in MODULES
        if m.capability is None or roles.may(user, m.capability)
    ]
