from django import forms
from django.utils.translation import gettext_lazy as _


class RegionRenameForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100)
