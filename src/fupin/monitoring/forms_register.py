"""Filters of the monitored register and the timeliness page (kept apart from the lead
forms in forms.py)."""

from __future__ import annotations

from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fupin.monitoring.models import RiskType
from fupin.registry import choices as c

_MONITORED_KINDS = [(k.value, k.label) for k in c.HouseholdType if k in c.MONITORED_TYPES]


class RegisterFilterForm(forms.Form):
    area = forms.ChoiceField(label=_("区域"), required=False)
    kind = forms.ChoiceField(
        label=_("监测类型"), required=False, choices=[("", _("全部")), *_MONITORED_KINDS]
    )
    risk_type = forms.ChoiceField(
        label=_("风险类型"), required=False, choices=[("", _("全部")), *RiskType.choices]
    )
    q = forms.CharField(label=_("查找"), required=False, max_length=50)

    def __init__(self, *args, areas: list[tuple[str, str]], history: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [("", _("全部")), *areas]
        self.fields["q"].widget.attrs["placeholder"] = _("户主姓名或户编号")
        if history:
            del self.fields["risk_type"]

    def value(self, name: str) -> str:
        """A filter's value; one the form refuses (an area outside the list) is ignored
        alone, the others still apply."""
        self.is_valid()
        return getattr(self, "cleaned_data", {}).get(name) or ""


class TimelinessForm(forms.Form):
    start = forms.DateField(
        label=_("受理日期自"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("至"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise ValidationError(_("起始日期不能晚于截止日期。"))
        return data

    def period(self) -> tuple[date, date]:
        """The chosen period; by default this year up to today."""
        today = timezone.localdate()
        data = self.cleaned_data if self.is_valid() else {}
        start = data.get("start") or date(today.year, 1, 1)
        return start, data.get("end") or max(today, start)
