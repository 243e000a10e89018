from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from fupin.accounts.roles import Role


class CadreChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.display_name}（{Role(obj.role).label}）"


class PairingForm(forms.Form):
    cadre = CadreChoiceField(label=_("帮扶责任人"), queryset=None, empty_label=_("请选择"))
    reason = forms.CharField(
        label=_("原因"),
        max_length=200,
        required=False,
        help_text=_("如：新纳入监测、人员调整。"),
    )

    def __init__(self, *args, cadres, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cadre"].queryset = cadres
