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
