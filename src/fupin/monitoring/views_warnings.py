"""Department warnings: uploads (department users see their own department's only), what
became of each file, the outcomes of their leads, and the county's rules."""

from __future__ import annotations

import io

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from fupin.accounts import roles
from fupin.core import audit, jobs
from fupin.core.export import csv_response
from fupin.core.forms import apply_errors
from fupin.core.paging import page_of
from fupin.monitoring import selectors, services, tasks
from fupin.monitoring import warning_specs as specs
from fupin.monitoring.forms import WarningRulesForm, WarningUploadForm
from fupin.monitoring.template_file import write_warning_template
from fupin.monitoring.warning_import import effective_rules, may_upload
from fupin.registry.errors import StaleVersion


def _departments(user) -> list[tuple[str, str]]:
    labels = dict(roles.Department.choices)
    return [(d, labels[d]) for d in specs.DEPARTMENTS if may_upload(user, d)]


@login_required
@require_http_methods(["GET", "POST"])
def warning_list(request):
    departments = _departments(request.user)
    form = None
    if departments:
        form = WarningUploadForm(
            request.POST or None, request.FILES or None, departments=departments
        )
        if request.method == "POST" and form.is_valid():
            return _start(request, form)
    if request.method == "POST" and form is None:
        raise PermissionDenied(_("您不能导入部门预警数据。"))
    found = selectors.warning_uploads(
        actor=request.user, within=request.region_code, search=request.GET.get("q", "")
    )
    unread = selectors.department_notices(actor=request.user).filter(read_at__isnull=True)
    return render(
        request,
        "monitoring/warning_list.html",
        {
            "page": page_of(request, found),
            "form": form,
            "departments": departments,
            "unread": unread.count(),
            "may_set_rules": roles.may(request.user, roles.Capability.SET_WARNING_RULES),
        },
    )


def _start(request, form):
    upload = form.cleaned_data["file"]
    path = jobs.save_upload(upload)
    department = form.cleaned_data["department"]
    job = jobs.job_start(
        actor=request.user,
        kind="warnings_import",
        title=_("部门预警导入（%(d)s）：%(name)s")
        % {"d": roles.Department(department).label, "name": upload.name},
        task=tasks.warnings_import,
        params={"path": str(path), "filename": upload.name, "department": department},
    )
    return redirect("core:job_detail", pk=job.pk)


@login_required
@require_GET
def warning_detail(request, pk):
    upload = get_object_or_404(selectors.warning_uploads(actor=request.user), pk=pk)
    leads = list(selectors.warning_upload_leads(upload))
    outcomes = dict(
        selectors.department_notices(actor=request.user)
        .filter(lead__in=leads, department=upload.department)
        .values_list("lead_id", "outcome")
    )
    rows = [{"lead": lead, "outcome": outcomes.get(lead.pk, "")} for lead in leads]
    return render(request, "monitoring/warning_detail.html", {"upload": upload, "rows": rows})


@login_required
@require_GET
def warning_report(request, pk):
    upload = get_object_or_404(selectors.warning_uploads(actor=request.user), pk=pk)
    if not upload.report_file:
        raise Http404
    path = (settings.FUPIN_EXPORT_DIR / upload.report_file).resolve()
    if path.parent != settings.FUPIN_EXPORT_DIR.resolve() or not path.exists():
        raise Http404
    from django.db import transaction

    with transaction.atomic():
        audit.record(actor=request.user, action="warnings.report", target=upload)
    return FileResponse(open(path, "rb"), as_attachment=True, filename=path.name)


@login_required
@require_GET
def warning_export(request):
    found = selectors.warning_uploads(actor=request.user, within=request.region_code)
    header = [
        _("导入时间"),
        _("部门"),
        _("文件名"),
        _("读取"),
        _("拒绝"),
        _("未匹配"),
        _("匹配"),
        _("线索"),
    ]
    labels = dict(roles.Department.choices)

    def rows():
        for upload in found.iterator(chunk_size=500):
            yield [
                f"{upload.uploaded_at:%Y-%m-%d %H:%M}",
                labels.get(upload.department, upload.department),
                upload.filename,
                upload.read,
                upload.rejected,
                upload.unmatched,
                upload.matched,
                upload.leads,
            ]

    return csv_response("warning-uploads", header, rows())


