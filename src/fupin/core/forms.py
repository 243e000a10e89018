from __future__ import annotations

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _


def apply_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's validation errors on the form, beside the fields they concern."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


class AuditSearchForm(forms.Form):
    username = forms.CharField(label=_("操作人账号"), required=False, max_length=150)
    action = forms.CharField(label=_("操作"), required=False, max_length=60)
    target_type = forms.CharField(label=_("对象类型"), required=False, max_length=100)
    target_id = forms.CharField(label=_("对象编号"), required=False, max_length=64)
    request_id = forms.CharField(label=_("请求编号"), required=False, max_length=64)
    date_from = forms.DateField(
        label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise ValidationError(_("起始日期不能晚于截止日期。"))
        return data

    def filters(self) -> dict:
        """The cleaned filters, JSON-safe, for the selector and for a background export."""
        if not self.is_valid():
            return {}
        return {
            key: (value.isoformat() if hasattr(value, "isoformat") else value)
            for key, value in self.cleaned_data.items()
            if value
        }


__all__ = ["NON_FIELD_ERRORS", "AuditSearchForm", "apply_errors"]
