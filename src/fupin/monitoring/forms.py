from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from fupin.monitoring.models import Channel, RiskType
from fupin.registry import choices as c


class RiskFields(forms.Form):
    risk_types = forms.MultipleChoiceField(
        label=_("风险类型（可多选）"),
        choices=RiskType.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    difficulty = forms.CharField(
        label=_("困难情况"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ApplyForm(RiskFields):
    """The household's own application (public page)."""

    name = forms.CharField(label=_("姓名"), max_length=50)
    phone = forms.CharField(label=_("联系电话"), max_length=20)
    id_number = forms.CharField(label=_("身份证号码"), max_length=22)
    village = forms.CharField(label=_("所在村（社区）"), max_length=12, widget=forms.Select)
    field_order = ["name", "phone", "id_number", "village", "risk_types", "difficulty"]

    def __init__(self, *args, villages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].widget.choices = [("", "—"), *villages]


class StaffLeadForm(RiskFields):
    """A written or hotline (12317) application, entered by staff."""

    channel = forms.ChoiceField(
        label=_("渠道"),
        choices=[
            (Channel.WRITTEN, Channel.WRITTEN.label),
            (Channel.HOTLINE, Channel.HOTLINE.label),
        ],
    )
    name = forms.CharField(label=_("申请人姓名"), max_length=50, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    id_number = forms.CharField(label=_("身份证号码"), max_length=22, required=False)
    village = forms.CharField(label=_("所在村（社区）"), max_length=12, widget=forms.Select)
    amount = forms.DecimalField(
        label=_("涉及金额（元）"), required=False, min_value=0, decimal_places=2
    )
    field_order = [
        "channel",
        "name",
        "phone",
        "id_number",
        "village",
        "risk_types",
        "difficulty",
        "amount",
    ]

    def __init__(self, *args, villages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].widget.choices = [("", "—"), *villages]


class CadreReportForm(RiskFields):
    """A cadre's report from the household page: the risk types, a line if wanted."""


class CheckForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("核实结果"),
        choices=[
            ("procedure", _("存在返贫致贫风险，启动纳入监测程序")),
            ("monitored", _("已是监测对象，并入现有监测")),
            ("closed", _("核实后不纳入监测")),
        ],
        widget=forms.RadioSelect,
    )
    target_kind = forms.ChoiceField(
        label=_("拟纳入类型"),
        required=False,
        choices=[("", "—")] + [(t, c.HouseholdType(t).label) for t in c.MONITORED_TYPES],
    )
    household_number = forms.CharField(
        label=_("关联农户（户编号）"),
        required=False,
        max_length=40,
        help_text=_("线索尚未关联农户时填写本县的户编号。"),
    )
    reason = forms.CharField(
        label=_("核实情况"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class StatusForm(forms.Form):
    receipt = forms.CharField(label=_("受理编号"), max_length=20)


class WarningUploadForm(forms.Form):
    """A department file; county staff pick the department, department users send their own."""

    department = forms.ChoiceField(label=_("部门"), choices=())
    file = forms.FileField(label=_("文件"), help_text=_("部门预警文件：.xlsx、.xls 或 .csv"))

    def __init__(self, *args, departments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = list(departments)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".xlsx", ".xls", ".csv")):
            raise forms.ValidationError(_("只能导入 .xlsx、.xls 或 .csv 文件。"))
        if upload.size == 0:
            raise forms.ValidationError(_("文件是空的。"))
        return upload


class WarningRulesForm(forms.Form):
    """A county's thresholds for one department: one field per setting."""

    basis = forms.CharField(label=_("依据（文件名称和文号）"), max_length=200, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, spec, current: dict, **kwargs):
        from fupin.monitoring.warning_specs import list_options

        super().__init__(*args, **kwargs)
        self.spec = spec
        for setting in spec.settings:
            value = current.get(setting.key)
            if setting.kind == "list":
                self.fields[setting.key] = forms.MultipleChoiceField(
                    label=setting.label,
                    choices=[(o, o) for o in list_options(spec, setting.key)],
                    widget=forms.CheckboxSelectMultiple,
                    required=False,
                    initial=value,
                )
            elif setting.kind == "amount":
                self.fields[setting.key] = forms.DecimalField(
                    label=setting.label,
                    min_value=0,
                    max_digits=12,
                    decimal_places=2,
                    initial=value,
                )
            else:
                self.fields[setting.key] = forms.IntegerField(
                    label=setting.label, min_value=0, max_value=36500, initial=value
                )
        self.order_fields([s.key for s in spec.settings] + ["basis"])

    def values(self) -> dict:
        return {s.key: self.cleaned_data[s.key] for s in self.spec.settings}