@login_required
@require_GET
def warning_template(request, department):
    if department not in specs.SPECS:
        raise Http404
    buffer = io.BytesIO()
    write_warning_template(department, buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = content_disposition_header(
        True, f"预警模板-{roles.Department(department).label}.xlsx"
    )
    return response


@login_required
@require_http_methods(["GET", "POST"])
def outcome_list(request):
    """How the leads of the user's department ended; opening the page marks them read."""
    found = selectors.department_notices(actor=request.user, within=request.region_code)
    page = page_of(request, found)
    unread = [notice for notice in page if notice.read_at is None]
    if request.method == "POST":
        services.notices_read(actor=request.user, notices=unread)
        return redirect("monitoring:outcome_list")
    return render(request, "monitoring/outcome_list.html", {"page": page, "unread": unread})


@login_required
@require_GET
def rules_list(request):
    """Each department's thresholds as they hold in the user's county (or the defaults),
    and every county's own rules in scope."""
    county = _own_county(request.user)
    labels = dict(roles.Department.choices)
    effective = []
    if county:
        for department, spec in specs.SPECS.items():
            values = effective_rules(county, department)
            effective.append(
                {
                    "department": department,
                    "label": labels[department],
                    "settings": [(s.label, _shown(values[s.key])) for s in spec.settings],
                }
            )
    found = selectors.warning_rule_sets(
        actor=request.user, within=request.region_code, search=request.GET.get("q", "")
    )
    return render(
        request,
        "monitoring/rules_list.html",
        {
            "county": county,
            "effective": effective,
            "page": page_of(request, found),
            "labels": labels,
            "may_set": roles.may(request.user, roles.Capability.SET_WARNING_RULES),
        },
    )


def _shown(value) -> str:
    if isinstance(value, list):
        return "、".join(value) or "—"
    if isinstance(value, float) and value.is_integer():
        return f"{int(value):,}"
    return f"{value:,}" if isinstance(value, int | float) else str(value)


def _own_county(user) -> str | None:
    code = getattr(user, "region_id", None)
    return code[:6] + "000000" if code and len(code) == 12 and code[4:6] != "00" else None


@login_required
@require_http_methods(["GET", "POST"])
def rules_detail(request, pk):
    rules = get_object_or_404(selectors.warning_rule_sets(actor=request.user), pk=pk)
    if request.method == "POST":
        return _rules_edit(request, rules.region_id, rules.department)
    spec = specs.spec_for(rules.department)
    values = effective_rules(rules.region_id, rules.department)
    return render(
        request,
        "monitoring/rules_detail.html",
        {
            "rules": rules,
            "label": roles.Department(rules.department).label,
            "settings": [(s.label, _shown(values[s.key])) for s in spec.settings],
            "may_set": roles.may(request.user, roles.Capability.SET_WARNING_RULES),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def rules_edit(request, department):
    county = _own_county(request.user)
    if department not in specs.SPECS or county is None:
        raise Http404
    return _rules_edit(request, county, department)


def _rules_edit(request, county: str, department: str):
    if not roles.may(request.user, roles.Capability.SET_WARNING_RULES):
        raise PermissionDenied(_("只有县级乡村振兴部门可以设置部门预警规则。"))
    spec = specs.spec_for(department)
    own = (
        selectors.warning_rule_sets(actor=request.user)
        .filter(region_id=county, department=department)
        .first()
    )
    form = WarningRulesForm(
        request.POST or None,
        spec=spec,
        current=effective_rules(county, department),
        initial={"basis": own.basis if own else "", "version": own.version if own else None},
    )
    if request.method == "POST" and form.is_valid():
        try:
            rules = services.warning_rules_set(
                actor=request.user,
                county=county,
                department=department,
                values=form.values(),
                basis=form.cleaned_data["basis"],
                version=form.cleaned_data["version"],
            )
        except StaleVersion:
            messages.error(request, _("这些规则已被他人修改，请查看最新情况后再改。"))
            return redirect("monitoring:rules_list")
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("已保存预警规则。"))
            return redirect("monitoring:rules_detail", pk=rules.pk)
    return render(
        request,
        "monitoring/rules_edit.html",
        {"form": form, "label": roles.Department(department).label, "county": county},
    )


@login_required
@require_GET
def rules_export(request):
    found = selectors.warning_rule_sets(actor=request.user, within=request.region_code)
    labels = dict(roles.Department.choices)

    def rows():
        for rules in found.iterator(chunk_size=500):
            spec = specs.spec_for(rules.department)
            values = effective_rules(rules.region_id, rules.department)
            yield [
                rules.region.name,
                labels.get(rules.department, rules.department),
                "；".join(f"{s.label}：{_shown(values[s.key])}" for s in spec.settings),
                rules.basis,
                f"{rules.updated_at:%Y-%m-%d %H:%M}",
            ]

    header = [_("县"), _("部门"), _("预警规则"), _("依据"), _("修改时间")]
    return csv_response("warning-rules", header, rows())
