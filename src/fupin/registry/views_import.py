from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from fupin.accounts import roles
from fupin.core import jobs
from fupin.core.models import Job
from fupin.registry import tasks

ALLOWED = (".xlsx", ".xls", ".csv")
MAX_UPLOAD = 200 * 1024 * 1024


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("文件"), help_text=gettext_lazy("标准导入模板：.xlsx、.xls 或 .csv")
    )
    as_of = forms.DateField(
        label=gettext_lazy("数据日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("文件中的信息自哪一天起成立；留空为今天。"),
    )
    dry_run = forms.BooleanField(label=gettext_lazy("只校验，不写入"), required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(ALLOWED):
            raise forms.ValidationError(_("只能导入 .xlsx、.xls 或 .csv 文件。"))
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("文件超过 200MB，请分批导入。"))
        if upload.size == 0:
            raise forms.ValidationError(_("文件是空的。"))
        return upload


@login_required
@require_http_methods(["GET", "POST"])
def import_page(request):
    if not roles.may(request.user, roles.Capability.EDIT_REGISTRY):
        raise PermissionDenied(_("您的角色不能导入农户信息。"))
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        path = jobs.save_upload(upload)
        as_of = form.cleaned_data["as_of"]
        job = jobs.job_start(
            actor=request.user,
            kind="household_import",
            title=_("农户导入：%(name)s") % {"name": upload.name},
            task=tasks.household_import,
            params={
                "path": str(path),
                "filename": upload.name,
                "dry_run": form.cleaned_data["dry_run"],
                "as_of": as_of.isoformat() if as_of else None,
            },
        )
        return redirect("core:job_detail", pk=job.pk)
    recent = Job.objects.filter(owner=request.user, kind="household_import").order_by(
        "-created_at"
    )[:10]
    return render(request, "registry/import.html", {"form": form, "recent": recent})
