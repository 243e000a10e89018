from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from fupin.regions.models import FlagKind
from fupin.registry import choices as c
from fupin.registry.models import Household, Person
from fupin.registry.services import HOUSEHOLD_FIELDS, MEMBER_FIELDS

YES_NO_UNKNOWN = [("", _("未知")), ("true", _("是")), ("false", _("否"))]


def _tristate(field: forms.Field) -> forms.Field:
    return forms.TypedChoiceField(
        label=field.label,
        required=False,
        choices=YES_NO_UNKNOWN,
        coerce=lambda v: {"true": True, "false": False}.get(v),
        empty_value=None,
    )


class _TriStateMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in list(self.fields.items()):
            if isinstance(field, forms.NullBooleanField):
                self.fields[name] = _tristate(field)
                if self.instance and getattr(self.instance, name, None) is not None:
                    self.initial[name] = "true" if getattr(self.instance, name) else "false"


class HouseholdFilterForm(forms.Form):
    q = forms.CharField(label=_("姓名、户编号或证件号码"), required=False, max_length=40)
    household_type = forms.ChoiceField(
        label=_("户类型"), required=False, choices=[("", _("全部")), *c.HouseholdType.choices]
    )
    designation_category = forms.ChoiceField(
        label=_("类别"),
        required=False,
        choices=[("", _("全部")), ("poor", _("贫困户（未脱贫）")), ("monitored", _("监测对象"))],
    )
    main_cause = forms.ChoiceField(
        label=_("主要致贫原因"), required=False, choices=[("", _("全部")), *c.Cause.choices]
    )
    identification_year = forms.IntegerField(
        label=_("识别年度"), required=False, min_value=2014, max_value=2100
    )
    exit_year = forms.IntegerField(
        label=_("脱贫年度"), required=False, min_value=2014, max_value=2100
    )
    region_flag = forms.ChoiceField(
        label=_("所在村标识"), required=False, choices=[("", _("全部")), *FlagKind.choices]
    )


class HouseholdForm(_TriStateMixin, forms.ModelForm):
    phone = forms.CharField(
        label=_("联系电话"),
        required=False,
        max_length=20,
        help_text=_("留空表示不修改；现存号码只显示打码形式。"),
    )
    bank_account = forms.CharField(
        label=_("银行账号"), required=False, max_length=40, help_text=_("留空表示不修改。")
    )
    other_causes = forms.MultipleChoiceField(
        label=_("其他致贫原因（最多两项）"),
        required=False,
        choices=c.Cause.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    reason = forms.CharField(label=_("修改原因"), required=False, max_length=200)

    class Meta:
        model = Household
        fields = [f for f in HOUSEHOLD_FIELDS if f != "other_causes"]

    def personal_and_fields(self) -> dict:
        data = {k: self.cleaned_data[k] for k in self.Meta.fields}
        data["other_causes"] = list(self.cleaned_data.get("other_causes") or [])
        for key in ("phone", "bank_account"):
            if self.cleaned_data.get(key):
                data[key] = self.cleaned_data[key]
        return data


class HouseholdCreateForm(HouseholdForm):
    region = forms.ChoiceField(label=_("所在村"))
    number = forms.CharField(label=_("户编号"), max_length=40)
    household_type = forms.ChoiceField(label=_("户类型"), choices=c.HouseholdType.choices)
    identification_year = forms.IntegerField(
        label=_("识别年度"), required=False, min_value=2014, max_value=2100
    )

    field_order = ["region", "number", "household_type", "identification_year"]

    def __init__(self, *args, villages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [
            (v.code, f"{v.parent.name if v.parent else ''} {v.name}") for v in villages
        ]


class MemberForm(_TriStateMixin, forms.ModelForm):
    id_number = forms.CharField(
        label=_("证件号码"),
        max_length=30,
        help_text=_("18位身份证号（15位旧号自动升位），或20/22位残疾人证号。"),
    )
    reason = forms.CharField(label=_("变动原因"), required=False, max_length=200)

    class Meta:
        model = Person
        fields = MEMBER_FIELDS
        widgets = {"death_date": forms.DateInput(attrs={"type": "date"})}

    def member_fields(self) -> dict:
        return {k: self.cleaned_data[k] for k in MEMBER_FIELDS if k in self.cleaned_data}


class MemberEditForm(MemberForm):
    class Meta(MemberForm.Meta):
        pass

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["id_number"]


class IncomeForm(forms.Form):
    year = forms.IntegerField(label=_("收入年度"), min_value=2000, max_value=2100)
    wages = forms.DecimalField(label=_("工资性收入"), required=False, min_value=0, decimal_places=2)
    business = forms.DecimalField(
        label=_("生产经营性收入"), required=False, min_value=0, decimal_places=2
    )
    property_income = forms.DecimalField(
        label=_("财产性收入"), required=False, min_value=0, decimal_places=2
    )
    transfers = forms.DecimalField(
        label=_("转移性收入"), required=False, min_value=0, decimal_places=2
    )
    business_costs = forms.DecimalField(
        label=_("生产经营性支出"), required=False, min_value=0, decimal_places=2
    )
    rigid_spending = forms.DecimalField(
        label=_("刚性支出"), required=False, min_value=0, decimal_places=2
    )


class DesignationForm(forms.Form):
    kind = forms.ChoiceField(label=_("新的户类型"), choices=c.HouseholdType.choices)
    on = forms.DateField(label=_("变更日期"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("变更原因"), max_length=200)


class MemberRemoveForm(forms.Form):
    reason_code = forms.ChoiceField(
        label=_("减少原因"),
        choices=[
            (v, label)
            for v, label in c.MemberRemovalReason.choices
            if v not in (c.MemberRemovalReason.SPLIT, c.MemberRemovalReason.MERGE)
        ],
    )
    on = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("说明"), required=False, max_length=200)
